#!/bin/bash
# Scripts that break at run time.  One host alone on its link, five
# instances f1..f5 (script_jobs = 1, so a script that fails to start or
# hangs must hand the only slot on; script_timeout = 1 s).  The daemon
# first loads a valid configuration and every instance becomes MASTER with
# its scripts run.  Then, while it runs:
#   f1  its up script is deleted,
#   f2  its up script loses its x bits (mode 644),
#   f3  its up script now exits 3,
#   f4  its up script forks "sleep 300 &" and then hangs (sleep 300),
#   f5  unchanged (control).
# SIGUSR2: every instance steps down (down scripts, all fine), and becomes
# MASTER again 3 s + its master-down interval later (the broken up scripts).
# Asserted:
#   - each failure is logged once, naming the instance and the script:
#     "cannot run up script F: No such file or directory (make it an
#     executable file)", "...: Permission denied (...)", "up script F (pid
#     N) exited 3", "up script F (pid N) killed after timeout";
#   - the queue keeps moving: f5's up script runs (after f4's was killed,
#     the only slot being f4's until then), the hung script and the child
#     it forked are gone, and every instance stays MASTER;
#   - the scripts are restored and the instances step down again: every
#     down script (of the same instances) and then every up script runs and
#     exits 0;
#   - the daemon never has a zombie child (sampled throughout) and has no
#     child at all at the end.
. "$(dirname "$0")/lib_faults.sh"
faults_init
mnet_make 1 1

H=1
NI=5
EV=$TMPD/events
PIDS=$TMPD/hang.pids
D_EVENTS[H]=$EV
: > "$EV"
: > "$PIDS"

for v in $(seq 1 $NI); do
	mscript_write "$TMPD/f$v.up" up "$EV"
	mscript_write "$TMPD/f$v.down" down "$EV"
done
{
	echo 'script_jobs = 1;'
	echo 'script_timeout = 1;'
	echo 'defaults = {'
	echo '	pass = "faults";'
	echo '};'
	echo 'instances = ('
	sep=""
	for v in $(seq 1 $NI); do
		printf '%s' "$sep"
		mconf_inst "f$v" eth0 "$(haddr $H 1)" "$v" "198.18.100.$v" \
		    advskew=$(( (v - 1) * 20 )) \
		    upscript="\"$TMPD/f$v.up\"" downscript="\"$TMPD/f$v.down\""
		sep=$',\n'
	done
	echo
	echo ');'
} > "$TMPD/h1.conf"

# Zombie watch: a background sampler records any child of the daemon
# that stays a zombie (exited, not reaped) for 1 s or more; a child is
# briefly a zombie between its exit and the daemon's SIGCHLD handling.
ZLOG=$TMPD/zombies
: > "$ZLOG"
zombie_watch() {
	local z now
	declare -A first
	while pid_alive "${D_PID[H]}"; do
		now=$(now_ms)
		for z in $(mzombies "${D_PID[H]}"); do
			: "${first[$z]:=$now}"
			[ $((now - first[$z])) -ge 1000 ] &&
			    echo "pid $z a zombie for $((now - first[$z])) ms" >> "$ZLOG"
		done
		sleep 0.1
	done
}

ended() { [ "$(grep -c "^end $1 $2 " "$EV")" -ge "$3" ]; }
all_ended() {
	local v
	for v in $(seq 1 $NI); do ended "f$v" "$1" "$2" || return 1; done
}

mstart $H "$TMPD/h1.conf" $NI
zombie_watch &
BG_PIDS+=("$!")
wait_until 15 mall_state $H MASTER $NI ||
    test_fail "the instances did not all become MASTER: $(mstates $H | tr '\n' ' ')"
wait_until 10 all_ended up 1 || test_fail "not every first up script ran"
mlog_has $H 'cannot run|exited [1-9]|killed' &&
    test_fail "a script failed before the faults were injected: $(grep -E 'cannot run|exited [1-9]|killed' "${D_LOG[H]}" | head -n 3)"

# ---- inject the faults -------------------------------------------------------
rm -f "$TMPD/f1.up"
chmod 644 "$TMPD/f2.up"
mscript_write "$TMPD/f3.up" up "$EV" 0 3
{
	echo '#!/bin/bash'
	echo "# up script that hangs (written by $TEST_NAME)"
	echo "echo \"start \$UCARP_INSTANCE up \$UCARP_STATE \${EPOCHREALTIME/./} \$\$ \$UCARP_VHID\" >> '$EV'"
	echo 'sleep 300 &'
	echo "echo \"\$\$ \$!\" >> '$PIDS'"
	echo 'sleep 300'
	echo "echo \"hang-end \$UCARP_INSTANCE up \$\$\" >> '$EV'"
} > "$TMPD/f4.up"
chmod 755 "$TMPD/f4.up"
log "faults injected: f1.up deleted, f2.up mode 644, f3.up exits 3, f4.up hangs"

fmark $H
kill -USR2 "${D_PID[H]}"
wait_until 5 all_ended down 2 || test_fail "the down scripts did not all run after SIGUSR2"
wait_until 15 fhas_since $H '\(f5\): Switching to state: MASTER' ||
    test_fail "f5 did not become MASTER again after its step-down"
wait_until 10 mall_state $H MASTER $NI ||
    test_fail "not every instance became MASTER again: $(mstates $H | tr '\n' ' ')"

fwait_log_since $H "\(f1\): cannot run up script $TMPD/f1\.up: No such file or directory \(make it an executable file\)" 5
fwait_log_since $H "\(f2\): cannot run up script $TMPD/f2\.up: Permission denied \(make it an executable file\)" 5
fwait_log_since $H "\(f3\): up script $TMPD/f3\.up \(pid [0-9]+\) exited 3 after [0-9]+ ms" 5

have_pids() { [ "$(wc -l < "$PIDS")" -ge 1 ]; }
wait_until 5 have_pids || test_fail "f4's hanging up script did not start"
read -r SPID CPID < "$PIDS"
log "f4's up script: pid $SPID, its child (sleep 300 &) $CPID"
fwait_log_since $H "\(f4\): up script $TMPD/f4\.up \(pid $SPID\) still running after 1000 ms: sending SIGTERM to its process group" 5
fwait_log_since $H "\(f4\): up script $TMPD/f4\.up \(pid $SPID\) killed after timeout" 5
fwait_log_since $H "\(f5\): up script $TMPD/f5\.up \(pid [0-9]+\) exited 0 after" 5

# The broken scripts are not retried: one line each.
for pat in "\(f1\): cannot run" "\(f2\): cannot run" "\(f3\): up script .* exited 3" \
    "\(f4\): up script .* killed after timeout"; do
	n=$(fcount_since $H "$pat")
	[ "$n" -eq 1 ] || test_fail "/$pat/ logged $n times, expected once"
done
# They are errors or warnings, never mere info.
for v in 1 2; do
	flog_since $H | grep -E "\(f$v\): cannot run" | grep -qE '\[(ERROR|WARNING)\]' ||
	    test_fail "f$v's 'cannot run' is not logged as an error or warning"
done
flog_since $H | grep -E '\(f3\): up script .* exited 3' | grep -q '\[WARNING\]' ||
    test_fail "f3's exit 3 is not a warning"

# With one slot, f5's up script ran only once f4's was killed.
kill_line=$(flog_since $H | grep -nE '\(f4\): up script .* killed after timeout' | head -n 1 | cut -d: -f1)
f5_line=$(flog_since $H | grep -nE '\(f5\): Spawning \[[^ ]*/f5\.up ' | head -n 1 | cut -d: -f1)
[ -n "$f5_line" ] && [ "$f5_line" -gt "$kill_line" ] ||
    test_fail "f5's up script was spawned at line ${f5_line:-none}, before f4's hang was killed (line $kill_line) although script_jobs = 1"

# The hung script and the child it forked are gone; the daemon has no
# child left.
gone() {
	local p
	for p in "$@"; do pid_alive "$p" && return 1; done
	return 0
}
wait_until 5 gone "$SPID" "$CPID" ||
    test_fail "f4's hung script or its child still alive: $(ps -o pid=,pgid=,stat=,args= -p "$SPID,$CPID" | tr '\n' ';')"
no_children() { [ -z "$(mchildren "${D_PID[H]}")" ]; }
wait_until 5 no_children ||
    test_fail "the daemon still has children: $(mchildren "${D_PID[H]}" | tr '\n' ' ')"
grep -q '^hang-end ' "$EV" && test_fail "f4's hanging up script ran to its end"
for v in 1 2; do
	[ "$(grep -c "^start f$v up " "$EV")" -eq 1 ] ||
	    test_fail "f$v's unrunnable up script ran anyway: $(grep "^start f$v up " "$EV" | tr '\n' ';')"
done
mcheck_running $H
mall_state $H MASTER $NI || test_fail "an instance left MASTER: $(mstates $H | tr '\n' ' ')"

# ---- restore, and the queues go on -------------------------------------------
mscript_write "$TMPD/f1.up" up "$EV"
chmod 755 "$TMPD/f2.up"
mscript_write "$TMPD/f3.up" up "$EV"
mscript_write "$TMPD/f4.up" up "$EV"
log "scripts restored"

fmark $H
kill -USR2 "${D_PID[H]}"
wait_until 5 all_ended down 3 ||
    test_fail "after the faults, not every down script ran: $(grep -c '^end f[0-9] down' "$EV") down script ends"
for v in $(seq 1 $NI); do
	fwait_log_since $H "\(f$v\): down script $TMPD/f$v\.down \(pid [0-9]+\) exited 0 after" 5
done
wait_until 15 mall_state $H MASTER $NI ||
    test_fail "not every instance became MASTER again: $(mstates $H | tr '\n' ' ')"
for v in $(seq 1 $NI); do
	fwait_log_since $H "\(f$v\): up script $TMPD/f$v\.up \(pid [0-9]+\) exited 0 after" 10
done
fhas_since $H 'cannot run|exited [1-9]|killed' &&
    test_fail "a restored script failed: $(flog_since $H | grep -E 'cannot run|exited [1-9]|killed' | head -n 3)"

wait_until 5 no_children ||
    test_fail "the daemon still has children at the end: $(mchildren "${D_PID[H]}" | tr '\n' ' ')"
[ -s "$ZLOG" ] && test_fail "zombie children of the daemon (pid ${D_PID[H]}) seen: $(head -n 5 "$ZLOG" | tr '\n' ';')"
mcheck_running $H
log "script runs: $(mlog_count $H 'Spawning \['); failures logged: $(mlog_count $H 'cannot run|exited [1-9]|killed after')"
test_pass
