#!/bin/bash
# bench/failover.sh: crash failover, ours vs ucarp 1.5.2, in one run.
#
# Two hosts in network namespaces on a bridge; the master (advskew 0) is
# killed with SIGKILL and the backup (advskew 100, advbase 1, deadratio 3)
# takes over.  Measured on the wire (tcpdump on the bridge): from the last
# advert of the dead master to the first advert of the new one.  The
# protocol's bound is advbase*deadratio + advskew/256 = 3.390625 s.
# Pairs are interleaved (ours, ucarp, ours, ...) so both see the same noise.
#
# usage: bench/failover.sh [-n REPS] [PATH_TO_OUR_UCARP]
# Addresses: 198.18.0.0/15 only.  Needs root, iproute2, tcpdump.
set -u
reps=5
if [ "${1:-}" = "-n" ]; then reps=$2; shift 2; fi
ours=${1:-$(cd "$(dirname "$0")/.." && pwd)/build/src/ucarp}
ref=/usr/sbin/ucarp
[ -x "$ours" ] || { echo "no daemon at $ours" >&2; exit 1; }
[ -x "$ref" ] || { echo "no ucarp 1.5.2 at $ref (apt-get install ucarp)" >&2; exit 1; }

tag=fo$$
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	for n in a b br; do ip netns del $tag$n 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

ip netns add ${tag}br; ip netns add ${tag}a; ip netns add ${tag}b
ip -n ${tag}br link add br0 type bridge
ip -n ${tag}br link set br0 up
for h in a b; do
	ip link add ${tag}$h type veth peer name eth0 netns $tag$h
	ip link set ${tag}$h netns ${tag}br
	ip -n ${tag}br link set ${tag}$h master br0 up
	ip -n $tag$h link set lo up
	ip -n $tag$h link set eth0 up
done
ip -n ${tag}a addr add 198.18.1.1/16 dev eth0
ip -n ${tag}b addr add 198.18.1.2/16 dev eth0

# wait_for SECONDS CMD...: poll every 20 ms until CMD succeeds.
wait_for() {
	local end=$((SECONDS + $1)); shift
	until "$@"; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.02
	done
}

# run_one BIN: one crash failover; prints the gap in seconds.
run_one() {
	local bin=$1 pa pb pt cap=$tmp/cap.pcap
	ip netns exec ${tag}a stdbuf -oL $bin -i eth0 -s 198.18.1.1 -v 7 -p bench \
	    -a 198.18.0.7 -k 0 -n >$tmp/a.log 2>&1 & pa=$!; pids+=($pa)
	wait_for 10 grep -q 'Switching to state: MASTER' $tmp/a.log || { echo fail; return; }
	ip netns exec ${tag}b stdbuf -oL $bin -i eth0 -s 198.18.1.2 -v 7 -p bench \
	    -a 198.18.0.7 -k 100 -n >$tmp/b.log 2>&1 & pb=$!; pids+=($pb)
	wait_for 10 grep -q 'Switching to state: BACKUP' $tmp/b.log || { echo fail; return; }
	ip netns exec ${tag}br tcpdump -i br0 -n -U -w $cap 'ip proto 112' \
	    2>$tmp/td.log & pt=$!; pids+=($pt)
	wait_for 5 grep -q 'listening on' $tmp/td.log
	# Let the backup hear two adverts of the master on the capture.
	wait_for 5 test "$(tcpdump -r $cap -n 2>/dev/null | grep -c 198.18.1.1)" -ge 2
	kill -9 $pa
	wait_for 10 grep -q 'Switching to state: MASTER' $tmp/b.log || { echo fail; return; }
	wait_for 5 test "$(tcpdump -r $cap -n 2>/dev/null | grep -c '198.18.1.2 >')" -ge 1
	kill $pt; wait $pt 2>/dev/null
	[ -n "${BENCH_DEBUG:-}" ] && tcpdump -tt -n -r $cap 2>/dev/null | tail -4 >&2
	kill -9 $pb; wait $pb $pa 2>/dev/null
	tcpdump -tt -n -r $cap 2>/dev/null | awk '
		/198\.18\.1\.1 >/ { last = $1 }
		/198\.18\.1\.2 >/ && !first { first = $1 }
		END { if (last && first) printf "%.4f\n", first - last; else print "fail" }'
}

stats() {	# median [min-max] of the numbers on stdin
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "n/a"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.4f s [%.4f-%.4f] (n=%d)", m, v[1], v[NR], NR }'
}

echo "crash failover, advbase 1, deadratio 3, backup advskew 100; bound 3.391 s"
: >$tmp/ours; : >$tmp/ref
for i in $(seq "$reps"); do
	o=$(run_one "$ours"); r=$(run_one "$ref")
	printf 'run %d: ours %s s, ucarp 1.5.2 %s s\n' "$i" "$o" "$r"
	[ "$o" != fail ] && echo "$o" >>$tmp/ours
	[ "$r" != fail ] && echo "$r" >>$tmp/ref
done
printf 'ours:        %s\n' "$(stats <$tmp/ours)"
printf 'ucarp 1.5.2: %s\n' "$(stats <$tmp/ref)"
