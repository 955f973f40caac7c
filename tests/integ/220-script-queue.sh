#!/bin/bash
# The script queue under load.  Two hosts, six instances q1..q6 on one
# link; host A (1) prefers q1..q3, host B (2) q4..q6; all preempt, with
# shutdown = true (bow-out on SIGUSR2) and script_jobs = 2.  Every script
# logs "start/end INSTANCE KIND STATE TS PID VHID" and sleeps 0.2 s, so a
# burst of six transitions takes 0.6 s to drain.
#
# Transitions are provoked faster than that: SIGUSR2 ping-pong (A steps
# down, B takes everything over at once on the bow-out; B steps down, A
# takes everything), then the preferred hosts preempt back, then B is
# killed (A takes q4..q6 over) and restarted (B preempts them back).
#
# For every daemon run, from the script log:
#   - per instance, runs never overlap: each start comes after the end of
#     the previous run (time stamps and file order), with the same pid;
#   - kinds alternate (up, down, up, ...: never the same twice in a row),
#     and the up script always runs with UCARP_STATE=MASTER, the down
#     script with BACKUP;
#   - the last script run matches the instance's final state (the last
#     "Switching to state" of the log), once the queues are idle;
#   - never more than 2 scripts at once over all instances (and 2 were
#     reached: the limit was really exercised).
. "$(dirname "$0")/lib_multi.sh"
multi_init
mnet_make 2 1

A=1
B=2
NI=6
JOBS=2

# write_run H: scripts, events file and configuration of host H's next run.
write_run() {
	local h=$1 r=$(( ${D_RUN[$1]:-0} + 1 )) v sep="" skew
	local ev=$TMPD/h$h.r$r.events
	: > "$ev"
	mscript_write "$TMPD/h$h.r$r.up" up "$ev" 0.2
	mscript_write "$TMPD/h$h.r$r.down" down "$ev" 0.2
	D_EVENTS[h]=$ev
	{
		echo "script_jobs = $JOBS;"
		echo 'defaults = {'
		echo '	pass = "queue";'
		echo '	preempt = true;'
		echo '	shutdown = true;'
		echo "	upscript = \"$TMPD/h$h.r$r.up\";"
		echo "	downscript = \"$TMPD/h$h.r$r.down\";"
		echo '};'
		echo 'instances = ('
		for v in $(seq 1 $NI); do
			# A prefers q1..q3, B q4..q6.
			if { [ "$h" = $A ] && [ "$v" -le 3 ]; } ||
			    { [ "$h" = $B ] && [ "$v" -gt 3 ]; }; then
				skew=0
			else
				skew=100
			fi
			printf '%s' "$sep"
			mconf_inst "q$v" eth0 "$(haddr "$h" 1)" "$v" "198.18.100.$v" \
			    advskew=$skew
			sep=$',\n'
		done
		echo
		echo ');'
	} > "$TMPD/h$h.r$r.conf"
	NEXT_CONF=$TMPD/h$h.r$r.conf
}

# The preferred split: A MASTER of q1..q3 only, B of q4..q6 only.
preferred_split() {
	mmasters_are $A '^q[123]$' $NI && mmasters_are $B '^q[456]$' $NI
}

describe() {
	echo "A: $(mstates $A | tr '\n' ' ')/ B: $(mstates $B | tr '\n' ' ')"
}

# check_events EVENTS: the per-instance rules over one run's script log.
# Prints one line per violation, and "LAST INSTANCE KIND RUNS" and
# "OPEN INSTANCE" (a run without its end) lines.
check_events() {
	awk '
	function bad(m) { print "BAD line " NR " (" $0 "): " m }
	{ i = $2; k = $3; st = $4; ts = $5 + 0; pid = $6 }
	$1 == "start" {
		if (i in open) bad("starts while run " open[i] " of " i " has not ended")
		if ((i in lastend) && ts < lastend[i]) bad("starts " (lastend[i] - ts) " us before the previous run of " i " ended")
		if ((i in lastkind) && lastkind[i] == k) bad("second " k " script in a row for " i)
		if ((k == "up") != (st == "MASTER")) bad(k " script run with UCARP_STATE=" st)
		open[i] = pid; okind[i] = k; ostart[i] = ts
		next
	}
	$1 == "end" {
		if (!(i in open)) { bad("end without a start"); next }
		if (open[i] != pid || okind[i] != k) bad("end does not match the running " okind[i] " script, pid " open[i])
		if (ts < ostart[i]) bad("ends before it started")
		delete open[i]
		lastend[i] = ts; lastkind[i] = k; runs[i]++
		next
	}
	{ bad("unparsable") }
	END {
		for (i in open) print "OPEN " i
		for (i in lastkind) print "LAST " i " " lastkind[i] " " runs[i]
	}' "$1"
}

# max_concurrent EVENTS: the largest number of scripts running at once
# (an end and a start with the same time stamp count as not overlapping).
max_concurrent() {
	awk '{ print $5, $1 }' "$1" | sort -k1,1n -k2,2 | awk '
		$2 == "start" { n++; if (n > m) m = n }
		$2 == "end" { n-- }
		END { print m + 0 }'
}

# settled H: host H's queues are idle and each instance's last script
# matches its state: every script the daemon spawned has been reported
# and has logged its start and end.
settled() {
	local h=$1 spawned reported starts ends out
	spawned=$(mlog_count "$h" 'Spawning \[')
	reported=$(mlog_count "$h" 'script [^ ]+ \(pid [0-9]+\) (exited|killed)')
	starts=$(grep -c '^start ' "${D_EVENTS[h]}")
	ends=$(grep -c '^end ' "${D_EVENTS[h]}")
	[ "$spawned" -eq "$reported" ] && [ "$spawned" -eq "$starts" ] &&
	    [ "$starts" -eq "$ends" ] || return 1
	out=$(join <(check_events "${D_EVENTS[h]}" | awk '$1 == "LAST" { print $2, $3 }' | sort) \
	    <(mstates "$h"))
	[ "$(echo "$out" | awk '($2 == "up") == ($3 == "MASTER")' | grep -c .)" -eq $NI ]
}

# verify_run H EVENTS LOG [killed]: the rules over one run of host H.
verify_run() {
	local h=$1 ev=$2 lg=$3 killed=${4:-} out bad m
	out=$(check_events "$ev")
	bad=$(echo "$out" | grep '^BAD' | head -n 10)
	[ -z "$bad" ] || test_fail "host $h ($ev): script queue order violated:
$bad"
	bad=$(echo "$out" | grep '^OPEN')
	[ -z "$bad" ] || test_fail "host $h ($ev): runs without an end: $bad"
	m=$(max_concurrent "$ev")
	[ "$m" -le $JOBS ] || test_fail "host $h ($ev): $m scripts ran at once, script_jobs is $JOBS"
	if [ -z "$killed" ]; then
		bad=$(join <(echo "$out" | awk '$1 == "LAST" { print $2, $3 }' | sort) \
		    <(mstates "$h" "$lg") | awk '($2 == "up") != ($3 == "MASTER")')
		[ -z "$bad" ] || test_fail "host $h: last script does not match the final state: $bad"
		[ "$(echo "$out" | grep -c '^LAST')" -eq $NI ] ||
		    test_fail "host $h: not every instance ran a script"
	fi
	log "host $h run $(basename "$ev" .events): $(grep -c '^start' "$ev") scripts, at most $m at once; runs per instance: $(echo "$out" | awk '$1 == "LAST" { printf "%s=%s ", $2, $4 }')"
}

pingpong_done() { mall_state "$1" MASTER $NI; }

# ---- start: the preferred split ---------------------------------------------------
write_run $A; mstart $A "$NEXT_CONF" $NI
write_run $B; mstart $B "$NEXT_CONF" $NI
wait_until 20 preferred_split || test_fail "no preferred split at start-up: $(describe)"
wait_until 10 settled $A && wait_until 10 settled $B ||
    test_fail "the scripts did not settle after start-up"
log "start-up: $(describe)"

# ---- SIGUSR2 ping-pong, faster than the scripts drain --------------------------
for round in 1 2 3 4; do
	kill -USR2 "${D_PID[A]}"
	wait_until 5 pingpong_done $B || test_fail "round $round: B did not take every instance over after A's step-down: $(describe)"
	kill -USR2 "${D_PID[B]}"
	wait_until 5 pingpong_done $A || test_fail "round $round: A did not take every instance over after B's step-down: $(describe)"
done
log "ping-pong: A $(mlog_count $A 'Switching to state') and B $(mlog_count $B 'Switching to state') state changes so far"
# The step-down holds end; B preempts q4..q6 back.
wait_until 20 preferred_split || test_fail "no preferred split after the ping-pong: $(describe)"
mcheck_running $A $B

# ---- peer restart: kill B, A takes q4..q6; B comes back and preempts ----------
wait_until 10 settled $B || test_fail "B's scripts did not settle before it was killed"
mstop $B KILL
wait_until 15 pingpong_done $A || test_fail "A did not take over B's instances after B was killed: $(describe)"
B1_EVENTS=${D_EVENTS[B]}
B1_LOG=${D_LOG[B]}
write_run $B; mstart $B "$NEXT_CONF" $NI
wait_until 20 preferred_split || test_fail "no preferred split after B's restart: $(describe)"

# ---- final: idle queues; the rules over every run ------------------------------
wait_until 15 settled $A || test_fail "A's scripts did not settle"
wait_until 15 settled $B || test_fail "B's scripts did not settle"
mcheck_running $A $B
verify_run $A "${D_EVENTS[A]}" "${D_LOG[A]}"
verify_run $B "$B1_EVENTS" "$B1_LOG" killed
verify_run $B "${D_EVENTS[B]}" "${D_LOG[B]}"
[ "$(max_concurrent "${D_EVENTS[A]}")" -eq $JOBS ] ||
    test_fail "A never ran $JOBS scripts at once: the test did not load the queue"
trans=$(mlog_count $A 'Switching to state')
runs=$(grep -c '^start' "${D_EVENTS[A]}")
log "A: $trans state changes, $runs scripts run ($((trans - runs)) coalesced away)"
[ "$trans" -gt "$runs" ] || log "NOTE: no transition of A was coalesced this time"
test_pass
