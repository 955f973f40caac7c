#!/bin/bash
# bench/scale.sh: memory and CPU of N virtual IPs: one ucarp daemon with
# N instances (from one configuration file) against N ucarp 1.5.2
# processes, in the same run.
#
# A pair of hosts in network namespaces, joined by K = ceil(N/250) links
# (a vhid is unique per interface, so 1000 VIPs need 4 interfaces).  Host A
# runs every VIP with advskew 0 (master), host B with advskew 100 (backup).
# After every VIP is settled (A has one MASTER line per instance), RSS and
# CPU time of both hosts' processes are read from /proc over a steady
# window.  Adverts per second are counted on one link with tcpdump.
#
# usage: bench/scale.sh [-w SECONDS] [-r] N [N...] [-- PATH_TO_OUR_UCARP]
#   -w  steady-state window (default 30 s)
#   -r  skip ucarp 1.5.2 (N processes per host; at 1000 it needs ~10 GiB)
# Addresses: 198.18.0.0/15 only.  Needs root.
set -u
window=30 skipref=0 sizes=()
while [ $# -gt 0 ]; do
	case $1 in
	-w) window=$2; shift 2 ;;
	-r) skipref=1; shift ;;
	--) shift; break ;;
	*) sizes+=("$1"); shift ;;
	esac
done
ours=${1:-$(cd "$(dirname "$0")/.." && pwd)/build/src/ucarp}
ref=/usr/sbin/ucarp
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000)
[ -x "$ours" ] || { echo "no daemon at $ours" >&2; exit 1; }

tag=sc$$
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	for h in a b; do ip netns del $tag$h 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

hz=$(getconf CLK_TCK)

# net K: hosts a and b joined by K veth links eth0..eth{K-1}.
net() {
	local k=$1 i h
	for h in a b; do ip netns del $tag$h 2>/dev/null; ip netns add $tag$h; ip -n $tag$h link set lo up; done
	for i in $(seq 0 $((k - 1))); do
		ip -n ${tag}a link add eth$i type veth peer name eth$i netns ${tag}b
		ip -n ${tag}a addr add 198.18.$((10 + i)).1/24 dev eth$i
		ip -n ${tag}b addr add 198.18.$((10 + i)).2/24 dev eth$i
		ip -n ${tag}a link set eth$i up
		ip -n ${tag}b link set eth$i up
	done
}

# conf N HOST SKEW: our configuration file for one host.
conf() {
	local n=$1 h=$2 skew=$3 i link vhid
	echo "defaults = { pass = \"bench\"; advskew = $skew; neutral = true; };"
	echo "instances = ("
	for i in $(seq 0 $((n - 1))); do
		link=$((i / 250)); vhid=$((i % 250 + 1))
		printf '  { interface = "eth%d"; srcip = "198.18.%d.%d"; vhid = %d; addr = "198.19.%d.%d"; }%s\n' \
		    $link $((10 + link)) $h $vhid $link $vhid $([ $i -lt $((n - 1)) ] && echo ,)
	done
	echo ");"
}

# procstats PID...: "RSS_KiB CPU_TICKS" summed over the processes.
procstats() {
	local rss=0 cpu=0 p r t
	for p in "$@"; do
		r=$(awk '/^VmRSS:/ { print $2 }' /proc/$p/status 2>/dev/null)
		t=$(awk '{ print $14 + $15 }' /proc/$p/stat 2>/dev/null)
		rss=$((rss + ${r:-0})); cpu=$((cpu + ${t:-0}))
	done
	echo "$rss $cpu"
}

wait_lines() {	# FILE PATTERN COUNT SECONDS
	local end=$((SECONDS + $4))
	while [ "$(cat $1 2>/dev/null | grep -c "$2")" -lt "$3" ]; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
}

# measure WHAT N: start both hosts, settle, measure; prints one table row.
measure() {
	local what=$1 n=$2 k t0 settle
	local procs=() i link vhid before after cpu_s pct rss_mib adverts
	k=$(( ($n + 249) / 250 ))
	net $k
	t0=$(date +%s.%N)
	if [ "$what" = ours ]; then
		conf $n 1 0 >$tmp/a.conf; conf $n 2 100 >$tmp/b.conf
		ip netns exec ${tag}a $ours -c $tmp/a.conf >$tmp/a.log 2>&1 & procs+=($!); pids+=($!)
		ip netns exec ${tag}b $ours -c $tmp/b.conf >$tmp/b.log 2>&1 & procs+=($!); pids+=($!)
	else
		: >$tmp/a.log
		for i in $(seq 0 $((n - 1))); do
			link=$((i / 250)); vhid=$((i % 250 + 1))
			ip netns exec ${tag}a $ref -i eth$link -s 198.18.$((10 + link)).1 -v $vhid -p bench \
			    -a 198.19.$link.$vhid -k 0 -n >>$tmp/a.log 2>&1 & procs+=($!); pids+=($!)
			ip netns exec ${tag}b $ref -i eth$link -s 198.18.$((10 + link)).2 -v $vhid -p bench \
			    -a 198.19.$link.$vhid -k 100 -n >/dev/null 2>&1 & procs+=($!); pids+=($!)
		done
	fi
	if ! wait_lines $tmp/a.log 'Switching to state: MASTER' $n 180; then
		echo "| $what | $n | did not settle in 180 s |"; kill -9 "${procs[@]}" 2>/dev/null; wait 2>/dev/null; return
	fi
	settle=$(echo "$(date +%s.%N) - $t0" | bc)
	sleep 2	# let start-up transients pass before the window
	ip netns exec ${tag}a timeout $((window + 1)) tcpdump -i eth0 -n -w $tmp/w.pcap 'ip proto 112' 2>/dev/null & pids+=($!)
	before=$(procstats "${procs[@]}")
	sleep "$window"
	after=$(procstats "${procs[@]}")
	wait $! 2>/dev/null
	adverts=$(tcpdump -r $tmp/w.pcap -n 2>/dev/null | wc -l)
	cpu_s=$(echo "scale=2; (${after#* } - ${before#* }) / $hz" | bc)
	pct=$(echo "scale=2; 100 * $cpu_s / $window" | bc)
	rss_mib=$(echo "scale=1; ${after% *} / 1024" | bc)
	printf '| %s | %d | %d | %s MiB | %s s | %s %% | %.1f/s on eth0 | %.1f s |\n' \
	    "$what" "$n" "${#procs[@]}" "$rss_mib" "$cpu_s" "$pct" \
	    "$(echo "$adverts / $window" | bc -l)" "$settle"
	kill -9 "${procs[@]}" 2>/dev/null
	wait "${procs[@]}" 2>/dev/null
}

echo "steady window ${window} s, both hosts together; CPU % of one core"
echo "| daemon | VIPs | processes | RSS | CPU in window | CPU | adverts | settle |"
echo "|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
	measure ours "$n"
	[ $skipref -eq 1 ] || measure "ucarp-1.5.2" "$n"
done
exit 0
