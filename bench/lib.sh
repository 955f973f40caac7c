# bench/lib.sh: what every benchmark shares.  Sourced, never run.
# shellcheck shell=bash
#
# The three daemons under test, always called by absolute path:
#   ours   $OURS (default: build/src/ucarp of this tree)
#   ucarp  /usr/sbin/ucarp (Debian's ucarp 1.5.2)
#   kav2   /usr/sbin/keepalived, VRRPv2      kav3  the same, VRRPv3
# Hosts are network namespaces named after $TAG (which holds $$), joined
# by a bridge (net_bridge) or by direct veth links (net_pair).  Addresses:
# 198.18.0.0/15 and the groups 224.0.0.18 only.  Every process started is
# recorded (bg) and killed by pid from the EXIT trap, with the namespaces.
#
# A benchmark writes raw results with `result` to $BENCH_RAW, one line
# per number: SCENARIO IMPL METRIC REP VALUE (tab separated); bench/report
# turns them into tables and plots.  Conditions are waited for with
# deadlines (wait_for), never with a bare sleep; sleeps only set the
# length of a measurement window.

set -u
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH_DIR/.." && pwd)
: "${OURS:=$TOP/build/src/ucarp}"
REF=/usr/sbin/ucarp
KEEPALIVED=/usr/sbin/keepalived
# keepalived in the foreground, its log on standard output (-l), detailed
# (-D), VRRP child only (-P).  -G: with -l and no syslog daemon its
# syslog() falls back to /dev/console (LOG_CONS); on a serial console the
# messages of 1000 instances stalled the machine for minutes (soft
# lockups), and keepalived with it.
KEEPALIVED_FLAGS=(-n -l -G -D -P)
: "${BENCH_RAW:=/dev/stdout}"
: "${BENCH_QUICK:=0}"
export OURS

TAG=bn$$
# Scripts live under /run (root-owned all the way up) so that keepalived's
# script checks find nothing unsafe about their path.
TMP=$(mktemp -d /run/ucarp-bench.XXXXXX)
chmod 755 "$TMP"
PIDS=()
NSS=()

bench_cleanup() {
	local p ns
	trap - EXIT
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	[ -n "${BENCH_KEEP:-}" ] && { echo "kept $TMP" >&2; return; }
	rm -rf "$TMP"
}
trap bench_cleanup EXIT
trap 'exit 1' INT TERM HUP

die() { echo "${0##*/}: $*" >&2; exit 1; }
note() { echo "${0##*/}: $*" >&2; }

bench_require() {
	[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
	[ -x "$OURS" ] || die "no daemon at $OURS (build first, or set OURS)"
	[ -x "$REF" ] || die "no ucarp 1.5.2 at $REF (apt-get install ucarp)"
	[ -x "$KEEPALIVED" ] || die "no keepalived at $KEEPALIVED (apt-get install keepalived)"
	command -v tcpdump >/dev/null || die "no tcpdump (apt-get install tcpdump)"
	command -v python3 >/dev/null || die "no python3 (apt-get install python3)"
}

# result SCENARIO IMPL METRIC REP VALUE
result() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >> "$BENCH_RAW"; }

now_us() { echo "${EPOCHREALTIME/[.,]/}"; }
now_s() { echo "${EPOCHREALTIME/,/.}"; }

# wait_for SECONDS CMD...: poll CMD every 20 ms until it succeeds (0) or
# SECONDS pass (1).
wait_for() {
	local end=$(( $(now_us) + ${1%.*} * 1000000 ))
	shift
	until "$@"; do
		[ "$(now_us)" -ge $end ] && return 1
		sleep 0.02
	done
}

# bg NS CMD...: run CMD in namespace NS in the background, its output
# appended to $BG_OUT (default: discarded); sets BG_PID.
bg() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" < /dev/null >> "${BG_OUT:-/dev/null}" 2>&1 &
	BG_PID=$!
	PIDS+=("$BG_PID")
	# Killing our own processes is the point: no "Killed" notices.
	disown "$BG_PID"
}

alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.Z' "/proc/$1/status" 2>/dev/null; }
gone() { ! alive "$1"; }

# stop_pids PID...: SIGKILL and reap.
stop_pids() {
	local p
	{
		for p in "$@"; do kill -9 "$p"; done
	} 2>/dev/null
	for p in "$@"; do wait_for 10 gone "$p"; done
	return 0
}

# ---- networks ---------------------------------------------------------------

# ns_new NAME: a namespace that sends nothing of its own (no IPv6, no IGMP
# reports for link-local groups).
ns_new() {
	ip netns del "$1" 2>/dev/null
	ip netns add "$1" || die "cannot create namespace $1"
	NSS+=("$1")
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	    net.ipv6.conf.default.disable_ipv6=1 \
	    net.ipv4.igmp_link_local_mcast_reports=0 >/dev/null
	ip -n "$1" link set lo up
}

net_reset() {
	local ns
	for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	NSS=()
}

# net_bridge H...: a namespace ${TAG}br holding bridge br0, and one host
# namespace ${TAG}H per name, joined to it by eth0 (bridge port pH), with
# address 198.18.1.<index>/16.
net_bridge() {
	local h i=0
	net_reset
	ns_new ${TAG}br
	ip -n ${TAG}br link add br0 type bridge
	ip -n ${TAG}br link set br0 up
	for h in "$@"; do
		i=$((i + 1))
		ns_new $TAG$h
		ip -n $TAG$h link add eth0 type veth peer name p$h netns ${TAG}br
		ip -n $TAG$h addr add 198.18.1.$i/16 dev eth0
		ip -n $TAG$h link set eth0 up
		ip -n ${TAG}br link set p$h master br0 up
	done
}

# net_v6 H...: IPv6 on eth0 of hosts ${TAG}H (ns_new turns it off), without
# duplicate address detection, so that each has its link-local address at
# once (ll_of H) to advertise from.
net_v6() {
	local h
	for h in "$@"; do
		ip netns exec $TAG$h sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		    net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.eth0.accept_dad=0 \
		    net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
		    net.ipv6.conf.eth0.disable_ipv6=0 >/dev/null || die "IPv6 on $TAG$h"
		wait_for 5 ll_of "$h" >/dev/null || die "no link-local address on $TAG$h"
	done
}

# ll_of H: the link-local address of eth0 of host ${TAG}H.
ll_of() {
	local a
	a=$(ip -n $TAG$1 -6 -o addr show dev eth0 scope link 2>/dev/null |
	    awk '$0 !~ /tentative/ { sub(/\/.*/, "", $4); print $4; exit }')
	[ -n "$a" ] && echo "$a"
}

# net_pair K [PEER]: hosts ${TAG}a and ${TAG}PEER (default b) joined by K
# veth links eth0.., link l with 198.18.(10+l).1 on a and .2 on the peer
# (/24).  A vhid or VRID is unique per interface, so N routers need
# ceil(N/250) links.  With PEER s, the peer is a sink that only listens.
net_pair() {
	local k=$1 p=${2:-b} l
	net_reset
	ns_new ${TAG}a
	ns_new ${TAG}$p
	for ((l = 0; l < k; l++)); do
		ip -n ${TAG}a link add eth$l type veth peer name eth$l netns ${TAG}$p
		ip -n ${TAG}a addr add 198.18.$((10 + l)).1/24 dev eth$l
		ip -n ${TAG}$p addr add 198.18.$((10 + l)).2/24 dev eth$l
		ip -n ${TAG}a link set eth$l up
		ip -n ${TAG}$p link set eth$l up
	done
}

# give_up IMPL N / gave_up IMPL N: a daemon that could not settle N
# routers once does not get the full deadline again: five full waits per
# part would cost most of an hour (keepalived at 1000 did, while it wrote
# to the serial console).  bench/run shares the verdict between parts
# through BENCH_STATE; the report shows those repetitions.
give_up() { : > "${BENCH_STATE:-$TMP}/gave-up.$1.$2"; }
gave_up() { [ -e "${BENCH_STATE:-$TMP}/gave-up.$1.$2" ]; }
# skip_given_up SC IMPL N REP: true, and the repetition recorded as
# failed, if IMPL gave up at N before.
skip_given_up() {
	gave_up "$2" "$3" || return 1
	note "$2 rep $4: not run, as it did not settle before"
	result "$1" "$2" failed "$4" 1
}

# too_many SC IMPL N REP: true, with a note and the repetition recorded
# as skipped, if IMPL cannot run N routers on this machine: ucarp 1.5.2
# runs one process per router and host, about 5 MiB and a capture polled
# each; at N = 1000 its 2000 processes took 10 GiB and 1.4 cores, so
# N = 5000 or 10,000 (10,000 or 20,000 processes) would only measure the
# machine thrashing.  BENCH_UCARP_MAX (default 1000) moves the limit.
too_many() {
	case $2 in
	ucarp) [ "$3" -gt "${BENCH_UCARP_MAX:-1000}" ] || return 1 ;;
	*) return 1 ;;
	esac
	note "$2 N=$3 rep $4: not run: $3 routers are $(($3 * 2)) processes (above BENCH_UCARP_MAX=${BENCH_UCARP_MAX:-1000})"
	result "$1" "$2" skipped "$4" 1
}

links_for() { echo $(( ($1 + 249) / 250 )); }

# ---- captures ---------------------------------------------------------------

# cap_start NS IFACE FILE [FILTER]: tcpdump into FILE; sets CAP_PID once
# tcpdump listens.
cap_start() {
	local ns=$1 ifc=$2 f=$3 filter=${4:-ip proto 112}
	rm -f "$f.state"
	BG_OUT=$f.err bg "$ns" tcpdump -i "$ifc" -n -U --immediate-mode -s 128 -B 16384 -w "$f" "$filter"
	CAP_PID=$BG_PID
	wait_for 10 grep -qs 'listening on' "$f.err" || die "tcpdump did not start: $(cat "$f.err")"
}

cap_stop() { kill -INT "$1" 2>/dev/null; wait_for 10 gone "$1"; return 0; }

# cap_drops FILE: frames the kernel dropped before tcpdump read them (from
# its closing words; 0 if none said).  A dropped advert is a gap that was
# not there: at 10,000 routers, 10,000 frames a second, check it.
cap_drops() {
	local d
	d=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$1.err" 2>/dev/null | tail -n 1)
	echo "${d:-0}"
}

# pcap CMD ARGS: the capture analyser (bench/pcap.py).
pcap() { python3 "$BENCH_DIR/pcap.py" "$@"; }

# cap_settled FILE N: true once in the last 1.5 s host 1 (A) advertised
# all N routers and host 2 (B) none.  It keeps its place in FILE.state,
# so that polling a capture of 10,000 routers reads only its new frames,
# and when false it sleeps 0.3 s: polled by wait_for (every 20 ms), the
# analyser would take a core from the daemons while they settle.
cap_settled() {
	[ "$(pcap settled "$1" "$2" 1 2 "$(now_s)" 1.5 "$1.state")" = yes ] && return 0
	sleep 0.3
	return 1
}
cap_why() { pcap settled "$1" "$2" 1 2 "$(now_s)" 1.5; }

# cap_count FILE SRC: adverts from SRC so far.
cap_count() { pcap count "$1" "$2" 2>/dev/null || echo 0; }
cap_has() { [ "$(cap_count "$1" "$2")" -ge "$3" ]; }

# ---- processes --------------------------------------------------------------

# tree PID: PID and all its descendants.
tree() {
	local p c
	echo "$1"
	for p in /proc/$1/task/*/children; do
		for c in $(cat "$p" 2>/dev/null); do tree "$c"; done
	done
}

# cpu_ns PID...: CPU time (ns, from schedstat) summed over the processes.
cpu_ns() {
	local p s t=0
	for p in "$@"; do
		read -r s _ 2>/dev/null < "/proc/$p/schedstat" || continue
		t=$((t + s))
	done
	echo $t
}

# mem_kib PID...: "RSS PSS" in KiB summed over the processes.
mem_kib() {
	awk '/^Rss:/ { r += $2 } /^Pss:/ { p += $2 } END { printf "%d %d\n", r, p }' \
	    $(for p in "$@"; do echo "/proc/$p/smaps_rollup"; done) 2>/dev/null
}

count_in() { local c; c=$(grep -c -E -- "$2" "$1" 2>/dev/null); echo "${c:-0}"; }
at_least() { [ "$(count_in "$1" "$2")" -ge "$3" ]; }

# ---- the daemons ------------------------------------------------------------
#
# One virtual router is "IFACE SRCIP VHID VIP", VIP one address or several
# joined by commas (IPv4 and IPv6: ours only; keepalived takes one family
# per instance, ucarp 1.5.2 one IPv4 address).  A node is one host's share
# of a set of routers, started by node_start IMPL NS NAME ROLE TIMING
# ROUTERFILE [OPTIONS], where ROLE is master (advskew 0 / priority 150) or
# backup (advskew 100 / priority 100), TIMING is normal (advbase 1 /
# advert_int 1) or fast (advbase 0 with advskew 26 and 78: adverts every
# 0.102 s, down after 0.305 s / VRRPv3 advert_int 0.1), and OPTIONS are
# words: up=SCRIPT (run as master, argv "IFACE VIP"), shutdown (ucarp -z;
# keepalived always resigns on SIGTERM), jobs=N (ours: script_jobs; the
# IMPL ours_jN does the same), peer=ADDR (unicast adverts to ADDR: ours
# --peer, keepalived unicast_src_ip and unicast_peer; one router only).
# The IMPL ours_addr is ours with manage_addresses (keepalived always adds
# its addresses itself).  It sets NODE_PIDS (the processes started;
# node_pids adds their children, keepalived's VRRP child) and NODE_LOG,
# and keeps them under the node's NAME.
# node_master_re / node_backup_re IMPL: the log line of each transition.

declare -A NODE_PIDS_OF NODE_LOG_OF

node_master_re() {
	case $1 in
	kav*) echo 'Entering MASTER STATE' ;;
	*) echo 'Switching to state: MASTER' ;;
	esac
}
node_backup_re() {
	case $1 in
	kav*) echo 'Entering BACKUP STATE' ;;
	*) echo 'Switching to state: BACKUP' ;;
	esac
}

# skew_of ROLE TIMING: our advskew.
skew_of() {
	case $1:$2 in
	master:normal) echo 0 ;; backup:normal) echo 100 ;;
	master:fast) echo 26 ;; backup:fast) echo 78 ;;
	esac
}
prio_of() { [ "$1" = master ] && echo 150 || echo 100; }
advbase_of() { [ "$1" = fast ] && echo 0 || echo 1; }

# bound IMPL TIMING: the protocol's master-down interval of the backup in
# seconds: advbase x 3 + advskew/256 for CARP, 3 x advert_int +
# (256 - priority) x advert_int / 256 for VRRP.
bound() {
	case $1:$2 in
	kav*:normal) echo 3.609375 ;;
	kav*:fast) echo 0.3609375 ;;
	*:normal) echo 3.390625 ;;
	*:fast) echo 0.3046875 ;;
	esac
}

node_start() {
	local impl=$1 ns=$2 name=$3 role=$4 timing=$5 routers=$6
	shift 6
	local up="" shutdown=0 jobs="" peer="" o ifc src vhid vip sep log=$TMP/$name.log
	for o in "$@"; do
		case $o in
		up=*) up=${o#up=} ;;
		peer=*) peer=${o#peer=} ;;
		jobs=*) jobs=${o#jobs=} ;;
		shutdown) shutdown=1 ;;
		esac
	done
	NODE_PIDS=()
	NODE_LOG=$log
	: > "$log"
	local skew base
	skew=$(skew_of "$role" "$timing"); base=$(advbase_of "$timing")
	case $impl in
	ours|ours_j*|ours_addr)
		case $impl in ours_j*) jobs=${impl#ours_j} ;; esac
		local conf=$TMP/$name.conf n i=0
		n=$(wc -l < "$routers")
		{
			[ -n "$jobs" ] && echo "script_jobs = $jobs;"
			# Both hosts share this machine's file system: each its
			# own control socket, or the second refuses to start.
			echo "control = \"$TMP/$name.sock\";"
			echo "defaults = { pass = \"bench\"; neutral = true; advbase = $base; advskew = $skew;"
			[ -n "$up" ] && echo "  upscript = \"$up\";"
			[ $shutdown -eq 1 ] && echo "  shutdown = true;"
			[ "$impl" = ours_addr ] && echo "  manage_addresses = true;"
			echo "};"
			echo "instances = ("
			# No subshell per line: scale.sh times the start, and a
			# fork per router cost ours a second at N = 1000.
			while read -r ifc src vhid vip; do
				i=$((i + 1))
				sep=,; [ $i -lt "$n" ] || sep=
				printf '  { interface = "%s"; srcip = "%s"; vhid = %d; addr = [ "%s" ]; }%s\n' \
				    "$ifc" "$src" "$vhid" "${vip//,/\", \"}" "$sep"
			done < "$routers"
			echo ");"
		} > "$conf"
		chmod 600 "$conf"	# it holds the password
		if [ "$n" -eq 1 ]; then
			# One router: the legacy command line, word for word
			# the same as ucarp 1.5.2's below.
			read -r ifc src vhid vip < "$routers"
			local -a va=()
			for o in ${vip//,/ }; do va+=(-a "$o"); done
			set -- -i "$ifc" -s "$src" -v "$vhid" -p bench "${va[@]}" \
			    -b "$base" -k "$skew" -n
			[ -n "$up" ] && set -- "$@" -u "$up"
			[ $shutdown -eq 1 ] && set -- "$@" -z
			[ "$impl" = ours_addr ] && set -- "$@" --manage-addresses
			[ -n "$peer" ] && set -- "$@" --peer "$peer"
			BG_OUT=$log bg "$ns" "$OURS" "$@"
		else
			BG_OUT=$log bg "$ns" "$OURS" -c "$conf"
		fi
		NODE_PIDS=("$BG_PID")
		;;
	ucarp)
		while read -r ifc src vhid vip; do
			set -- -i "$ifc" -s "$src" -v "$vhid" -p bench -a "$vip" \
			    -b "$base" -k "$skew" -n
			[ -n "$up" ] && set -- "$@" -u "$up"
			[ $shutdown -eq 1 ] && set -- "$@" -z
			BG_OUT=$log bg "$ns" "$REF" "$@"
			NODE_PIDS+=("$BG_PID")
		done < "$routers"
		;;
	kav2|kav3)
		local conf=$TMP/$name.keepalived.conf ver=${impl#kav} int=1 prio
		[ "$timing" = fast ] && int=0.1
		prio=$(prio_of "$role")
		# max_auto_priority -1: keepalived's default (no automatic
		# realtime priority) without its start-up warning.  With it on,
		# a busy start-up of 100 or more instances here made keepalived
		# raise itself to realtime, and the kernel killed its VRRP child
		# for exceeding RLIMIT_RTTIME, again and again.
		{
			printf 'global_defs {\n  vrrp_version %s\n  script_user root\n  max_auto_priority -1\n' "$ver"
			printf '  vrrp_garp_master_delay 0\n}\n'
			while read -r ifc src vhid vip; do
				printf 'vrrp_instance %s_%s {\n  state BACKUP\n  interface %s\n' "$ifc" "$vhid" "$ifc"
				printf '  virtual_router_id %s\n  priority %s\n  advert_int %s\n' "$vhid" "$prio" "$int"
				[ -n "$up" ] && printf '  notify_master "%s %s %s"\n' "$up" "$ifc" "$vip"
				[ -n "$peer" ] && printf '  unicast_src_ip %s\n  unicast_peer {\n    %s\n  }\n' "$src" "$peer"
				printf '  virtual_ipaddress {\n'
				for o in ${vip//,/ }; do
					case $o in
					*:*) printf '    %s/64\n' "$o" ;;
					*) printf '    %s/32\n' "$o" ;;
					esac
				done
				printf '  }\n}\n'
			done < "$routers"
		} > "$conf"
		# keepalived refuses to start while its pid files name a live
		# process; those of a node killed before are stale, and their
		# pids may have been reused since.
		rm -f "$TMP/$name.pid" "$TMP/$name.vrrp.pid"
		BG_OUT=$log bg "$ns" "$KEEPALIVED" "${KEEPALIVED_FLAGS[@]}" -f "$conf" -p "$TMP/$name.pid" \
		    -r "$TMP/$name.vrrp.pid"
		NODE_PIDS=("$BG_PID")
		;;
	*) die "unknown daemon $impl" ;;
	esac
	NODE_PIDS_OF[$name]="${NODE_PIDS[*]}"
	NODE_LOG_OF[$name]=$log
}

# node_pids NAME: every process of the node now (keepalived's children too).
node_pids() {
	local p
	for p in ${NODE_PIDS_OF[$1]}; do tree "$p"; done
}

# node_kill NAME SIGNAL: KILL reaches every process of the node, children
# first (keepalived's parent would otherwise restart, or its VRRP child
# resign, which is a handover, not a crash); another signal goes to the
# processes started (keepalived's parent passes it on).
node_kill() {
	local p
	if [ "$2" = KILL ]; then
		kill -9 $(node_pids "$1" | tac) 2>/dev/null
	else
		for p in ${NODE_PIDS_OF[$1]}; do kill -s "$2" "$p" 2>/dev/null; done
	fi
}

# node_stop NAME: kill every process of the node and reap it.
node_stop() {
	local p
	{
		kill -9 $(node_pids "$1" | tac)
	} 2>/dev/null
	for p in ${NODE_PIDS_OF[$1]}; do wait_for 10 gone "$p"; done
	return 0
}

# routers_pair N HOST: N routers over links of net_pair for host 1 (a) or
# 2 (b): eth(i/250), vhid i%250+1, VIP 198.19.l.vhid.
routers_pair() {
	local n=$1 h=$2 i l
	for ((i = 0; i < n; i++)); do
		l=$((i / 250))
		echo "eth$l 198.18.$((10 + l)).$h $((i % 250 + 1)) 198.19.$l.$((i % 250 + 1))"
	done
}

# stats: "median min max n" of the numbers on stdin.
stats() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan nan nan 0"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.6g %.6g %.6g %d\n", m, v[1], v[NR], NR }'
}
