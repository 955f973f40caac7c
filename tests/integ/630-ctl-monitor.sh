#!/bin/bash
# ucarpctl monitor -j on B while A crashes, two hosts of 20 instances (10
# preferred by each): the events come in the order B acted, numbered
# without a gap; every one of A's 10 instances has its BACKUP -> MASTER
# transition, cause "master down", with B as the master; each up script's
# exit follows its transition; a reload shows up with its result; a peer
# with the wrong password shows up as a drop summary (bad_hmac); status
# then says MASTER for all 20, since when, and why.
. "$(dirname "$0")/lib_ctl.sh"
ctl_need
rl_init 20 10
rl_start_pair
MON=$TMPD/monitor.json
ctl_monitor $B "$MON"
t0=$(now_us)
mstop $A KILL
mflush_vips $A
all_b() { [ "$(ctl_states $B | awk '$2 == "MASTER"' | wc -l)" -eq 20 ]; }
wait_until 15 all_b || test_fail "B did not take over: $(ctl_states $B | tr '\n' ' ')"
scripts_done() {
	[ "$(python3 -c 'import json,sys
n = 0
for l in open(sys.argv[1]):
	e = json.loads(l)
	n += e["event"] == "script" and e["script"] == "up"
print(n)' "$MON")" -ge 10 ]
}
wait_until 15 scripts_done || test_fail "the up scripts' exits are not in the stream: $(tail -n 3 "$MON")"
ctl $B reload > /dev/null || test_fail "reload on B failed"
reload_seen() { grep -q '"event":"reload"' "$MON"; }
wait_until 5 reload_seen || test_fail "no reload event"
# A daemon on A with the wrong password for vhid 1 (no preempt, skew 200:
# it becomes master only after its master-down interval, B's adverts
# failing its check too).
ip netns exec "${M_NS[A]}" "$UCARP" -i eth0 -s "$(haddr $A 1)" -v 1 \
    -p wrong -a 198.18.1.101 -k 200 > "$TMPD/wrong.log" 2>&1 < /dev/null &
WRONG=$!
BG_PIDS+=("$WRONG")
drops_seen() { grep -q '"event":"drops".*"reason":"bad_hmac"' "$MON"; }
wait_until 15 drops_seen || test_fail "no bad_hmac drop summary: $(tail -n 2 "$MON")"
reap_pid "$WRONG" TERM
reap_pid "$MONPID" TERM
python3 - "$MON" "$(haddr $B 1)" "$t0" > "$TMPD/check.out" <<'EOP' ||
import json, sys
mon, master_b, t0 = sys.argv[1], sys.argv[2], int(sys.argv[3])
ev = [json.loads(l) for l in open(mon)]
bad = []
seqs = [e["seq"] for e in ev]
if seqs != list(range(seqs[0], seqs[0] + len(seqs))):
	bad.append("sequence numbers with a gap or out of order: %s" % seqs)
times = [e["time_us"] for e in ev]
if times != sorted(times):
	bad.append("events out of time order")
tr = [e for e in ev if e["event"] == "transition"]
names = sorted(e["name"] for e in tr)
want = sorted("a%d" % v for v in range(1, 11))
if names != want:
	bad.append("transitions of %s, not of %s" % (names, want))
for e in tr:
	if (e["from"], e["to"], e["cause"], e["master"]) != ("BACKUP", "MASTER", "master down", master_b):
		bad.append("transition %s" % e)
	if e["time_us"] < t0:
		bad.append("a transition before the crash: %s" % e)
pos = {e["name"]: i for i, e in enumerate(ev) if e["event"] == "transition"}
for i, e in enumerate(ev):
	if e["event"] == "script" and e["name"] in pos and i < pos[e["name"]]:
		bad.append("a script exit before its transition: %s" % e)
dr = [e for e in ev if e["event"] == "drops"]
if not dr or dr[0]["name"] != "a1" or dr[0]["count"] < 1:
	bad.append("drop summaries %s" % dr)
rl = [e for e in ev if e["event"] == "reload"]
if len(rl) != 1 or rl[0]["result"] != "applied" or rl[0]["kept"] != 20:
	bad.append("reload events %s" % rl)
print("%d events, seq %d..%d, %d transitions, %d drop summaries" % (len(ev), seqs[0], seqs[-1], len(tr), len(dr)))
for b in bad:
	print("BAD", b)
sys.exit(1 if bad else 0)
EOP
    test_fail "the event stream: $(cat "$TMPD/check.out")"
log "monitor -j: $(head -n 1 "$TMPD/check.out")"
out=$(ctl $B status a1 -j | python3 -c 'import json,sys; i=json.load(sys.stdin)["instances"][0]; print(i["state"], i["cause"], i["master"], i["since_us"] > '"$t0"', i["counters"]["transitions"], i["counters"]["scripts_run"], i["counters"]["dropped"]["bad_hmac"] > 0)')
[ "$out" = "MASTER master down $(haddr $B 1) True 2 2 True" ] || test_fail "status a1 on B after the failover: $out"
mcheck_running $B
test_pass
