#!/bin/bash
# Command-line parity with ucarp 1.5.2: exit status and message for bad or
# missing options, run by both binaries in a private namespace (an isolated
# veth pair, so a daemon that starts by mistake reaches nobody).  Where our
# daemon deliberately differs, only ours is held to the fixed behaviour:
# unknown option -> exit 1 (ref: 0), -m accepted (ref: rejected, exit 0),
# out-of-range -k -> exit 1 (ref: wraps modulo 256 and runs), no argument
# -> /etc/ucarp.conf is read (ref: usage, exit 0).
. "$(dirname "$0")/lib.sh"
test_init
NS="${P}cli"
new_ns "$NS"
ip -n "$NS" link add eth0 type veth peer name eth1 || test_fail "veth"
ip -n "$NS" addr add 198.18.1.2/15 dev eth0
ip -n "$NS" link set eth0 up
ip -n "$NS" link set eth1 up
wait_until 5 eval 'ip -n "$NS" link show dev eth0 | grep -q LOWER_UP' || test_fail "no carrier"

B=(-i eth0 -s 198.18.1.2 -v 1 -p pw -a 198.18.0.100)
NCASE=0
OUT=""
RC=""
# set_bin IMPL: BIN = the command that runs IMPL (the reference is line
# buffered with stdbuf).
set_bin() {
	if [ "$1" = ref ]; then
		BIN=("$STDBUF" -oL "$REF_UCARP")
	elif [ $OURS_IS_REF -eq 1 ]; then
		BIN=("$STDBUF" -oL "$UCARP")
	else
		BIN=("$UCARP")
	fi
}
# run IMPL ARGS...: run one binary; RC = exit status, or "running" when it
# was still running 5 s later (it is then stopped).  OUT = its output file.
run() {
	local impl=$1 pid
	shift
	NCASE=$((NCASE + 1))
	OUT=$TMPD/case$NCASE.$impl.out
	set_bin "$impl"
	ip netns exec "$NS" "${BIN[@]}" "$@" > "$OUT" 2>&1 < /dev/null &
	pid=$!
	BG_PIDS+=("$pid")
	if wait_until 5 pid_dead "$pid"; then
		wait "$pid"
		RC=$?
	else
		RC=running
		reap_pid "$pid" TERM
	fi
}
# starts IMPL ARGS...: RC = "running" when the daemon reached BACKUP
# within 5 s (it is then stopped), else "exited".
starts() {
	local impl=$1 pid
	shift
	NCASE=$((NCASE + 1))
	OUT=$TMPD/case$NCASE.$impl.out
	set_bin "$impl"
	ip netns exec "$NS" "${BIN[@]}" "$@" > "$OUT" 2>&1 < /dev/null &
	pid=$!
	BG_PIDS+=("$pid")
	if wait_until 5 grep -q 'Switching to state: BACKUP' "$OUT"; then
		RC=running
	else
		RC=exited
	fi
	reap_pid "$pid" TERM
}
FAILS=0
bad() {
	log "FAIL: $*"
	[ -f "$OUT" ] && sed 's/^/    | /' "$OUT" | tail -n 8
	FAILS=$((FAILS + 1))
}
# missing TEXT: the first line of TEXT (each a fixed string) that is not in
# $OUT, or nothing.
missing() {
	local t
	[ -n "$1" ] || return 0
	while IFS= read -r t; do
		grep -qF -- "$t" "$OUT" || { printf '%s' "$t"; return 0; }
	done <<< "$1"
}
# expect IMPL RC TEXT ARGS...: exit status RC and every line of TEXT (fixed
# strings) in the output.
expect() {
	local impl=$1 rc=$2 text=$3 miss
	shift 3
	run "$impl" "$@"
	miss=$(missing "$text")
	if [ "$RC" != "$rc" ]; then
		bad "$impl $*: exit status $RC, expected $rc"
	elif [ -n "$miss" ]; then
		bad "$impl $*: exit $RC as expected but no '$miss' in the output"
	else
		log "ok: $impl $* -> $RC${text:+ '$text'}"
	fi
}
# both RC TEXT ARGS...: the same for the reference and ours.
both() {
	expect ref "$@"
	expect ours "$@"
}
expect_runs() {	# IMPL TEXT ARGS...
	local impl=$1 text=$2 miss
	shift 2
	starts "$impl" "$@"
	miss=$(missing "$text")
	if [ "$RC" != running ]; then
		bad "$impl $*: did not start"
	elif [ -n "$miss" ]; then
		bad "$impl $*: started but no '$miss' in the output"
	elif [ -n "${UNWANTED:-}" ] && grep -qF -- "$UNWANTED" "$OUT"; then
		bad "$impl $*: started but '$UNWANTED' is in the output"
	else
		log "ok: $impl $* -> runs${text:+, '$text'}"
	fi
}

both 1 "You must supply a persistent source address" -i eth0 -v 1 -p pw -a 198.18.0.100
both 1 "You must supply a virtual host address" -i eth0 -s 198.18.1.2 -v 1 -p pw
both 1 "You must supply a password" -i eth0 -s 198.18.1.2 -v 1 -a 198.18.0.100
both 1 "You must supply a valid virtual host id" -i eth0 -s 198.18.1.2 -p pw -a 198.18.0.100
both 1 "vhid must be between 1 and 255" "${B[@]}" -v 0
both 1 "vhid must be between 1 and 255" "${B[@]}" -v 256
both 1 "You must supply an advertisement time base" "${B[@]}" -b 0 -k 0
both 1 "" "${B[@]}" -b 256
both 1 "Dead ratio can't be zero" "${B[@]}" -r 0
both 2 "Password too long" "${B[@]}" -p 01234567890123456789
both 1 "Invalid address: [198.18.1.300]" -i eth0 -s 198.18.1.300 -v 1 -p pw -a 198.18.0.100
both 1 "Invalid address: [foo]" "${B[@]}" -a foo
both 1 "Invalid address: [bar]" "${B[@]}" --mcast=bar
both 1 "/nonexistent" "${B[@]}" -o /nonexistent
# ucarp 1.5.2's two lines for an unknown interface, word for word.
both 2 "[ERROR] Unable to get hardware info about an interface: No such device
[ERROR] Unable to find MAC address of [nosuch0]" "${B[@]}" -i nosuch0
both 0 "--interface" -h
both 0 "--srcip" --help
for impl in ref ours; do
	expect_runs $impl "" "${B[@]}" -p 0123456789012345678
	expect_runs $impl "Unknown syslog facility: [bogus]" "${B[@]}" -f bogus
	# glibc's facilitynames has mark, so ucarp 1.5.2 takes it.
	UNWANTED="Unknown syslog facility" expect_runs $impl "" "${B[@]}" -f mark
	expect_runs $impl "" "${B[@]}" --mcast=224.0.0.18 --vh=2
	expect_runs $impl "" --interface=eth0 --srcip=198.18.1.2 --vhid=3 \
	    --pass=pw --addr=198.18.0.100 --advbase=2 --advskew=7 --deadratio=4 \
	    --neutral --preempt --shutdown --nomcast --ignoreifstate --facility=daemon \
	    --xparam=x --debug
done
# Where the reference is buggy and ours deliberately differs.
expect ref 0 "invalid option -- 'q'" "${B[@]}" -q
expect ref 0 "unrecognized option '--bogus'" "${B[@]}" --bogus
expect ref 0 "invalid option -- 'm'" "${B[@]}" -m 224.0.0.18
expect_runs ref "" "${B[@]}" -k 300
expect ref 0 "--interface=<if> (-i <if>)"
if ours_fixed; then
	expect ours 1 "" "${B[@]}" -q
	expect ours 1 "" "${B[@]}" --bogus
	expect_runs ours "" "${B[@]}" -m 224.0.0.18
	expect ours 1 "" "${B[@]}" -k 300
	# After ucarp's lines, what to do.
	expect ours 2 "[ERROR] nosuch0: check the interface name with \`ip link\`" \
	    "${B[@]}" -i nosuch0
	# Every name of glibc's facilitynames, any case, and none.
	f0=$FAILS
	for f in auth authpriv cron daemon ftp kern lpr mail mark news \
	    security syslog user uucp local0 local1 local2 local3 local4 \
	    local5 local6 local7 none MARK Local3; do
		run ours -t "${B[@]}" -f "$f"
		if [ "$RC" != 0 ] || grep -qF "Unknown syslog facility" "$OUT"; then
			bad "ours -t -f $f: exit $RC or reported as unknown"
		fi
	done
	[ $FAILS -eq $f0 ] && log "ok: ours -t -f takes every glibc facility name"
	# ucarp 1.2's documentation: --syslog=FACILITY, an alias of --facility.
	UNWANTED="unrecognized option" expect_runs ours "" "${B[@]}" --syslog=none
	expect ours 0 "configuration OK" -t "${B[@]}" --syslog=local3
	expect ours 1 "Invalid multicast address: [198.18.5.5]" -t "${B[@]}" -m 198.18.5.5
	expect ours 1 "Invalid interface name: [bad name/x]" -t "${B[@]}" -i "bad name/x"
	# A directory is not a file to create.
	expect ours 1 "/etc: cannot read: Is a directory; give the path of a configuration file, not a directory, with -c" -t -c /etc
	# No argument: the configuration file, not the usage.  Only where
	# there is no /etc/ucarp.conf, whose daemons must not start here.
	if [ -e /etc/ucarp.conf ]; then
		log "not run: ours with no argument (/etc/ucarp.conf exists)"
	else
		expect ours 1 "/etc/ucarp.conf: cannot read: No such file or directory; create it (see ucarp.conf(5)) or give another with -c
ucarp: not started: fix /etc/ucarp.conf (check it with ucarp -t -c /etc/ucarp.conf), or run one instance with options (ucarp --help)"
	fi
fi
# Log streams: "YYYY-MM-DDTHH:MM:SS.uuuuuu: [LEVEL] text", INFO/DEBUG on
# stdout, WARNING/ERROR on stderr, stdout line-buffered even into a file
# (the reference only with stdbuf).
LINE_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}: \[(DEBUG|INFO|NOTICE|WARNING|ERROR)\] '
for impl in ref ours; do
	set_bin $impl
	NCASE=$((NCASE + 1))
	o=$TMPD/case$NCASE.$impl.stdout e=$TMPD/case$NCASE.$impl.stderr
	ip netns exec "$NS" "${BIN[@]}" "${B[@]}" -D -f bogus > "$o" 2> "$e" < /dev/null &
	pid=$!
	BG_PIDS+=("$pid")
	# The INFO line about the local MAC must reach the file while running.
	if ! wait_until 5 grep -q 'Switching to state: BACKUP' "$e" ||
	    ! wait_until 5 grep -q '\[INFO\]' "$o"; then
		OUT=$e; bad "$impl: no WARNING on stderr or no INFO on stdout while running"
	fi
	reap_pid "$pid" TERM
	if grep -vqE "$LINE_RE" "$o" "$e"; then
		OUT=$o; bad "$impl: log lines not in the ucarp format: $(grep -hvE "$LINE_RE" "$o" "$e" | head -n 2)"
	elif grep -qE '\[(WARNING|ERROR)\]' "$o"; then
		OUT=$o; bad "$impl: WARNING/ERROR lines on stdout"
	elif grep -qE '\[(INFO|DEBUG)\]' "$e"; then
		OUT=$e; bad "$impl: INFO/DEBUG lines on stderr"
	elif ! grep -q '\[ERROR\] .*Unknown syslog facility' "$e"; then
		OUT=$e; bad "$impl: no ERROR line for the unknown facility on stderr"
	else
		log "ok: $impl log streams and line format"
	fi
done

[ $FAILS -eq 0 ] || test_fail "$FAILS command-line case(s) failed (see above)"
test_pass
