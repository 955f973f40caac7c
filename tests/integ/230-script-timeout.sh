#!/bin/bash
# script_timeout.  One host, alone on its link, four instances with
# script_timeout = 1 (s):
#   t1  its up script forks "sleep 300 &" and then sleeps 300 s itself:
#       SIGTERM to its process group after 1 s ends both;
#   t2  the same, but the script ignores SIGTERM (trap '' TERM, inherited
#       by its sleeps): SIGKILL to the group 2 s later ends it;
#   t3, t4  ordinary up scripts.
# Asserted:
#   - the daemon logs "killed after timeout" for t1 and t2 (and SIGTERM,
#     then SIGKILL for t2), naming the pid of the script;
#   - the hanging scripts and the children they forked are gone afterwards,
#     and no process of the test is left but the daemon;
#   - the other instances' up scripts ran and exited 0 during the hang;
#   - while the scripts hang, every instance keeps advertising on time: in
#     a capture of the link over the whole period, the largest gap between
#     two adverts of each vhid stays under its interval + 100 ms (adverts
#     are also checked up to the end of the capture).
. "$(dirname "$0")/lib_multi.sh"
multi_init
need_tcpdump
mnet_make 1 1

EV=$TMPD/events
PIDS=$TMPD/hang.pids
D_EVENTS[1]=$EV
: > "$EV"
: > "$PIDS"
mscript_write "$TMPD/up" up "$EV"
mscript_write "$TMPD/down" down "$EV"
for k in term kill; do
	{
		echo '#!/bin/bash'
		echo "# up script that hangs (written by $TEST_NAME)"
		[ $k = kill ] && echo "trap '' TERM"
		echo "echo \"start \$UCARP_INSTANCE up \$UCARP_STATE \${EPOCHREALTIME/./} \$\$ \$UCARP_VHID\" >> '$EV'"
		echo 'sleep 300 &'
		echo "echo \"\$UCARP_INSTANCE \$\$ \$!\" >> '$PIDS'"
		echo 'sleep 300'
		echo "echo \"end \$UCARP_INSTANCE up \$UCARP_STATE \${EPOCHREALTIME/./} \$\$ \$UCARP_VHID\" >> '$EV'"
	} > "$TMPD/hang-$k"
	chmod 755 "$TMPD/hang-$k"
done

SKEW=(- 0 20 40 60)		# advskew of t1..t4
{
	echo 'script_timeout = 1;'
	echo 'defaults = {'
	echo '	pass = "timeout";'
	echo "	upscript = \"$TMPD/up\";"
	echo "	downscript = \"$TMPD/down\";"
	echo '};'
	echo 'instances = ('
	mconf_inst t1 eth0 "$(haddr 1 1)" 1 198.18.100.1 advskew=${SKEW[1]} \
	    upscript="\"$TMPD/hang-term\""; echo ','
	mconf_inst t2 eth0 "$(haddr 1 1)" 2 198.18.100.2 advskew=${SKEW[2]} \
	    upscript="\"$TMPD/hang-kill\""; echo ','
	mconf_inst t3 eth0 "$(haddr 1 1)" 3 198.18.100.3 advskew=${SKEW[3]}; echo ','
	mconf_inst t4 eth0 "$(haddr 1 1)" 4 198.18.100.4 advskew=${SKEW[4]}
	echo
	echo ');'
} > "$TMPD/h1.conf"

mcap_start link br1 ip proto 112
mstart 1 "$TMPD/h1.conf" 4
wait_until 10 mall_state 1 MASTER 4 || test_fail "the four instances did not become MASTER"
T_MASTER=$(now_us)

# The hanging scripts start, and record their pid and their child's.
have_pids() { [ "$(wc -l < "$PIDS")" -eq 2 ]; }
wait_until 5 have_pids || test_fail "the hanging up scripts did not start"
declare -A SPID CPID
while read -r name spid cpid; do
	SPID[$name]=$spid
	CPID[$name]=$cpid
done < "$PIDS"
log "t1 script pid ${SPID[t1]} (child ${CPID[t1]}), t2 script pid ${SPID[t2]} (child ${CPID[t2]})"

# The other instances' scripts run meanwhile.
for i in t3 t4; do
	mwait_log 1 "\($i\): up script $TMPD/up \(pid [0-9]+\) exited 0 after" 5
done

mwait_log 1 "\(t1\): up script $TMPD/hang-term \(pid ${SPID[t1]}\) killed after timeout" 10
mwait_log 1 "\(t2\): up script $TMPD/hang-kill \(pid ${SPID[t2]}\) killed after timeout" 10
mlog_has 1 "\(t1\): up script .* still running after 1000 ms: sending SIGTERM to its process group" ||
    test_fail "no SIGTERM logged for t1"
mlog_has 1 "\(t1\): up script .* ignored SIGTERM" &&
    test_fail "t1's script died on SIGTERM but the daemon says it ignored it"
mlog_has 1 "\(t2\): up script .* ignored SIGTERM: sending SIGKILL" ||
    test_fail "no SIGKILL logged for t2, whose script ignores SIGTERM"
# t3 and t4 (MASTER 0.16 and 0.23 s after t1: advskew 40 and 60) did not wait for
# the hanging scripts to be killed (1 s after t1's start).
first_kill=$(grep -n 'killed after timeout' "${D_LOG[1]}" | head -n 1 | cut -d: -f1)
for i in t3 t4; do
	n=$(grep -nE "\($i\): up script .* exited 0 after" "${D_LOG[1]}" | head -n 1 | cut -d: -f1)
	[ "$n" -lt "$first_kill" ] ||
	    test_fail "$i's up script ended only after a hanging script was killed"
done

# Scripts and their children are gone: the process groups were killed.
gone() {
	local p
	for p in "$@"; do pid_alive "$p" && return 1; done
	return 0
}
wait_until 5 gone "${SPID[t1]}" "${CPID[t1]}" "${SPID[t2]}" "${CPID[t2]}" ||
    test_fail "hanging scripts or their children still alive: $(for p in "${SPID[t1]}" "${CPID[t1]}" "${SPID[t2]}" "${CPID[t2]}"; do pid_alive "$p" && ps -o pid=,pgid=,stat=,args= -p "$p"; done)"
only_daemon() { [ "$(mtagged_pids)" = "${D_PID[1]}" ]; }
wait_until 5 only_daemon ||
    test_fail "processes of the test left besides the daemon: $(mtagged_pids | tr '\n' ' ')"
grep -q '^end t[12] up ' "$EV" && test_fail "a hanging script ran to its end"

# A few more adverts after the kills, then the capture is checked.
T_KILLED=$(now_us)
for v in 1 2 3 4; do
	wait_until 10 mcap_count_ge link "$(haddr 1 1)" $v 2 "$T_KILLED" ||
	    test_fail "vhid $v: no adverts after the scripts were killed"
done
mcap_stop link
# The window ends at the last advert captured (of any vhid): packet time
# stamps only, no polling delay in the measure.
T_END=$(mcap_adverts link "$(haddr 1 1)" | awk '$2 > m { m = $2 } END { printf "%.0f\n", m }')
mcheck_running 1
mall_state 1 MASTER 4 || test_fail "an instance left MASTER: $(mstates 1 | tr '\n' ' ')"

gaps=$(mcap_gaps link "$(haddr 1 1)" "$T_MASTER" "$T_END")
log "adverts over $(( (T_END - T_MASTER) / 1000 )) ms (vhid, count, largest gap in us): $(echo "$gaps" | tr '\n' ';')"
[ "$(echo "$gaps" | grep -c .)" -eq 4 ] || test_fail "adverts of only $(echo "$gaps" | grep -c .) vhids captured"
while read -r v n max; do
	[[ "$v$n$max" =~ ^[0-9]+$ ]] || test_fail "unparsable gap line: $v $n $max"
	limit=$(( 1000000 + SKEW[v] * 1000000 / 256 + 100000 ))
	[ "$max" -lt "$limit" ] ||
	    test_fail "vhid $v: a gap of $((max / 1000)) ms between adverts (interval + 100 ms = $((limit / 1000)) ms) while scripts hung"
done <<< "$gaps"
test_pass
