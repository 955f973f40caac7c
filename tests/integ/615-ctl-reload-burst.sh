#!/bin/bash
# Reloads asked for at once, answered once each: the file is loaded off
# the loop, and requests made while a reload is under way share one more
# after it.  Hosts A and B run 20 instances each from a file.
#
#   1. A's file gains n21; six ucarpctl reload clients and a SIGHUP reach
#      A together.  Every client exits 0 with one "reload applied" line;
#      A logs between 1 and 7 verdicts, the first adding n21 and any other
#      keeping all 21; status then lists 21 instances.
#   2. A client killed while its reload is under way: A goes on, and the
#      next ucarpctl reload says 21 kept.
. "$(dirname "$0")/lib_ctl.sh"
ctl_need
rl_init 20 10
rl_start_pair

# 1. The burst.
RL_VHIDS[A]="$(seq 1 21 | tr '\n' ' ')"
rl_conf $A "${RL_CONF[A]}"
rl_mark
pids=()
for c in 1 2 3 4 5 6; do
	ctl $A reload > "$TMPD/r$c.out" 2> "$TMPD/r$c.err" &
	pids+=("$!")
	[ $c -eq 3 ] && kill -HUP "${D_PID[A]}"
done
for c in 1 2 3 4 5 6; do
	rc=0
	wait "${pids[c - 1]}" || rc=$?
	[ $rc -eq 0 ] || test_fail "reload client $c exited $rc: $(cat "$TMPD/r$c.out" "$TMPD/r$c.err")"
	[ "$(grep -c '^reload applied: ' "$TMPD/r$c.out")" -eq 1 ] ||
	    test_fail "reload client $c did not print one verdict: $(cat "$TMPD/r$c.out")"
done
verdicts() { rl_log_since $A | grep -E '\] last reload (applied|of .* refused)' | sed 's/.*\] //'; }
wait_until 10 eval '[ "$(verdicts | wc -l)" -ge 1 ]' || test_fail "A logged no verdict"
n=$(verdicts | wc -l)
log "A: $n reload(s) for 7 requests: $(verdicts | sed 's/ in .*//' | sort | uniq -c | tr -s ' \n' ' ')"
[ "$n" -ge 1 ] && [ "$n" -le 7 ] || test_fail "A reloaded $n times for 7 requests"
verdicts | head -n 1 | grep -q '^last reload applied: 20 kept, 0 updated, 1 added, 0 removed in ' ||
    test_fail "the first reload of the burst: $(verdicts | head -n 1)"
bad=$(verdicts | tail -n +2 | grep -v '^last reload applied: 21 kept, 0 updated, 0 added, 0 removed in ')
[ -z "$bad" ] || test_fail "a later reload of the burst changed something: $bad"
n=$(ctl $A status -j | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["instances"]))')
[ "$n" = 21 ] || test_fail "status lists $n instances after the burst, expected 21"

# 2. A client that goes away while it waits.
ctl $A reload > /dev/null 2>&1 &
kill -9 $! 2>/dev/null
wait $! 2>/dev/null
out=$(ctl $A reload) || test_fail "reload after a vanished client exited $?: $out"
echo "$out" | grep -qx 'reload applied: 21 kept, 0 updated, 0 added, 0 removed, 0 failed' ||
    test_fail "reload after a vanished client said: $out"
mcheck_running $A $B
test_pass
