#!/bin/bash
# Gratuitous ARP timing at takeover (protocol doc 4; issue 2): one GARP at
# takeover, sent at once rather than after the up script as ucarp 1.5.2
# does, and a second one with the third advert of the mastership (two
# advert intervals later), as ucarp does.
#
# Our node runs alone with an up script that sleeps 2 s and stamps its
# start and end (CLOCK_REALTIME, the clock of the capture's stamps).  It
# takes over twice: at start-up, and after a SIGUSR2 step-down (its hold,
# then its master-down interval).  For each mastership, in a capture of
# its GARPs and adverts:
#   - it opens with the GARP, then the first advert (ucarp's order), both
#     on the wire before the up script ends, and so is the second advert
#     (adverts go on while the script runs);
#   - its frames start exactly GARP, advert, advert, advert, GARP, advert:
#     the second GARP comes after the 2nd advert following the takeover
#     advert and before the next one, and no other GARP follows.
. "$(dirname "$0")/lib.sh"
normal_build_only "GARP timing on the wire"
test_init
make_net 198.18.1.2
OURS=198.18.1.2
EV=$TMPD/scripts.events
: > "$EV"

cat > "$TMPD/slow-up.sh" <<EOF
#!/bin/bash
echo "start \${EPOCHREALTIME/[.,]/}" >> "$EV"
sleep 2
echo "end \${EPOCHREALTIME/[.,]/}" >> "$EV"
EOF
cat > "$TMPD/down.sh" <<EOF
#!/bin/bash
echo "down \${EPOCHREALTIME/[.,]/}" >> "$EV"
EOF
chmod 755 "$TMPD/slow-up.sh" "$TMPD/down.sh"

capture_start garp "arp or (ip proto 112 and src host $OURS)"
start_node_raw 1 ours -i eth0 -s $OURS -v $VHID -p $PASS -a $VIP \
    -u "$TMPD/slow-up.sh" -d "$TMPD/down.sh" -D
MAC=$(host_mac 1)

# frames: "TS_US garp|adv" for our GARPs (sender = target = VIP, from the
# host's MAC) and adverts, in capture order.
frames() {
	{
		tcpdump -tt -n -r "${CAP_FILE[garp]}" "arp and ether src $MAC" 2>/dev/null |
		    awk -v v="$VIP" '$0 ~ ("who-has " v " (\\([0-9a-f:]+\\) )?tell " v ",") { t = $1; sub(/\./, "", t); print t, "garp" }'
		tcpdump -tt -n -r "${CAP_FILE[garp]}" "ip proto 112 and src host $OURS" 2>/dev/null |
		    awk '{ t = $1; sub(/\./, "", t); print t, "adv" }'
	} | sort -k1,1n -s
}

# run K: the frames of mastership K (1-based): runs of frames separated by
# more than 2 s of silence (a backup sends nothing for at least 3 s).
run() {
	frames | awk -v k="$1" '{ if (NR == 1 || $1 - last > 2000000) r++; last = $1 } r == k'
}

run_adverts_ge() { [ "$(run "$1" | grep -c ' adv$')" -ge "$2" ]; }
script_stamp() { awk -v w="$1" -v k="$2" '$1 == w { if (++n == k) print $2 }' "$EV"; }
has_stamp() { [ -n "$(script_stamp "$1" "$2")" ]; }

# check_mastership K: the rules above for mastership K.
check_mastership() {
	local k=$1 s e seq g1 a1 a2 g2
	wait_until 10 has_stamp end "$k" || test_fail "mastership $k: the up script did not end"
	wait_until 10 run_adverts_ge "$k" 5 || test_fail "mastership $k: fewer than 5 adverts: $(run "$k" | tr '\n' ' ')"
	s=$(script_stamp start "$k")
	e=$(script_stamp end "$k")
	[ $(( e - s )) -ge 2000000 ] || test_fail "mastership $k: the up script ran only $(( e - s )) us"
	seq=$(run "$k" | head -n 6 | awk '{ printf "%s%s", sep, $2; sep = " " }')
	[ "$seq" = "garp adv adv adv garp adv" ] ||
	    test_fail "mastership $k: frames start '$seq', expected 'garp adv adv adv garp adv'"
	[ "$(run "$k" | grep -c ' garp$')" -eq 2 ] ||
	    test_fail "mastership $k: $(run "$k" | grep -c ' garp$') GARPs, expected 2"
	g1=$(run "$k" | sed -n 1p | cut -d' ' -f1)
	a1=$(run "$k" | sed -n 2p | cut -d' ' -f1)
	a2=$(run "$k" | sed -n 3p | cut -d' ' -f1)
	g2=$(run "$k" | sed -n 5p | cut -d' ' -f1)
	log "mastership $k: up script from +$(( s - g1 )) to +$(( e - g1 )) us after the first GARP; first advert +$(( a1 - g1 )) us, second +$(( a2 - g1 )) us, second GARP +$(( g2 - g1 )) us"
	# ucarp 1.5.2 waits for the script (harness self-check mode).
	ours_fixed || return 0
	[ "$g1" -lt "$e" ] || test_fail "mastership $k: first GARP $(( g1 - e )) us after the up script ended"
	[ "$a1" -lt "$e" ] || test_fail "mastership $k: first advert $(( a1 - e )) us after the up script ended"
	[ "$a2" -lt "$e" ] || test_fail "mastership $k: second advert $(( a2 - e )) us after the up script ended (adverts paused)"
}

# ---- 1. takeover at start-up ------------------------------------------------------
wait_state 1 MASTER 10
check_mastership 1

# ---- 2. SIGUSR2, then the second takeover ---------------------------------------
kill -USR2 "${NODE_PID[1]}"
wait_until 5 state_is 1 BACKUP || test_fail "no step-down on SIGUSR2"
wait_until 15 run_adverts_ge 2 1 || test_fail "no second takeover after the step-down"
check_mastership 2
check_running 1
capture_stop garp
test_pass
