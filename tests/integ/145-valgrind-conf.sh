#!/bin/bash
# Configuration-file mode under valgrind (memcheck): host 1 runs under
# valgrind, host 2 is its peer (under valgrind too with
# UCARP_TEST_VALGRIND=1).  Two links: eth0 (link 1) and eth1 (link 2);
# every instance preempts, host 1 has shutdown = true and
# script_timeout = 1:
#   a1 (eth0, vhid 1) and b1 (eth1, vhid 11): host 1 preferred;
#   a2 (eth0, vhid 2) and b2 (eth1, vhid 12): host 2 preferred.
# Through one life of host 1's daemon:
#   1. start-up: the preferred split; b1's first up script hangs and is
#      killed after its timeout; SIGUSR1;
#   2. eth1 of host 1 is deleted: b1 goes BACKUP (link down), host 2 takes
#      it; eth1 is created again: the capture is reopened and b1 comes
#      back to host 1;
#   3. SIGHUP with a file that keeps a1 and b1, changes a2's advskew,
#      removes b2 and adds c3 (vhid 3, eth0, host 1 only): "2 kept,
#      1 updated, 1 added, 1 removed", c3 becomes MASTER;
#   4. SIGTERM: the down scripts run (shutdown), exit 0, and valgrind
#      reports no error and no definite, indirect or possible leak.
# With an AddressSanitizer build valgrind cannot run the daemon: the same
# scenario runs without it, and the exit must be clean with no sanitizer
# report in any log.  Deadlines are scaled for valgrind.
. "$(dirname "$0")/lib_multi.sh"
multi_init
need_tcpdump
if ucarp_sanitized; then
	MODE=asan
	log "NOTE: $UCARP has sanitizers (valgrind cannot run it): the same scenario without valgrind, checked by the sanitizers"
else
	vg_find || test_skip "valgrind missing"
	MODE=valgrind
	D_VG[1]=1
	vg_scale
fi
mnet_make 2 2

EV=$TMPD/events
HANG=$TMPD/hang
D_EVENTS[1]=$EV
D_EVENTS[2]=$EV
: > "$EV"
touch "$HANG"
ipbin=$(command -v ip)
# Scripts of host H: log "start|end NAME KIND STATE TS PID VHID" (as
# lib_multi.sh's), add or remove the VIP; b1's up script on host 1 hangs
# (sleep 300) while $HANG exists.
for h in 1 2; do
	for kind in up down; do
		if [ $kind = up ]; then op=add; else op=del; fi
		{
			echo '#!/bin/bash'
			echo "# $kind script of host $h, written by $TEST_NAME"
			echo "echo \"start \$UCARP_INSTANCE $kind \$UCARP_STATE \${EPOCHREALTIME/./} \$\$ \$UCARP_VHID h$h\" >> '$EV'"
			[ $h = 1 ] && [ $kind = up ] &&
			    echo "[ \"\$UCARP_INSTANCE\" = b1 ] && [ -f '$HANG' ] && sleep 300"
			echo "$ipbin addr $op \"\$2/32\" dev \"\$1\" 2>/dev/null"
			echo "echo \"end \$UCARP_INSTANCE $kind \$UCARP_STATE \${EPOCHREALTIME/./} \$\$ \$UCARP_VHID h$h\" >> '$EV'"
		} > "$TMPD/h$h.$kind"
		chmod 755 "$TMPD/h$h.$kind"
	done
done

# conf H FILE [reloaded]: host H's file; "reloaded" is host 1's second one.
conf() {
	local h=$1 f=$2 new=${3:-} p1=0 p2=100
	[ "$h" = 1 ] || { p1=100; p2=0; }
	{
		[ "$h" = 1 ] && echo 'script_timeout = 1;'
		echo 'defaults = {'
		echo '	pass = "vg";'
		echo '	preempt = true;'
		[ "$h" = 1 ] && echo '	shutdown = true;'
		echo "	upscript = \"$TMPD/h$h.up\";"
		echo "	downscript = \"$TMPD/h$h.down\";"
		echo '};'
		echo 'instances = ('
		mconf_inst a1 eth0 "$(haddr "$h" 1)" 1 198.18.100.1 advskew=$p1; echo ','
		if [ -n "$new" ]; then
			mconf_inst a2 eth0 "$(haddr "$h" 1)" 2 198.18.100.2 advskew=150; echo ','
			mconf_inst c3 eth0 "$(haddr "$h" 1)" 3 198.18.100.3; echo ','
		else
			mconf_inst a2 eth0 "$(haddr "$h" 1)" 2 198.18.100.2 advskew=$p2; echo ','
			mconf_inst b2 eth1 "$(haddr "$h" 2)" 12 198.18.101.12 advskew=$p2; echo ','
		fi
		mconf_inst b1 eth1 "$(haddr "$h" 2)" 11 198.18.101.11 advskew=$p1
		echo
		echo ');'
	} > "$f"
}
conf 1 "$TMPD/h1.conf"
conf 2 "$TMPD/h2.conf"

split() { mmasters_are 1 '^[ab]1$' 4 && mmasters_are 2 '^[ab]2$' 4; }
describe() { echo "host 1: $(mstates 1 | tr '\n' ' '); host 2: $(mstates 2 | tr '\n' ' ')"; }
state_of() { mstates "$1" | awk -v n="$2" '$1 == n { print $2 }'; }
is_state() { [ "$(state_of "$1" "$2")" = "$3" ]; }

# ---- 1. start-up, a script killed after its timeout, SIGUSR1 -------------------------
mstart 1 "$TMPD/h1.conf" 4
mstart 2 "$TMPD/h2.conf" 4
wait_until 30 split || test_fail "no preferred split after start-up: $(describe)"
mwait_log 1 '\(b1\): up script [^ ]+ \(pid [0-9]+\) still running after 1000 ms: sending SIGTERM' 10
mwait_log 1 '\(b1\): up script [^ ]+ \(pid [0-9]+\) killed after timeout' 10
rm -f "$HANG"
grep -q '^end b1 up .* h1$' "$EV" && test_fail "b1's hanging up script ran to its end"
musr1 1 || test_fail "host 1 did not answer SIGUSR1 for its 4 instances"
grep -qx 'b1 MASTER' "$USR1_OUT" || test_fail "SIGUSR1: b1 is not MASTER on host 1: $(tr '\n' ' ' < "$USR1_OUT")"
log "1. split: $(describe); b1's hanging script killed"

# ---- 2. eth1 deleted and created again ---------------------------------------------------
ip -n "${M_NS[1]}" link del eth1 || test_fail "ip link del eth1"
mwait_log 1 'eth1: (interface removed|capture closed: .*wait for the interface to come back)' 10
mwait_log 1 'eth1 vhid 11 \(b1\): Switching to state: BACKUP \(link down\)' 10
wait_until 20 is_state 2 b1 MASTER || test_fail "host 2 did not take b1 over: $(describe)"
mcheck_running 1 2
mnet_port 1 2
wait_until 5 mport_up 1 2 || test_fail "the new eth1 of host 1 has no carrier"
mwait_log 1 'eth1: interface is back, capture reopened' 10
wait_until 30 split || test_fail "b1 did not come back to host 1: $(describe)"
log "2. eth1 deleted and re-created: $(describe)"

# ---- 3. reload -------------------------------------------------------------------------------
conf 1 "$TMPD/h1.new" reloaded
"$UCARP" -t -c "$TMPD/h1.new" > "$TMPD/h1.new.t" 2>&1 || test_fail "the new file does not load: $(cat "$TMPD/h1.new.t")"
cp "$TMPD/h1.new" "$TMPD/h1.conf"
kill -HUP "${D_PID[1]}" || test_fail "kill -HUP host 1"
mwait_log 1 'last reload (applied|of .* refused)' 15
verdict=$(grep -oE 'last reload (applied|of .* refused).*' "${D_LOG[1]}" | tail -n 1)
log "3. $verdict"
case $verdict in
"last reload applied: 2 kept, 1 updated, 1 added, 1 removed in "*" ms") ;;
*) test_fail "expected 'last reload applied: 2 kept, 1 updated, 1 added, 1 removed in T ms', got '$verdict'" ;;
esac
D_NINST[1]=4
wait_until 20 is_state 1 c3 MASTER || test_fail "c3 did not become MASTER after the reload: $(describe)"
for n in a1 b1; do is_state 1 $n MASTER || test_fail "$n left MASTER on host 1 at the reload: $(describe)"; done
is_state 1 a2 BACKUP || test_fail "a2 left BACKUP on host 1 at the reload: $(describe)"
musr1 1 || test_fail "host 1 did not answer SIGUSR1 after the reload"

# ---- 4. SIGTERM: clean exit, the memory report ------------------------------------------
mstop 1 TERM 30
wait_until 15 is_state 2 a1 MASTER || test_fail "host 2 did not take a1 over after host 1's exit: $(describe)"
mlog_has 1 '\(c3\): Spawning \[[^ ]*/h1\.down ' || test_fail "no down script for c3 at the shutdown"
[ "${D_RC[1]}" = 0 ] || test_fail "host 1 exited with $(rc_text "${D_RC[1]}")"
if grep -qE -- "$SAN_RE" "${D_LOG[1]}"; then
	test_fail "sanitizer report in host 1's log: $(grep -m 1 -E -- "$SAN_RE" "${D_LOG[1]}")"
fi
if [ $MODE = valgrind ]; then
	vg=${D_VGLOG[1]}
	grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|All heap blocks' "$vg" |
	    sed 's/^==[0-9]*== */valgrind: /'
	grep -q 'ERROR SUMMARY: 0 errors' "$vg" || test_fail "valgrind: $(grep 'ERROR SUMMARY' "$vg")"
	first=$(vg_first_error "$vg")
	[ -z "$first" ] || test_fail "valgrind reports: $first"
else
	log "host 1 exited 0 with no sanitizer report (ASAN_OPTIONS=$ASAN_OPTIONS)"
fi
test_pass
