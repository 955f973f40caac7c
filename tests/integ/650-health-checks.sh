#!/bin/bash
# Check scripts on two hosts of ours, A (1) preferred (advskew 10, preempt)
# and B (2, advskew 100), one link, four instances:
#   f1  tracks check f1 (fatal, rise/fall 2); B without preempt.  A's check
#       fails: A bows out (held) and B takes over without preempting; it
#       recovers: A preempts back.
#   w2  tracks check w2 (weight 150); B with preempt.  A's check fails: A's
#       advskew becomes 160, its next advert says so at once and B preempts;
#       it recovers: A preempts back.
#   h3  tracks check h3 (timeout 0.4 s, fall 1): A's script hangs; the run
#       is failed at its timeout, its process group killed, B takes over.
#   fl4 tracks check fl4 (rise/fall 3), flapping every run on A: nothing
#       moves.
# Bad checks on A (tracked by no instance): a missing script, a file not
# executable, one printing a megabyte and failing, one forking a child
# that keeps its output open: each failure is logged once, with its
# reason, while the check goes on running; the forking one's runs keep
# coming (the pipe's EOF is not waited for); adverts go on throughout.
# ucarpctl status -j, metrics and monitor -j show all this.
# Last, A exits (SIGTERM, no shutdown = true) while f1's up script runs;
# f1's check fails while the daemon waits for it: nothing moves any more
# (no bow-out, no down script: checks stop when the exit begins).
. "$(dirname "$0")/lib_multi.sh"
multi_init
mnet_make 2 1
A=1
B=2

for h in $A $B; do
	d=$TMPD/h$h
	mkdir -p "$d"
	mcheck_write "$d/f1" "[ ! -e '$d/fail.f1' ]"
	mcheck_write "$d/w2" "[ ! -e '$d/fail.w2' ]"
	mcheck_write "$d/h3" "[ -e '$d/hang' ] && exec sleep 31; exit 0"
	# Alternates: a counter file, odd runs fail.
	mcheck_write "$d/fl4" "n=\$(( \$(cat '$d/fl4.n' 2>/dev/null || echo 0) + 1 ))
echo \$n > '$d/fl4.n'
[ \$((n % 2)) -eq 0 ] || [ ! -e '$d/flap' ]"
	mcheck_write "$d/mega" "echo run >> '$d/mega.runs'
head -c 1048576 /dev/zero | tr '\\000' x
exit 3"
	mcheck_write "$d/forker" "echo run >> '$d/forker.runs'
sleep 7 &
echo forked
exit 0"
	mcheck_write "$d/up" "echo \"start \$UCARP_INSTANCE up\" >> '$d/events'
[ -e '$d/slow' ] && sleep 3; exit 0"
	mcheck_write "$d/down" "echo \"start \$UCARP_INSTANCE down\" >> '$d/events'"
	printf 'exit 0\n' > "$d/noexec"
	chmod 644 "$d/noexec"
	case $h in
	$A) skew=10; pre_b=true ;;
	$B) skew=100; pre_b=false ;;
	esac
	{
		printf 'checks = (\n'
		printf '\t{ name = "f1"; script = "%s"; interval = 0.2; rise = 2; fall = 2; },\n' "$d/f1"
		printf '\t{ name = "w2"; script = "%s"; interval = 0.2; rise = 2; fall = 2; weight = 150; },\n' "$d/w2"
		printf '\t{ name = "h3"; script = "%s"; interval = 0.2; timeout = 0.4; },\n' "$d/h3"
		printf '\t{ name = "fl4"; script = "%s"; interval = 0.2; rise = 3; fall = 3; },\n' "$d/fl4"
		printf '\t{ name = "missing"; script = "%s"; interval = 0.2; },\n' "$d/nonexistent"
		printf '\t{ name = "noexec"; script = "%s"; interval = 0.2; },\n' "$d/noexec"
		printf '\t{ name = "mega"; script = "%s"; interval = 0.2; },\n' "$d/mega"
		printf '\t{ name = "forker"; script = "%s"; interval = 0.2; }\n' "$d/forker"
		printf ');\ndefaults = { pass = "hc"; advbase = 1; advskew = %d; };\n' "$skew"
		printf 'instances = (\n'
		# B: no preempt on f1 (the bow-out alone moves it), preempt
		# elsewhere; A preempts everywhere (to come back).
		mconf_inst f1 eth0 "$(haddr $h 1)" 1 198.18.1.101 \
		    track_check='["f1"]' upscript="\"$d/up\"" \
		    downscript="\"$d/down\"" \
		    preempt=$([ $h = $A ] && echo true || echo $pre_b)
		printf ',\n'
		mconf_inst w2 eth0 "$(haddr $h 1)" 2 198.18.1.102 \
		    track_check='["w2"]' preempt=true
		printf ',\n'
		mconf_inst h3 eth0 "$(haddr $h 1)" 3 198.18.1.103 \
		    track_check='["h3"]' preempt=true
		printf ',\n'
		mconf_inst fl4 eth0 "$(haddr $h 1)" 4 198.18.1.104 \
		    track_check='["fl4"]' preempt=true
		printf '\n);\n'
	} > "$TMPD/h$h.conf"
done
touch "$TMPD/h$A/flap"

mstart $A "$TMPD/h$A.conf" 4
mstart $B "$TMPD/h$B.conf" 4
split_ok() { mmasters_are $A . 4 && mmasters_are $B '^$' 4; }
wait_until 20 split_ok || test_fail "A is not master of all four: A $(mstates $A | tr '\n' ' ') B $(mstates $B | tr '\n' ' ')"

# is H NAME STATE: instance NAME's last state on host H.
is() { mstates "$1" | grep -qx "$2 $3"; }
moved() { is $B "$1" MASTER && is $A "$1" BACKUP; }
back() { is $A "$1" MASTER && is $B "$1" BACKUP; }

# ucarpctl monitor -j on A follows the checks' changes.
UCARPCTL=${UCARPCTL:-$top_builddir/ctl/ucarpctl}
MON=$TMPD/monitor.json
"$UCARPCTL" -s "${D_CTL[A]}" monitor -j > "$MON" 2> "$TMPD/monitor.err" &
MONPID=$!
BG_PIDS+=("$MONPID")
wait_until 5 grep -q 'monitoring from event' "$TMPD/monitor.err" ||
    test_fail "monitor did not start: $(cat "$TMPD/monitor.err")"

# 1. Fatal check, B without preempt: A bows out.
touch "$TMPD/h$A/fail.f1"
wait_until 5 moved f1 || test_fail "f1 did not move to B: A $(mstates $A | tr '\n' ' ') B $(mstates $B | tr '\n' ' ')"
mlog_has $A 'vhid 1 \(f1\): held, may not be master: check f1 failing' ||
    test_fail "A did not say why f1 is held"
mlog_has $A 'vhid 1 \(f1\): Switching to state: BACKUP \(held \(health\)\)' ||
    test_fail "A's f1 transition does not name the hold"
mlog_has $B 'vhid 1 \(f1\): Switching to state: MASTER \(master too slow\)' ||
    test_fail "B's f1 takeover was not on A's bow-out"
rm "$TMPD/h$A/fail.f1"
wait_until 5 back f1 || test_fail "f1 did not come back to A"
mon_has() { grep -q "$1" "$MON"; }
wait_until 5 mon_has '"event":"check","name":"f1","kind":"check","state":"ok"' ||
    test_fail "monitor: no f1 ok event: $(grep '"check"' "$MON" | head -n 3)"
mon_has '"event":"check","name":"f1","kind":"check","state":"failing","text":"exited 1"' ||
    test_fail "monitor: no f1 failing event: $(grep '"check"' "$MON" | head -n 3)"
mon_has '"event":"transition","name":"f1","interface":"eth0","vhid":1,"from":"MASTER","to":"BACKUP","cause":"held (health)"' ||
    test_fail "monitor: no f1 transition held: $(grep '"f1"' "$MON" | head -n 3)"
reap_pid "$MONPID" TERM
log "f1: moved on a fatal check without preempt on B, came back"

# 2. Weighted check, B with preempt: A's skew 160 > B's 100.
touch "$TMPD/h$A/fail.w2"
wait_until 5 moved w2 || test_fail "w2 did not move to B"
mlog_has $A 'vhid 2 \(w2\): demotion 0 -> 150, advskew 160: check w2 failing' ||
    test_fail "A did not log w2's demotion"
mlog_has $B 'vhid 2 \(w2\): Switching to state: MASTER \(preemption\)' ||
    test_fail "B did not preempt w2"
rm "$TMPD/h$A/fail.w2"
wait_until 5 back w2 || test_fail "w2 did not come back to A"
log "w2: moved on a weighted check to a preempting B, came back"

# 3. A hung check: failed at its timeout, its process group killed.
sleepers() {
	local p
	for p in $(mtagged_pids); do
		tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q '^sleep 31' && echo "$p"
	done
}
touch "$TMPD/h$A/hang"
wait_until 5 moved h3 || test_fail "h3 did not move to B"
mlog_has $A 'check h3: .* failed: timed out after 400 ms' ||
    test_fail "A did not log h3's timeout"
rm "$TMPD/h$A/hang"
no_sleepers() { [ -z "$(sleepers)" ]; }
wait_until 5 no_sleepers || test_fail "the hung check's sleep survived its timeout: $(sleepers)"
wait_until 5 back h3 || test_fail "h3 did not come back to A"
log "h3: a hung check failed at its timeout, killed, the address moved"

# 4. Flapping with rise/fall 3 from the start (its state stays "unknown",
# which counts as ok), and 5. the bad checks, while they run.
runs() { cat "$TMPD/h$A/$1" 2>/dev/null | wc -l; }
enough() { [ "$(cat "$TMPD/h$A/fl4.n")" -ge 20 ] && [ "$(runs mega.runs)" -ge 6 ] && [ "$(runs forker.runs)" -ge 6 ]; }
wait_until 20 enough || test_fail "the checks did not keep running: fl4 $(cat "$TMPD/h$A/fl4.n") mega $(runs mega.runs) forker $(runs forker.runs)"
is $A fl4 MASTER && is $B fl4 BACKUP || test_fail "fl4 moved while flapping"
[ "$(mlog_count $A 'vhid 4 \(fl4\): Switching')" -eq 2 ] ||
    test_fail "fl4 changed state on A: $(grep 'vhid 4 (fl4)' "${D_LOG[A]}" | tail -n 3)"
mlog_has $A 'check fl4: (ok|failing) after' && test_fail "fl4 changed its state: $(grep 'check fl4:' "${D_LOG[A]}")"
log "fl4: 20 flapping runs with rise/fall 3, no move"

for c in missing noexec mega; do
	n=$(mlog_count $A "check $c: .* failed: ")
	[ "$n" -eq 1 ] || test_fail "check $c's failure logged $n times, not once: $(grep "check $c:" "${D_LOG[A]}" | head -n 3)"
done
mlog_has $A "check missing: $TMPD/h$A/nonexistent failed: cannot run it: No such file or directory" ||
    test_fail "the missing script's reason: $(grep 'check missing' "${D_LOG[A]}")"
mlog_has $A "check noexec: $TMPD/h$A/noexec failed: cannot run it: Permission denied" ||
    test_fail "the non-executable script's reason: $(grep 'check noexec' "${D_LOG[A]}")"
mlog_has $A 'check mega: .* failed: exited 3: "x{160}" \(output cut\)' ||
    test_fail "the megabyte check's line: $(grep 'check mega' "${D_LOG[A]}" | cut -c 1-300)"
mlog_has $A 'check forker: .* failed' && test_fail "the forking check failed: $(grep 'check forker' "${D_LOG[A]}")"
mlog_has $A 'check (missing|noexec|mega): (failing|ok) after' ||
    test_fail "the bad checks were not counted failing"
mcheck_running $A $B
mmasters_are $A . 4 && mmasters_are $B '^$' 4 ||
    test_fail "something moved: A $(mstates $A | tr '\n' ' ') B $(mstates $B | tr '\n' ' ')"
log "bad checks: each failure logged once with its reason, counted, nothing moved"

# What ucarpctl shows of them: status -j and metrics.
"$UCARPCTL" -s "${D_CTL[A]}" status -j > "$TMPD/status.json" ||
    test_fail "ucarpctl status -j failed"
python3 - "$TMPD/status.json" <<'EOP' || test_fail "status -j: $(cat "$TMPD/status.json" | head -c 2000)"
import json, sys
st = json.load(open(sys.argv[1]))
ck = {c["name"]: c for c in st["checks"]}
bad = []
def want(cond, what):
	if not cond:
		bad.append(what)
want(set(ck) == {"f1", "w2", "h3", "fl4", "missing", "noexec", "mega", "forker"}, "names %s" % sorted(ck))
want(ck["h3"]["timeouts"] >= 1 and ck["h3"]["failures"] >= 1 and ck["h3"]["state"] == "ok", "h3 %s" % ck["h3"])
for c in ("missing", "noexec", "mega"):
	want(ck[c]["state"] == "failing" and ck[c]["failures"] >= 5 and ck[c]["failures"] == ck[c]["results"], "%s %s" % (c, ck[c]))
want(ck["missing"]["last"].startswith("cannot run it: "), "missing's last: %s" % ck["missing"]["last"])
want(ck["forker"]["failures"] == 0 and ck["forker"]["results"] >= 5, "forker %s" % ck["forker"])
want(ck["fl4"]["state"] == "unknown" and ck["fl4"]["failures"] >= 8 and ck["fl4"]["fail_run"] < 3, "fl4 %s" % ck["fl4"])
want(ck["w2"]["weight"] == 150 and ck["f1"]["weight"] == "fatal", "weights")
for i in st["instances"]:
	want(i["demotion"] == 0 and not i["held"] and i["effective_advskew"] == 10, "instance %s" % i)
if bad:
	print("; ".join(bad))
	sys.exit(1)
EOP
"$UCARPCTL" -s "${D_CTL[A]}" metrics > "$TMPD/metrics" || test_fail "ucarpctl metrics failed"
grep -qx 'ucarp_check_state{check="missing",kind="check",state="failing"} 1' "$TMPD/metrics" &&
    grep -qx 'ucarp_demotion{interface="eth0",vhid="2",name="w2"} 0' "$TMPD/metrics" &&
    grep -q '^ucarp_check_timeouts_total{check="h3",kind="check"} [1-9]' "$TMPD/metrics" ||
    test_fail "metrics: $(grep -E 'check|demotion' "$TMPD/metrics" | head -n 20)"
log "status -j and metrics show every check's state and counts"

# 6. Exit while a script runs: a check failing then moves nothing.
touch "$TMPD/h$A/slow"
"$UCARPCTL" -s "${D_CTL[A]}" stepdown f1 > /dev/null || test_fail "stepdown f1 failed"
up_again() { [ "$(grep -c 'start f1 up' "$TMPD/h$A/events")" -ge 3 ]; }
wait_until 15 up_again || test_fail "A's f1 did not become master again: $(cat "$TMPD/h$A/events")"
mark=$(wc -l < "${D_LOG[A]}")
pid=${D_PID[A]}
kill -TERM "$pid"
touch "$TMPD/h$A/fail.f1"
wait_until 15 pid_dead "$pid" || test_fail "A did not exit after its up script"
wait "$pid"
rc=$?
D_PID[A]=""
judge_end "host $A" clean "$rc" "${D_LOG[A]}" ""
[ ${#JUDGED[@]} -eq 0 ] || test_fail "$(printf '%s; ' "${JUDGED[@]}")"
tail -n +"$mark" "${D_LOG[A]}" | grep -E 'vhid 1 \(f1\): (Switching|held)' &&
    test_fail "f1 changed during the exit"
[ "$(tail -n 1 "$TMPD/h$A/events")" = "start f1 up" ] ||
    test_fail "a script ran during the exit: $(tail -n 3 "$TMPD/h$A/events")"
log "exit: a check failing while the daemon waited for a script moved nothing"
test_pass
