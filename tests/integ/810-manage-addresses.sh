#!/bin/bash
# manage_addresses, no scripts: the daemon adds and removes the addresses
# itself.  Two hosts, vhid 11, 198.18.0.110 and 2001:db8::110, fast timers;
# `ip addr` is checked on both hosts:
#   1. election: the master holds both addresses (the IPv6 one without
#      duplicate address detection: "nodad", never "tentative"), the
#      backup neither;
#   2. SIGKILL of the master: the backup takes the address over; the
#      killed host still holds it (nobody removed it) until its daemon is
#      restarted, which removes it (tagged as ours, and in the record)
#      before it is BACKUP, so the wire never sees two holders after that;
#   3. `ip addr del` of the master's address: back at once (the kernel's
#      own timestamps give the gap, printed), logged;
#   4. bow-out (SIGTERM with -z): the master removes its addresses, the peer
#      takes them;
#   5. an operator's alias of the address (/24, added by hand) on the
#      backup: a warning that the instance cannot own it, and it is still
#      there after that daemon was master and stopped; an untagged address
#      its ownership record lists (a kernel without IFA_PROTO, an address
#      no longer configured) is removed at start-up;
#   6. reload of a file (host 1): an address removed from an instance goes,
#      a new one comes, one moved to another instance stays, an instance
#      removed takes its address away; manage_addresses turned off on a
#      master removes its address, turned on again adds it.
. "$(dirname "$0")/lib.sh"
test_init
make_net 198.18.1.2 198.18.1.3
V=198.18.0.110
V6=2001:db8::110
for i in 1 2; do
	ip netns exec "${HOST_NS[i]}" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
	    net.ipv6.conf.eth0.disable_ipv6=0 ||
	    test_skip "cannot enable IPv6 in a namespace"
done

# start_m I SKEW [ARGS...]: ours on host I managing V, no scripts.
start_m() {
	local i=$1 k=$2
	shift 2
	start_node_raw "$i" ours -i eth0 -s "${HOST_ADDR[i]}" -v 11 -p "$PASS" \
	    -a "$V" -a "$V6" -b 0 -k "$k" -r 3 --manage-addresses \
	    --control "$TMPD/n$i.sock" -D "$@"
}
# holds I ADDR/LEN: host I has exactly that address on eth0.
holds() { ip -n "${HOST_NS[$1]}" -o addr show dev eth0 | grep -q " inet6\? $2 "; }
lacks() { ! holds "$@"; }
expect_holder() {
	wait_until 5 holds "$1" "$V/32" || test_fail "host $1 never held $V"
	wait_until 5 holds "$1" "$V6/128" || test_fail "host $1 never held $V6"
	wait_until 5 lacks "$2" "$V/32" || test_fail "host $2 still holds $V"
	wait_until 5 lacks "$2" "$V6/128" || test_fail "host $2 still holds $V6"
}

# ---- 1. election ------------------------------------------------------------
start_m 1 10
wait_state 1 MASTER
start_m 2 60
wait_state 2 BACKUP
expect_holder 1 2
ip -n "${HOST_NS[1]}" -6 -o addr show dev eth0 | grep " $V6/128 " | grep -q nodad ||
    test_fail "$V6 was added with duplicate address detection: $(ip -n "${HOST_NS[1]}" -6 -o addr show dev eth0)"
log "1. election: host 1 holds $V and $V6, host 2 neither"

# ---- 2. SIGKILL, takeover, restart ------------------------------------------
stop_node 1 KILL
wait_state 2 MASTER
wait_until 5 holds 2 "$V/32" || test_fail "host 2 took over without $V"
wait_until 5 holds 2 "$V6/128" || test_fail "host 2 took over without $V6"
holds 1 "$V/32" || test_fail "the killed host 1 no longer holds $V (nothing should have removed it)"
holds 1 "$V6/128" || test_fail "the killed host 1 no longer holds $V6"
start_m 1 100		# less preferred now: it stays BACKUP
wait_state 1 BACKUP
lacks 1 "$V/32" || test_fail "restarted host 1 still holds its stale $V while BACKUP"
lacks 1 "$V6/128" || test_fail "restarted host 1 still holds its stale $V6 while BACKUP"
awk '/removed .* left by an earlier run/ { r = NR } /Switching to state: BACKUP/ && !b { b = NR }
    END { exit !(r && b && r < b) }' "${NODE_LOG[1]}" ||
    test_fail "host 1 did not remove its stale $V before it was BACKUP"
holds 2 "$V/32" || test_fail "host 2 lost $V"
log "2. crash: host 2 took $V; restarted host 1 removed its stale copy before BACKUP"

# ---- 3. removed behind the master's back ------------------------------------
mon=$TMPD/mon.txt
ip netns exec "${HOST_NS[2]}" ip -ts -o monitor address > "$mon" 2>&1 &
MON=$!
BG_PIDS+=("$MON")
sleep 0.2
ip -n "${HOST_NS[2]}" addr del "$V/32" dev eth0 || test_fail "ip addr del"
wait_until 2 holds 2 "$V/32" || test_fail "host 2 did not put $V back"
wait_log 2 "was removed from eth0 behind our back: adding it back"
sleep 0.2
kill "$MON" 2>/dev/null; wait "$MON" 2>/dev/null
gap=$(awk -v v="$V/32" '
	function ms(s,  x, t) { sub(/^\[/, "", s); split(s, x, "T"); split(x[2], t, ":");
	    sub(/\].*/, "", t[3]); return (t[1] * 3600 + t[2] * 60 + t[3]) * 1000 }
	index($0, v) && /Deleted/ && !d { d = ms($1) }
	index($0, v) && !/Deleted/ && d && !back { back = ms($1) }
	END { if (d && back) printf "%.1f", back - d; else print "?" }' "$mon")
info "3. $V deleted by hand on the master: back after $gap ms (kernel timestamps)"
[ "$gap" != "?" ] || test_fail "ip monitor did not see the removal and the re-add: $(cat "$mon")"
state_is 2 MASTER || test_fail "host 2 left MASTER"

# ---- 4. bow-out -------------------------------------------------------------
stop_node 2 TERM
expect_holder 1 2
wait_state 1 MASTER
log "4. bow-out: host 2 removed $V at exit, host 1 holds it"

# ---- 5. an operator's alias -------------------------------------------------
ip -n "${HOST_NS[2]}" addr add "$V/24" dev eth0 || test_fail "operator's alias"
# And an address an earlier run added on a kernel without IFA_PROTO (no
# tag), since taken out of the configuration: only the record knows it.
ip -n "${HOST_NS[2]}" addr add 198.18.0.112/32 dev eth0 || test_fail "198.18.0.112"
echo "eth0 198.18.0.112/32" > "$TMPD/n2.sock.addrs"
start_m 2 60 -P -z
wait_log 2 "cannot own it"
wait_log 2 "removed 198.18.0.112/32 from eth0: left by an earlier run"
lacks 2 198.18.0.112/32 || test_fail "the recorded 198.18.0.112 is still on host 2"
stop_node 1 TERM
wait_state 2 MASTER
stop_node 2 TERM
holds 2 "$V/24" || test_fail "the operator's $V/24 on host 2 was removed"
ip -n "${HOST_NS[2]}" addr del "$V/24" dev eth0
log "5. the operator's alias was left alone, with a warning; the recorded address was removed"

# ---- 6. reload --------------------------------------------------------------
conf=$TMPD/h1.conf
write_conf() {	# write_conf ADDRS_OF_A ADDRS_OF_B (B absent if empty)
	{
		echo "control = \"$TMPD/h1c.sock\";"
		echo "defaults = { interface = \"eth0\"; srcip = \"${HOST_ADDR[1]}\";"
		echo "    pass = \"$PASS\"; advbase = 0; advskew = 10; manage_addresses = true; };"
		echo "instances = ( { name = \"a\"; vhid = 21; addr = ( $1 ); }"
		[ -n "$2" ] && echo "    , { name = \"b\"; vhid = 22; addr = ( $2 ); }"
		echo ");"
	} > "$conf"
}
hup_wait() {
	local n
	n=$(grep -c 'last reload applied' "${NODE_LOG[1]}")
	kill -HUP "${NODE_PID[1]}"
	wait_until 5 eval '[ "$(grep -c "last reload applied" "${NODE_LOG[1]}")" -gt '"$n"' ]' ||
	    test_fail "reload not applied: $(tail -n 3 "${NODE_LOG[1]}")"
}
write_conf '"198.18.0.120", "198.18.0.121"' '"198.18.0.130"'
start_node_raw 1 ours -c "$conf" -D
wait_until 5 holds 1 198.18.0.121/32 || test_fail "instance a never held .121"
wait_until 5 holds 1 198.18.0.130/32 || test_fail "instance b never held .130"
holds 1 198.18.0.120/32 || test_fail "instance a does not hold .120"
write_conf '"198.18.0.122"' '"198.18.0.130", "198.18.0.121"'
hup_wait
wait_until 2 holds 1 198.18.0.122/32 || test_fail "the reload did not add .122"
wait_until 2 lacks 1 198.18.0.120/32 || test_fail "the reload did not remove .120"
holds 1 198.18.0.121/32 || test_fail ".121, moved from a to b, is gone"
write_conf '"198.18.0.122"' ''
hup_wait
wait_until 2 lacks 1 198.18.0.130/32 || test_fail "instance b removed: .130 is still there"
wait_until 2 lacks 1 198.18.0.121/32 || test_fail "instance b removed: .121 is still there"
holds 1 198.18.0.122/32 || test_fail "instance a lost .122"
sed -i 's/manage_addresses = true;/manage_addresses = false;/' "$conf"
hup_wait
wait_until 2 lacks 1 198.18.0.122/32 || test_fail "manage_addresses off: .122 is still there"
sed -i 's/manage_addresses = false;/manage_addresses = true;/' "$conf"
hup_wait
wait_until 2 holds 1 198.18.0.122/32 || test_fail "manage_addresses on again: .122 was not added"
stop_node 1 TERM
lacks 1 198.18.0.122/32 || test_fail ".122 is still there after exit"
log "6. reload: removed, added, moved, an instance's removal, manage_addresses off and on"
test_pass
