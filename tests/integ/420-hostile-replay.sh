#!/bin/bash
# Replayed adverts: A (master) and B (backup), vhid 77, and an attacker on
# the same bridge that records A's adverts from the wire and sends them
# again, with A's source address (the frames are A's, byte for byte).
#
#   1. Control, without replay_protect (ucarp 1.5.2 behaviour: no counter
#      check): while A is frozen (SIGSTOP, about 1 s) B accepts every
#      replayed advert (received +N exactly); A, thawed, counts them as
#      its own (own +N: same source); nothing else is counted, nobody
#      changes state.
#   2. The pair restarted with `replay_protect = true;` (monotonic
#      counters, per-peer counter check): the recorded adverts, replayed
#      twice over while A is frozen, are all counted by B as replay
#      (exactly 2N, received +0) and logged ("replayed or stale advert
#      from 198.18.1.1", rate-limited: at most one line per second); no
#      state change; A counts them as own (2N); A's live adverts are still
#      accepted by B afterwards (A is not locked out).
#   3. The real ucarp 1.5.2 captures of tests/data (vhid 42, password
#      "love": foreign to this pair), replayed as they are: bad_vhid (and
#      what else the injection capture holds: bad_ttl, bad_version,
#      bad_type); then rewritten to vhid 77 and source 198.18.1.3 with
#      fixed checksums: bad_hmac.  Expected counts per host come from
#      inject.py classify (our receive path's order of checks); frames
#      outside the allowed addresses (one to 224.0.0.19) and non-IP frames
#      (ARP) are never sent.  No state change.
#   4. Informational (asserted only with HOSTILE_STRICT=1): the counter
#      check is per source address, and neither the source address nor
#      advbase/advskew is covered by the HMAC.  A's recorded adverts sent
#      from an unused address (198.18.1.9) are accepted as a new peer's;
#      and one of them rewritten to advbase 0 advskew 1 from another unused
#      address makes master A yield.  The outcome is logged as KNOWN ISSUE.
. "$(dirname "$0")/lib_hostile.sh"
hostile_init

FILE_ARGS=(--vhid "$H_VHID" --pass "$H_PASS" --vip "$H_VIP" --only-carp)

# record NAME N: capture N of A's adverts from A's bridge port.
record() {
	hcap_start "$1" $HA 'ip proto 112'
	wait_until $(( $2 + 3 )) hcap_frames_ge "$1" "$2" ||
	    test_fail "captured only $(hcap_frames "$1") of A's adverts"
	mcap_stop "$1"
	log "recorded $(hcap_frames "$1") adverts of A"
}

# stop_pair: both daemons down, the VIP they left removed.
stop_pair() {
	mstop $HA
	mstop $HB
	mflush_vips $HA
	mflush_vips $HB
}

# A is frozen (SIGSTOP) while the attacker replays, right after one of its
# adverts, so that B receives nothing from A meanwhile and its counters
# show exactly what the replays did (B's master-down interval is 3.4 s;
# the freeze lasts about 1 s).  A handles the frames queued for it once
# thawed.
freeze_a() { kill -STOP "${D_PID[HA]}" || test_fail "cannot stop A"; }
thaw_a() { kill -CONT "${D_PID[HA]}" || test_fail "cannot continue A"; }

# ---- 1. control: no replay protection ----------------------------------
hpair_start
record rec1 3
N=$(hcap_frames rec1)
hsnap $HA "$TMPD/a0"
freeze_a
hsnap $HB "$TMPD/b0"
hinject replay1 replay "${MCAP_FILE[rec1]}" --interval 0.05
[ "$INJ_TOTAL" -eq "$N" ] || test_fail "replayed $INJ_TOTAL of $N frames"
hexpect $HB "$TMPD/b0" received="$N"
thaw_a
hexpect $HA "$TMPD/a0" own="$N" received=0
log "control: without replay_protect B accepted all $N replayed adverts of A"
hcheck_states "control replay"
stop_pair

# ---- 2. replay_protect = true ------------------------------------------------
hpair_start replay_protect=true
record rec2 3
N=$(hcap_frames rec2)
hsnap $HA "$TMPD/a2"
freeze_a
hsnap $HB "$TMPD/b2"
[ -n "$(hval "$TMPD/b2" replay)" ] ||
    test_fail "B's SIGUSR1 counters have no replay=N: $(tr '\n' ' ' < "$TMPD/b2")"
# Twice over, 50 ms apart: 2N frames within about 0.3 s.
hinject replay2 replay "${MCAP_FILE[rec2]}" --interval 0.05 --rounds 2
[ "$INJ_TOTAL" -eq $(( 2 * N )) ] || test_fail "replayed $INJ_TOTAL of $((2 * N)) frames"
hexpect $HB "$TMPD/b2" replay=$(( 2 * N )) received=0
thaw_a
hexpect $HA "$TMPD/a2" own=$(( 2 * N )) received=0
mlog_has $HB 'replayed or stale advert from 198\.18\.1\.1' ||
    test_fail "B logged no 'replayed or stale advert from 198.18.1.1' line"
lines=$(mlog_count $HB 'replayed or stale advert')
[ "$lines" -le 2 ] || test_fail "B logged $lines replay lines for $((2 * N)) frames within a second (rate limit)"
log "replay_protect: B counted all $((2 * N)) replays as replay ($lines log line(s)), accepted none"
# A is not locked out: its live adverts are still accepted.
mwait_counter $HB "$H_NAME" received 2 6
hcheck_states "replay with replay_protect"

# ---- 3. the ucarp 1.5.2 captures: foreign vhid, then foreign password -------
for f in ucarp-1.5.2-advert.pcap ucarp-1.5.2-rx-validation-injections.pcap \
    ucarp-1.5.2-tiebreak-splitbrain.pcap; do
	for variant in asis vhid77; do
		xargs=()
		[ $variant = vhid77 ] && xargs=(--set-vhid "$H_VHID" --rewrite-src "$ADDR_X")
		for h in $HA $HB; do
			"$PY" "$INJECT" classify "$TESTDATA/$f" "${FILE_ARGS[@]}" \
			    --me "$(haddr $h 1)" "${xargs[@]}" > "$TMPD/cls.$h" ||
			    test_fail "inject.py classify $f failed"
			grep -q '^verdict ok ' "$TMPD/cls.$h" &&
			    test_fail "$f ($variant) holds an advert host $h would accept"
		done
		hsnap $HA "$TMPD/fa"
		hsnap $HB "$TMPD/fb"
		hinject "file.$f.$variant" replay "$TESTDATA/$f" --only-carp "${xargs[@]}" --interval 0.002
		for h in $HA $HB; do
			mapfile -t spec < <(awk '$1 == "verdict" && $2 != "skipped" && $2 != "refused" { print $2 "=" $3 }' "$TMPD/cls.$h")
			n=$(awk '$1 == "verdict" && $2 != "skipped" && $2 != "refused" { n += $3 } END { print n + 0 }' "$TMPD/cls.$h")
			[ "$n" -eq "$INJ_TOTAL" ] || test_fail "$f: classify expects $n frames, $INJ_TOTAL were sent"
			if [ $h = $HA ]; then snap=$TMPD/fa; else snap=$TMPD/fb; fi
			hexpect $h "$snap" "${spec[@]}"
		done
		log "$f ($variant): $INJ_TOTAL frames, as classified: $(awk '$1 == "verdict" { printf "%s=%s ", $2, $3 }' "$TMPD/cls.$HB")"
	done
done
hcheck_states "replayed ucarp 1.5.2 captures"

# ---- 4. informational: a new source address, a new interval -------------------
known_issue() {
	if [ -n "${HOSTILE_STRICT:-}" ]; then
		test_fail "$*"
	fi
	log "KNOWN ISSUE: $*"
}
record rec3 2
N3=$(hcap_frames rec3)
freeze_a
hsnap $HB "$TMPD/sb0"
hinject spoof1 replay "${MCAP_FILE[rec3]}" --rewrite-src 198.18.1.9 --interval 0.05
sleep 0.5
hsnap $HB "$TMPD/sb1"
thaw_a
acc=$(hdelta "$TMPD/sb0" "$TMPD/sb1" received)
rep=$(hdelta "$TMPD/sb0" "$TMPD/sb1" replay)
log "A's $N3 recorded adverts sent from 198.18.1.9 while A is frozen: B replay +$rep, received +$acc"
[ "$rep" -eq "$N3" ] ||
    known_issue "replay_protect keys the counter on the source address, which the HMAC does not cover: A's $N3 recorded adverts sent from a new address 198.18.1.9 were accepted by B (received +$acc, replay +$rep)"
hsnap $HA "$TMPD/sa0"
hinject spoof2 replay "${MCAP_FILE[rec3]}" --select "$N3" --rewrite-src 198.18.1.10 --set-timing 0,1
if wait_until 3 mall_state $HA BACKUP 1; then
	known_issue "one recorded advert of A, rewritten to advbase 0 advskew 1 (not covered by the HMAC) and sent from a new address 198.18.1.10, made master A yield: $(grep 'Switching to state' "${D_LOG[HA]}" | tail -n 1)"
else
	hsnap $HA "$TMPD/sa1"
	log "the rewritten advert did not move A (replay +$(hdelta "$TMPD/sa0" "$TMPD/sa1" replay), received +$(hdelta "$TMPD/sa0" "$TMPD/sa1" received))"
fi

mcheck_running $HA $HB
test_pass
