#!/bin/bash
# An interface that disappears and comes back.  One host alone with three
# instances on eth0 (vhids 1-3, link 1) and three on eth1 (vhids 11-13,
# link 2); all become MASTER.  Captures run on both links throughout.
#   1. eth1 is deleted (ip link del): the daemon keeps running, closes
#      the capture ("eth1: interface removed" or "eth1: capture closed:
#      ... waiting for it to come back"), logs "eth1: link down", and the
#      eth1 instances go to BACKUP ("link down"); the eth0 instances stay
#      MASTER.
#   2. eth1 is created again with the same name (new veth on link 2, its
#      address, up): the daemon logs "eth1: interface is back, capture
#      reopened" and the eth1 instances become MASTER again and advertise
#      on link 2.
#   3. eth1's link goes down and up, twice: carrier loss (the bridge end
#      of its veth down, then up), then eth1 itself set down and up (ip
#      link set eth1 down/up).  Each time the daemon logs "eth1: link
#      down", every eth1 instance goes to BACKUP ("link down") and sends
#      nothing on link 2; when the link is back they become MASTER again
#      and advertise on link 2.
#   4. Over the whole period, the eth0 instances advertised on time: the
#      largest gap between two adverts of each vhid stays under its
#      interval + 100 ms, with no state change.
. "$(dirname "$0")/lib_multi.sh"
multi_init
need_tcpdump
mnet_make 1 2

SKEW=([1]=0 [2]=30 [3]=60 [11]=0 [12]=30 [13]=60)
{
	echo 'defaults = { pass = "gone"; };'
	echo 'instances = ('
	for v in 1 2 3; do
		mconf_inst "e0v$v" eth0 "$(haddr 1 1)" "$v" "198.18.100.$v" advskew=${SKEW[v]}
		echo ','
	done
	for v in 11 12 13; do
		mconf_inst "e1v$v" eth1 "$(haddr 1 2)" "$v" "198.18.101.$v" advskew=${SKEW[v]}
		[ $v = 13 ] || echo ','
	done
	echo
	echo ');'
} > "$TMPD/h1.conf"

mcap_start link1 br1 ip proto 112
mcap_start link2 br2 ip proto 112
mstart 1 "$TMPD/h1.conf" 6
wait_until 10 mall_state 1 MASTER 6 || test_fail "the six instances did not become MASTER: $(mstates 1 | tr '\n' ' ')"
T0=$(now_us)
E0_SWITCHES=$(mlog_count 1 '\(e0v[0-9]+\): Switching to state')

# ---- 1. eth1 goes away ---------------------------------------------------------------
ip -n "${M_NS[1]}" link del eth1 || test_fail "ip link del eth1"
T_DEL=$(now_us)
# Netlink (RTM_DELLINK: "interface removed") or the capture's read error
# ("capture closed: ... wait for the interface to come back"), whichever comes
# first, closes the capture; either way the link is down.
mwait_log 1 'eth1: (interface removed|capture closed: .*wait for the interface to come back)' 5
mwait_log 1 'eth1: link down' 5
e1_down() { mmasters_are 1 '^e0v' 6; }
wait_until 5 e1_down || test_fail "the eth1 instances did not leave MASTER: $(mstates 1 | tr '\n' ' ')"
for v in 11 12 13; do
	mlog_has 1 "eth1 vhid $v \(e1v$v\): Switching to state: BACKUP \(link down\)" ||
	    test_fail "e1v$v: no 'Switching to state: BACKUP (link down)'"
done
mcheck_running 1
# The eth0 instances go on advertising while eth1 is gone (3 adverts each).
for v in 1 2 3; do
	wait_until 10 mcap_count_ge link1 "$(haddr 1 1)" $v 3 "$T_DEL" ||
	    test_fail "vhid $v on eth0: no adverts after eth1 was deleted"
done
mcheck_running 1

# ---- 2. eth1 comes back ---------------------------------------------------------------
T_BACK=$(now_us)
mport_back 1 2
mwait_log 1 'eth1: interface is back, capture reopened' 5
wait_until 10 mall_state 1 MASTER 6 ||
    test_fail "the eth1 instances did not become MASTER again: $(mstates 1 | tr '\n' ' ')"
for v in 11 12 13; do
	wait_until 10 mcap_count_ge link2 "$(haddr 1 2)" $v 2 "$T_BACK" ||
	    test_fail "vhid $v on eth1: no adverts on link 2 after eth1 came back"
done
mcheck_running 1

# ---- 3. eth1's link down and up ----------------------------------------------------------
# since_has ERE: host 1's log has a line matching ERE since line $FROM.
since_has() { tail -n +"$FROM" "${D_LOG[1]}" | grep -qE -- "$1"; }
link_cycle() {
	local how=$1 v n t_down t_up
	FROM=$(( $(wc -l < "${D_LOG[1]}") + 1 ))
	case $how in
	carrier) ip -n "$MBR_NS" link set p1l2 down || test_fail "$how: bridge port p1l2 down" ;;
	admin) ip -n "${M_NS[1]}" link set eth1 down || test_fail "$how: ip link set eth1 down" ;;
	esac
	t_down=$(now_us)
	wait_until 5 since_has 'eth1: link down' || test_fail "$how: no 'eth1: link down' logged"
	wait_until 5 e1_down || test_fail "$how: the eth1 instances did not leave MASTER: $(mstates 1 | tr '\n' ' ')"
	for v in 11 12 13; do
		since_has "eth1 vhid $v \(e1v$v\): Switching to state: BACKUP \(link down\)" ||
		    test_fail "$how: e1v$v: no 'Switching to state: BACKUP (link down)'"
	done
	# The eth0 instances advertise meanwhile (2 adverts each).
	for v in 1 2 3; do
		wait_until 10 mcap_count_ge link1 "$(haddr 1 1)" $v 2 "$t_down" ||
		    test_fail "$how: vhid $v on eth0: no adverts while eth1's link was down"
	done
	mcheck_running 1
	t_up=$(now_us)
	case $how in
	carrier) ip -n "$MBR_NS" link set p1l2 up || test_fail "$how: bridge port p1l2 up" ;;
	admin) ip -n "${M_NS[1]}" link set eth1 up || test_fail "$how: ip link set eth1 up" ;;
	esac
	wait_until 5 mport_up 1 2 || test_fail "$how: eth1 has no carrier again"
	wait_until 5 since_has 'eth1: (link up|interface is back, capture reopened)' ||
	    test_fail "$how: no 'eth1: link up' logged"
	wait_until 10 mall_state 1 MASTER 6 ||
	    test_fail "$how: the eth1 instances did not become MASTER again: $(mstates 1 | tr '\n' ' ')"
	for v in 11 12 13; do
		wait_until 10 mcap_count_ge link2 "$(haddr 1 2)" $v 2 "$t_up" ||
		    test_fail "$how: vhid $v on eth1: no adverts on link 2 after the link came back"
		n=$(mcap_adverts link2 "$(haddr 1 2)" | awk -v v=$v -v a="$t_down" -v b="$t_up" '$1 == v && $2 > a + 100000 && $2 < b' | wc -l)
		[ "$n" -eq 0 ] || test_fail "$how: vhid $v: $n adverts on link 2 while eth1's link was down"
	done
	mcheck_running 1
	log "3. $how: eth1 down $(( (t_up - t_down) / 1000 )) ms; its instances went BACKUP and came back MASTER"
}
link_cycle carrier
link_cycle admin

# ---- 4. eth0 was never disturbed --------------------------------------------------------
mcap_stop link1
mcap_stop link2
[ "$(mlog_count 1 '\(e0v[0-9]+\): Switching to state')" -eq "$E0_SWITCHES" ] ||
    test_fail "an eth0 instance changed state: $(grep -E '\(e0v[0-9]+\): Switching' "${D_LOG[1]}" | tail -n 3)"
T_END=$(mcap_adverts link1 "$(haddr 1 1)" | awk '$2 > m { m = $2 } END { printf "%.0f\n", m }')
gaps=$(mcap_gaps link1 "$(haddr 1 1)" "$T0" "$T_END")
log "eth0 adverts over $(( (T_END - T0) / 1000 )) ms (vhid, count, largest gap in us): $(echo "$gaps" | tr '\n' ';')"
[ "$(echo "$gaps" | grep -c .)" -eq 3 ] || test_fail "adverts of $(echo "$gaps" | grep -c .) eth0 vhids captured, expected 3"
while read -r v n max; do
	[[ "$v$n$max" =~ ^[0-9]+$ ]] || test_fail "unparsable gap line: $v $n $max"
	limit=$(( 1000000 + SKEW[v] * 1000000 / 256 + 100000 ))
	[ "$max" -lt "$limit" ] ||
	    test_fail "vhid $v on eth0: a gap of $((max / 1000)) ms between adverts (interval + 100 ms = $((limit / 1000)) ms)"
done <<< "$gaps"
# eth1's instances were silent on link 2 while it was gone, then back.
for v in 11 12 13; do
	n=$(mcap_adverts link2 "$(haddr 1 2)" | awk -v v=$v -v a="$T_DEL" -v b="$T_BACK" '$1 == v && $2 > a + 100000 && $2 < b' | wc -l)
	[ "$n" -eq 0 ] || test_fail "vhid $v: $n adverts on link 2 while eth1 did not exist"
done
test_pass
