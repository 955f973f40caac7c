# Shared harness of the integration tests: ucarp ("ours", $UCARP) against
# Debian's ucarp 1.5.2 ("ref", $REF_UCARP) in private network namespaces.
#
# Each test sources this file, calls test_init, builds a network with
# make_net, starts nodes with start_node and asserts with the helpers below.
# Network: one namespace holding bridge br0, one namespace per host joined to
# it by a veth pair (host side eth0, bridge side p<i>).  Only 198.18.0.0/15
# and the CARP group 224.0.0.18 are used; IPv6 and IGMP reports for
# link-local groups are switched off so the hosts send nothing else.
#
# Rules kept here so the tests need not repeat them: every name carries $$,
# every process started is recorded by pid and only those are killed, a trap
# on EXIT removes processes and namespaces, and conditions are waited for
# with deadlines (wait_until), never with a bare sleep.
#
# Main helpers (details above each function):
#   test_init, test_pass, test_fail MSG, test_skip MSG
#   make_net ADDR...		bridge + host i with ADDR i on eth0
#   start_node I ours|ref ARGS	NODE_VHID/VIP/PASS/WRAP[I] adjust it
#   stop_node I [SIG] [SECS]	exit status in NODE_RC[I]
#   wait_until SECS CMD...	poll every 50 ms, deadline x UCARP_TEST_SCALE
#   wait_state I STATE, wait_masters I..., wait_log I TEXT
#   expect_master M B... [-- M B...]	one stable master per group
#   usr1_counters I, counter I KEY, rx_count I
#   has_vip I, no_vip I, check_clean_logs I..., ours_fixed
#   link_down/link_up I (carrier), port_block/port_unblock I (isolation)
#   capture_start NAME FILTER, capture_hex NAME FILTER, capture_stop NAME
# Environment: UCARP, REF_UCARP, top_srcdir, top_builddir, TESTDATA (set by
# automake, defaulted here), UCARP_TEST_SCALE (deadline multiplier),
# UCARP_TEST_KEEP=1 (keep the temp dir with every log),
# UCARP_TEST_VALGRIND=1 (every daemon of ours under valgrind memcheck;
# deadlines x UCARP_TEST_VALGRIND_SCALE, default 3).
#
# Every run of our daemon is judged when it ends (stop_node, and the
# clean-up for those still running, which stops them with SIGTERM): a
# SIGTERM/INT/QUIT/HUP stop must give exit 0 within its deadline (else
# SIGKILL, itself a failure), a daemon found dead must have exited 0, and
# no log in the temp dir may hold a sanitizer report or a valgrind error,
# whatever the test asserted.  A deliberate SIGKILL (stop_node I KILL) is
# exempt from the exit status only.  The reference is only reaped.
#
# Exit status (automake): 0 pass, 1 fail, 77 skip.

set -u
export LC_ALL=C

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${top_srcdir:=$(cd "$LIB_DIR/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${UCARP:=$top_builddir/src/ucarp}"
: "${REF_UCARP:=/usr/sbin/ucarp}"
: "${TESTDATA:=$top_srcdir/tests/data}"
# Multiply every deadline (slow machines, valgrind).
: "${UCARP_TEST_SCALE:=1}"
export top_srcdir top_builddir UCARP REF_UCARP TESTDATA

# Sanitizer builds (configure --enable-asan): stop at the first report
# with a status of its own (ASan and LeakSanitizer 66, UBSan 67), exit
# normally rather than abort (no core, the status is kept), and check for
# leaks at every exit.  Reports go to the daemon's stderr, i.e. its log.
# Options already in the environment come last and so take precedence.
SAN_ASAN_RC=66
SAN_UBSAN_RC=67
VG_RC=99			# valgrind --error-exitcode
ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:exitcode=$SAN_ASAN_RC:handle_abort=1:print_summary=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
LSAN_OPTIONS="exitcode=$SAN_ASAN_RC${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
UBSAN_OPTIONS="halt_on_error=1:abort_on_error=0:print_stacktrace=1:exitcode=$SAN_UBSAN_RC${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
# What a sanitizer report looks like in a log.
SAN_RE='(AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|ThreadSanitizer|MemorySanitizer)|: runtime error: '

TEST_NAME=$(basename "$0" .sh)
P="uc$$"			# prefix of every namespace name
BR_NS="${P}br"
TMPD=""
NHOSTS=0
NS_LIST=()			# namespaces we created
BG_PIDS=()			# every background process we started
VIP=198.18.0.100
VHID=42
PASS=love
declare -a HOST_NS HOST_ADDR NODE_IMPL NODE_PID NODE_RC NODE_RUN NODE_LOG \
    NODE_EVENTS NODE_ARGV NODE_CMD NODE_VHID NODE_VIP NODE_PASS NODE_WRAP \
    NODE_XLOGS NODE_VG NODE_VGLOG
declare -A CAP_PID CAP_FILE

log()	{ printf '%s: %s\n' "$TEST_NAME" "$*"; }
info()	{ printf '%s: INFO: %s\n' "$TEST_NAME" "$*"; }

# Milliseconds since the epoch, without forking.
now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	echo $((t / 1000))
}

# Seconds (may be fractional, e.g. 2.5) to milliseconds, scaled.
to_ms() {
	local s=$1 int frac
	int=${s%%.*}
	if [ "$int" = "$s" ]; then frac=0; else frac=${s#*.}; fi
	frac=$(printf '%-3.3s' "$frac"); frac=${frac// /0}
	echo $(( (10#${int:-0} * 1000 + 10#$frac) * UCARP_TEST_SCALE ))
}

# wait_deadline DEADLINE_MS STEP CMD [ARGS...]: poll CMD every STEP seconds
# until it succeeds (0) or the absolute deadline passes (1).
wait_deadline() {
	local deadline=$1 step=$2
	shift 2
	while :; do
		"$@" && return 0
		[ "$(now_ms)" -ge "$deadline" ] && break
		sleep "$step"
	done
	"$@"
}

# wait_until SECONDS CMD [ARGS...]: poll CMD every 50 ms until it succeeds
# (return 0) or the deadline (scaled by UCARP_TEST_SCALE) passes (return 1).
wait_until() {
	local t=$1
	shift
	wait_deadline $(( $(now_ms) + $(to_ms "$t") )) 0.05 "$@"
}

# Same with a slower poll, for conditions that cost a signal per check.
wait_until_slow() {
	local t=$1
	shift
	wait_deadline $(( $(now_ms) + $(to_ms "$t") )) 0.25 "$@"
}

# ---- verdicts ---------------------------------------------------------------

test_skip() {
	log "SKIP: $*"
	exit 77
}

# A test whose point is timing or scale, not a code path no other test
# runs: skipped on the sanitizer build (UCARP_SANITIZED, from configure
# --enable-asan), where the daemon runs several times slower and the whole
# suite runs a second time in CI.  $1 says why.
normal_build_only() {
	[ -n "${UCARP_SANITIZED:-}" ] &&
	    test_skip "normal build only: $1"
	return 0
}

test_pass() {
	log "PASS"
	exit 0
}

# Print what is needed to understand a failure: for every node its command,
# the state/script/warning lines of its log, the raw tail of the log (and of
# any extra log such as valgrind's), its script events and addresses.
diagnostics() {
	local i f
	for ((i = 1; i <= NHOSTS; i++)); do
		[ -n "${NODE_IMPL[i]:-}" ] || continue
		echo "----- node $i (${NODE_IMPL[i]}, ${HOST_ADDR[i]}, run ${NODE_RUN[i]:-0}," \
		    "pid ${NODE_PID[i]:-exited}, exit status ${NODE_RC[i]:-none}) -----"
		echo "command: ${NODE_CMD[i]:-}"
		f=${NODE_LOG[i]:-}
		if [ -f "$f" ]; then
			echo "--- $(basename "$f"): WARNING/ERROR/INFO lines (last 30):"
			grep -E '\[(WARNING|ERROR|NOTICE|INFO)\]' "$f" | tail -n 30
			echo "--- $(basename "$f"): last 15 lines:"
			tail -n 15 "$f"
		fi
		for f in ${NODE_XLOGS[i]:-}; do
			[ -f "$f" ] || continue
			echo "--- $(basename "$f") (last 30 lines):"
			tail -n 30 "$f"
		done
		if [ -f "${NODE_EVENTS[i]:-}" ]; then
			echo "--- script events:"
			cat "${NODE_EVENTS[i]}"
		fi
		echo "--- addresses: $(ip -n "${HOST_NS[i]}" -4 -o addr show dev eth0 2>/dev/null | awk '{print $4}' | tr '\n' ' ')"
	done
	[ -n "${UCARP_TEST_KEEP:-}" ] || echo "(set UCARP_TEST_KEEP=1 to keep the full logs in $TMPD)"
}

test_fail() {
	log "FAIL: $*"
	diagnostics
	exit 1
}

# ---- process and namespace bookkeeping -------------------------------------

pid_alive() {
	local st
	[ -n "${1:-}" ] || return 1
	read -r st 2>/dev/null < "/proc/$1/stat" || return 1
	st=${st##*) }
	[ "${st:0:1}" != Z ]
}

pid_dead() { ! pid_alive "$1"; }

# Stop one of our own background processes: SIG, wait, then KILL.
reap_pid() {
	local pid=$1 sig=${2:-TERM}
	pid_alive "$pid" && kill -s "$sig" "$pid" 2>/dev/null
	if ! wait_until 5 pid_dead "$pid"; then
		kill -s KILL "$pid" 2>/dev/null
		wait_until 5 pid_dead "$pid"
	fi
	wait "$pid" 2>/dev/null
}

# ---- judging the end of our daemon -------------------------------------------

# True when $UCARP is built with a sanitizer (valgrind cannot run it).
ucarp_sanitized() {
	ldd "$UCARP" 2>/dev/null | grep -qE 'lib(asan|ubsan)\.so' ||
	    grep -qa -m 1 -e __asan_init -e __ubsan_handle "$UCARP" 2>/dev/null
}

# vg_find: VG_BIN = valgrind; false when it is not installed.
VG_BIN=""
vg_find() { VG_BIN=$(command -v valgrind); }

# Deadlines for valgrind (once): x UCARP_TEST_VALGRIND_SCALE (default 3).
VG_SCALED=0
vg_scale() {
	[ $VG_SCALED -eq 1 ] && return 0
	VG_SCALED=1
	UCARP_TEST_SCALE=$(( UCARP_TEST_SCALE * ${UCARP_TEST_VALGRIND_SCALE:-3} ))
}

# vg_setup (test_init, multi_init): UCARP_TEST_VALGRIND=1 puts every daemon
# of ours under valgrind (VG_ALL=1), unless the binary has sanitizers.
VG_ALL=0
vg_setup() {
	[ "${UCARP_TEST_VALGRIND:-0}" = 1 ] || return 0
	if ucarp_sanitized; then
		log "NOTE: UCARP_TEST_VALGRIND=1 ignored: $UCARP is built with sanitizers, which check instead"
		return 0
	fi
	vg_find || test_fail "UCARP_TEST_VALGRIND=1 but valgrind is not installed"
	VG_ALL=1
	vg_scale
	log "NOTE: every daemon of ours runs under valgrind; deadlines x$UCARP_TEST_SCALE"
}

# vg_cmd LOGFILE: VG_CMD = valgrind memcheck logging to LOGFILE; any error,
# and any definite, indirect or possible leak at exit, makes the exit
# status VG_RC.  Scripts (fork + exec) run natively.
vg_cmd() {
	VG_CMD=("$VG_BIN" --tool=memcheck --leak-check=full
	    --show-leak-kinds=definite,indirect,possible
	    --errors-for-leak-kinds=definite,indirect,possible
	    --error-exitcode=$VG_RC --child-silent-after-fork=yes
	    --num-callers=30 --log-file="$1")
}

# vg_first_error LOG: the first error or leak record valgrind wrote to LOG
# (a line followed by a stack, valgrind's own "Warning:" notes aside).
vg_first_error() {
	awk '/^==[0-9]+== +(at|by) 0x/ {
		if (prev !~ /^==[0-9]+== +(at|by) 0x/ && prev !~ /Warning:/ && prev ~ /^==[0-9]+== [^ ]/) {
			sub(/^==[0-9]+== /, "", prev); print prev; exit
		}
	}
	{ prev = $0 }' "$1"
}

# What an exit status of our daemon means.
rc_text() {
	case $1 in
	"$SAN_ASAN_RC")	echo "exit status $1 (AddressSanitizer or LeakSanitizer report)" ;;
	"$SAN_UBSAN_RC") echo "exit status $1 (UndefinedBehaviorSanitizer report)" ;;
	"$VG_RC")	echo "exit status $1 (valgrind found errors or leaks)" ;;
	129|1[3-9][0-9]|2[0-5][0-9])
		echo "killed by signal $(( $1 - 128 )) (SIG$(kill -l $(( $1 - 128 )) 2>/dev/null))" ;;
	*)	echo "exit status $1" ;;
	esac
}

# How a stop by signal SIG is judged: TERM, INT, QUIT and HUP (legacy
# mode: exit) must end in exit 0; any other signal is a deliberate kill.
sig_how() {
	case ${1#SIG} in
	TERM|INT|QUIT|HUP|15|2|3|1) echo clean ;;
	*) echo killed ;;
	esac
}

# judge_end WHAT HOW RC LOG [VGLOG]: JUDGED = the problems with one end of
# our daemon, none when it ended cleanly.  HOW: clean (stopped by TERM,
# INT, QUIT or HUP), died (found dead, nobody stopped it): exit 0
# expected; killed (SIGKILL or another signal on purpose): any status.
# In every case LOG must hold no sanitizer report and VGLOG no valgrind
# error; after an exit, valgrind must have written "ERROR SUMMARY: 0".
JUDGED=()
declare -A SAN_SEEN=()		# files whose reports are already counted
judge_end() {
	local what=$1 how=$2 rc=$3 lg=$4 vg=${5:-} line
	JUDGED=()
	if [ "$how" != killed ] && [ "$rc" != 0 ] && [ $OURS_IS_REF -eq 0 ]; then
		if [ "$how" = clean ]; then
			JUDGED+=("$what: $(rc_text "$rc") where a clean exit (0) was expected")
		else
			JUDGED+=("$what: the daemon died on its own: $(rc_text "$rc")")
		fi
	fi
	if [ -f "$lg" ] && line=$(grep -m 1 -nE -- "$SAN_RE" "$lg"); then
		JUDGED+=("$what: sanitizer report in $(basename "$lg") line ${line%%:*}: ${line#*:}")
		SAN_SEEN[$lg]=1
	fi
	[ -n "$vg" ] || return 0
	if [ ! -f "$vg" ]; then
		JUDGED+=("$what: no valgrind log $(basename "$vg")")
		return 0
	fi
	line=$(vg_first_error "$vg")
	if [ -n "$line" ]; then
		JUDGED+=("$what: valgrind in $(basename "$vg"): $line")
		SAN_SEEN[$vg]=1
	fi
	[ "$how" = killed ] && return 0
	line=$(grep -m 1 'ERROR SUMMARY:' "$vg")
	case $line in
	*"ERROR SUMMARY: 0 errors"*) ;;
	"") JUDGED+=("$what: valgrind wrote no ERROR SUMMARY to $(basename "$vg")") ;;
	*) JUDGED+=("$what: valgrind: ${line#*== }"); SAN_SEEN[$vg]=1 ;;
	esac
	return 0
}

# stop_ours_at_exit: every node of ours still recorded gets SIGTERM (after
# SIGCONT, in case a test left it stopped) and CLEAN_STOP_SECS (default
# 15, scaled) to exit; a node found dead is reaped.  Problems go to
# END_PROBLEMS.
END_PROBLEMS=()
stop_ours_at_exit() {
	local i pid rc how t=${CLEAN_STOP_SECS:-15}
	for ((i = 1; i <= NHOSTS; i++)); do
		pid=${NODE_PID[i]:-}
		[ -n "$pid" ] && [ "${NODE_IMPL[i]:-}" = ours ] || continue
		if pid_alive "$pid"; then
			kill -s CONT "$pid" 2>/dev/null
			kill -s TERM "$pid" 2>/dev/null
			how=clean
			if ! wait_until "$t" pid_dead "$pid"; then
				END_PROBLEMS+=("node $i (ours, pid $pid) did not exit within ${t} s (x$UCARP_TEST_SCALE) of SIGTERM at the clean-up: SIGKILLed")
				kill -s KILL "$pid" 2>/dev/null
				wait_until 5 pid_dead "$pid"
				how=killed
			fi
		else
			how=died
		fi
		wait "$pid" 2>/dev/null
		rc=$?
		NODE_PID[i]=""
		NODE_RC[i]=$rc
		log "node $i (ours) ended at the clean-up ($how): $(rc_text "$rc")"
		judge_end "node $i (ours, run ${NODE_RUN[i]})" "$how" "$rc" "${NODE_LOG[i]}" "${NODE_VGLOG[i]:-}"
		END_PROBLEMS+=("${JUDGED[@]}")
	done
}

# scan_tmpd: any sanitizer report or valgrind error in any log of the temp
# dir (every run of our daemon, ucarp -t outputs...) not counted yet.
scan_tmpd() {
	local f line
	[ -n "$TMPD" ] && [ -d "$TMPD" ] || return 0
	while read -r f; do
		[ -n "$f" ] && [ -z "${SAN_SEEN[$f]:-}" ] || continue
		SAN_SEEN[$f]=1
		line=$(grep -m 1 -nE -- "$SAN_RE" "$f")
		END_PROBLEMS+=("sanitizer report in $(basename "$f") line ${line%%:*}: ${line#*:}")
	done < <(grep -rlIE --exclude='*.pcap' -- "$SAN_RE" "$TMPD" 2>/dev/null)
	for f in "$TMPD"/vg.*.log; do
		[ -f "$f" ] && [ -z "${SAN_SEEN[$f]:-}" ] || continue
		line=$(vg_first_error "$f")
		[ -n "$line" ] || continue
		SAN_SEEN[$f]=1
		END_PROBLEMS+=("valgrind in $(basename "$f"): $line")
	done
}

# The reports behind SAN_SEEN, for the test log: each file from its first
# report on (at most 60 lines).
show_reports() {
	local f n
	for f in "${!SAN_SEEN[@]}"; do
		[ -f "$f" ] || continue
		n=$(grep -m 1 -nE -e "$SAN_RE" -e '^==[0-9]+== [^ ]' "$f" | cut -d: -f1)
		case $f in */vg.*) n=$(grep -m 1 -n -F "$(vg_first_error "$f")" "$f" | cut -d: -f1) ;; esac
		echo "----- $(basename "$f") from line ${n:-1}:"
		tail -n +"${n:-1}" "$f" | head -n 60
	done
}

cleanup() {
	local rc=$? pid ns p
	trap - EXIT INT TERM HUP
	set +u		# nothing may cut the clean-up short
	stop_ours_at_exit
	for pid in "${BG_PIDS[@]}"; do
		pid_alive "$pid" || { wait "$pid" 2>/dev/null; continue; }
		reap_pid "$pid" TERM
	done
	scan_tmpd
	if [ ${#END_PROBLEMS[@]} -gt 0 ]; then
		for p in "${END_PROBLEMS[@]}"; do log "FAIL (at clean-up): $p"; done
		[ "$rc" -ne 0 ] || log "FAIL: the test's own checks passed, but the end of our daemon did not (above)"
		rc=1
	fi
	[ ${#SAN_SEEN[@]} -eq 0 ] || show_reports
	for ns in "${NS_LIST[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$TMPD" ] && [ -d "$TMPD" ]; then
		if [ -n "${UCARP_TEST_KEEP:-}" ]; then
			log "kept $TMPD"
		else
			rm -rf "$TMPD"
		fi
	fi
	exit $rc
}

# test_init: check prerequisites, make the temp dir, install the cleanup
# trap.
OURS_IS_REF=0
test_init() {
	[ "$(id -u)" -eq 0 ] || test_skip "not root"
	command -v ip >/dev/null 2>&1 || test_skip "no ip(8)"
	ip netns list >/dev/null 2>&1 || test_skip "no ip netns"
	[ -x "$REF_UCARP" ] || test_skip "reference $REF_UCARP missing"
	STDBUF=$(command -v stdbuf) || test_skip "no stdbuf"
	if [ ! -x "$UCARP" ]; then
		log "FAIL: daemon under test \$UCARP=$UCARP is not an executable"
		exit 1
	fi
	# Harness self-check mode: the reference on both sides.  Assertions on
	# behaviour our daemon deliberately fixes are then skipped (ours_fixed).
	if [ "$(readlink -f "$UCARP")" = "$(readlink -f "$REF_UCARP")" ]; then
		OURS_IS_REF=1
		log "NOTE: \$UCARP is the reference binary: harness self-check mode"
	fi
	TMPD=$(mktemp -d "/tmp/ucarp-integ.$TEST_NAME.$$.XXXXXX") ||
	    test_fail "mktemp"
	trap cleanup EXIT
	trap 'exit 1' INT TERM HUP
	# Probe: can we create a namespace at all (containers may forbid it)?
	ip netns add "${P}probe" 2>/dev/null || test_skip "cannot create a network namespace"
	ip netns del "${P}probe"
	vg_setup
	log "UCARP=$UCARP REF_UCARP=$REF_UCARP"
}

new_ns() {
	ip netns add "$1" || test_fail "ip netns add $1"
	NS_LIST+=("$1")
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	    net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
	ip netns exec "$1" sysctl -qw net.ipv4.igmp_link_local_mcast_reports=0 \
	    >/dev/null 2>&1
	ip -n "$1" link set lo up
}

# make_net ADDR...: a bridge and one host namespace per address (host i has
# ADDR number i on eth0, /15).
make_net() {
	local a i=0
	new_ns "$BR_NS"
	ip -n "$BR_NS" link add br0 type bridge mcast_snooping 0 ||
	    test_fail "cannot create a bridge"
	ip -n "$BR_NS" link set br0 up
	for a in "$@"; do
		case $a in
		198.1[89].*) ;;
		*) test_fail "address $a is outside 198.18.0.0/15" ;;
		esac
		i=$((i + 1))
		HOST_NS[i]="${P}h$i"
		HOST_ADDR[i]=$a
		new_ns "${HOST_NS[i]}"
		ip -n "$BR_NS" link add "p$i" type veth peer name eth0 \
		    netns "${HOST_NS[i]}" || test_fail "veth for host $i"
		ip -n "$BR_NS" link set "p$i" master br0
		ip -n "$BR_NS" link set "p$i" up
		ip -n "${HOST_NS[i]}" addr add "$a/15" dev eth0
		ip -n "${HOST_NS[i]}" link set eth0 up
		NODE_RUN[i]=0
	done
	NHOSTS=$i
	for ((i = 1; i <= NHOSTS; i++)); do
		wait_until 5 host_link_up "$i" || test_fail "eth0 of host $i has no carrier"
	done
}

host_link_up() {
	ip -n "${HOST_NS[$1]}" link show dev eth0 2>/dev/null | grep -q 'LOWER_UP'
}

# Carrier off/on for host I: the bridge-side end of its veth goes down/up.
link_down()	{ ip -n "$BR_NS" link set "p$1" down || test_fail "link_down $1"; }
link_up()	{ ip -n "$BR_NS" link set "p$1" up || test_fail "link_up $1"; }

# Isolate host I without touching carrier: the bridge port stops
# forwarding (state disabled) / forwards again.
port_block()	{ ip netns exec "$BR_NS" bridge link set dev "p$1" state 0 || test_fail "port_block $1"; }
port_unblock()	{ ip netns exec "$BR_NS" bridge link set dev "p$1" state 3 || test_fail "port_unblock $1"; }

# ---- scripts and nodes ------------------------------------------------------

# write_scripts I: up/down scripts of node I for its current run.  They log
# "<up|down> <argv...>" to the events file, argc and bracketed argv to the
# argv file, and add/remove the VIP (argument 2) on the interface (1).
write_scripts() {
	local i=$1 ipbin kind op
	ipbin=$(command -v ip)
	for kind in up down; do
		if [ $kind = up ]; then op=add; else op=del; fi
		cat > "$TMPD/n$i.$kind.sh" <<EOF
#!/bin/sh
# $kind script of node $i, written by tests/integ/lib.sh
echo "$kind \$*" >> "${NODE_EVENTS[i]}"
{ printf '%s %s' "$kind" "\$#"; for a in "\$@"; do printf ' [%s]' "\$a"; done; echo; } >> "${NODE_ARGV[i]}"
$ipbin addr $op "\$2/32" dev "\$1" 2>/dev/null
exit 0
EOF
		chmod 755 "$TMPD/n$i.$kind.sh"
	done
}

# start_node I IMPL [EXTRA_ARGS...]: start IMPL (ours|ref) on host I with
# -i eth0 -s ADDR -v VHID -p PASS -a VIP -u UP -d DOWN -D and EXTRA_ARGS.
# NODE_VHID[I], NODE_VIP[I], NODE_PASS[I] override the defaults; an empty
# NODE_PASS[I] ("-") omits -p (pass -o in EXTRA_ARGS then).  NODE_WRAP[I]
# is put in front of our binary; NODE_VG[I]=1 (or UCARP_TEST_VALGRIND=1)
# runs it under valgrind, logging to NODE_VGLOG[I] (call vg_find first).
start_node() {
	local i=$1 impl=$2
	shift 2
	local vhid=${NODE_VHID[i]:-$VHID} vip=${NODE_VIP[i]:-$VIP}
	local pass=${NODE_PASS[i]:-$PASS}
	local -a args=(-i eth0 -s "${HOST_ADDR[i]}" -v "$vhid")
	[ "$pass" = "-" ] || args+=(-p "$pass")
	start_node_raw "$i" "$impl" "${args[@]}" -a "$vip" \
	    -u "$TMPD/n$i.up.sh" -d "$TMPD/n$i.down.sh" -D "$@"
}

# start_node_raw I IMPL ARGS...: the same with exactly ARGS.
start_node_raw() {
	local i=$1 impl=$2 r
	shift 2
	if pid_alive "${NODE_PID[i]:-}"; then
		test_fail "node $i is already running"
	fi
	r=$(( ${NODE_RUN[i]:-0} + 1 ))
	NODE_RUN[i]=$r
	NODE_IMPL[i]=$impl
	NODE_LOG[i]=$TMPD/n$i.r$r.log
	NODE_EVENTS[i]=$TMPD/n$i.r$r.events
	NODE_ARGV[i]=$TMPD/n$i.r$r.argv
	NODE_RC[i]=""
	: > "${NODE_EVENTS[i]}"
	: > "${NODE_ARGV[i]}"
	write_scripts "$i"
	local -a cmd wrap=(${NODE_WRAP[i]:-})
	NODE_VGLOG[i]=""
	if [ "$impl" = ours ] && { [ "${NODE_VG[i]:-0}" = 1 ] || [ $VG_ALL -eq 1 ]; }; then
		NODE_VGLOG[i]=$TMPD/vg.n$i.r$r.log
		NODE_XLOGS[i]="${NODE_XLOGS[i]:-} ${NODE_VGLOG[i]}"
		vg_cmd "${NODE_VGLOG[i]}"
		wrap+=("${VG_CMD[@]}")
	fi
	case $impl in
	ours)	if [ $OURS_IS_REF -eq 1 ]; then
			cmd=("$STDBUF" -oL "${wrap[@]}" "$UCARP" "$@")
		else
			cmd=("${wrap[@]}" "$UCARP" "$@")
		fi ;;
	ref)	cmd=("$STDBUF" -oL "$REF_UCARP" "$@") ;;
	*)	test_fail "start_node: unknown implementation $impl" ;;
	esac
	NODE_CMD[i]="${cmd[*]}"
	ip netns exec "${HOST_NS[i]}" "${cmd[@]}" > "${NODE_LOG[i]}" 2>&1 < /dev/null &
	NODE_PID[i]=$!
	BG_PIDS+=("$!")
	log "node $i ($impl ${HOST_ADDR[i]}) started, pid ${NODE_PID[i]}: ${cmd[*]}"
}

# True when assertions on behaviour that only our daemon has (fixes over
# 1.5.2: -m, exit codes, bow-out advert, counters) apply.
ours_fixed() { [ $OURS_IS_REF -eq 0 ]; }

node_running() { pid_alive "${NODE_PID[$1]:-}"; }

# stop_node I [SIGNAL] [SECONDS]: signal node I (default TERM), wait for it
# to exit, store its exit status in NODE_RC[I].  Fails on timeout, and for
# our daemon on anything judge_end finds (a TERM, INT, QUIT or HUP stop
# must give exit 0; KILL may give any status).
stop_node() {
	local i=$1 sig=${2:-TERM} t=${3:-10} pid=${NODE_PID[$1]:-}
	[ -n "$pid" ] || return 0
	sig=${sig#SIG}
	kill -s CONT "$pid" 2>/dev/null	# in case a test left it stopped
	kill -s "$sig" "$pid" 2>/dev/null
	if ! wait_until "$t" pid_dead "$pid"; then
		kill -s KILL "$pid" 2>/dev/null
		wait_until 5 pid_dead "$pid"
		wait "$pid" 2>/dev/null
		NODE_RC[i]=$?
		NODE_PID[i]=""
		test_fail "node $i (${NODE_IMPL[i]}) did not exit within ${t}s of SIG$sig"
	fi
	wait "$pid" 2>/dev/null
	NODE_RC[i]=$?
	NODE_PID[i]=""
	log "node $i (${NODE_IMPL[i]}) exited with status ${NODE_RC[i]} after SIG$sig"
	[ "${NODE_IMPL[i]}" = ours ] || return 0
	judge_end "node $i (ours)" "$(sig_how "$sig")" "${NODE_RC[i]}" "${NODE_LOG[i]}" "${NODE_VGLOG[i]:-}"
	[ ${#JUDGED[@]} -eq 0 ] || test_fail "$(printf '%s; ' "${JUDGED[@]}")"
}

# Node I must still be running (did not crash or exit).
check_running() {
	local i
	for i in "$@"; do
		node_running "$i" || test_fail "node $i (${NODE_IMPL[i]}) is not running any more"
	done
}

# ---- state, VIP and counters ------------------------------------------------

# Last "Switching to state: X" of node I (INIT when none yet).
node_state() {
	local s
	s=$(grep -o 'Switching to state: [A-Z]*' "${NODE_LOG[$1]}" 2>/dev/null | tail -n 1)
	echo "${s##* }" | sed 's/^$/INIT/'
}

state_is() { [ "$(node_state "$1")" = "$2" ]; }

switch_count() { grep -c 'Switching to state:' "${NODE_LOG[$1]}" 2>/dev/null; }

# log_has I TEXT: node I's current log has a line containing TEXT (fixed string).
log_has() { grep -qF -- "$2" "${NODE_LOG[$1]}" 2>/dev/null; }
log_count() { grep -cF -- "$2" "${NODE_LOG[$1]}" 2>/dev/null; }

# wait_state I STATE [SECONDS]
wait_state() {
	wait_until "${3:-10}" state_is "$1" "$2" ||
	    test_fail "node $1 (${NODE_IMPL[$1]}) did not reach $2 (state: $(node_state "$1"))"
}

wait_log() {
	wait_until "${3:-10}" log_has "$1" "$2" ||
	    test_fail "node $1 (${NODE_IMPL[$1]}) never logged '$2'"
}

# has_vip I [VIP]: the VIP is configured on host I's eth0.
has_vip() {
	local v=${2:-${NODE_VIP[$1]:-$VIP}}
	ip -n "${HOST_NS[$1]}" -4 -o addr show dev eth0 2>/dev/null |
	    grep -q " inet $v/32 "
}

no_vip() { ! has_vip "$@"; }

# usr1_counters I: SIGUSR1 to our node I and wait for its status lines.
# Sets USR1_STATE (MASTER|BACKUP|INIT) and, for ours, COUNTERS (the text
# after "counters:").  Returns 1 when no answer came.
USR1_STATE=""
COUNTERS=""
usr1_counters() {
	local i=$1 before line pat
	if [ "${NODE_IMPL[i]}" = ours ] && ours_fixed; then pat="counters:"; else pat=' on eth0 id '; fi
	before=$(grep -c -- "$pat" "${NODE_LOG[i]}")
	kill -USR1 "${NODE_PID[i]}" 2>/dev/null || return 1
	wait_until 5 usr1_answered "$i" "$pat" "$before" || return 1
	line=$(grep -E '(MASTER|BACKUP|INIT) on [^ ]+ id [0-9]+' "${NODE_LOG[i]}" | tail -n 1)
	USR1_STATE=$(echo "$line" | grep -oE '(MASTER|BACKUP|INIT) on' | cut -d' ' -f1)
	COUNTERS=""
	if [ "$pat" = 'counters:' ]; then
		line=$(grep -- 'counters:' "${NODE_LOG[i]}" | tail -n 1)
		COUNTERS=${line#*counters:}
	fi
	return 0
}

usr1_answered() {
	[ "$(grep -c -- "$2" "${NODE_LOG[$1]}")" -gt "$3" ]
}

# counter I KEY: sets CVAL to KEY's value in our node I's USR1 counters.
CVAL=""
counter() {
	CVAL=""
	usr1_counters "$1" || return 1
	CVAL=$(echo " $COUNTERS " | grep -oE "[[:space:]]$2=[0-9]+" | head -n 1 | cut -d= -f2)
	[ -n "$CVAL" ]
}

# rx_count I: sets RX to the number of valid adverts node I accepted so far
# (ref: its DEBUG "sc_tv(local)" lines; ours: "received" of USR1).
RX=0
rx_count() {
	if [ "${NODE_IMPL[$1]}" = ref ] || [ $OURS_IS_REF -eq 1 ]; then
		RX=$(grep -c 'sc_tv(local)' "${NODE_LOG[$1]}")
		return 0
	else
		counter "$1" received || { RX=-1; return 1; }
		RX=$CVAL
	fi
}

rx_above() {
	rx_count "$1" && [ "$RX" -ge "$2" ]
}

# wait_rx I N [SECONDS]: wait until node I accepted N more adverts.
wait_rx() {
	local i=$1 n=$2 t=${3:-$(( 2 * $2 + 4 ))} base
	rx_count "$i" || test_fail "node $i: no counters from SIGUSR1 (log: ${NODE_LOG[i]})"
	base=$RX
	wait_until_slow "$t" rx_above "$i" $((base + n)) ||
	    test_fail "node $i (${NODE_IMPL[i]}) accepted only $((RX - base)) of $n expected adverts"
}

# wait_masters I...: wait until every node I is MASTER (started alone).
# Tests that need a given node as master start it first and wait for this
# before starting its backup: ucarp 1.5.2 notices its master-down deadline
# only when its poll() wakes up (up to one advert interval late), so at a
# simultaneous start a slower but punctual peer can time out first and, with
# no -P, keep the role (valid CARP; 020-election covers that case with -P).
wait_masters() {
	local i
	for i in "$@"; do wait_state "$i" MASTER 10; done
}

# one_master M OTHERS...: M is MASTER holding the VIP, every other node is
# BACKUP without it.
one_master() {
	local m=$1 o
	shift
	state_is "$m" MASTER && has_vip "$m" || return 1
	for o in "$@"; do
		state_is "$o" BACKUP || return 1
		has_vip "$o" && return 1
	done
	return 0
}

describe() {
	local i out=""
	for i in "$@"; do
		out="$out n$i(${NODE_IMPL[i]}):$(node_state "$i")"
		has_vip "$i" && out="$out+VIP"
	done
	echo "$out"
}

# expect_master M OTHERS... [-- M2 OTHERS2...]: for each group, wait until
# one_master holds, then make sure every group stays so while its first
# backup accepts 3 more adverts (no flapping; groups share the window).
# ucarp 1.5.2 may show a short start-up dual master (its libpcap delivers
# adverts up to 1 s late), so a change inside the window restarts the wait,
# within an overall deadline of EXPECT_TIMEOUT seconds (default 20); the 3
# adverts must come within EXPECT_RX_TIMEOUT seconds (default 10).
expect_master() {
	local i g changed deadline
	local -a groups c base
	groups=("")
	for i in "$@"; do
		if [ "$i" = -- ]; then groups+=(""); else groups[-1]="${groups[-1]} $i"; fi
	done
	deadline=$(( $(now_ms) + $(to_ms "${EXPECT_TIMEOUT:-20}") ))
	while :; do
		for g in "${groups[@]}"; do
			wait_deadline "$deadline" 0.05 one_master $g ||
			    test_fail "expected n${g# } MASTER with the VIP and the others BACKUP; got$(describe $g)"
		done
		for g in "${groups[@]}"; do
			set -- $g
			for i in "$@"; do c[i]=$(switch_count "$i"); done
			rx_count "$2" || test_fail "node $2: no counters from SIGUSR1"
			base[$2]=$RX
		done
		for g in "${groups[@]}"; do
			set -- $g
			wait_until_slow "${EXPECT_RX_TIMEOUT:-10}" rx_above "$2" $((base[$2] + 3)) ||
			    test_fail "node $2 (${NODE_IMPL[$2]}) accepted only $((RX - base[$2])) of 3 expected adverts"
		done
		changed=""
		for g in "${groups[@]}"; do
			for i in $g; do
				[ "$(switch_count "$i")" -eq "${c[i]}" ] || changed="$changed n$i"
			done
			one_master $g || changed="$changed (group$g)"
		done
		[ -z "$changed" ] && break
		[ "$(now_ms)" -lt "$deadline" ] ||
		    test_fail "no stable state: node(s)$changed changed state within 3 adverts"
		log "state changed on$changed during the stability window; waiting again"
	done
	for g in "${groups[@]}"; do
		check_running $g
		log "stable over 3 adverts:$(describe $g)"
	done
}

# Node I's scripts alternated: never the same script twice in a row.
scripts_alternate() {
	awk '{ if ($1 == last) exit 1; last = $1 }' "${NODE_EVENTS[$1]}"
}

# No node logged a reject that the test did not provoke, and every node ran
# its scripts alternately (one script per transition).
check_clean_logs() {
	local i pat
	for i in "$@"; do
		for pat in 'Bad digest' 'Bad TTL' 'Bad version' 'Bad IP checksum'; do
			log_has "$i" "$pat" && test_fail "node $i (${NODE_IMPL[i]}) logged '$pat'"
		done
		scripts_alternate "$i" ||
		    test_fail "node $i (${NODE_IMPL[i]}) ran a script twice in a row: $(tr '\n' ';' < "${NODE_EVENTS[i]}")"
	done
	return 0
}

# First line of node I's script events (empty when none).
first_event() { head -n 1 "${NODE_EVENTS[$1]}"; }

# ---- packet capture on the bridge ------------------------------------------

# capture_start NAME [FILTER...]: tcpdump on br0, waits until it listens.
capture_start() {
	local name=$1
	shift
	command -v tcpdump >/dev/null 2>&1 || test_skip "tcpdump missing"
	CAP_FILE[$name]=$TMPD/$name.pcap
	ip netns exec "$BR_NS" tcpdump -i br0 -n -U -Z root -s 256 \
	    -w "${CAP_FILE[$name]}" "$@" > "$TMPD/$name.tcpdump.err" 2>&1 &
	CAP_PID[$name]=$!
	BG_PIDS+=("$!")
	wait_until 10 grep -q 'listening on' "$TMPD/$name.tcpdump.err" ||
	    test_fail "tcpdump did not start: $(cat "$TMPD/$name.tcpdump.err")"
}

capture_stop() {
	reap_pid "${CAP_PID[$1]}" TERM
}

# capture_count NAME [FILTER...]: number of captured frames matching FILTER.
capture_count() {
	local name=$1
	shift
	tcpdump -r "${CAP_FILE[$name]}" -n "$@" 2>/dev/null | wc -l
}

capture_count_ge() {
	local n=$1
	shift
	[ "$(capture_count "$@")" -ge "$n" ]
}

# capture_hex NAME [FILTER...]: one line of lower-case hex per frame.
capture_hex() {
	local name=$1
	shift
	tcpdump -r "${CAP_FILE[$name]}" -n -xx "$@" 2>/dev/null | awk '
		/^[ \t]+0x[0-9a-f]+:/ { for (i = 2; i <= NF; i++) h = h $i; next }
		{ if (h != "") print h; h = "" }
		END { if (h != "") print h }'
}

# Internet checksum over a hex string: prints the folded one's complement
# sum (ffff when the data already contains a correct checksum).
hex_csum() {
	local h=$1 sum=0 k
	for ((k = 0; k < ${#h}; k += 4)); do
		sum=$((sum + 16#${h:k:4}))
	done
	while ((sum >> 16)); do sum=$(( (sum & 0xffff) + (sum >> 16) )); done
	printf '%04x\n' "$sum"
}

# MAC address of eth0 on host I.
host_mac() {
	ip -n "${HOST_NS[$1]}" link show dev eth0 | awk '/link\/ether/ { print $2 }'
}
