# Shared helpers of the multi-instance integration tests (2NN-*.sh): one
# ucarp process per host running many instances from a configuration file
# (ucarp -c FILE), on hosts with several interfaces.
#
# It sources lib.sh for the generic harness (wait_until, now_ms, pid_alive,
# reap_pid, new_ns, test_fail/test_skip/test_pass, the EXIT clean-up of
# BG_PIDS, NS_LIST and TMPD) and adds:
#
#   multi_init		prerequisites (no reference ucarp needed), temp dir,
#			clean-up trap
#   mnet_make H L	H hosts, L links: one bridge br<l> per link in the
#			bridge namespace; host h has eth<l-1> on link l with
#			address 198.18.<l>.<h>/24
#   mnet_ipv6 H		IPv6 on host H's links (for vhids with IPv6
#			addresses: they advertise over IPv6 too)
#   mconf_inst		one instance block of a configuration file
#   mscript_write	up/down scripts that log start/end events
#   mcheck_write	a check script
#   mstart/mstop	run a daemon on a host (its log: D_LOG[h]); D_VG[h]=1
#			(or UCARP_TEST_VALGRIND=1) runs it under valgrind
#   mstates, musr1	instance states from the log / from SIGUSR1
#			(instances must be named: the log prefix
#			"eth0 vhid 42 (NAME): " identifies them)
#   mchildren, mzombies	a process's children, its unreaped ones
#   mcap_*		tcpdump on a bridge and advert-gap analysis
#   mdevlog_*		a private /dev/log read by the test
#
# Every daemon is started with MTEST_TAG=$P in its environment, which its
# scripts and their children inherit (ucarp strips only UCARP_*): the
# clean-up kills exactly the processes carrying our tag, so a script left
# hanging by a failed test (sleep 300) cannot outlive it, and nothing else
# is ever touched.  Only 198.18.0.0/15, 224.0.0.18, 2001:db8::/32 and
# link-local IPv6 are used.
#
# Every end of a daemon is judged as in lib.sh (judge_end): mstop with
# TERM, INT or QUIT and the clean-up (SIGTERM to the daemons still
# running) require exit 0 and no sanitizer or valgrind report; mstop H
# KILL is a deliberate kill, exempt from the exit status.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

declare -a D_PID D_LOG D_RUN D_NINST D_EVENTS D_RC D_VG D_VGLOG D_CTL D_STATE
declare -a D_LOGS		# every log of host h, over its runs
declare -A MCAP_PID MCAP_FILE
MNET_HOSTS=0
MNET_LINKS=0
MBR_NS="${P}br"

# ---- start-up and clean-up ---------------------------------------------------

# The processes (daemons, scripts, their children) that carry our tag.
mtagged_pids() {
	local f pid
	for f in /proc/[0-9]*/environ; do
		pid=${f#/proc/}
		pid=${pid%/environ}
		[ "$pid" = "$$" ] && continue
		grep -qzx "MTEST_TAG=$P" "$f" 2>/dev/null && echo "$pid"
	done
}

# mend_at_exit H: host H's daemon, if still recorded, gets SIGCONT and
# SIGTERM and CLEAN_STOP_SECS (default 15, scaled) to exit (else SIGKILL,
# a failure); one found dead is reaped.  Problems go to END_PROBLEMS.
mend_at_exit() {
	local h=$1 pid=${D_PID[$1]:-} rc how t=${CLEAN_STOP_SECS:-15}
	[ -n "$pid" ] || return 0
	if pid_alive "$pid"; then
		kill -s CONT "$pid"
		kill -s TERM "$pid"
		how=clean
		if ! wait_until "$t" pid_dead "$pid"; then
			END_PROBLEMS+=("host $h: ucarp (pid $pid) did not exit within $t s (x$UCARP_TEST_SCALE) of SIGTERM at the clean-up: SIGKILLed")
			kill -s KILL "$pid"
			wait_until 5 pid_dead "$pid"
			how=killed
		fi
	else
		how=died
	fi
	wait "$pid"
	rc=$?
	D_PID[h]=""
	D_RC[h]=$rc
	log "host $h: ucarp ended at the clean-up ($how): $(rc_text "$rc")"
	judge_end "host $h (run ${D_RUN[h]})" "$how" "$rc" "${D_LOG[h]}" "${D_VGLOG[h]:-}"
	END_PROBLEMS+=("${JUDGED[@]}")
}

multi_cleanup() {
	local rc=$? h n
	local -a left
	trap - EXIT INT TERM HUP
	set +u		# nothing may cut the clean-up short
	exec 2>/dev/null	# no "Killed" job notices
	# Daemons first, each judged, then whatever they left (scripts).
	for h in "${!D_PID[@]}"; do
		mend_at_exit "$h"
	done
	for n in 1 2 3 4 5 6 7 8 9 10; do
		mapfile -t left < <(mtagged_pids)
		[ ${#left[@]} -eq 0 ] && break
		kill -KILL "${left[@]}"
		sleep 0.1
	done
	(exit "$rc")
	cleanup
}

# multi_init: like lib.sh's test_init, without the reference daemon.
multi_init() {
	[ "$(id -u)" -eq 0 ] || test_skip "not root"
	command -v ip >/dev/null 2>&1 || test_skip "no ip(8)"
	ip netns list >/dev/null 2>&1 || test_skip "no ip netns"
	if [ ! -x "$UCARP" ]; then
		log "FAIL: daemon under test \$UCARP=$UCARP is not an executable"
		exit 1
	fi
	TMPD=$(mktemp -d "/tmp/ucarp-integ.$TEST_NAME.$$.XXXXXX") ||
	    test_fail "mktemp"
	trap multi_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	ip netns add "${P}probe" 2>/dev/null || test_skip "cannot create a network namespace"
	ip netns del "${P}probe"
	vg_setup
	log "UCARP=$UCARP"
}

need_tcpdump() {
	command -v tcpdump >/dev/null 2>&1 || test_skip "tcpdump missing"
}

# What to print on failure (replaces lib.sh's single-instance version).
diagnostics() {
	local h f
	for ((h = 1; h <= MNET_HOSTS; h++)); do
		echo "----- host $h (${M_NS[h]}), pid ${D_PID[h]:-none} -----"
		for f in ${D_LOGS[h]:-}; do
			[ -f "$f" ] || continue
			echo "--- $(basename "$f") (last 60 lines):"
			tail -n 60 "$f"
		done
		if [ -f "${D_EVENTS[h]:-}" ]; then
			echo "--- script events (last 30):"
			tail -n 30 "${D_EVENTS[h]}"
		fi
		echo "--- /32 addresses: $(mvips "$h" | tr '\n' ' ')"
	done
}

# ---- the network ---------------------------------------------------------------

declare -a M_NS

# Address of host H on link L.
haddr() { echo "198.18.$2.$1"; }

# mnet_port H L: the veth of host H on link L (eth<L-1> in the host,
# p<H>l<L> on bridge br<L>), with its address, up.
mnet_port() {
	local h=$1 l=$2 dev="eth$(($2 - 1))"
	ip -n "$MBR_NS" link add "p${h}l$l" type veth peer name "$dev" \
	    netns "${M_NS[h]}" || test_fail "veth of host $h on link $l"
	ip -n "$MBR_NS" link set "p${h}l$l" master "br$l" || test_fail "bridge port p${h}l$l"
	ip -n "$MBR_NS" link set "p${h}l$l" up
	ip -n "${M_NS[h]}" addr add "$(haddr "$h" "$l")/24" dev "$dev"
	ip -n "${M_NS[h]}" link set "$dev" up
}

mport_up() {
	ip -n "${M_NS[$1]}" link show dev "eth$(($2 - 1))" 2>/dev/null | grep -q LOWER_UP
}

# mport_back H L: host H's port on link L, deleted by the test, made again
# (mnet_port) and waited for until it has carrier.
mport_back() {
	mnet_port "$1" "$2"
	wait_until 5 mport_up "$1" "$2" ||
	    test_fail "the new eth$(($2 - 1)) of host $1 has no carrier"
}

mnet_make() {
	local h l
	MNET_HOSTS=$1
	MNET_LINKS=$2
	new_ns "$MBR_NS"
	for ((l = 1; l <= MNET_LINKS; l++)); do
		ip -n "$MBR_NS" link add "br$l" type bridge mcast_snooping 0 ||
		    test_fail "cannot create a bridge"
		ip -n "$MBR_NS" link set "br$l" up
	done
	for ((h = 1; h <= MNET_HOSTS; h++)); do
		M_NS[h]="${P}h$h"
		new_ns "${M_NS[h]}"
		for ((l = 1; l <= MNET_LINKS; l++)); do
			mnet_port "$h" "$l"
		done
	done
	for ((h = 1; h <= MNET_HOSTS; h++)); do
		for ((l = 1; l <= MNET_LINKS; l++)); do
			wait_until 5 mport_up "$h" "$l" ||
			    test_fail "eth$((l - 1)) of host $h has no carrier"
		done
	done
}

# mnet_ipv6 H: IPv6 on host H's links (new_ns turns it off), without
# duplicate address detection, and eth0's link-local address there: a
# vhid that holds IPv6 addresses advertises over IPv6 too, from it.
mnet_ipv6() {
	local h=$1 l
	ip netns exec "${M_NS[h]}" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
	    net.ipv6.conf.all.disable_ipv6=0 >/dev/null ||
	    test_skip "cannot enable IPv6 in a namespace"
	for ((l = 0; l < MNET_LINKS; l++)); do
		ip netns exec "${M_NS[h]}" sysctl -qw \
		    "net.ipv6.conf.eth$l.accept_dad=0" \
		    "net.ipv6.conf.eth$l.disable_ipv6=0" >/dev/null ||
		    test_fail "host $h: cannot enable IPv6 on eth$l"
	done
	wait_until 5 mhas_ll6 "$h" ||
	    test_fail "host $h: no IPv6 link-local address on eth0"
}

mhas_ll6() {
	ip -n "${M_NS[$1]}" -6 -o addr show dev eth0 scope link 2>/dev/null |
	    grep -q 'inet6 fe80::'
}

# The /32 addresses (virtual addresses added by scripts) of host H.
mvips() {
	ip -n "${M_NS[$1]}" -4 -o addr show 2>/dev/null |
	    awk '$4 ~ /\/32$/ { sub(/\/32$/, "", $4); print $4 }' | sort
}

# Remove every /32 left on host H (what a killed daemon's down scripts
# would have done).
mflush_vips() {
	local dev a
	ip -n "${M_NS[$1]}" -4 -o addr show 2>/dev/null |
	    awk '$4 ~ /\/32$/ { print $2, $4 }' | while read -r dev a; do
		ip -n "${M_NS[$1]}" addr del "$a" dev "$dev"
	done
}

# ---- configuration and scripts ----------------------------------------------------

# mstart_failing N PREFIX: host 1 alone (mnet_make 1 1) runs N instances
# PREFIX1..PREFIXN on eth0, advbase 0 (advskew 10..), ignoreifstate =
# true, for tests of failing sends; returns once all are MASTER.
mstart_failing() {
	local n=$1 pre=$2 v
	{
		echo "defaults = { pass = \"$pre\"; advbase = 0; ignoreifstate = true; };"
		echo 'instances = ('
		for ((v = 1; v <= n; v++)); do
			mconf_inst "$pre$v" eth0 "$(haddr 1 1)" "$v" "198.18.100.$v" advskew=$((9 + v))
			[ $v = "$n" ] || echo ','
		done
		echo
		echo ');'
	} > "$TMPD/h1.conf"
	mstart 1 "$TMPD/h1.conf" "$n"
	wait_until 10 mall_state 1 MASTER "$n" ||
	    test_fail "the $n instances did not become MASTER: $(mstates 1 | tr '\n' ' ')"
}

# msends_again N PREFIX WHAT: the N instances of mstart_failing send again
# (sent counters rise), are promoted back and are all MASTER after WHAT.
msends_again() {
	local n=$1 pre=$2 v
	for ((v = 1; v <= n; v++)); do
		mwait_counter 1 "$pre$v" sent 5 15
	done
	mwait_log 1 "$pre"'1\): .*promoted' 10
	wait_until 5 mall_state 1 MASTER "$n" ||
	    test_fail "the instances are not all MASTER after $3: $(mstates 1 | tr '\n' ' ')"
	mcheck_running 1
}

# mconf_inst NAME IFACE SRCIP VHID ADDR [KEY=VALUE ...]: one instance block
# (values given verbatim: quote strings yourself, e.g. upscript='"/x"').
mconf_inst() {
	local kv
	printf '\t{\n\t\tname = "%s";\n\t\tinterface = "%s";\n\t\tsrcip = "%s";\n\t\tvhid = %s;\n\t\taddr = "%s";\n' \
	    "$1" "$2" "$3" "$4" "$5"
	shift 5
	for kv in "$@"; do
		printf '\t\t%s = %s;\n' "${kv%%=*}" "${kv#*=}"
	done
	printf '\t}'
}

# mcheck_write PATH BODY: an executable bash script (a check) whose lines
# after the #! line are BODY.
mcheck_write() {
	printf '#!/bin/bash\n%s\n' "$2" > "$1"
	chmod 755 "$1"
}

# mconf_links H LINKS PER FN: the instances of host H, "l<L>v<V>" on
# eth<L-1> with vhid V, for L in 1..LINKS and V in 1..PER, separated by
# commas; FN L V prints the address and any KEY=VALUE for mconf_inst.
mconf_links() {
	local h=$1 links=$2 per=$3 fn=$4 l v sep=""
	local -a more
	for ((l = 1; l <= links; l++)); do
		for ((v = 1; v <= per; v++)); do
			read -r -a more <<< "$("$fn" "$l" "$v")"
			printf '%s' "$sep"
			mconf_inst "l${l}v$v" "eth$((l - 1))" "$(haddr "$h" "$l")" \
			    "$v" "${more[@]}"
			sep=$',\n'
		done
	done
	echo
}

# mscript_write PATH KIND EVENTS [SLEEP] [EXIT] [VIPOP]: the KIND (up or
# down) script: a bash script that appends
#	start INSTANCE KIND STATE TS_US PID VHID
# to EVENTS (STATE is $UCARP_STATE, TS_US CLOCK_REALTIME in microseconds),
# sleeps SLEEP seconds (0: not at all), adds (VIPOP=add) or removes (del)
# $2/32 on $1, appends the matching "end ..." line and exits EXIT.
mscript_write() {
	local path=$1 kind=$2 ev=$3 sl=${4:-0} ex=${5:-0} op=${6:-} ipbin
	ipbin=$(command -v ip)
	{
		echo '#!/bin/bash'
		echo "# $kind script, written by tests/integ/lib_multi.sh"
		echo "echo \"start \$UCARP_INSTANCE $kind \$UCARP_STATE \${EPOCHREALTIME/./} \$\$ \$UCARP_VHID\" >> '$ev'"
		[ "$sl" != 0 ] && echo "sleep $sl"
		case $op in
		add)	echo "$ipbin addr add \"\$2/32\" dev \"\$1\" 2>/dev/null" ;;
		del)	echo "$ipbin addr del \"\$2/32\" dev \"\$1\" 2>/dev/null" ;;
		esac
		echo "echo \"end \$UCARP_INSTANCE $kind \$UCARP_STATE \${EPOCHREALTIME/./} \$\$ \$UCARP_VHID\" >> '$ev'"
		echo "exit $ex"
	} > "$path"
	chmod 755 "$path"
}

# ---- daemons ---------------------------------------------------------------------------

# mstart H CONF NINST [ARGS...]: run ucarp -c CONF [ARGS...] on host H
# (NINST instances), its control socket D_CTL[h] ($TMPD/hH.sock unless
# ARGS has --control=PATH), its state directory D_STATE[h]
# ($TMPD/hH.state, the same over the host's runs, unless ARGS has
# --state-dir=DIR: never the machine's /var/lib/ucarp).  Under valgrind (D_VG[h]=1 after vg_find, or
# UCARP_TEST_VALGRIND=1) its report goes to D_VGLOG[h].
mstart() {
	local h=$1 conf=$2 ninst=$3 r
	shift 3
	if pid_alive "${D_PID[h]:-}"; then test_fail "host $h already runs ucarp"; fi
	r=$(( ${D_RUN[h]:-0} + 1 ))
	D_RUN[h]=$r
	D_NINST[h]=$ninst
	D_LOG[h]=$TMPD/h$h.r$r.log
	D_LOGS[h]="${D_LOGS[h]:-} ${D_LOG[h]}"
	D_RC[h]=""
	"$UCARP" -t -c "$conf" > "$TMPD/h$h.r$r.t" 2>&1 ||
	    test_fail "ucarp -t -c $conf: $(cat "$TMPD/h$h.r$r.t")"
	# Each daemon its own control socket (the default one is the
	# machine's), unless the test gives one: D_CTL[h].
	local a
	local -a cmd=("$UCARP" -c "$conf" "$@")
	D_CTL[h]=
	for a in "$@"; do
		case $a in --control=*) D_CTL[h]=${a#--control=} ;; esac
	done
	if [ -z "${D_CTL[h]}" ]; then
		D_CTL[h]=$TMPD/h$h.sock
		cmd+=(--control="${D_CTL[h]}")
	fi
	D_STATE[h]=
	for a in "$@"; do
		case $a in --state-dir=*) D_STATE[h]=${a#--state-dir=} ;; esac
	done
	if [ -z "${D_STATE[h]}" ]; then
		D_STATE[h]=$TMPD/h$h.state
		cmd+=(--state-dir="${D_STATE[h]}")
	fi
	D_VGLOG[h]=""
	if [ "${D_VG[h]:-0}" = 1 ] || [ $VG_ALL -eq 1 ]; then
		D_VGLOG[h]=$TMPD/vg.h$h.r$r.log
		D_LOGS[h]="${D_LOGS[h]} ${D_VGLOG[h]}"
		vg_cmd "${D_VGLOG[h]}"
		cmd=("${VG_CMD[@]}" "${cmd[@]}")
	fi
	ip netns exec "${M_NS[h]}" env MTEST_TAG="$P" "${cmd[@]}" \
	    > "${D_LOG[h]}" 2>&1 < /dev/null &
	D_PID[h]=$!
	BG_PIDS+=("$!")
	log "host $h: ${cmd[*]} (${D_NINST[h]} instances) started, pid ${D_PID[h]}"
}

mrunning() { pid_alive "${D_PID[$1]:-}"; }

mcheck_running() {
	local h
	for h in "$@"; do
		mrunning "$h" || test_fail "ucarp of host $h (pid ${D_PID[h]:-}) is not running any more"
	done
}

# mstop H [SIG] [SECONDS]: stop host H's daemon (SIGCONT first, in case a
# test left it stopped), wait for it (default 10 s, scaled), D_RC[h] = its
# exit status.  Fails on a timeout and on what judge_end finds (TERM, INT
# and QUIT must give exit 0; KILL any status).
mstop() {
	local h=$1 sig=${2:-TERM} t=${3:-10} pid=${D_PID[$1]:-} rc=""
	[ -n "$pid" ] || return 0
	sig=${sig#SIG}
	{
		kill -s CONT "$pid"
		kill -s "$sig" "$pid"
		if wait_until "$t" pid_dead "$pid"; then
			wait "$pid"
			rc=$?
		else
			kill -s KILL "$pid"
			wait_until 5 pid_dead "$pid"
			wait "$pid"
		fi
	} 2>/dev/null	# not bash's "Killed" job notice
	D_PID[h]=""
	if [ -z "$rc" ]; then
		D_RC[h]=killed
		test_fail "host $h did not exit within $t s (x$UCARP_TEST_SCALE) of SIG$sig: SIGKILLed"
	fi
	D_RC[h]=$rc
	log "host $h: ucarp exited with status $rc after SIG$sig"
	judge_end "host $h" "$(sig_how "$sig")" "$rc" "${D_LOG[h]}" "${D_VGLOG[h]:-}"
	[ ${#JUDGED[@]} -eq 0 ] || test_fail "$(printf '%s; ' "${JUDGED[@]}")"
}

# mstates H [LOG]: "NAME STATE" for every instance that logged a state
# change in host H's current log (or LOG), the last one.
mstates() {
	awk '/\): Switching to state: / {
		n = $0; sub(/\): Switching to state: .*/, "", n); sub(/.*\(/, "", n)
		s = $0; sub(/.*Switching to state: /, "", s); sub(/ .*/, "", s)
		last[n] = s
	}
	END { for (n in last) print n, last[n] }' "${2:-${D_LOG[$1]}}" | sort
}

# mstate_count H STATE [NAME-REGEX]: instances of host H whose last state
# is STATE.
mstate_count() {
	mstates "$1" | awk -v s="$2" -v re="${3:-.}" '$2 == s && $1 ~ re' | wc -l
}

# mall_state H STATE N [NAME-REGEX]: exactly N instances (matching) are in STATE.
mall_state() { [ "$(mstate_count "$1" "$2" "${4:-.}")" -eq "$3" ]; }

# mmasters_are H RE N: from one snapshot of host H's log, all N instances
# have a state, MASTER exactly for the names matching RE, BACKUP for the
# others.
mmasters_are() {
	mstates "$1" | awk -v re="$2" -v n="$3" '
		{ c++; if (($1 ~ re) != ($2 == "MASTER")) bad++
		  if ($2 != "MASTER" && $2 != "BACKUP") bad++ }
		END { exit !(c == n && !bad) }'
}

# Lines of host H's current log matching ERE.
mlog_count() { grep -cE -- "$2" "${D_LOG[$1]}" 2>/dev/null; }
mlog_has() { grep -qE -- "$2" "${D_LOG[$1]}" 2>/dev/null; }

mwait_log() {
	wait_until "${3:-10}" mlog_has "$1" "$2" ||
	    test_fail "host $1 never logged /$2/"
}

musr1_done() { [ "$(tail -n +"$2" "${D_LOG[$1]}" | grep -c 'counters: ')" -ge "${D_NINST[$1]}" ]; }

# musr1 H: SIGUSR1 to host H's daemon; wait for all its instances'
# status lines; USR1_OUT is a file of "NAME STATE" (from "X on IF id N")
# and USR1_CNT a file of "NAME counters..." lines of that answer.
USR1_OUT=""
USR1_CNT=""
musr1() {
	local h=$1 from
	from=$(( $(wc -l < "${D_LOG[h]}") + 1 ))
	USR1_OUT=$TMPD/usr1.$h.states
	USR1_CNT=$TMPD/usr1.$h.counters
	kill -USR1 "${D_PID[h]}" 2>/dev/null || return 1
	wait_until 10 musr1_done "$h" "$from" || return 1
	tail -n +"$from" "${D_LOG[h]}" | awk '
		/\): (MASTER|BACKUP|INIT) on [^ ]+ id [0-9]+$/ {
			n = $0; sub(/\): (MASTER|BACKUP|INIT) on .*/, "", n); sub(/.*\(/, "", n)
			s = $0; sub(/ on [^ ]+ id [0-9]+$/, "", s); sub(/.* /, "", s)
			print n, s
		}' | sort > "$USR1_OUT"
	tail -n +"$from" "${D_LOG[h]}" | grep 'counters: ' |
	    sed 's/.*(\([^)]*\)): counters: /\1 /' > "$USR1_CNT"
	[ "$(wc -l < "$USR1_OUT")" -eq "${D_NINST[h]}" ]
}

# mcounter H NAME KEY: CVAL = counter KEY of instance NAME (via SIGUSR1).
mcounter() {
	CVAL=""
	musr1 "$1" || return 1
	CVAL=$(awk -v n="$2" -v k="$3" '$1 == n {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$USR1_CNT")
	[ -n "$CVAL" ]
}

mcounter_ge() { mcounter "$1" "$2" "$3" && [ "$CVAL" -ge "$4" ]; }

# mwait_counter H NAME KEY N [SECONDS]: wait until counter KEY of instance
# NAME grew by N (e.g. N adverts sent: a stability window measured in
# protocol time, not wall-clock time).
mwait_counter() {
	local base
	mcounter "$1" "$2" "$3" || test_fail "host $1: no SIGUSR1 counters for $2"
	base=$CVAL
	wait_until_slow "${5:-$(( 2 * $4 + 4 ))}" mcounter_ge "$1" "$2" "$3" $((base + $4)) ||
	    test_fail "host $1: $2's counter $3 went from $base to $CVAL, expected +$4"
}

# mchildren PID: "CHILD STATE" for every child process of PID.
mchildren() {
	local parent=$1 f st rest pid
	for f in /proc/[0-9]*/stat; do
		read -r st 2>/dev/null < "$f" || continue
		pid=${st%% *}
		rest=${st##*) }
		# shellcheck disable=SC2086  # split: state ppid ...
		set -- $rest
		[ "${2:-}" = "$parent" ] && echo "$pid $1"
	done
}

# mzombies PID: the children of PID in state Z (exited, not reaped).
mzombies() { mchildren "$1" | awk '$2 == "Z" { print $1 }'; }

# ---- captures -------------------------------------------------------------------------

# mcap_start NAME IFACE [FILTER...]: tcpdump on IFACE of the bridge
# namespace, every frame time-stamped by the kernel.
mcap_start() {
	local name=$1 ifc=$2
	shift 2
	need_tcpdump
	MCAP_FILE[$name]=$TMPD/$name.pcap
	ip netns exec "$MBR_NS" tcpdump -i "$ifc" -n -U -Z root -s 128 \
	    -w "${MCAP_FILE[$name]}" "$@" > "$TMPD/$name.tcpdump.err" 2>&1 &
	MCAP_PID[$name]=$!
	BG_PIDS+=("$!")
	wait_until 10 grep -q 'listening on' "$TMPD/$name.tcpdump.err" ||
	    test_fail "tcpdump did not start: $(cat "$TMPD/$name.tcpdump.err")"
}

mcap_stop() { reap_pid "${MCAP_PID[$1]}" TERM; }

# mcap_adverts NAME SRC: "VRID TS_US" for every CARP advert from SRC
# (tcpdump decodes CARP as VRRPv2: "... vrid N, ...").
mcap_adverts() {
	tcpdump -tt -n -r "${MCAP_FILE[$1]}" "ip proto 112 and src host $2" 2>/dev/null |
	    awk '{
		for (i = 1; i < NF; i++) if ($i == "vrid") { v = $(i + 1); sub(/,$/, "", v) }
		t = $1; sub(/\./, "", t)
		if (v != "") print v, t
		v = ""
	}'
}

# mcap_count NAME SRC VRID [SINCE_US]: adverts of VRID from SRC (since).
mcap_count() {
	mcap_adverts "$1" "$2" | awk -v v="$3" -v s="${4:-0}" '$1 == v && $2 >= s' | wc -l
}

mcap_count_ge() { [ "$(mcap_count "$1" "$2" "$3" "${5:-0}")" -ge "$4" ]; }

# mcap_gaps NAME SRC FROM_US TO_US: per vrid, "VRID N MAXGAP_US" over
# [FROM, TO], counting the gaps from FROM to the first advert and from the
# last one to TO.
mcap_gaps() {
	mcap_adverts "$1" "$2" | sort -k1,1n -k2,2n | awk -v from="$3" -v to="$4" '
		$2 < from || $2 > to { next }
		{
			if (!($1 in last)) { g = $2 - from } else { g = $2 - last[$1] }
			if (g > max[$1]) max[$1] = g
			last[$1] = $2; n[$1]++
		}
		END {
			for (v in last) {
				g = to - last[v]; if (g > max[v]) max[v] = g
				printf "%d %d %.0f\n", v, n[v], max[v]
			}
		}' | sort -k1,1n
}

# Microseconds since the epoch (the clock of tcpdump's time stamps).
now_us() { echo "${EPOCHREALTIME/[.,]/}"; }

# ---- a private syslog --------------------------------------------------------

# mdevlog_setup [nolink]: a syslog socket of ours and a daemon wrapper that
# sees it.  DEVLOG_SOCK is a datagram socket whose datagrams a listener
# appends, one per line, to DEVLOG_FILE; DEVLOG_DEV is a /dev with what the
# daemon needs and "log", a symlink to DEVLOG_SOCK (not made with nolink:
# make it later with mdevlog_link); DEVLOG_WRAP runs $UCARP in a mount
# namespace of its own with that /dev (exec all the way: the pid mstart
# records is the daemon's).  Use: UCARP=$DEVLOG_WRAP mstart ...
mdevlog_setup() {
	command -v unshare >/dev/null 2>&1 || test_skip "no unshare(1)"
	command -v python3 >/dev/null 2>&1 || test_skip "no python3"
	DEVLOG_SOCK=$TMPD/log.sock
	DEVLOG_FILE=$TMPD/syslog.txt
	DEVLOG_DEV=$TMPD/dev
	DEVLOG_WRAP=$TMPD/ucarp-devlog
	: > "$DEVLOG_FILE"
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as f:
	while True:
		f.write(s.recv(4096).decode(errors="replace").rstrip("\n") + "\n")
		f.flush()
' "$DEVLOG_SOCK" "$DEVLOG_FILE" &
	BG_PIDS+=("$!")
	wait_until 5 test -S "$DEVLOG_SOCK" ||
	    test_fail "the syslog listener did not bind $DEVLOG_SOCK"
	mkdir "$DEVLOG_DEV"
	cp -a /dev/null /dev/zero /dev/random /dev/urandom "$DEVLOG_DEV"/ ||
	    test_fail "cannot copy device nodes into $DEVLOG_DEV"
	[ "${1:-}" = nolink ] || mdevlog_link
	cat > "$DEVLOG_WRAP" <<WRAP
#!/bin/sh
exec unshare -m --propagation private sh -c 'mount --bind "\$0" /dev && exec "\$@"' "$DEVLOG_DEV" "$UCARP" "\$@"
WRAP
	chmod 755 "$DEVLOG_WRAP"
}

# mdevlog_link: /dev/log appears in the daemon's /dev.
mdevlog_link() { ln -s "$DEVLOG_SOCK" "$DEVLOG_DEV/log"; }
