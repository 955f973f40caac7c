#!/bin/bash
# demo.sh: a live CARP failover demo: three hosts, one configuration file
# and one daemon each, several virtual addresses.
#
#   contrib/demo.sh PATH_TO_UCARP      (as root; contrib/bootstrap demo)
#
# Builds three hosts in network namespaces on a bridge (alpha 198.18.1.1,
# bravo 198.18.1.2, charlie 198.18.1.3).  Each runs one ucarp with -c
# HOST.conf, written from the one sample below: a defaults group (password,
# scripts, preempt, shutdown) and two instances, "web" (vhid 10,
# 198.18.0.10, preferred by alpha) and "db" (vhid 20, 198.18.0.20,
# preferred by bravo).  The up and down scripts add and remove the virtual
# address.  Every state change is printed as it happens.  The steps:
# election, SIGKILL of a master, preemption on restart, a live reload with
# SIGHUP that adds a third instance "cache" without touching the others, a
# broken edit that the reload refuses, and a SIGTERM whose bow-out hands
# over at once.
#
# Every wait has a deadline (polled every 50 ms); no sleep decides anything.
# Only 198.18.0.0/15 and 224.0.0.18 are used.  Everything started here is
# stopped by pid and the namespaces are removed on exit; UCARP_DEMO_KEEP=1
# keeps the files.  Exit status: 0 when every step happened, 1 otherwise.
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
PASS=demo
HOSTS=(alpha bravo charlie)
declare -A ADDR=([alpha]=198.18.1.1 [bravo]=198.18.1.2 [charlie]=198.18.1.3)
# The instances: vhid, virtual address, and advskew per host (the lowest
# is the preferred master).  cache is added by the reload of step 4.
INSTS=(web db)
declare -A VHID=([web]=10 [db]=20 [cache]=30)
declare -A VIP=([web]=198.18.0.10 [db]=198.18.0.20 [cache]=198.18.0.30)
declare -A SKEW=(
	[alpha/web]=0   [bravo/web]=50   [charlie/web]=100
	[alpha/db]=100  [bravo/db]=0     [charlie/db]=50
	[alpha/cache]=0 [bravo/cache]=50 [charlie/cache]=100
)
declare -A PID=()
declare -A ST=()		# host/instance -> last state logged
declare -A MASTER_OF=()		# instance -> host, set by roles
NS_LIST=()
HELPERS=()
TMPD=""

# ---- output ---------------------------------------------------------------

if [ -t 1 ]; then
	B=$'\e[1m'; G=$'\e[32m'; R=$'\e[31m'; D=$'\e[2m'; N=$'\e[0m'
	declare -A C=([alpha]=$'\e[36m' [bravo]=$'\e[35m' [charlie]=$'\e[33m')
else
	B='' G='' R='' D='' N=''
	declare -A C=([alpha]='' [bravo]='' [charlie]='')
fi
say()	{ printf '%s\n' "$*"; }
step()	{ catch_up; printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
ok()	{ catch_up; printf '%s   ok: %s%s\n' "$G" "$*" "$N"; }
# A host's name in its colour, padded to 7.
hn()	{ printf '%s%-7s%s' "${C[$1]}" "$1" "$N"; }

fail() {
	catch_up
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
			echo "logs and configuration files kept in $TMPD"
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

# ---- the configuration ----------------------------------------------------

# The up and down scripts, shared by every host and instance: add or remove
# the virtual address ($2) on the interface ($1), /32.  Their output goes
# to the daemon's log.
write_scripts() {
	local kind op ipbin
	ipbin=$(command -v ip)
	for kind in up down; do
		if [ $kind = up ]; then op=add; else op=del; fi
		cat > "$TMPD/vip-$kind" <<EOF
#!/bin/sh
# vip-$kind: argv is [script, interface, address]; see ucarp(8), SCRIPTS.
echo "vip-$kind: \$UCARP_INSTANCE is \$UCARP_STATE (\$UCARP_REASON): $op \$2/32 dev \$1"
$ipbin addr $op "\$2/32" dev "\$1" 2>/dev/null
exit 0
EOF
		chmod 755 "$TMPD/vip-$kind"
	done
}

# The sample configuration, HOST.conf: the same on every host but for
# srcip and the advskews.
write_conf() {
	local h=$1
	cat > "$TMPD/$h.conf" <<EOF
# $h.conf: one ucarp for all the virtual addresses of $h; see ucarp.conf(5).
facility = "none";		# log to stdout/stderr only, not to syslog
# The demo's hosts share one machine: each its own control socket
# (ucarpctl -s $TMPD/$h.sock status).  A real host uses the default.
control = "$TMPD/$h.sock";

# Keys every instance gets unless it gives its own.
defaults = {
	interface = "eth0";
	srcip = "${ADDR[$h]}";	# $h's own address
	pass = "$PASS";
	upscript = "vip-up";		# adds the address (relative to this file)
	downscript = "vip-down";	# removes it
	preempt = true;			# the preferred host takes its role back
	shutdown = true;		# at exit: down script, bow-out advert
};

# One group per virtual address.  The lowest advskew is the preferred
# master: web alpha 0, bravo 50, charlie 100; db bravo 0, charlie 50,
# alpha 100.
instances = (
	{
		name = "web";
		vhid = ${VHID[web]};
		addr = "${VIP[web]}";
		advskew = ${SKEW[$h/web]};
	},
	{
		name = "db";
		vhid = ${VHID[db]};
		addr = "${VIP[db]}";
		advskew = ${SKEW[$h/db]};
	}
);
EOF
}

# add_instance HOST NAME: append NAME to the instances list of HOST.conf,
# as an editor would: a comma after the last group, the new group, ");".
add_instance() {
	local h=$1 i=$2 f="$TMPD/$1.conf" n last=-1
	local -a L
	mapfile -t L < "$f"
	for n in "${!L[@]}"; do
		[ "${L[$n]}" = ");" ] && last=$n
	done
	[ "$last" -ge 1 ] || fail "no end of the instances list in $f"
	{
		printf '%s\n' "${L[@]:0:last-1}"
		printf '%s,\n' "${L[last-1]}"
		printf '\t{\n'
		printf '\t\tname = "%s";\n' "$i"
		printf '\t\tvhid = %s;\n' "${VHID[$i]}"
		printf '\t\taddr = "%s";\n' "${VIP[$i]}"
		printf '\t\tadvskew = %s;\n' "${SKEW[$h/$i]}"
		printf '\t}\n'
		printf '%s\n' "${L[@]:last}"
	} > "$f.new" || fail "cannot write $f.new"
	mv "$f.new" "$f"
}

# in_dir HOST CMD...: run CMD in HOST's namespace, in the directory of the
# files, so that the daemon names them as HOST.conf.
in_dir() {
	local h=$1
	shift
	(cd "$TMPD" && exec ip netns exec "$P-$h" "$@")
}

# start HOST: start ucarp -c HOST.conf in HOST's namespace; its output is
# appended to HOST.log (one file across restarts).
start() {
	local h=$1
	if pid_alive "${PID[$h]:-}"; then fail "$h is already running"; fi
	# The background subshell execs ip, which execs ucarp: $! is its pid.
	(cd "$TMPD" && exec ip netns exec "$P-$h" "$UCARP" -c "$h.conf") \
	    >> "$TMPD/$h.log" 2>&1 < /dev/null &
	PID[$h]=$!
	say "   started $(hn "$h") (pid ${PID[$h]}): ucarp -c $h.conf"
}

# ---- watching the state ---------------------------------------------------

# Print every "Switching to state" line of the three logs as it is written,
# with the daemon's own time stamp, the host and the instance.  A line is
# "TIME: [WARNING] eth0 vhid 10 (web): Switching to state: MASTER (why)".
watch_states() {
	local line h="" ts to prev inst
	declare -A last=()
	while IFS= read -r line; do
		case $line in
		'==> '*' <==')
			h=${line#==> }; h=${h% <==}; h=${h##*/}; h=${h%.log}
			continue ;;
		*'): Switching to state: '*) ;;
		*) continue ;;
		esac
		ts=${line%%: \[*}; ts=${ts#*T}; ts=${ts:0:12}
		to=${line#*Switching to state: }
		inst=${line%%): Switching to state: *}; inst=${inst##*(}
		prev=${last[$h/$inst]:-INIT}
		case $to in *'(start-up)'*) prev=INIT ;; esac
		last[$h/$inst]=${to%% *}
		printf '   %s%s%s  %s %-5s  %s -> %s\n' "$D" "$ts" "$N" \
		    "$(hn "$h")" "$inst" "$prev" "$to"
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

switches() { cat "$TMPD"/*.log | grep -c '): Switching to state: '; }

# All state lines written so far have been printed.
watcher_caught_up() {
	[ -f "$TMPD/shown" ] || return 0
	[ "$(wc -l < "$TMPD/shown")" -ge "$(switches)" ]
}
catch_up() { [ "${#HELPERS[@]}" -eq 0 ] || wait_for 2 watcher_caught_up; }

# ---- state queries --------------------------------------------------------

# Fill ST[host/instance] with the last state each instance of host h
# switched to, over all its runs (unset if none).
read_states() {
	local h=$1 i s
	for i in web db cache; do unset "ST[$h/$i]"; done
	while read -r i s; do
		ST[$h/$i]=$s
	done < <(awk '/\): Switching to state: / {
		i = $0; sub(/\): Switching to state: .*/, "", i); sub(/.*\(/, "", i)
		s = $0; sub(/.*Switching to state: /, "", s); sub(/ .*/, "", s)
		last[i] = s
	} END { for (i in last) print i, last[i] }' "$TMPD/$h.log")
}

# The virtual addresses on host h's eth0, one line each.
vips_of() {
	ip -n "$P-$1" -4 -o addr show dev eth0 2>/dev/null |
	    awk '$4 ~ /\/32$/ { sub(/\/32$/, "", $4); print $4 }'
}

# For every instance of INSTS, exactly one running host is MASTER and holds
# its address; every other running host is BACKUP without it.  A stopped
# host holds no virtual address.  Sets MASTER_OF.
roles() {
	local h i vips n
	declare -A cnt=()
	MASTER_OF=()
	for h in "${HOSTS[@]}"; do
		vips=" $(vips_of "$h" | tr '\n' ' ')"
		if ! pid_alive "${PID[$h]:-}"; then
			[ "$vips" = " " ] || return 1
			continue
		fi
		read_states "$h"
		for i in "${INSTS[@]}"; do
			case ${ST[$h/$i]:-} in
			MASTER)	[[ $vips == *" ${VIP[$i]} "* ]] || return 1
				MASTER_OF[$i]=$h
				cnt[$i]=$(( ${cnt[$i]:-0} + 1 )) ;;
			BACKUP)	[[ $vips == *" ${VIP[$i]} "* ]] && return 1 ;;
			*)	return 1 ;;
			esac
		done
	done
	for i in "${INSTS[@]}"; do
		n=${cnt[$i]:-0}
		[ "$n" -eq 1 ] || return 1
	done
	return 0
}

roles_str() {
	local i s=""
	for i in "${INSTS[@]}"; do s+="$i=${MASTER_OF[$i]:-none} "; done
	echo "${s% }"
}

# settle SECONDS EXPECTED: wait until roles holds and is still true (same
# masters, no new state line) three seconds later; then the masters must
# be EXPECTED ("web=alpha db=bravo ...", in INSTS order).
settle() {
	local m lines
	wait_for "$1" roles || fail "no single master holding each address after $1 s"
	while :; do
		m=$(roles_str)
		lines=$(switches)
		wait_for 3 false
		roles && [ "$(roles_str)" = "$m" ] && [ "$(switches)" -eq "$lines" ] &&
		    break
		wait_for "$1" roles || fail "no single master holding each address after $1 s"
	done
	[ "$m" = "$2" ] || fail "expected masters $2, got $m"
}

# log_time LINE: the daemon's time stamp of a log line (local time,
# YYYY-MM-DDTHH:MM:SS.uuuuuu) in epoch microseconds.
log_time() {
	local ts=${1%%: \[*} s
	s=$(date -d "${ts%.*}" +%s 2>/dev/null) || return 1
	echo $((s * 1000000 + 10#${ts##*.}))
}

# since HOST INST STATE T: epoch microseconds of the first switch of HOST's
# INST to STATE at or after epoch microsecond T.
since() {
	local h=$1 i=$2 s=$3 t=$4 line us
	while IFS= read -r line; do
		us=$(log_time "$line") || continue
		if [ "$us" -ge "$t" ]; then
			echo "$us"
			return 0
		fi
	done < <(grep -F "($i): Switching to state: $s" "$TMPD/$h.log")
	return 1
}

took_over() { since "$1" "$2" MASTER "$3" >/dev/null; }

# Microseconds as seconds with millisecond precision, or ms below 1 s.
seconds() {
	if [ "$1" -ge 1000000 ]; then
		printf '%d.%03d s' $(($1 / 1000000)) $(($1 / 1000 % 1000))
	else
		printf '%d.%03d ms' $(($1 / 1000)) $(($1 % 1000))
	fi
}

# State lines of instance INST in all the logs so far.
inst_switches() { cat "$TMPD"/*.log | grep -cF "($1): Switching to state: "; }

# State lines of host HOST so far (of instance INST if given).
host_switches() { grep -cF "${2:+($2}): Switching to state: " "$TMPD/$1.log"; }

# Lines of a log after its first N lines, and how many it has.
nlines() { wc -l < "$TMPD/$1.log"; }
log_after() { tail -n +"$(( $2 + 1 ))" "$TMPD/$1.log"; }
logged_after() { log_after "$1" "$2" | grep -qF -- "$3"; }

# show HOST LINE...: log lines with the host's name, time without date.
show() {
	local h=$1 line ts
	shift
	for line in "$@"; do
		ts=${line%%: \[*}; ts=${ts#*T}; ts=${ts:0:12}
		printf '   %s%s%s  %s %s\n' "$D" "$ts" "$N" "$(hn "$h")" "${line#*: }"
	done
}

# reload HOST: SIGHUP, then wait for the daemon's verdict; sets RELOAD_LINE
# to that line.
reload() {
	local h=$1 n
	n=$(nlines "$h")
	kill -HUP "${PID[$h]}"
	wait_for 5 logged_after "$h" "$n" "last reload" ||
	    fail "$h logged no reload result after SIGHUP"
	RELOAD_FROM=$n
	RELOAD_LINE=$(log_after "$h" "$n" | grep -F "last reload" | head -n 1)
}

# ---- the demo -------------------------------------------------------------

TMPD=$(mktemp -d /tmp/ucarp-demo.XXXXXX) || fail "mktemp"
ip netns add "$P-probe" 2>/dev/null || { echo "$0: cannot create network namespaces here" >&2; exit 1; }
ip netns del "$P-probe"

step "Setting up: three hosts on a bridge, one configuration file each"
make_net
write_scripts
for h in "${HOSTS[@]}"; do write_conf "$h"; done
say "   alpha ${ADDR[alpha]}, bravo ${ADDR[bravo]}, charlie ${ADDR[charlie]}"
say "   web: vhid ${VHID[web]}, ${VIP[web]}, preferred by alpha; db: vhid ${VHID[db]}, ${VIP[db]}, preferred by bravo"
say "   alpha.conf (bravo.conf and charlie.conf differ only in srcip and the advskews):"
say ""
sed 's/^/      | /' "$TMPD/alpha.conf"
say ""
for h in "${HOSTS[@]}"; do
	out=$(in_dir "$h" "$UCARP" -t -c "$h.conf" 2>&1) ||
	    { printf '%s\n' "$out"; fail "ucarp -t rejects $h.conf"; }
	say "   ucarp -t -c $h.conf: $out"
done
say "   advert interval = 1 s + advskew/256: 1.000 s, 1.195 s, 1.391 s for advskew 0, 50, 100"
start_watcher
say "   state changes (time, host, instance, old -> new state (cause)):"

step "1. Election: every instance starts as BACKUP; the shortest master-down interval wins"
for h in "${HOSTS[@]}"; do start "$h"; done
settle 15 "web=alpha db=bravo"
ok "web is on alpha, db on bravo: each host runs both instances in one daemon"

step "2. SIGKILL alpha: no script, no goodbye; web moves when alpha's adverts stop"
t0=$(now_us)
kill -KILL "${PID[alpha]}"
wait "${PID[alpha]}" 2>/dev/null
PID[alpha]=""
wait_for 10 took_over bravo web "$t0" || fail "bravo did not take web over after alpha was killed"
t1=$(since bravo web MASTER "$t0")
T_KILL=$((t1 - t0))
ip -n "$P-alpha" addr del "${VIP[web]}/32" dev eth0 2>/dev/null
say "   (alpha's host is \"dead\": the demo removes the address its killed daemon left behind)"
settle 10 "web=bravo db=bravo"
ok "bravo took web over $(seconds "$T_KILL") after the SIGKILL (its master-down interval, 3.195 s, counts from alpha's last advert); db did not move"

step "3. Restart alpha: preempt = true, so it takes web back; db stays on bravo"
t0=$(now_us)
start alpha
wait_for 10 took_over alpha web "$t0" || fail "alpha did not preempt bravo for web"
t1=$(since alpha web MASTER "$t0")
T_PREEMPT=$((t1 - t0))
settle 10 "web=alpha db=bravo"
grep -qF '(web): Putting MASTER down - preemption' "$TMPD/alpha.log" ||
    fail "alpha did not log the preemption of web"
ok "alpha preempted web $(seconds "$T_PREEMPT") after its start, at bravo's first advert; db stayed on bravo"

step "4. Live reload: add an instance \"cache\" to every file, then SIGHUP each daemon"
cp "$TMPD/alpha.conf" "$TMPD/alpha.conf.orig"
for h in "${HOSTS[@]}"; do add_instance "$h" cache; done
say "   the edit of alpha.conf (cache: vhid ${VHID[cache]}, ${VIP[cache]}, advskew 0 / 50 / 100 on alpha / bravo / charlie):"
say ""
if command -v diff >/dev/null 2>&1; then
	diff -U 2 "$TMPD/alpha.conf.orig" "$TMPD/alpha.conf" | tail -n +3 | sed 's/^/      | /'
else
	tail -n 9 "$TMPD/alpha.conf" | sed 's/^/      | /'
fi
say ""
rm -f "$TMPD/alpha.conf.orig"
for h in "${HOSTS[@]}"; do
	in_dir "$h" "$UCARP" -t -c "$h.conf" >/dev/null 2>&1 ||
	    fail "ucarp -t rejects the edited $h.conf"
done
web0=$(inst_switches web)
db0=$(inst_switches db)
INSTS=(web db cache)
t0=$(now_us)
for h in "${HOSTS[@]}"; do
	reload "$h"
	show "$h" "$RELOAD_LINE"
	case $RELOAD_LINE in
	*'last reload applied: 2 kept, 0 updated, 1 added, 0 removed'*) ;;
	*) fail "$h: expected 2 kept, 1 added, got: ${RELOAD_LINE#*: }" ;;
	esac
done
wait_for 10 took_over alpha cache "$t0" || fail "cache did not come up on alpha"
t1=$(since alpha cache MASTER "$t0")
T_CACHE=$((t1 - t0))
settle 10 "web=alpha db=bravo cache=alpha"
[ "$(inst_switches web)" -eq "$web0" ] || fail "web changed state during the reload"
[ "$(inst_switches db)" -eq "$db0" ] || fail "db changed state during the reload"
ok "cache is up on alpha ($(seconds "$T_CACHE") after the first SIGHUP: one master-down interval); web and db logged no state change"

step "5. A broken edit: vhid = 300 in bravo.conf, then SIGHUP bravo"
sed -i 's/vhid = 30;/vhid = 300;/' "$TMPD/bravo.conf"
badline=$(grep -n 'vhid = 300;' "$TMPD/bravo.conf" | cut -d: -f1)
[ -n "$badline" ] || fail "the edit of bravo.conf did not happen"
say "   bravo.conf line $badline is now: $(sed -n "${badline}p" "$TMPD/bravo.conf" | tr -d '\t')"
all0=$(switches)
reload bravo
mapfile -t lines < <(log_after bravo "$RELOAD_FROM" | grep -E 'reloading|\.conf:[0-9]+: |last reload')
show bravo "${lines[@]}"
case $RELOAD_LINE in
*'last reload of '*' refused: 1 problem, running configuration unchanged'*) ;;
*) fail "bravo did not refuse the broken file: ${RELOAD_LINE#*: }" ;;
esac
log_after bravo "$RELOAD_FROM" | grep -qF "bravo.conf:$badline: vhid 300" ||
    fail "bravo did not report bravo.conf:$badline"
n=$(nlines bravo)
kill -USR1 "${PID[bravo]}"
wait_for 5 logged_after bravo "$n" "last reload of" ||
    fail "bravo did not show its state on SIGUSR1"
mapfile -t lines < <(log_after bravo "$n" | grep -E '(MASTER|BACKUP) on eth0|last reload')
say "   SIGUSR1: bravo's instances and its last reload:"
show bravo "${lines[@]}"
settle 10 "web=alpha db=bravo cache=alpha"
pid_alive "${PID[bravo]}" || fail "bravo exited"
[ "$(switches)" -eq "$all0" ] || fail "a state changed after the refused reload"
ok "bravo refused the file at bravo.conf:$badline and runs on with its three instances, no state changed"

step "6. SIGTERM bravo (shutdown = true): down script for db, bow-out advert, charlie takes db at once"
alpha0=$(host_switches alpha)
charlie0=$(host_switches charlie)
cdb0=$(host_switches charlie db)
t0=$(now_us)
kill -TERM "${PID[bravo]}"
wait_for 10 pid_dead "${PID[bravo]}" || fail "bravo did not exit after SIGTERM"
wait "${PID[bravo]}"
rc=$?
PID[bravo]=""
[ "$rc" -eq 0 ] || fail "bravo exited with status $rc after SIGTERM, expected 0"
vips_of bravo | grep -qxF "${VIP[db]}" && fail "bravo's down script did not remove ${VIP[db]}"
wait_for 10 took_over charlie db "$t0" || fail "charlie did not take db over after bravo's bow-out"
t1=$(since charlie db MASTER "$t0")
T_BOW=$((t1 - t0))
since bravo db INIT "$t0" >/dev/null || fail "bravo did not log its shutdown of db"
settle 10 "web=alpha db=charlie cache=alpha"
[ "$T_BOW" -lt 1000000 ] ||
    fail "charlie took db over $(seconds "$T_BOW") after the SIGTERM: no bow-out advert?"
# Only charlie's db may have moved: alpha (advskew 100 for db) must have
# heard charlie's first advert before its own 24 ms were up.
[ "$(host_switches alpha)" -eq "$alpha0" ] ||
    fail "alpha changed state too after bravo's bow-out (above): with advskew 100 for db it should wait 24 ms, hear charlie's first advert and stay BACKUP"
if [ "$(host_switches charlie)" -ne $((charlie0 + 1)) ] ||
    [ "$(host_switches charlie db)" -ne $((cdb0 + 1)) ]; then
	fail "charlie changed state more than once after bravo's bow-out"
fi
ok "bravo ran its down script and exited 0; charlie took db over $(seconds "$T_BOW") after the SIGTERM"
say "   (without the bow-out, charlie would wait its master-down interval: 3.195 s after bravo's last advert)"
say "   (on a bow-out each backup waits advskew/4096 s, charlie 12.2 ms, alpha 24.4 ms: alpha hears"
say "   charlie's first advert before its turn and stays BACKUP, so only the fastest takes over)"

step "7. Summary"
catch_up
printf '   %-8s %-5s %-12s %s\n' instance vhid address "master now"
for i in "${INSTS[@]}"; do
	printf '   %-8s %-5s %-12s %s\n' "$i" "${VHID[$i]}" "${VIP[$i]}" "$(hn "${MASTER_OF[$i]}")"
done
say "   SIGKILL of alpha      -> bravo took web after $(seconds "$T_KILL") (master-down interval)"
say "   alpha restarted       -> preempted web after $(seconds "$T_PREEMPT")"
say "   SIGHUP, cache added   -> up on alpha after $(seconds "$T_CACHE"); web and db untouched"
say "   SIGHUP, broken file   -> refused at bravo.conf:$badline; bravo ran on"
say "   SIGTERM of bravo      -> charlie took db after $(seconds "$T_BOW") (bow-out)"
step "Done: every step happened. Cleaning up."
exit 0
