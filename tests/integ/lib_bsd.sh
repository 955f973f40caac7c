# shellcheck shell=bash disable=SC2034  # constants used by the tests
# Shared helpers of the tests against bsdpeer.py (7NN-*.sh): our daemon on
# some hosts, bsdpeer.py (an independent OpenBSD/FreeBSD CARP peer, python3
# standard library) on others, all on one bridge.
#
# It sources lib_multi.sh (and so lib.sh): namespaces, the clean-up trap,
# wait_until, mstart/mstop, mstates, musr1/mcounter.  It adds:
#
#   bsd_init H		prerequisites (python3), H hosts on one link
#			(host h: eth0 198.18.1.h/24)
#   bconf H SKEW ADDRS [KEY=VALUE...]	host H's configuration file, one
#			instance "$B_NAME" of vhid $B_VHID holding the
#			space-separated ADDRS, advbase $B_ADVBASE (0),
#			advskew SKEW
#   bours_state H	our instance's last logged state on host H
#   bours_wait H STATE [SECS]
#   bours_never H STATE	fail if host H's log ever switched to STATE
#   bpeer_start NAME H ARGS...	bsdpeer.py run in host H's namespace,
#			vhid/password of the test, its lines in BP_OUT[NAME]
#   bpeer_sig NAME SIG	a command (USR1 silent, USR2 bow-out, HUP back)
#   bpeer_stop NAME	SIGTERM; it must exit 0 with a summary line
#   bpeer_state NAME, bpeer_wait NAME STATE [SECS]
#   bpeer_count NAME ERE, bpeer_wait_count NAME ERE N [SECS]
#   bpeer_mark NAME	the line count now: later counts start after it
#   bpeer_no_bad NAME	no advert judged bad since the mark
#   bsd_v6 H...		IPv6 on eth0 (lib.sh turns it off), no DAD
#   bsd_ll H		host H's link-local address
#
# Every bsdpeer.py run is bounded (--duration) and recorded in BG_PIDS, so
# the clean-up ends it.  Only 198.18.0.0/15 and 224.0.0.18 (and, with
# IPv6, 2001:db8::/32, fe80::/10 and ff02::12) are used; bsdpeer.py
# refuses anything else and refuses to run in the initial namespace.

. "$(dirname "${BASH_SOURCE[0]}")/lib_multi.sh"

BSDPEER=$LIB_DIR/bsdpeer.py
B_VHID=72
B_PASS=bsd-peer
B_NAME=bsd
B_ADVBASE=0
BP_DURATION=120		# the longest a bsdpeer.py run may last, seconds
declare -A BP_PID BP_OUT BP_FROM
PY=""

bsd_init() {
	multi_init
	PY=$(command -v python3) || test_skip "python3 missing"
	mnet_make "$1" 1
}

# bconf H SKEW ADDRS [KEY=VALUE...]: $TMPD/hH.conf.
bconf() {
	local h=$1 skew=$2 a list="" kv
	shift 2
	for a in $1; do
		list="$list${list:+, }\"$a\""
	done
	shift
	mscript_write "$TMPD/h$h.up" up "$TMPD/h$h.events" 0 0 add
	mscript_write "$TMPD/h$h.down" down "$TMPD/h$h.events" 0 0 del
	D_EVENTS[h]=$TMPD/h$h.events
	{
		echo 'debug = true;'
		echo 'instances = ('
		printf '\t{\n\t\tname = "%s";\n\t\tinterface = "eth0";\n' "$B_NAME"
		printf '\t\tsrcip = "%s";\n\t\tvhid = %s;\n' "$(haddr "$h" 1)" "$B_VHID"
		printf '\t\taddr = [ %s ];\n\t\tpass = "%s";\n' "$list" "$B_PASS"
		printf '\t\tadvbase = %s;\n\t\tadvskew = %s;\n' "$B_ADVBASE" "$skew"
		printf '\t\tupscript = "%s";\n\t\tdownscript = "%s";\n' \
		    "$TMPD/h$h.up" "$TMPD/h$h.down"
		for kv in "$@"; do
			printf '\t\t%s = %s;\n' "${kv%%=*}" "${kv#*=}"
		done
		printf '\t}\n);\n'
	} > "$TMPD/h$h.conf"
	chmod 600 "$TMPD/h$h.conf"	# it holds the password
}

bours_state() { mstates "$1" | awk -v n="$B_NAME" '$1 == n { print $2 }'; }
bours_is() { [ "$(bours_state "$1")" = "$2" ]; }

bours_wait() {
	wait_until "${3:-10}" bours_is "$1" "$2" ||
	    test_fail "host $1: ours is $(bours_state "$1"), not $2, after ${3:-10} s"
}

# bours_never H STATE: host H's current log never switched to STATE.
bours_never() {
	! grep -q "($B_NAME): Switching to state: $2" "${D_LOG[$1]}" ||
	    test_fail "host $1: ours switched to $2: $(grep 'Switching to state' "${D_LOG[$1]}" | tail -n 3)"
}

# bpeer_start NAME H ARGS...: bsdpeer.py run on eth0 of host H.
bpeer_start() {
	local name=$1 h=$2
	shift 2
	BP_OUT[$name]=$TMPD/bp.$name.out
	BP_FROM[$name]=0
	ip netns exec "${M_NS[h]}" "$PY" "$BSDPEER" run --netns "${M_NS[h]}" \
	    --dev eth0 --vhid "$B_VHID" --pass "$B_PASS" \
	    --duration "$BP_DURATION" "$@" > "${BP_OUT[$name]}" 2>&1 < /dev/null &
	BP_PID[$name]=$!
	BG_PIDS+=("$!")
	log "bsdpeer $name on host $h: run $* (pid $!)"
}

bpeer_sig() {
	kill -s "$2" "${BP_PID[$1]}" 2>/dev/null ||
	    test_fail "bsdpeer $1 (pid ${BP_PID[$1]}) is gone: $(tail -n 5 "${BP_OUT[$1]}")"
}

# bpeer_stop NAME: SIGTERM; exit 0 and a summary line, else a failure.
bpeer_stop() {
	local pid=${BP_PID[$1]} rc
	kill -s TERM "$pid" 2>/dev/null
	wait_until 10 pid_dead "$pid" || test_fail "bsdpeer $1 did not exit on SIGTERM"
	wait "$pid"
	rc=$?
	[ "$rc" -eq 0 ] || test_fail "bsdpeer $1 exited $rc: $(tail -n 5 "${BP_OUT[$1]}")"
	grep -q '^summary ' "${BP_OUT[$1]}" || test_fail "bsdpeer $1: no summary"
	log "bsdpeer $1: $(grep '^summary ' "${BP_OUT[$1]}")"
}

# Lines of NAME's output after its mark.
bpeer_lines() { tail -n +"$(( ${BP_FROM[$1]} + 1 ))" "${BP_OUT[$1]}"; }
bpeer_mark() { BP_FROM[$1]=$(wc -l < "${BP_OUT[$1]}"); }
bpeer_state() { grep '^state ' "${BP_OUT[$1]}" | tail -n 1 | awk '{ print $2 }'; }
bpeer_is() { [ "$(bpeer_state "$1")" = "$2" ]; }
bpeer_count() { bpeer_lines "$1" | grep -cE -- "$2"; }
bpeer_count_ge() { [ "$(bpeer_count "$1" "$2")" -ge "$3" ]; }

bpeer_wait() {
	wait_until "${3:-10}" bpeer_is "$1" "$2" ||
	    test_fail "bsdpeer $1 is $(bpeer_state "$1"), not $2, after ${3:-10} s: $(tail -n 5 "${BP_OUT[$1]}")"
}

bpeer_wait_count() {
	wait_until "${4:-10}" bpeer_count_ge "$1" "$2" "$3" ||
	    test_fail "bsdpeer $1: $(bpeer_count "$1" "$2") lines /$2/, expected $3: $(bpeer_lines "$1" | tail -n 5)"
}

# bpeer_no_bad NAME: no advert it judged bad since its mark.
bpeer_no_bad() {
	[ "$(bpeer_count "$1" 'verdict=BAD')" -eq 0 ] ||
	    test_fail "bsdpeer $1 judged adverts bad: $(bpeer_lines "$1" | grep 'verdict=BAD' | head -n 3)"
}

# On failure: lib_multi's diagnostics, then the tail of every bsdpeer run.
eval "$(declare -f diagnostics | sed '1s/^diagnostics/multi_diagnostics/')"
diagnostics() {
	local n
	multi_diagnostics
	for n in "${!BP_OUT[@]}"; do
		echo "----- bsdpeer $n (pid ${BP_PID[$n]}), last 25 lines -----"
		tail -n 25 "${BP_OUT[$n]}"
	done
}

# bsd_v6 H...: IPv6 on eth0 of each host (lib.sh turns it off), without
# duplicate address detection so that the link-local address is usable at
# once; waits for it.
bsd_v6() {
	local h
	for h in "$@"; do
		ip netns exec "${M_NS[h]}" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		    net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.eth0.accept_dad=0 \
		    net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
		    net.ipv6.conf.eth0.disable_ipv6=0 > /dev/null ||
		    test_fail "host $h: cannot turn IPv6 on"
	done
	for h in "$@"; do
		wait_until 5 bsd_ll "$h" > /dev/null ||
		    test_fail "host $h: no IPv6 link-local address on eth0"
	done
}

# bsd_ll H: the link-local address of host H's eth0 (fails if none).
bsd_ll() {
	local a
	a=$(ip -n "${M_NS[$1]}" -6 -o addr show dev eth0 scope link 2>/dev/null |
	    awk '$0 !~ /tentative/ { sub(/\/.*/, "", $4); print $4; exit }')
	[ -n "$a" ] && echo "$a"
}
