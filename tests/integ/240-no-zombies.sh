#!/bin/bash
# No zombies.  Two hosts, 20 instances z1..z20 on one link (host A (1)
# prefers z1..z10, host B (2) z11..z20; all preempt, shutdown = true),
# script_jobs = 16, scripts that exit at once, so that many children end
# together (one SIGCHLD for several exits).  z7's down script exits 3.
# A burst of transitions: SIGUSR2 ping-pong between the hosts (each
# step-down hands every instance to the other host at once), then the
# preferred hosts preempt back.
# Asserted, on both hosts, once the transitions are over:
#   - every script spawned was reaped and reported (as many outcome lines
#     as "Spawning" lines, all scripts logged their end);
#   - "exited 3" is logged for z7's down script, as a warning;
#   - the daemon has no zombie child (no /proc/*/stat with its pid as
#     parent and state Z), in fact no child at all.
. "$(dirname "$0")/lib_multi.sh"
multi_init
mnet_make 2 1

A=1
B=2
NI=20

write_conf() {
	local h=$1 v sep="" skew ev=$TMPD/h$1.events
	: > "$ev"
	D_EVENTS[h]=$ev
	mscript_write "$TMPD/h$h.up" up "$ev"
	mscript_write "$TMPD/h$h.down" down "$ev"
	mscript_write "$TMPD/h$h.down3" down "$ev" 0 3
	{
		echo 'script_jobs = 16;'
		echo 'defaults = {'
		echo '	pass = "zombie";'
		echo '	preempt = true;'
		echo '	shutdown = true;'
		echo "	upscript = \"$TMPD/h$h.up\";"
		echo "	downscript = \"$TMPD/h$h.down\";"
		echo '};'
		echo 'instances = ('
		for v in $(seq 1 $NI); do
			if { [ "$h" = $A ] && [ "$v" -le 10 ]; } ||
			    { [ "$h" = $B ] && [ "$v" -gt 10 ]; }; then
				skew=0
			else
				skew=100
			fi
			printf '%s' "$sep"
			if [ "$v" = 7 ]; then
				mconf_inst "z$v" eth0 "$(haddr "$h" 1)" "$v" "198.18.100.$v" \
				    advskew=$skew downscript="\"$TMPD/h$h.down3\""
			else
				mconf_inst "z$v" eth0 "$(haddr "$h" 1)" "$v" "198.18.100.$v" \
				    advskew=$skew
			fi
			sep=$',\n'
		done
		echo
		echo ');'
	} > "$TMPD/h$h.conf"
}

preferred_split() {
	mmasters_are $A '^z([1-9]|10)$' $NI && mmasters_are $B '^z(1[1-9]|20)$' $NI
}

describe() {
	echo "A: $(mstate_count $A MASTER) MASTER, B: $(mstate_count $B MASTER) MASTER"
}

# Every script spawned by host H was reaped: its outcome is logged.
reaped_all() {
	local h=$1 spawned reported
	spawned=$(mlog_count "$h" 'Spawning \[')
	reported=$(mlog_count "$h" 'script [^ ]+ \(pid [0-9]+\) (exited|killed)')
	[ "$spawned" -eq "$reported" ] &&
	    [ "$(grep -c '^end ' "${D_EVENTS[h]}")" -eq "$spawned" ]
}

write_conf $A
write_conf $B
mstart $A "$TMPD/h$A.conf" $NI
mstart $B "$TMPD/h$B.conf" $NI
wait_until 20 preferred_split || test_fail "no preferred split at start-up: $(describe)"

all_master() { mall_state "$1" MASTER $NI; }
for round in 1 2 3 4 5; do
	kill -USR2 "${D_PID[A]}"
	wait_until 5 all_master $B || test_fail "round $round: B did not take over: $(describe)"
	kill -USR2 "${D_PID[B]}"
	wait_until 5 all_master $A || test_fail "round $round: A did not take over: $(describe)"
done
wait_until 20 preferred_split || test_fail "no preferred split after the ping-pong: $(describe)"
mcheck_running $A $B

for h in $A $B; do
	wait_until 10 reaped_all $h ||
	    test_fail "host $h: $(mlog_count $h 'Spawning \[') scripts spawned, $(mlog_count $h 'script [^ ]+ \(pid [0-9]+\) (exited|killed)') reported, $(grep -c '^end ' "${D_EVENTS[h]}") ended; zombie children: $(mzombies "${D_PID[h]}" | tr '\n' ' ')"
	mlog_has $h '\[WARNING\] eth0 vhid 7 \(z7\): down script [^ ]+/h'$h'\.down3 \(pid [0-9]+\) exited 3 after [0-9]+ ms' ||
	    test_fail "host $h: no \"exited 3\" warning for z7's down script"
	bad=$(grep -E 'exited [1-9]|killed' "${D_LOG[h]}" | grep -v '(z7): down script' | head -n 3)
	[ -z "$bad" ] || test_fail "host $h: unexpected script failures: $bad"
	zombies=$(mzombies "${D_PID[h]}")
	[ -z "$zombies" ] ||
	    test_fail "host $h: zombie children of the daemon (pid ${D_PID[h]}): $(echo "$zombies" | tr '\n' ' ')"
	kids=$(mchildren "${D_PID[h]}")
	[ -z "$kids" ] ||
	    test_fail "host $h: the daemon still has children with no script running: $(echo "$kids" | tr '\n' ' ')"
	log "host $h: $(mlog_count $h 'Spawning \[') scripts spawned and reaped, $(mlog_count $h 'exited 3 after') exited 3; no zombie"
done
test_pass
