#!/bin/bash
# A reload of the backup while its master steps down or bows out does not
# delay the takeover.
#
# Hosts A (1) and B (2), 6 instances on one link, all preempt: A prefers
# a1..a4 (advskew 0 against B's 100), B prefers b5 and b6.
#
# 1. Step-down without bow-out: A gets SIGUSR2 (its masters step down and
#    fall silent; shutdown is off, so no bow-out advert), and 1.5 s later B
#    is reloaded with advskew 50 for a1..a4 ("2 kept, 4 updated").  B's
#    master-down interval becomes 3 + 50/256 s, counted from the last
#    advert it heard from A, as before the reload: B becomes MASTER of each
#    within 3195 ms (-50, +150) of A's last advert of it on the wire: not
#    a full interval after the reload (1.5 s later), nor after the old
#    interval (3390 ms).  A, once
#    its 3 s hold is over, preempts back (advskew 0 against 50): the end
#    state is the files' (A master of a1..a4), every script matching a
#    transition (rl_check_scripts).
# 2. Bow-out: A is reloaded with shutdown on for a1..a4 (no state change),
#    then A gets SIGTERM and B SIGHUP back to back, B's file giving a1..a4
#    advskew 200.  A bows out (advbase 255, advskew 255) and runs its down
#    scripts; B takes each over as "master too slow" after its bow-out
#    stagger (advskew/4096 s, at most 50 ms here) whether the reload comes
#    before, during or after the stagger: its first advert of each follows
#    A's bow-out by less than 500 ms on the wire (a reload restarting the
#    down timer would make it 3.8 s).  A exits 0 after one down script per
#    master; B runs one up script per instance it takes, advertises
#    advskew 200 for them (the last file), and logged the reload applied.
. "$(dirname "$0")/lib_reload.sh"
rl_init 6 4
need_tcpdump
rl_start_pair

SRC_A=$(haddr $A 1)
SRC_B=$(haddr $B 1)
AV="1 2 3 4"

past_us() { [ "$(now_us)" -ge "$1" ]; }

# ---- 1. SIGUSR2 on A, B reloaded during its master-down wait -------------------------
for v in $AV; do RL_KEYS[$B:$v]="advskew=50"; done
rl_conf $B "${RL_CONF[B]}"
rl_mark
mcap_start cap1 br1 'ip proto 112'
wait_until_slow 5 rl_every_vrid_since cap1 "$SRC_A" "$(now_us)" 1 "$AV" ||
    test_fail "A's masters did not advertise within 5 s"
T_USR2=$(now_us)
kill -USR2 "${D_PID[A]}" || test_fail "kill -USR2 A"
wait_until 3 past_us $((T_USR2 + 1500000)) || test_fail "the clock"
n=$(rl_log_since $B | grep -c 'Switching to state: MASTER')
[ "$n" -eq 0 ] || test_fail "harness: B took over before its reload (1.5 s after A's step-down)"
rl_hup $B
rl_expect_verdict "last reload applied: 2 kept, 4 updated, 0 added, 0 removed"
T_HUP=$(rl_log_us "$(rl_log_since $B | grep -F 'SIGHUP: reloading' | tail -n 1)")
for v in $AV; do
	mwait_log $B " vhid $v \\(a$v\\): Switching to state: MASTER" 8
done
# A takes them back once its hold is over.
wait_until 15 rl_split || test_fail "A did not take a1..a4 back: $(rl_describe)"
mcap_stop cap1

for v in $AV; do
	last=$(mcap_adverts cap1 "$SRC_A" | awk -v v="$v" -v t="$T_USR2" '$1 == v && $2 < t { l = $2 } END { print l }')
	[ -n "$last" ] || test_fail "no a$v advert from A before its step-down in the capture"
	line=$(rl_log_since $B | grep -E " vhid $v \\(a$v\\): Switching to state: MASTER" | head -n 1)
	t=$(rl_log_us "$line")
	d=$((t - last))
	log "a$v: A's last advert $(( (T_USR2 - last) / 1000 )) ms before its step-down, B's reload $(( (T_HUP - last) / 1000 )) ms after it, B MASTER $((d / 1000)) ms after it (${line#*] })"
	[ "$d" -ge $((3195312 - 50000)) ] ||
	    test_fail "B took a$v over $((d / 1000)) ms after A's last advert: before its new master-down interval (3195 ms)"
	[ "$d" -le $((3195312 + 150000)) ] ||
	    test_fail "B took a$v over $((d / 1000)) ms after A's last advert (bound 3345 ms, below the old interval's 3390 ms): the reload $(( (T_HUP - last) / 1000 )) ms after it restarted the master-down timer or kept the old interval"
done
for h in $A $B; do
	bad=$(rl_check_scripts $h)
	[ -z "$bad" ] || test_fail "host $h: scripts do not match transitions:
$(echo "$bad" | head -n 10)"
	bad=$(rl_log_since $h | grep -E 'Switching to state' | grep -vE ' vhid [1-4] ' | head -n 3)
	[ -z "$bad" ] || test_fail "host $h: b5 or b6 changed state:
$bad"
done

# ---- 2. A bows out (SIGTERM) while B reloads ---------------------------------------------
for v in $AV; do RL_KEYS[$A:$v]="shutdown=true"; done
rl_conf $A "${RL_CONF[A]}"
rl_mark
rl_hup $A
rl_expect_verdict "last reload applied: 2 kept, 4 updated, 0 added, 0 removed"
for v in $AV; do RL_KEYS[$B:$v]="advskew=200"; done
rl_conf $B "${RL_CONF[B]}"
mcap_start cap2 br1 'ip proto 112'
wait_until_slow 5 rl_every_vrid_since cap2 "$SRC_A" "$(now_us)" 1 "$AV" ||
    test_fail "A's masters did not advertise within 5 s"
bad=$(rl_log_since $A | grep -E 'Switching to state' | head -n 3)
[ -z "$bad" ] || test_fail "A changed state on its reload:
$bad"
PID_A=${D_PID[A]}
before=$(rl_verdicts $B)
kill -TERM "$PID_A" || test_fail "kill -TERM A"
kill -HUP "${D_PID[B]}" || test_fail "kill -HUP B"
wait_until 10 pid_dead "$PID_A" || test_fail "A did not exit within 10 s of SIGTERM"
{ wait "$PID_A"; rc=$?; } 2>/dev/null
D_PID[A]=""
[ "$rc" -eq 0 ] || test_fail "A exited $rc after SIGTERM, expected 0"
for v in $AV; do
	mwait_log $B " vhid $v \\(a$v\\): Switching to state: MASTER \\(master too slow\\)" 5
done
wait_until 5 rl_verdict_after $B "$before" || test_fail "B logged no verdict for its reload"
rl_log_since $B | grep -E '\] last reload ' | tail -n 1 | grep -qF 'last reload applied: 2 kept, 4 updated, 0 added, 0 removed' ||
    test_fail "B's reload: $(rl_log_since $B | grep -E '\] last reload ' | tail -n 1)"
T_END=$(now_us)
wait_until_slow 5 rl_every_vrid_since cap2 "$SRC_B" "$T_END" 1 "$AV" ||
    test_fail "B does not advertise a1..a4"
mcap_stop cap2

rl_cap_adverts cap2 "$SRC_A" > "$TMPD/a.adv"
rl_cap_adverts cap2 "$SRC_B" > "$TMPD/b.adv"
T_HUP=$(rl_log_us "$(rl_log_since $B | grep -F 'SIGHUP: reloading' | tail -n 1)")
for v in $AV; do
	read -r _ t_bow p i <<< "$(awk -v v="$v" '$1 == v' "$TMPD/a.adv" | tail -n 1)"
	[ "$p" = 255 ] && [ "$i" = 255 ] ||
	    test_fail "A's last a$v advert is not a bow-out: advskew $p, advbase $i"
	t_b=$(awk -v v="$v" -v t="$t_bow" '$1 == v && $2 > t { print $2; exit }' "$TMPD/b.adv")
	[ -n "$t_b" ] || test_fail "B sent no a$v advert after A's bow-out"
	log "a$v: A's bow-out, B's reload $(( (T_HUP - t_bow) / 1000 )) ms after it, B's first advert $(( (t_b - t_bow) / 1000 )) ms after it"
	[ $((t_b - t_bow)) -lt 500000 ] ||
	    test_fail "B's first a$v advert came $(( (t_b - t_bow) / 1000 )) ms after A's bow-out (bound 500 ms)"
	p=$(awk -v v="$v" -v t="$T_END" '$1 == v && $2 >= t { print $3 }' "$TMPD/b.adv" | sort -u | tr '\n' ' ')
	[ "$p" = "200 " ] || test_fail "B advertises a$v with advskew '$p', expected 200 (its last file)"
done
seq_a=$(rl_events_since $A | awk '$1 == "start" { print $2, $3, $4 }' | sort | tr '\n' ',')
[ "$seq_a" = "a1 down INIT,a2 down INIT,a3 down INIT,a4 down INIT," ] ||
    test_fail "A's scripts on exit: '$seq_a', expected one down script per master"
seq_b=$(rl_events_since $B | awk '$1 == "start" { print $2, $3 }' | sort | tr '\n' ',')
[ "$seq_b" = "a1 up,a2 up,a3 up,a4 up," ] ||
    test_fail "B's scripts: '$seq_b', expected one up script per instance taken over"
ended() { [ "$(grep -c '^start ' "${D_EVENTS[B]}")" -eq "$(grep -c '^end ' "${D_EVENTS[B]}")" ]; }
wait_until 5 ended || test_fail "B's scripts did not end"
[ "$(mvips $B | wc -l)" -eq 6 ] || test_fail "B holds $(mvips $B | wc -l) addresses, expected 6"
[ -z "$(mvips $A)" ] || test_fail "A still holds addresses after its exit: $(mvips $A | tr '\n' ' ')"

mcheck_running $B
test_pass
