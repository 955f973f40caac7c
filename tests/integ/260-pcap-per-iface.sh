#!/bin/bash
# One capture per interface, not per instance: a daemon running 40
# instances over two interfaces (20 on eth0, 20 on eth1) holds exactly two
# packet sockets, one bound to each interface.  The daemon's fds that are
# sockets ("socket:[INODE]") are matched against the inodes of
# /proc/net/packet read inside its namespace.  Checked once the instances
# have started, and again once all 40 are MASTER (alone on their links).
. "$(dirname "$0")/lib_multi.sh"
multi_init
mnet_make 1 2

CONF=$TMPD/h1.conf
{
	echo 'defaults = { pass = "love"; };'
	echo 'instances = ('
	sep=""
	for l in 1 2; do
		for v in $(seq 1 20); do
			printf '%s' "$sep"
			mconf_inst "l${l}v$v" "eth$((l - 1))" "$(haddr 1 $l)" "$v" \
			    "198.18.$((99 + l)).$v" advskew=$((v * 4))
			sep=$',\n'
		done
	done
	echo
	echo ');'
} > "$CONF"
mstart 1 "$CONF" 40

# "PKT_INODE IFINDEX" for every packet socket of the namespace.
packet_table() {
	ip netns exec "${M_NS[1]}" cat /proc/net/packet |
	    awk 'NR > 1 { print $9, $5 }' | sort
}

# Inodes of the daemon's socket fds.
daemon_sockets() {
	local fd l
	for fd in /proc/"${D_PID[1]}"/fd/*; do
		l=$(readlink "$fd" 2>/dev/null) || continue
		case $l in socket:\[*\]) l=${l#socket:[}; echo "${l%]}" ;; esac
	done | sort
}

ifindex() { cat "/sys/class/net/$1/ifindex"; }

check_packet_sockets() {
	local what=$1 socks table mine n idx want
	socks=$(daemon_sockets)
	table=$(packet_table)
	mine=$(join <(echo "$socks") <(echo "$table"))
	n=$(echo "$mine" | grep -c .)
	log "$what: daemon has $(echo "$socks" | grep -c .) sockets, $n of them packet sockets (ifindex: $(echo "$mine" | awk '{print $2}' | tr '\n' ' '))"
	[ "$n" -eq 2 ] || test_fail "$what: expected exactly 2 packet sockets (one per interface), found $n:
$mine
/proc/net/packet:
$table"
	idx=$(echo "$mine" | awk '{print $2}' | sort -n | tr '\n' ' ')
	want=$(for d in eth0 eth1; do ip netns exec "${M_NS[1]}" cat "/sys/class/net/$d/ifindex"; done |
	    sort -n | tr '\n' ' ')
	[ "$idx" = "$want" ] || test_fail "$what: packet sockets bound to ifindex $idx, expected eth0 and eth1 ($want)"
}

wait_until 10 mall_state 1 BACKUP 40 ||
    test_fail "not all 40 instances started ($(mstate_count 1 BACKUP) BACKUP)"
check_packet_sockets "after start-up"
wait_until 15 mall_state 1 MASTER 40 ||
    test_fail "not all 40 instances became MASTER ($(mstate_count 1 MASTER))"
check_packet_sockets "with 40 masters"
mcheck_running 1
test_pass
