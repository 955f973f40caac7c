#!/bin/bash
# fork() failing.  Two hosts on one link, two instances i1 (vhid 1) and i2
# (vhid 2).  Host B (2) is the preferred master of both (advskew 0); host A
# (1) is their backup (advskew 20 and 60).  A's daemon is moved into a
# pids cgroup right after its start; once its start-up down scripts are
# done, pids.max is set to pids.current (the daemon alone), so every fork
# fails with EAGAIN.  B is stopped: A takes both instances over and wants
# to run their up scripts.
# Asserted:
#   - A logs, for the first instance, "fork for up script F (will retry in 1 s):
#     Resource temporarily unavailable", and retries (several such lines,
#     about one per second);
#   - meanwhile A stays MASTER and keeps advertising on time: its "sent"
#     counters grow and, in a capture of the link, no gap between two of its
#     adverts of a vhid exceeds the interval + 100 ms;
#   - no up script ran while fork failed;
#   - pids.max is raised: each up script then runs exactly once and exits
#     0, after the down script of the same instance (nothing lost, nothing
#     run twice, in order), and no fork failure is logged any more;
#   - the daemon ends with no child and pids.current back at 1.
# Needs a pids cgroup (cgroup v2 with the pids controller, or the cgroup v1
# pids hierarchy); exit 77 without.  The cgroup is named with $$ and
# removed at exit, its processes moved back to the parent first.
. "$(dirname "$0")/lib_faults.sh"
faults_init
need_tcpdump
fcg_make
mnet_make 2 1

A=1
B=2
NI=2
declare -a SKEW_A=(- 20 60)

write_conf() {
	local h=$1 v skew sep="" ev=$TMPD/h$1.events
	: > "$ev"
	D_EVENTS[h]=$ev
	mscript_write "$TMPD/h$h.up" up "$ev"
	mscript_write "$TMPD/h$h.down" down "$ev"
	{
		echo 'defaults = {'
		echo '	pass = "forkfail";'
		echo "	upscript = \"$TMPD/h$h.up\";"
		echo "	downscript = \"$TMPD/h$h.down\";"
		echo '};'
		echo 'instances = ('
		for v in $(seq 1 $NI); do
			if [ "$h" = $B ]; then skew=0; else skew=${SKEW_A[v]}; fi
			printf '%s' "$sep"
			mconf_inst "i$v" eth0 "$(haddr "$h" 1)" "$v" "198.18.100.$v" \
			    advskew="$skew"
			sep=$',\n'
		done
		echo
		echo ');'
	} > "$TMPD/h$h.conf"
}

ended() { [ "$(grep -c "^end $2 $3 " "${D_EVENTS[$1]}")" -ge "$4" ]; }
all_ended() {
	local v
	for v in $(seq 1 $NI); do ended "$1" "i$v" "$2" "$3" || return 1; done
}
cg_is() { [ "$(fcg_current)" = "$1" ]; }

write_conf $A
write_conf $B
mcap_start link br1 ip proto 112

mstart $B "$TMPD/h$B.conf" $NI
wait_until 10 mall_state $B MASTER $NI || test_fail "B did not become MASTER of both instances"

mstart $A "$TMPD/h$A.conf" $NI
fcg_move "${D_PID[A]}" || test_fail "cannot move pid ${D_PID[A]} into $FCG_DIR"
grep -qx "${D_PID[A]}" <(fcg_procs) || test_fail "the daemon (pid ${D_PID[A]}) is not in $FCG_DIR"
wait_until 10 mall_state $A BACKUP $NI || test_fail "A did not start as BACKUP: $(mstates $A | tr '\n' ' ')"
wait_until 10 all_ended $A down 1 || test_fail "A's start-up down scripts did not run"
wait_until 5 cg_is 1 || test_fail "pids.current of the daemon's cgroup is $(fcg_current), expected 1 (the daemon)"
fcg_set_max "$(fcg_current)" || test_fail "cannot set pids.max"
log "pids.max = $(cat "$FCG_DIR/pids.max") = pids.current: fork fails from now on"

fmark $A
mstop $B TERM
for v in $(seq 1 $NI); do
	fwait_log_since $A "\(i$v\): Switching to state: MASTER" 10
done
# i1 became MASTER first: its fork fails; i2 waits its turn behind it
# ("more wait their turn") instead of trying a fork of its own.
fwait_log_since $A "\[ERROR\] eth0 vhid 1 \(i1\): fork for up script $TMPD/h$A\.up \(will retry in 1 s\): Resource temporarily unavailable" 5
T_FAIL=$(now_us)
# The retries: one attempt a second for the queue at the head of the
# line, so at least 3 more failures within about 3 s.
retried() { [ "$(fcount_since $A 'fork for up script')" -ge 4 ]; }
wait_until 5 retried ||
    test_fail "only $(fcount_since $A 'fork for up script') fork failures logged in 5 s (a retry every 1 s expected)"
# Still advertising, from counters...
for v in $(seq 1 $NI); do
	mwait_counter $A "i$v" sent 2 6
done
mall_state $A MASTER $NI || test_fail "A left MASTER while fork failed: $(mstates $A | tr '\n' ' ')"
grep -q '^start i[0-9]* up' "${D_EVENTS[A]}" && test_fail "an up script ran although fork failed"
fhas_since $A 'Spawning \[' && test_fail "a script was spawned although fork failed: $(flog_since $A | grep 'Spawning \[')"
T_RAISE=$(now_us)
nfail=$(fcount_since $A 'fork for up script')

fcg_set_max max || test_fail "cannot raise pids.max"
log "pids.max raised after $(( (T_RAISE - T_FAIL) / 1000 )) ms of failing forks ($nfail fork failures logged)"
for v in $(seq 1 $NI); do
	fwait_log_since $A "\(i$v\): up script $TMPD/h$A\.up \(pid [0-9]+\) exited 0 after" 5
done
# Two more retry periods: nothing else runs.
no_children() { [ -z "$(mchildren "${D_PID[A]}")" ]; }
wait_until 5 no_children || test_fail "the daemon still has children: $(mchildren "${D_PID[A]}" | tr '\n' ' ')"
mwait_counter $A i1 sent 2 6
for v in $(seq 1 $NI); do
	n=$(grep -c "^start i$v up " "${D_EVENTS[A]}")
	[ "$n" -eq 1 ] || test_fail "i$v's up script ran $n times after the limit was raised, expected once"
	seq_v=$(awk -v n="i$v" '$2 == n { printf "%s:%s ", $1, $3 }' "${D_EVENTS[A]}")
	[ "$seq_v" = "start:down end:down start:up end:up " ] ||
	    test_fail "i$v's scripts ran as [$seq_v], expected the down script, then the up script"
	n=$(fcount_since $A "\(i$v\): Spawning \[$TMPD/h$A\.up ")
	[ "$n" -eq 1 ] || test_fail "i$v's up script spawned $n times"
done
[ "$(fcount_since $A 'fork for')" -eq "$nfail" ] ||
    test_fail "fork failures logged after pids.max was raised"
mall_state $A MASTER $NI || test_fail "A is not MASTER of both: $(mstates $A | tr '\n' ' ')"
mcheck_running $A
wait_until 5 cg_is 1 || test_fail "pids.current is $(fcg_current) at the end, expected 1"
# Across instances, scripts are started in the order of the transitions:
# i1 became MASTER first, so the daemon spawns its up script first (the
# daemon's "Spawning" lines; both may then run at once, so the order in
# which the scripts themselves log is not the daemon's).
order=$(grep -oE '\(i[0-9]+\): Spawning \[[^ ]*\.up ' "${D_LOG[A]}" | grep -oE 'i[0-9]+' | tail -n $NI | tr '\n' ' ')
log "up scripts spawned in the order: $order(i1 became MASTER first, i2 $(( (SKEW_A[2] - SKEW_A[1]) * 3906 / 1000 )) ms later)"
[ "$order" = "$(seq -f 'i%g' 1 $NI | tr '\n' ' ')" ] ||
    test_fail "up scripts after the fork failures were spawned in the order $order, not in transition order"

# ...and from the capture: no advert was late while fork failed.
mcap_stop link
gaps=$(mcap_gaps link "$(haddr $A 1)" "$T_FAIL" "$T_RAISE")
log "A's adverts while fork failed (vhid, count, largest gap in us): $(echo "$gaps" | tr '\n' ';')"
[ "$(echo "$gaps" | grep -c .)" -eq $NI ] || test_fail "adverts of only $(echo "$gaps" | grep -c .) vhids captured from A"
while read -r v n max; do
	[[ "$v$n$max" =~ ^[0-9]+$ ]] || test_fail "unparsable gap line: $v $n $max"
	limit=$(( 1000000 + SKEW_A[v] * 1000000 / 256 + 100000 ))
	[ "$max" -lt "$limit" ] ||
	    test_fail "vhid $v: a gap of $((max / 1000)) ms between A's adverts (interval + 100 ms = $((limit / 1000)) ms) while fork failed"
done <<< "$gaps"
test_pass
