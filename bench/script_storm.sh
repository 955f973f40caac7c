#!/bin/bash
# bench/script_storm.sh: N instances become master at the same moment and
# each runs an up script that takes 20 ms; for each script_jobs value,
# the time from the first takeover until the last up script has exited.
# (A lone host: every instance starts together and times out together.)
#
# usage: bench/script_storm.sh [-n N] [-j "1 2 4 ..."] [PATH_TO_OUR_UCARP]
# Addresses: 198.18.0.0/15 only.  Needs root.
set -u
n=1000 jobs="1 2 4 8 16 32"
while [ $# -gt 0 ]; do
	case $1 in
	-n) n=$2; shift 2 ;;
	-j) jobs=$2; shift 2 ;;
	*) break ;;
	esac
done
ours=${1:-$(cd "$(dirname "$0")/.." && pwd)/build/src/ucarp}
tag=ss$$
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill -9 $pid 2>/dev/null
	wait 2>/dev/null
	ip netns del $tag 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
k=$(( (n + 249) / 250 ))
ip netns add $tag
ip -n $tag link set lo up
for i in $(seq 0 $((k - 1))); do
	ip -n $tag link add eth$i type veth peer name peer$i
	ip -n $tag addr add 198.18.$((10 + i)).1/24 dev eth$i
	ip -n $tag link set eth$i up
	ip -n $tag link set peer$i up
done
printf '#!/bin/sh\nsleep 0.02\n' >$tmp/up
chmod +x $tmp/up

echo "$n instances take over at once, up script 20 ms"
echo "| script_jobs | first takeover -> last up script exited | scripts |"
echo "|---|---|---|"
for j in $jobs; do
	{
		echo "script_jobs = $j;"
		echo "defaults = { pass = \"storm\"; neutral = true; upscript = \"$tmp/up\"; };"
		echo "instances = ("
		for i in $(seq 0 $((n - 1))); do
			l=$((i / 250)); v=$((i % 250 + 1))
			printf '{ interface = "eth%d"; srcip = "198.18.%d.1"; vhid = %d; addr = "198.18.%d.%d"; }%s\n' \
			    $l $((10 + l)) $v $((100 + l)) $v $([ $i -lt $((n - 1)) ] && echo ,)
		done
		echo ");"
	} >$tmp/c.conf
	ip netns exec $tag $ours -c $tmp/c.conf >$tmp/log 2>&1 & pid=$!
	end=$((SECONDS + 120))
	while [ "$(grep -c 'up script .* exited' $tmp/log)" -lt $n ] && [ $SECONDS -lt $end ]; do
		sleep 0.2
	done
	kill $pid; wait $pid 2>/dev/null; pid=
	first=$(grep -m1 'Switching to state: MASTER' $tmp/log | cut -d: -f1-3)
	last=$(grep 'up script .* exited' $tmp/log | tail -1 | cut -d: -f1-3)
	d=$(echo "$(date -d "${last%.*}" +%s).${last##*.} - $(date -d "${first%.*}" +%s).${first##*.}" | bc)
	printf '| %d | %.3f s | %d |\n' $j "$d" "$(grep -c 'up script .* exited' $tmp/log)"
done
