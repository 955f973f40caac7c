#!/bin/bash
# ucarpctl against two hosts running 24 instances each from a file (12
# preferred by A, 12 by B; instance 3 without preempt on both):
#
#   1. status -j lists every instance with the state its log says, on
#      both hosts; one instance by name or IFACE:VHID; an unknown one
#      exits 1; metrics passes promtool and its state series are status's.
#      Who is master, as each host last heard it, is A for a* and B for b*.
#      Instance 5 holds an IPv4 and an IPv6 address with a prefix: status
#      (text and JSON) and metrics show both, as written.
#   2. garp a1 on A: one round of gratuitous ARPs on the wire, counted.
#   3. stepdown a3 on A: that VIP moves to B, no other instance changes
#      state on either host, and A's SIGUSR2-free log says who asked.
#   4. reload of a broken file exits 1 with FILE:LINE and changes nothing
#      (same states, same instances); a good one that adds an instance
#      exits 0 and prints its counts; status then lists 25 instances.
. "$(dirname "$0")/lib_ctl.sh"
ctl_need
rl_init 24 12
mnet_ipv6 $A	# a5 holds an IPv6 address
mnet_ipv6 $B
RL_KEYS[1:3]="preempt=false"
RL_KEYS[2:3]="preempt=false"
RL_KEYS[1:5]='addr=["198.18.1.105","2001:db8:1::105/64"]'
RL_KEYS[2:5]=${RL_KEYS[1:5]}
rl_start_pair

# 1. status on both hosts, and metrics.
for h in $A $B; do
	wait_until 5 ctl_states_ok $h ||
	    test_fail "host $h: status -j says $(ctl_states $h | tr '\n' ' '), the log $(mstates $h | tr '\n' ' ')"
	n=$(ctl $h status -j | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["instances"]), d["daemon"]["config"])')
	[ "$n" = "24 ${RL_CONF[h]}" ] || test_fail "host $h: status -j gave '$n', expected 24 instances of ${RL_CONF[h]}"
	ctl $h metrics > "$TMPD/h$h.metrics" || test_fail "host $h: ucarpctl metrics failed"
	if command -v promtool > /dev/null; then
		promtool check metrics < "$TMPD/h$h.metrics" > "$TMPD/h$h.promtool" 2>&1 ||
		    test_fail "host $h: promtool check metrics: $(cat "$TMPD/h$h.promtool")"
	else
		log "NOTE: no promtool (apt-get install prometheus): the format is not checked"
	fi
	[ "$(metric_states $h)" = "$(ctl_states $h)" ] ||
	    test_fail "host $h: the metrics' states differ from status: $(metric_states $h | tr '\n' ' ')"
done
log "status -j and metrics agree with the logs on both hosts"
out=$(ctl $A status a1 -j | python3 -c 'import json,sys; i=json.load(sys.stdin)["instances"]; print(len(i), i[0]["name"], i[0]["state"], i[0]["addresses"][0])')
[ "$out" = "1 a1 MASTER 198.18.1.101" ] || test_fail "status a1 -j on A: $out"
out=$(ctl $A status a5 -j | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["instances"][0]["addresses"]))')
[ "$out" = "198.18.1.105 2001:db8:1::105/64" ] || test_fail "status a5 -j on A: addresses $out"
ctl $A status a5 | grep -qx '  addresses: 198.18.1.105 2001:db8:1::105/64' ||
    test_fail "status a5 on A: not both addresses: $(ctl $A status a5 | grep addresses)"
for want in 'address="198.18.1.105",family="ipv4",prefix=""' 'address="2001:db8:1::105",family="ipv6",prefix="64"'; do
	grep -qF "ucarp_instance_address{interface=\"eth0\",vhid=\"5\",name=\"a5\",$want} 1" "$TMPD/h$A.metrics" ||
	    test_fail "metrics on A: no series for a5's $want"
done
out=$(ctl $B status eth0:20 -j | python3 -c 'import json,sys; i=json.load(sys.stdin)["instances"]; print(len(i), i[0]["name"], i[0]["state"])')
[ "$out" = "1 b20 MASTER" ] || test_fail "status eth0:20 -j on B: $out"
rc=0
ctl $A status nosuch > "$TMPD/nosuch.out" 2>&1 || rc=$?
[ $rc -eq 1 ] && grep -q 'no instance nosuch' "$TMPD/nosuch.out" ||
    test_fail "status of an unknown instance: exit $rc, $(cat "$TMPD/nosuch.out")"

for h in $A $B; do
	bad=$(ctl $h status -j | python3 -c '
import json, sys
for i in json.load(sys.stdin)["instances"]:
	want = sys.argv[1] if i["name"][0] == "a" else sys.argv[2]
	if i["master"] != want or i["since_us"] <= 0 or i["cause"] == "none":
		print(i["name"], i["master"], i["since_us"], i["cause"])' "$(haddr $A 1)" "$(haddr $B 1)")
	[ -z "$bad" ] || test_fail "host $h: master, since or cause wrong: $bad"
done

# 2. garp a1: one more round of gratuitous ARPs for 198.18.1.101.
mcap_start arp br1 arp
g0=$(ctl $A status a1 -j | python3 -c 'import json,sys; print(json.load(sys.stdin)["instances"][0]["counters"]["garps_sent"])')
T=$(now_us)
out=$(ctl $A garp a1) || test_fail "garp a1 failed: $out"
[ "$out" = "garp a1: 1 master" ] || test_fail "garp a1 said: $out"
garp_seen() { [ "$(rl_garps arp 198.18.1.101 "$T")" -ge 1 ]; }
wait_until 5 garp_seen || test_fail "no gratuitous ARP for 198.18.1.101 after garp a1"
mcap_stop arp
g1=$(ctl $A status a1 -j | python3 -c 'import json,sys; print(json.load(sys.stdin)["instances"][0]["counters"]["garps_sent"])')
[ "$g1" -eq $((g0 + 1)) ] || test_fail "garps_sent went from $g0 to $g1"
out=$(ctl $A garp b20) && [ "$out" = "garp b20: 0 masters" ] || test_fail "garp of a backup said: $out"
log "garp a1: on the wire, garps_sent $g0 -> $g1; a backup sends none"

# 3. stepdown a3 on A: its VIP, and nothing else, moves to B.
before_a=$(mvips $A)
before_b=$(mvips $B)
ca=$(mlog_count $A 'Switching to state')
cb=$(mlog_count $B 'Switching to state')
out=$(ctl $A stepdown a3) || test_fail "stepdown a3 failed: $out"
[ "$out" = "stepdown a3: 1 master" ] || test_fail "stepdown a3 said: $out"
moved() {
	[ "$(mvips $A)" = "$(echo "$before_a" | grep -vx 198.18.1.103)" ] &&
	    [ "$(mvips $B)" = "$( (echo "$before_b"; echo 198.18.1.103) | sort)" ]
}
wait_until 15 moved || test_fail "after stepdown a3: A has $(mvips $A | tr '\n' ' '), B $(mvips $B | tr '\n' ' ')"
mwait_counter $B a3 sent 2
moved || test_fail "the step-down did not hold"
[ "$(mlog_count $A 'Switching to state')" -eq $((ca + 1)) ] &&
    [ "$(mlog_count $B 'Switching to state')" -eq $((cb + 1)) ] ||
    test_fail "stepdown a3 changed other instances: $(rl_describe)"
mlog_has $A 'control: stepdown a3 asked by uid 0: 1 master' ||
    test_fail "A's log does not say who asked for the step-down"
ctl_states_ok $A && ctl_states_ok $B || test_fail "status disagrees with the logs after the step-down"
log "stepdown a3 moved 198.18.1.103 to B and nothing else"

# 4. reload: a broken file is refused with FILE:LINE, nothing changes.
states_a=$(ctl_states $A)
cp "${RL_CONF[A]}" "$TMPD/good.conf"
sed -i '0,/vhid = 5;/s//vhid = 300;/' "${RL_CONF[A]}"
line=$(grep -n 'vhid = 300;' "${RL_CONF[A]}" | cut -d: -f1)
rc=0
ctl $A reload > "$TMPD/reload.out" 2> "$TMPD/reload.err" || rc=$?
[ $rc -eq 1 ] || test_fail "reload of a broken file exited $rc: $(cat "$TMPD/reload.out" "$TMPD/reload.err")"
grep -q "^${RL_CONF[A]}:$line: " "$TMPD/reload.err" ||
    test_fail "reload of a broken file did not say ${RL_CONF[A]}:$line: $(cat "$TMPD/reload.err")"
grep -q 'refused' "$TMPD/reload.err" || test_fail "no verdict: $(cat "$TMPD/reload.err")"
[ "$(ctl_states $A)" = "$states_a" ] || test_fail "a refused reload changed states"
log "broken file: exit 1, $(head -n 1 "$TMPD/reload.err")"
RL_VHIDS[A]="${RL_VHIDS[A]} 25"
rl_conf $A "${RL_CONF[A]}"
chmod 600 "${RL_CONF[A]}"	# no warning about the password
out=$(ctl $A reload) || test_fail "reload of a good file exited $?: $out"
[ "$out" = "reload applied: 24 kept, 0 updated, 1 added, 0 removed, 0 failed" ] ||
    test_fail "reload of a good file said: $out"
n=$(ctl $A status -j | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["instances"]), d["daemon"]["reloads_applied"], d["daemon"]["reloads_refused"], d["daemon"]["last_reload"]["result"])')
[ "$n" = "25 1 1 applied" ] || test_fail "status after the reloads: $n"
grep -q '^ucarp_reloads_total{result="refused"} 1$' <(ctl $A metrics) ||
    test_fail "metrics do not count the refused reload"
log "good file: $out"
mcheck_running $A $B
test_pass
