#!/bin/bash
# A reload closes the capture of an interface no instance uses any more,
# and opens one for an interface that comes back.
#
# One host, two links: 20 instances on eth0 and 20 on eth1, all alone, so
# all become MASTER.  The daemon's packet sockets are counted as in
# 260-pcap-per-iface.sh (its socket fds matched against /proc/net/packet
# of its namespace):
#   - at start: two, bound to eth0 and eth1;
#   - after a reload with the eth1 instances left out ("20 kept, 0
#     updated, 0 added, 20 removed"): one, bound to eth0; the eth1
#     instances ran their down scripts and their addresses are gone;
#   - after a reload with them back ("20 kept, 0 updated, 20 added, 0
#     removed"): two again, bound to eth0 and eth1, and the eth1
#     instances start as at boot (BACKUP, then MASTER with their up
#     scripts);
#   - the eth0 instances never change state nor run a script.
. "$(dirname "$0")/lib_reload.sh"
multi_init
mnet_make 1 2
H=1
D_EVENTS[H]=$TMPD/h1.events
: > "${D_EVENTS[H]}"
rl_script "$TMPD/up" up "${D_EVENTS[H]}" add
rl_script "$TMPD/down" down "${D_EVENTS[H]}" del
CONF=$TMPD/h1.conf

# write_conf LINKS: the instances of the given links (1 = eth0, 2 = eth1).
write_conf() {
	local l v sep=""
	{
		echo "defaults = { pass = \"love\"; upscript = \"$TMPD/up\"; downscript = \"$TMPD/down\"; };"
		echo 'instances = ('
		for l in $1; do
			for v in $(seq 1 20); do
				printf '%s' "$sep"
				mconf_inst "l${l}v$v" "eth$((l - 1))" "$(haddr 1 $l)" "$v" \
				    "198.18.$((99 + l)).$v" advskew=$((v * 4))
				sep=$',\n'
			done
		done
		echo
		echo ');'
	} > "$CONF.new"
	"$UCARP" -t -c "$CONF.new" > "$TMPD/t.out" 2>&1 || test_fail "the file does not load: $(cat "$TMPD/t.out")"
	mv "$CONF.new" "$CONF"
}

ifindex() { ip netns exec "${M_NS[1]}" cat "/sys/class/net/$1/ifindex"; }

# check_sockets WHAT IFACE...: the daemon holds one packet socket per
# IFACE, bound to it, and no other.
check_sockets() {
	local what=$1 mine idx want d
	shift
	mine=$(rl_packet_sockets $H)
	idx=$(echo "$mine" | awk 'NF { print $2 }' | sort -n | tr '\n' ' ')
	want=$(for d in "$@"; do ifindex "$d"; done | sort -n | tr '\n' ' ')
	log "$what: packet sockets bound to ifindex $idx(expected $want= $*)"
	[ "$idx" = "$want" ] || test_fail "$what: the daemon's packet sockets are bound to ifindex '$idx', expected '$want' ($*):
$mine"
}

l2_state() { mall_state $H "$1" 20 '^l2v'; }
vips_of() { mvips $H | grep -c "^198\\.18\\.$1\\." ; }

write_conf "1 2"
mstart $H "$CONF" 40
wait_until 15 mall_state $H MASTER 40 || test_fail "not all 40 instances became MASTER ($(mstate_count $H MASTER))"
scripts_done() { [ "$(grep -c '^end .* up ' "${D_EVENTS[H]}")" -ge "$1" ]; }
wait_until 10 scripts_done 40 || test_fail "the up scripts did not all run"
check_sockets "after start-up" eth0 eth1

# Away with eth1.
rl_mark
write_conf "1"
rl_hup $H
rl_expect_verdict "last reload applied: 20 kept, 0 updated, 0 added, 20 removed"
check_sockets "without the eth1 instances" eth0
gone() { [ "$(vips_of 101)" -eq 0 ] && [ "$(rl_events_since $H | grep -c '^end l2v[0-9]* down ')" -eq 20 ]; }
wait_until 10 gone || test_fail "the eth1 instances' down scripts did not all run ($(vips_of 101) addresses left)"
D_NINST[H]=20
musr1 $H || test_fail "no SIGUSR1 answer with 20 instances"
grep -q '^l2v' "$USR1_OUT" && test_fail "SIGUSR1 still lists eth1 instances"

# And back.
write_conf "1 2"
rl_hup $H
rl_expect_verdict "last reload applied: 20 kept, 0 updated, 20 added, 0 removed"
check_sockets "with the eth1 instances back" eth0 eth1
wait_until 15 l2_state MASTER || test_fail "the eth1 instances did not all become MASTER again ($(mstate_count $H MASTER '^l2v'))"
back() { [ "$(vips_of 101)" -eq 20 ] && [ "$(rl_events_since $H | grep -c '^end l2v[0-9]* up ')" -eq 20 ]; }
wait_until 10 back || test_fail "the eth1 instances' up scripts did not all run ($(vips_of 101) addresses)"
check_sockets "with the eth1 instances MASTER again" eth0 eth1

bad=$(rl_log_since $H | grep -E '\(l1v[0-9]+\): ' | grep -vE ': (MASTER|BACKUP|INIT) on eth0 id [0-9]+$|: counters: ' | head -n 5)
[ -z "$bad" ] || test_fail "the eth0 instances logged something over the reloads:
$bad"
bad=$(rl_events_since $H | grep ' l1v' | head -n 3)
[ -z "$bad" ] || test_fail "the eth0 instances ran scripts:
$bad"
[ "$(vips_of 100)" -eq 20 ] || test_fail "the eth0 instances hold $(vips_of 100) addresses, expected 20"
mcheck_running $H
test_pass
