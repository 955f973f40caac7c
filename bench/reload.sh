#!/bin/bash
# bench/reload.sh: the cost of a configuration reload (SIGHUP) with N
# virtual routers, ucarp (one process, one configuration file) against
# keepalived's VRRP (one process, N vrrp_instances), in the same run.
#
# One host in a network namespace, joined by K = ceil(N/250) veth links
# (a vhid is unique per interface) to a sink namespace that only listens.
# Every instance is alone on its link, so all N become MASTER (advert
# interval 1 s).  Then, R times, the file is edited so that exactly one
# instance changes (ucarp: advskew 0 <-> 10 of eth0 vhid 1; keepalived:
# priority 150 <-> 140 of the same router) and the daemon gets SIGHUP.
# Measured, per reload:
#   daemon	the daemon's own reload time: ucarp's "in T ms"; keepalived
#		logs no duration, so the time from its "Reloading" line to its
#		"Reload complete" line (stamped on arrival, as below)
#   wall	from kill -HUP to the daemon's last reload line, each line
#		time-stamped on arrival through a pipe (perl, Time::HiRes)
#   gap	on the wire (tcpdump in the sink, eth0: 250 routers), for each
#		unchanged router the gap between its last advert before the
#		SIGHUP and its first one after; the longest (1 s = undisturbed)
#   base	the longest gap between two adverts of one router before the
#		SIGHUP, in the same capture (the steady-state jitter)
#   burst	adverts on eth0 in the second after the SIGHUP (one per
#		router in steady state: more means the reload re-advertised)
#   arps	ARP frames on eth0 from the SIGHUP to the end of the capture
#		(about 2 s): gratuitous ARPs sent again by the reload
#   changes	state changes logged after the SIGHUP (target: 0)
#
# usage: bench/reload.sh [-n N] [-r REPS] [-s SECONDS] [-K] [PATH_TO_OUR_UCARP]
#   -n  instances (default 1000)
#   -r  reloads per daemon (default 3)
#   -s  pause between settling (N MASTER) and the first reload, so that
#       start-up transients stay out of the "before" column (default 5)
#   -K  skip keepalived
# Addresses: 198.18.0.0/15 only (links 198.18.10+l.0/24, VIPs
# 198.19.l.v).  Needs root, iproute2, tcpdump, perl; keepalived from
# /usr/sbin/keepalived (Debian's package) unless -K.
set -u
n=1000 reps=3 skipk=0 pause=5
while [ $# -gt 0 ]; do
	case $1 in
	-n) n=$2; shift 2 ;;
	-r) reps=$2; shift 2 ;;
	-s) pause=$2; shift 2 ;;
	-K) skipk=1; shift ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
ours=${1:-$(cd "$(dirname "$0")/.." && pwd)/build/src/ucarp}
keepalived=/usr/sbin/keepalived
[ -x "$ours" ] || { echo "no daemon at $ours" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 1; }
if [ $skipk -eq 0 ] && [ ! -x "$keepalived" ]; then
	echo "no keepalived at $keepalived (apt-get install keepalived, or -K): skipping it" >&2
	skipk=1
fi

tag=rl$$
tmp=$(mktemp -d /tmp/bench-reload.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del ${tag}a 2>/dev/null
	ip netns del ${tag}s 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

k=$(( (n + 249) / 250 ))

now_us() { echo "${EPOCHREALTIME/./}"; }

# wait_for SECONDS CMD...: poll every 20 ms until CMD succeeds.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.02
	done
}

net() {
	local i h
	for h in a s; do
		ip netns del $tag$h 2>/dev/null
		ip netns add $tag$h
		ip netns exec $tag$h sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		    net.ipv6.conf.default.disable_ipv6=1 >/dev/null
		ip netns exec $tag$h sysctl -qw net.ipv4.igmp_link_local_mcast_reports=0 >/dev/null
		ip -n $tag$h link set lo up
	done
	for i in $(seq 0 $((k - 1))); do
		ip -n ${tag}a link add eth$i type veth peer name eth$i netns ${tag}s
		ip -n ${tag}a addr add 198.18.$((10 + i)).1/24 dev eth$i
		ip -n ${tag}s addr add 198.18.$((10 + i)).2/24 dev eth$i
		ip -n ${tag}a link set eth$i up
		ip -n ${tag}s link set eth$i up
	done
}

# conf_ours SKEW1: ucarp's file; eth0 vhid 1 gets advskew SKEW1.
conf_ours() {
	local i link vhid skew
	echo 'defaults = { pass = "bench"; neutral = true; };'
	echo 'instances = ('
	for i in $(seq 0 $((n - 1))); do
		link=$((i / 250)); vhid=$((i % 250 + 1))
		skew=0; [ $i -eq 0 ] && skew=$1
		printf '  { interface = "eth%d"; srcip = "198.18.%d.1"; vhid = %d; addr = "198.19.%d.%d"; advskew = %d; }%s\n' \
		    $link $((10 + link)) $vhid $link $vhid $skew "$([ $i -lt $((n - 1)) ] && echo ,)"
	done
	echo ');'
}

# conf_keepalived PRIO1: keepalived's file; eth0 vrid 1 gets priority PRIO1.
conf_keepalived() {
	local i link vhid prio
	printf 'global_defs {\n  vrrp_version 2\n  max_auto_priority\n}\n'
	for i in $(seq 0 $((n - 1))); do
		link=$((i / 250)); vhid=$((i % 250 + 1))
		prio=150; [ $i -eq 0 ] && prio=$1
		printf 'vrrp_instance k%d_%d {\n  state BACKUP\n  interface eth%d\n  virtual_router_id %d\n  priority %d\n  advert_int 1\n  virtual_ipaddress {\n    198.19.%d.%d/32\n  }\n}\n' \
		    $link $vhid $link $vhid $prio $link $vhid
	done
}

count() { grep -c -- "$2" "$1" 2>/dev/null; }
line_after() { tail -n +"$(( $2 + 1 ))" "$1" | grep -qE -- "$3"; }
gone() { ! kill -0 "$1" 2>/dev/null; }
at_least() { local c; c=$(count "$1" "$2"); [ "${c:-0}" -ge "$3" ]; }

# The arrival stamp (us) of the first line after line MARK matching RE.
stamp_after() {
	tail -n +"$(( $2 + 1 ))" "$1" | grep -m1 -E -- "$3" | awk '{ t = $1; sub(/\./, "", t); print t }'
}

# adverts PCAP: "VRID TS_US" per VRRP/CARP advert.
adverts() {
	tcpdump -tt -n -r "$1" 'ip proto 112' 2>/dev/null | awk '{
		for (i = 1; i < NF; i++) if ($i == "vrid") { v = $(i + 1); sub(/,$/, "", v) }
		t = $1; sub(/\./, "", t)
		if (v != "") print v, t
		v = ""
	}'
}

cap_after() {	# PCAP SINCE_US MIN: MIN adverts at or after SINCE
	[ "$(adverts "$1" | awk -v s="$2" '$2 >= s' | wc -l)" -ge "$3" ]
}

# gaps PCAP T_US CHANGED_VRID: "MAXGAP_US VRID BASE_US MISSING" over the
# unchanged routers on eth0.
gaps() {
	adverts "$1" | sort -k1,1n -k2,2n | awk -v t="$2" -v ch="$3" '
		$1 == ch { next }
		{
			if ($2 < t) {
				if ($1 in last && $2 - last[$1] > base) base = $2 - last[$1]
				last[$1] = $2
			} else if (!($1 in first)) first[$1] = $2
		}
		END {
			for (v in last) {
				if (!(v in first)) { miss++; continue }
				g = first[v] - last[v]
				if (g > max) { max = g; mv = v }
			}
			printf "%d %d %d %d\n", max, mv, base, miss
		}'
}

ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }

# run WHAT: start the daemon, settle, R reloads; one table row each.
run() {
	local what=$1 log=$tmp/$1.log fifo=$tmp/$1.fifo pid spid conf=$tmp/$1.conf
	local master_re done_re start_re change_re settled r mark t_sig t_done t_start
	local daemon_ms wall_ms cap cpid changes val t0 burst arps gmax gvrid gbase gmiss
	net
	mkfifo "$fifo"
	perl -MTime::HiRes=time -ne 'BEGIN { $| = 1 } printf "%.6f %s", time, $_' < "$fifo" > "$log" &
	spid=$!; pids+=($spid)
	t0=$(now_us)
	if [ "$what" = ucarp ]; then
		conf_ours 0 > "$conf"
		"$ours" -t -c "$conf" >/dev/null || { echo "| $what | $n | bad configuration |"; return; }
		ip netns exec ${tag}a "$ours" -c "$conf" > "$fifo" 2>&1 < /dev/null &
		pid=$!
		master_re='Switching to state: MASTER'
		start_re='SIGHUP: reloading'
		done_re='last reload (applied|of .* refused)'
		change_re='Switching to state'
	else
		conf_keepalived 150 > "$conf"
		ip netns exec ${tag}a "$keepalived" -n -l -P -f "$conf" -p "$tmp/k.pid" \
		    -r "$tmp/k.vrrp.pid" > "$fifo" 2>&1 < /dev/null &
		pid=$!
		master_re='Entering MASTER STATE'
		start_re='Reloading \.\.\.'
		done_re='Reload complete'
		change_re='Entering [A-Z]+ STATE'
	fi
	pids+=($pid)
	if ! wait_for 180 at_least "$log" "$master_re" "$n"; then
		echo "| $what | $n | did not settle in 180 s ($(count "$log" "$master_re") MASTER) | | | | | | | |"
		kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null; wait $spid 2>/dev/null
		return
	fi
	settled=$(( ($(now_us) - t0) / 1000 ))
	echo "<!-- $what: $n MASTER after $settled ms -->" >&2
	sleep "$pause"
	for r in $(seq 1 "$reps"); do
		cap=$tmp/$what.$r.pcap
		ip netns exec ${tag}s tcpdump -i eth0 -n -U -s 128 -w "$cap" 'ip proto 112 or arp' 2>"$cap.err" &
		cpid=$!; pids+=($cpid)
		wait_for 10 grep -qs 'listening on' "$cap.err"
		t_start=$(now_us)
		# Two adverts of each of eth0's routers before the reload.
		wait_for 10 cap_after "$cap" "$t_start" $(( 2 * (n < 250 ? n : 250) ))
		if [ "$what" = ucarp ]; then
			val=$(( r % 2 ? 10 : 0 )); conf_ours $val > "$conf"
		else
			val=$(( r % 2 ? 140 : 150 )); conf_keepalived $val > "$conf"
		fi
		mark=$(wc -l < "$log")
		t_sig=$(now_us)
		kill -HUP $pid
		if ! wait_for 60 line_after "$log" "$mark" "$done_re"; then
			echo "| $what | $n | $r | no reload verdict within 60 s | | | | | | |"
			kill $cpid 2>/dev/null; wait $cpid 2>/dev/null
			continue
		fi
		t_done=$(stamp_after "$log" "$mark" "$done_re")
		wall_ms=$(ms $((t_done - t_sig)))
		if [ "$what" = ucarp ]; then
			daemon_ms=$(tail -n +"$((mark + 1))" "$log" | grep -m1 -oE 'in [0-9]+ ms' | awk '{ print $2 }')
			tail -n +"$((mark + 1))" "$log" | grep -m1 -E -- "$done_re" | grep -q 'applied: .* 1 updated' ||
			    echo "<!-- ucarp reload $r: $(tail -n +"$((mark + 1))" "$log" | grep -m1 -E -- "$done_re" | cut -d' ' -f2-) -->" >&2
		else
			daemon_ms=$(ms $(( t_done - $(stamp_after "$log" "$mark" "$start_re") )))
		fi
		# Two more adverts of each router after the reload, then stop.
		wait_for 20 cap_after "$cap" "$t_done" $(( 2 * (n < 250 ? n : 250) ))
		sleep 0.2
		kill $cpid 2>/dev/null; wait $cpid 2>/dev/null
		read -r gmax gvrid gbase gmiss <<< "$(gaps "$cap" "$t_sig" 1)"
		changes=$(tail -n +"$((mark + 1))" "$log" | grep -cE -- "$change_re")
		burst=$(adverts "$cap" | awk -v s="$t_sig" '$2 >= s && $2 < s + 1000000' | wc -l)
		arps=$(tcpdump -tt -n -r "$cap" arp 2>/dev/null | awk -v s="$t_sig" '{ t = $1; sub(/\./, "", t) } t >= s' | wc -l)
		printf '| %s | %d | %d | %s ms | %s ms | %s ms (vrid %s)%s | %s ms | %d | %d | %d |\n' \
		    "$what" "$n" "$r" "$daemon_ms" "$wall_ms" "$(ms "$gmax")" "$gvrid" \
		    "$([ "$gmiss" -gt 0 ] && echo ", $gmiss silent")" "$(ms "$gbase")" "$burst" "$arps" "$changes"
	done
	kill -TERM $pid 2>/dev/null
	wait_for 30 gone $pid || kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	wait $spid 2>/dev/null
}

echo "N = $n routers on $k links, all MASTER, advert interval 1 s; one router changed per reload"
echo "| daemon | N | reload | daemon's time | SIGHUP to done (wall) | longest gap across the reload (unchanged, eth0) | longest gap before | adverts on eth0 in the 1 s after SIGHUP (steady: $(( n < 250 ? n : 250 ))) | ARPs on eth0 after SIGHUP | state changes |"
echo "|---|---|---|---|---|---|---|---|---|---|"
run ucarp
[ $skipk -eq 1 ] || run keepalived
