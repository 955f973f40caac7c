#!/bin/bash
# demo.sh: a live CARP failover demo with three hosts.
#
#   contrib/demo.sh PATH_TO_UCARP      (as root; contrib/bootstrap demo)
#
# Builds three hosts in network namespaces on a bridge (alpha 198.18.1.1,
# bravo 198.18.1.2, charlie 198.18.1.3; virtual address 198.18.0.100),
# starts ucarp on each with advskew 0, 50 and 100 and up/down scripts that
# add and remove the virtual address, prints every state change as it
# happens, then walks through: election, SIGKILL of the master, preemption
# with -P, a -z shutdown (bow-out advert), and a SIGUSR2 step-down.
#
# Every wait has a deadline (polled every 50 ms); no sleep decides anything.
# Only 198.18.0.0/15 is used.  Everything started here is stopped by pid and
# the namespaces are removed on exit.  Exit status: 0 when every step
# happened, 1 otherwise.
# shellcheck disable=SC2317  # functions called indirectly (trap, wait_for)
set -u
export LC_ALL=C

UCARP=${1:-}
if [ -z "$UCARP" ] || [ ! -x "$UCARP" ]; then
	echo "usage: $0 PATH_TO_UCARP (an executable ucarp binary)" >&2
	exit 1
fi
UCARP=$(readlink -f "$UCARP")
if [ "$(id -u)" -ne 0 ]; then
	echo "$0: run as root (it creates network namespaces)" >&2
	exit 1
fi
command -v ip >/dev/null 2>&1 || { echo "$0: ip(8) is missing (apt-get install iproute2)" >&2; exit 1; }

P="ucdemo$$"
BR_NS="$P-br"
VIP=198.18.0.100
VHID=42
PASS=demo
HOSTS=(alpha bravo charlie)
declare -A ADDR=([alpha]=198.18.1.1 [bravo]=198.18.1.2 [charlie]=198.18.1.3)
declare -A SKEW=([alpha]=0 [bravo]=50 [charlie]=100)
declare -A PID=()
NS_LIST=()
HELPERS=()
TMPD=""

# ---- output ---------------------------------------------------------------

if [ -t 1 ]; then B=$'\e[1m'; G=$'\e[32m'; R=$'\e[31m'; N=$'\e[0m'; else B='' G='' R='' N=''; fi
say()	{ printf '%s\n' "$*"; }
step()	{ printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
ok()	{ printf '%s   ok: %s%s\n' "$G" "$*" "$N"; }

fail() {
	printf '%sFAILED: %s%s\n' "$R" "$*" "$N"
	local h
	for h in "${HOSTS[@]}"; do
		[ -f "$TMPD/$h.log" ] || continue
		echo "--- $h: last lines of its log"
		tail -n 15 "$TMPD/$h.log"
		echo "--- $h: addresses: $(ip -n "$P-$h" -4 -o addr show dev eth0 2>/dev/null | awk '{print $4}' | tr '\n' ' ')"
	done
	exit 1
}

# ---- time and waiting -----------------------------------------------------

now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	echo $((t / 1000))
}

now_us() { echo "${EPOCHREALTIME/[.,]/}"; }

# wait_for SECONDS CMD...: poll CMD every 50 ms until it succeeds (0) or
# SECONDS pass (1).
wait_for() {
	local deadline=$(( $(now_ms) + $1 * 1000 ))
	shift
	while ! "$@"; do
		[ "$(now_ms)" -ge "$deadline" ] && return 1
		sleep 0.05
	done
	return 0
}

pid_alive() {
	local st
	[ -n "${1:-}" ] || return 1
	read -r st 2>/dev/null < "/proc/$1/stat" || return 1
	st=${st##*) }
	[ "${st:0:1}" != Z ]
}
pid_dead() { ! pid_alive "$1"; }

# ---- clean-up -------------------------------------------------------------

# Stop one process we started: SIG, then KILL if it lingers.
stop_pid() {
	local pid=$1 sig=${2:-TERM}
	pid_alive "$pid" || { wait "$pid" 2>/dev/null; return 0; }
	kill -s "$sig" "$pid" 2>/dev/null
	if ! wait_for 3 pid_dead "$pid"; then
		kill -s KILL "$pid" 2>/dev/null
		wait_for 2 pid_dead "$pid"
	fi
	wait "$pid" 2>/dev/null
	return 0
}

cleanup() {
	local rc=$? h pid ns
	trap - EXIT INT TERM HUP
	for pid in "${HELPERS[@]}"; do
		stop_pid "$pid" TERM
	done
	for h in "${HOSTS[@]}"; do
		pid_alive "${PID[$h]:-}" && kill -TERM "${PID[$h]}" 2>/dev/null
	done
	for h in "${HOSTS[@]}"; do
		[ -n "${PID[$h]:-}" ] && stop_pid "${PID[$h]}" TERM
	done
	for ns in "${NS_LIST[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$TMPD" ]; then
		if [ -n "${UCARP_DEMO_KEEP:-}" ]; then
			echo "logs and scripts kept in $TMPD"
		else
			rm -rf "$TMPD"
		fi
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ---- the network ----------------------------------------------------------

new_ns() {
	ip netns add "$1" || fail "ip netns add $1"
	NS_LIST+=("$1")
	# Keep the segment quiet: no IPv6, no IGMP reports for 224.0.0.x.
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	    net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
	ip netns exec "$1" sysctl -qw net.ipv4.igmp_link_local_mcast_reports=0 \
	    >/dev/null 2>&1
	ip -n "$1" link set lo up
}

link_up() { ip -n "$P-$1" link show dev eth0 2>/dev/null | grep -q LOWER_UP; }

make_net() {
	local h i=0
	new_ns "$BR_NS"
	ip -n "$BR_NS" link add br0 type bridge mcast_snooping 0 ||
	    fail "cannot create a bridge"
	ip -n "$BR_NS" link set br0 up
	for h in "${HOSTS[@]}"; do
		i=$((i + 1))
		new_ns "$P-$h"
		ip -n "$BR_NS" link add "p$i" type veth peer name eth0 \
		    netns "$P-$h" || fail "cannot create the veth pair of $h"
		ip -n "$BR_NS" link set "p$i" master br0
		ip -n "$BR_NS" link set "p$i" up
		ip -n "$P-$h" addr add "${ADDR[$h]}/15" dev eth0
		ip -n "$P-$h" link set eth0 up
	done
	for h in "${HOSTS[@]}"; do
		wait_for 5 link_up "$h" || fail "eth0 of $h has no carrier"
	done
}

# The up and down scripts of host h: log the event, add or remove the
# virtual address ($2) on the interface ($1), /32.
write_scripts() {
	local h=$1 kind op ipbin
	ipbin=$(command -v ip)
	for kind in up down; do
		if [ $kind = up ]; then op=add; else op=del; fi
		cat > "$TMPD/$h.$kind" <<EOF
#!/bin/sh
# $kind script of $h: argv is [script, interface, address(, xparam)].
echo "$kind \$UCARP_STATE \$UCARP_REASON" >> "$TMPD/$h.events"
$ipbin addr $op "\$2/32" dev "\$1" 2>/dev/null
exit 0
EOF
		chmod 755 "$TMPD/$h.$kind"
	done
}

# start HOST [EXTRA OPTIONS...]: start ucarp in HOST's namespace; its
# output is appended to HOST.log (one file across restarts).
start() {
	local h=$1
	shift
	if pid_alive "${PID[$h]:-}"; then fail "$h is already running"; fi
	local -a cmd=("$UCARP" -i eth0 -s "${ADDR[$h]}" -v "$VHID" -p "$PASS"
	    -a "$VIP" -k "${SKEW[$h]}" -u "$TMPD/$h.up" -d "$TMPD/$h.down" "$@")
	ip netns exec "$P-$h" "${cmd[@]}" >> "$TMPD/$h.log" 2>&1 < /dev/null &
	PID[$h]=$!
	say "   started $h (pid ${PID[$h]}): ucarp -i eth0 -s ${ADDR[$h]} -v $VHID -p $PASS -a $VIP -k ${SKEW[$h]} -u … -d …${*:+ $*}"
}

# ---- watching the state ---------------------------------------------------

# Print every "Switching to state" line of the three logs as it is written,
# with the daemon's own time stamp and the host's name.
watch_states() {
	local line h="" ts to prev
	declare -A last=()
	while IFS= read -r line; do
		case $line in
		'==> '*' <==')
			h=${line#==> }; h=${h% <==}; h=${h##*/}; h=${h%.log}
			continue ;;
		*'Switching to state: '*) ;;
		*) continue ;;
		esac
		ts=${line%%: \[*}; ts=${ts#*T}; ts=${ts:0:12}
		to=${line#*Switching to state: }
		prev=${last[$h]:-INIT}
		case $to in *'(start-up)'*) prev=INIT ;; esac
		last[$h]=${to%% *}
		printf '   %s  %-8s %s -> %s\n' "$ts" "$h" "$prev" "$to"
		echo "$h" >> "$TMPD/shown"
	done
}

start_watcher() {
	local h files=()
	mkfifo "$TMPD/watch.fifo" || fail "mkfifo"
	for h in "${HOSTS[@]}"; do
		: > "$TMPD/$h.log"
		files+=("$TMPD/$h.log")
	done
	: > "$TMPD/shown"
	watch_states < "$TMPD/watch.fifo" &
	HELPERS+=("$!")
	tail -n +1 -F "${files[@]}" > "$TMPD/watch.fifo" 2>/dev/null &
	HELPERS+=("$!")
}

# All state lines written so far have been printed.
watcher_caught_up() {
	local total
	total=$(cat "$TMPD"/*.log | grep -c 'Switching to state: ')
	[ "$(wc -l < "$TMPD/shown")" -ge "$total" ]
}

# ---- state queries --------------------------------------------------------

# Last state host h switched to, over all its runs (INIT if none).
state() {
	local s
	s=$(grep -o 'Switching to state: [A-Z]*' "$TMPD/$1.log" 2>/dev/null | tail -n 1)
	s=${s##* }
	echo "${s:-INIT}"
}

has_vip() {
	ip -n "$P-$1" -4 -o addr show dev eth0 2>/dev/null | grep -q " inet $VIP/32 "
}

# Exactly one running host is MASTER and holds the virtual address; every
# other running host is BACKUP without it.  Sets MASTER.
one_master() {
	local h m="" n=0
	for h in "${HOSTS[@]}"; do
		if ! pid_alive "${PID[$h]:-}"; then
			has_vip "$h" && return 1
			continue
		fi
		case $(state "$h") in
		MASTER)	has_vip "$h" || return 1; m=$h; n=$((n + 1)) ;;
		BACKUP)	has_vip "$h" && return 1 ;;
		*)	return 1 ;;
		esac
	done
	[ "$n" -eq 1 ] || return 1
	MASTER=$m
}

# Wait until one_master holds and is still true (same master, no new
# state line) three advert intervals later.
settle() {
	local m lines
	wait_for "$1" one_master || fail "no single master holding $VIP after $1 s"
	while :; do
		m=$MASTER
		lines=$(cat "$TMPD"/*.log | grep -c 'Switching to state: ')
		wait_for 3 false
		one_master && [ "$MASTER" = "$m" ] &&
		    [ "$(cat "$TMPD"/*.log | grep -c 'Switching to state: ')" -eq "$lines" ] &&
		    return 0
		wait_for "$1" one_master || fail "no single master holding $VIP after $1 s"
	done
}

# Epoch microseconds of the first "Switching to state: MASTER" line of
# host h written at or after epoch microsecond t (the daemon's own time
# stamp, YYYY-MM-DDTHH:MM:SS.uuuuuu, local time).
master_since() {
	local h=$1 t=$2 line ts s us
	while IFS= read -r line; do
		ts=${line%%: \[*}
		s=$(date -d "${ts%.*}" +%s 2>/dev/null) || continue
		us=$((s * 1000000 + 10#${ts##*.}))
		if [ "$us" -ge "$t" ]; then
			echo "$us"
			return 0
		fi
	done < <(grep 'Switching to state: MASTER' "$TMPD/$h.log")
	return 1
}

took_over() { master_since "$1" "$2" >/dev/null; }

# Microseconds as seconds with millisecond precision, or ms below 1 s.
seconds() {
	if [ "$1" -ge 1000000 ]; then
		printf '%d.%03d s' $(($1 / 1000000)) $(($1 / 1000 % 1000))
	else
		printf '%d.%03d ms' $(($1 / 1000)) $(($1 % 1000))
	fi
}

# ---- the demo -------------------------------------------------------------

TMPD=$(mktemp -d /tmp/ucarp-demo.XXXXXX) || fail "mktemp"
ip netns add "$P-probe" 2>/dev/null || { echo "$0: cannot create network namespaces here" >&2; exit 1; }
ip netns del "$P-probe"

step "Setting up: three hosts on a bridge, one virtual address"
make_net
for h in "${HOSTS[@]}"; do write_scripts "$h"; done
say "   alpha ${ADDR[alpha]}, bravo ${ADDR[bravo]}, charlie ${ADDR[charlie]}; VIP $VIP, vhid $VHID"
say "   advert interval = advbase + advskew/256: alpha 1.000 s, bravo 1.195 s, charlie 1.391 s"
say "   master-down interval = advbase*3 + advskew/256: alpha 3.000 s, bravo 3.195 s, charlie 3.391 s"
say "   the up script adds $VIP to eth0, the down script removes it"
start_watcher
say "   state changes (time, host, old -> new state (cause)):"

step "1. Election: every host starts as BACKUP; the one with the shortest master-down interval wins"
start alpha -z
start bravo -z -P
start charlie -z
settle 15
[ "$MASTER" = alpha ] || fail "expected alpha (advskew 0) to win the election, got $MASTER"
ok "alpha is MASTER and holds $VIP; bravo and charlie are BACKUP"

step "2. SIGKILL the master: no script, no goodbye; a backup takes over when alpha's adverts stop"
t0=$(now_us)
kill -KILL "${PID[alpha]}"
wait "${PID[alpha]}" 2>/dev/null
PID[alpha]=""
wait_for 10 took_over bravo "$t0" || fail "bravo did not take over after alpha was killed"
t1=$(master_since bravo "$t0")
ip -n "$P-alpha" addr del "$VIP/32" dev eth0 2>/dev/null
say "   (alpha's host is \"dead\": the demo removes the address its killed daemon left behind)"
settle 10
[ "$MASTER" = bravo ] || fail "expected bravo (the faster backup) to take over, got $MASTER"
ok "bravo took over $(seconds $((t1 - t0))) after the SIGKILL (its master-down interval, 3.195 s, counts from alpha's last advert)"

step "3. Restart alpha with -P: it hears bravo's slower adverts and preempts"
t0=$(now_us)
start alpha -z -P
wait_for 10 took_over alpha "$t0" || fail "alpha did not preempt bravo"
t1=$(master_since alpha "$t0")
settle 10
[ "$MASTER" = alpha ] || fail "expected alpha to be master again, got $MASTER"
grep -q 'Putting MASTER down - preemption' "$TMPD/alpha.log" ||
    fail "alpha did not log the preemption"
ok "alpha preempted $(seconds $((t1 - t0))) after its start; bravo yielded to the preferred master"

step "4. SIGTERM to alpha, started with -z: down script, bow-out advert, immediate takeover"
t0=$(now_us)
kill -TERM "${PID[alpha]}"
wait_for 10 pid_dead "${PID[alpha]}" || fail "alpha did not exit after SIGTERM"
wait "${PID[alpha]}"
rc=$?
PID[alpha]=""
[ "$rc" -eq 0 ] || fail "alpha exited with status $rc after SIGTERM, expected 0"
has_vip alpha && fail "alpha's down script did not remove $VIP"
wait_for 10 took_over bravo "$t0" || fail "bravo did not take over after alpha's bow-out"
t1=$(master_since bravo "$t0")
settle 10
[ "$MASTER" = bravo ] || fail "expected bravo to be master, got $MASTER"
[ $((t1 - t0)) -lt 1000000 ] ||
    fail "bravo took over $(seconds $((t1 - t0))) after the SIGTERM: no bow-out advert?"
ok "alpha ran its down script and exited 0; bravo took over $(seconds $((t1 - t0))) after the SIGTERM"
say "   (on a bow-out each backup waits advskew/4096 s, so only the fastest takes over)"

step "5. SIGUSR2 to bravo: it steps down at once; with -z its bow-out advert hands over to charlie"
t0=$(now_us)
kill -USR2 "${PID[bravo]}"
wait_for 5 took_over charlie "$t0" || fail "charlie did not take over after bravo's step-down"
t1=$(master_since charlie "$t0")
wait_for 5 one_master || fail "no single master after the step-down"
[ "$MASTER" = charlie ] || fail "expected charlie to be master after the step-down, got $MASTER"
[ $((t1 - t0)) -lt 1000000 ] ||
    fail "charlie took over $(seconds $((t1 - t0))) after the SIGUSR2: no bow-out advert?"
ok "charlie took over $(seconds $((t1 - t0))) after the SIGUSR2"
say "   bravo stays out of preemption for 3 s; then, having -P, it takes the role back"
wait_for 10 took_over bravo "$t0" || fail "bravo did not preempt charlie after its 3 s hold"
t2=$(master_since bravo "$t0")
[ $((t2 - t0)) -ge 3000000 ] || fail "bravo preempted within its 3 s hold"
settle 10
[ "$MASTER" = bravo ] || fail "expected bravo to be master again, got $MASTER"
ok "bravo preempted charlie $(seconds $((t2 - t0))) after the SIGUSR2"

wait_for 3 watcher_caught_up
step "Done: every step happened. Cleaning up."
exit 0
