#!/bin/bash
# Groups, tracked interfaces, reload by difference, the startup hold, and a
# demoted master of ours against a preempting ucarp 1.5.2.
#
# Hosts A (1, advskew 10) and B (2, advskew 100), all preempt, three links
# (eth0 outside, eth1 inside, eth2 an uplink).  Instances:
#   out   eth0 vhid 1, groups ["fw"], track_interface ["eth2"]
#   in    eth1 vhid 2, groups ["fw"] (tracks nothing itself)
#   other eth0 vhid 3, tracks check c (always passing)
#   w     eth0 vhid 4, A only, tracks check w (weight 100); B runs
#         Debian's ucarp 1.5.2 for vhid 4 with -k 50 -P.
#  1. A's eth2 loses its carrier: out is held, and so is in (same group):
#     both move to B, other stays; the carrier returns: both come back.
#  2. A's check w fails: A advertises skew 110 at once and the reference
#     (skew 50, -P) preempts; it recovers: A preempts back.
#  3. A reloads a file with one more check: check c keeps its counters.
#  4. A restarts with startup_hold = 60 and a check (boot) failing until
#     a file appears: A stays BACKUP everywhere while B is master (many
#     adverts heard, more than A's master-down interval); the file
#     appears, the check passes, the hold ends and A preempts back.
. "$(dirname "$0")/lib_multi.sh"
multi_init
[ -x "$REF_UCARP" ] || test_skip "reference $REF_UCARP missing"
mnet_make 2 3
A=1
B=2
UCARPCTL=${UCARPCTL:-$top_builddir/ctl/ucarpctl}

# conf H [EXTRA-CHECK] [HOLD]: host H's file.
conf() {
	local h=$1 extra=${2:-} hold=${3:-0} d=$TMPD/h$1 skew
	[ "$h" = $A ] && skew=10 || skew=100
	{
		printf 'startup_hold = %s;\nchecks = (\n' "$hold"
		printf '\t{ name = "c"; script = "%s"; interval = 0.2; },\n' "$d/c"
		printf '\t{ name = "w"; script = "%s"; interval = 0.2; weight = 100; },\n' "$d/w"
		[ -n "$extra" ] && printf '\t{ name = "%s"; script = "%s"; interval = 0.2; },\n' "$extra" "$d/$extra"
		printf '\t{ name = "boot"; script = "%s"; interval = 0.2; }\n' "$d/boot"
		printf ');\ndefaults = { pass = "hg"; advbase = 1; advskew = %d; preempt = true; };\n' "$skew"
		printf 'instances = (\n'
		mconf_inst out eth0 "$(haddr $h 1)" 1 198.18.1.101 groups='["fw"]' \
		    track_interface='"eth2"'
		printf ',\n'
		mconf_inst in eth1 "$(haddr $h 2)" 2 198.18.2.102 groups='["fw"]'
		printf ',\n'
		mconf_inst other eth0 "$(haddr $h 1)" 3 198.18.1.103 track_check='"c"'
		if [ "$h" = $A ]; then
			printf ',\n'
			mconf_inst w eth0 "$(haddr $h 1)" 4 198.18.1.104 \
			    track_check='["w"]'
		fi
		printf '\n);\n'
	} > "$TMPD/h$h.conf"
	chmod 600 "$TMPD/h$h.conf"
}

for h in $A $B; do
	d=$TMPD/h$h
	mkdir -p "$d"
	mcheck_write "$d/c" "exit 0"
	mcheck_write "$d/d" "exit 0"
	mcheck_write "$d/w" "[ ! -e '$d/fail.w' ]"
	mcheck_write "$d/boot" "[ -e '$d/ready' ]"
	touch "$d/ready"
	conf $h
done

mstart $A "$TMPD/h$A.conf" 4
mstart $B "$TMPD/h$B.conf" 3
REFLOG=$TMPD/ref.log
ip netns exec "${M_NS[B]}" env MTEST_TAG="$P" "$REF_UCARP" -i eth0 \
    -s "$(haddr $B 1)" -v 4 -p hg -a 198.18.1.104 -b 1 -k 50 -P \
    > "$REFLOG" 2>&1 < /dev/null &
REFPID=$!
BG_PIDS+=("$REFPID")

is() { mstates "$1" | grep -qx "$2 $3"; }
ref_state() { grep -oE 'Switching to state: [A-Z]+' "$REFLOG" | tail -n 1 | awk '{ print $4 }'; }
ref_is() { [ "$(ref_state)" = "$1" ]; }
states() { echo "A: $(mstates $A | tr '\n' ' ') B: $(mstates $B | tr '\n' ' ') ref: $(ref_state)"; }
a_all() { mmasters_are $A . 4 && mmasters_are $B '^$' 3 && ref_is BACKUP; }
wait_until 20 a_all || test_fail "A is not master of all: $(states)"

# 1. The uplink of A goes: the whole group fw moves, other stays.
ip -n "$MBR_NS" link set "p${A}l3" down
fw_b() { is $B out MASTER && is $B in MASTER && is $A out BACKUP && is $A in BACKUP; }
wait_until 5 fw_b || test_fail "group fw did not move to B: $(states)"
is $A other MASTER || test_fail "other moved with fw: $(states)"
mlog_has $A 'tracked interface eth2: down' || test_fail "A did not log eth2 down"
mlog_has $A 'vhid 2 \(in\): held, may not be master: group fw: out interface eth2 down \(fatal\)' ||
    test_fail "A's in does not say it is held for out's uplink: $(grep 'vhid 2 (in)' "${D_LOG[A]}" | tail -n 2)"
"$UCARPCTL" -s "${D_CTL[A]}" status in > "$TMPD/in.status" &&
    grep -q 'health: demotion 0, held (may not be master): group fw: out interface eth2 down (fatal)' "$TMPD/in.status" ||
    test_fail "status of in: $(cat "$TMPD/in.status")"
ip -n "$MBR_NS" link set "p${A}l3" up
fw_a() { is $A out MASTER && is $A in MASTER && is $B out BACKUP && is $B in BACKUP; }
wait_until 10 fw_a || test_fail "group fw did not come back to A: $(states)"
log "1: eth2 down on A moved out and in (group fw) to B, not other; back on eth2 up"

# 2. A demoted master against ucarp 1.5.2 with -P.
touch "$TMPD/h$A/fail.w"
w_ref() { is $A w BACKUP && ref_is MASTER; }
wait_until 5 w_ref || test_fail "the reference did not preempt A's demoted w: $(states)"
mlog_has $A 'vhid 4 \(w\): demotion 0 -> 100, advskew 110' || test_fail "A did not log w's demotion"
rm "$TMPD/h$A/fail.w"
w_a() { is $A w MASTER && ref_is BACKUP; }
wait_until 10 w_a || test_fail "w did not come back to A: $(states)"
log "2: a demoted master of ours lost to a preempting ucarp 1.5.2, and came back"

# 3. Reload with one more check: c keeps its counters.
results() {
	"$UCARPCTL" -s "${D_CTL[A]}" status -j | python3 -c '
import json, sys
print(" ".join("%s=%d" % (c["name"], c["results"]) for c in json.load(sys.stdin)["checks"]))'
}
before=$(results)
c0=$(echo "$before" | tr ' ' '\n' | sed -n 's/^c=//p')
[ "${c0:-0}" -ge 5 ] || test_fail "check c ran too little before the reload: $before"
conf $A d
"$UCARPCTL" -s "${D_CTL[A]}" reload > "$TMPD/reload.out" 2>&1 ||
    test_fail "reload failed: $(cat "$TMPD/reload.out")"
after=$(results)
c1=$(echo "$after" | tr ' ' '\n' | sed -n 's/^c=//p')
echo "$after" | grep -q 'd=' || test_fail "the new check d is not there: $after"
[ "${c1:-0}" -ge "$c0" ] || test_fail "check c was reset by the reload: $before -> $after"
mmasters_are $A . 4 || test_fail "the reload moved something: $(states)"
log "3: reload added check d, c kept its counters ($c0 -> $c1)"

# 4. A restarts with a startup hold; its boot check fails until ready.
mstop $A
wait_until 10 mmasters_are $B . 3 || test_fail "B did not take over from the stopped A: $(states)"
rm "$TMPD/h$A/ready"
conf $A "" 60
mstart $A "$TMPD/h$A.conf" 4
mwait_log $A 'startup hold: no instance becomes master for 60.000 s'
# Protocol time: 6 adverts of B's other heard (advbase 1) is past A's
# master-down interval (3 s); A must still be BACKUP everywhere.
mwait_counter $A other received 6
mmasters_are $A '^$' 4 || test_fail "A became master during its startup hold: $(states)"
is $B other MASTER || test_fail "B lost other during A's hold: $(states)"
touch "$TMPD/h$A/ready"
mwait_log $A 'startup hold over after [0-9]+ ms: every check has passed once'
wait_until 10 a_all || test_fail "A did not take over after its hold: $(states)"
log "4: a restarted A stayed BACKUP in its startup hold until its checks passed"
reap_pid "$REFPID" TERM
test_pass
