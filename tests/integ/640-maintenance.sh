#!/bin/bash
# ucarpctl maintenance and demote, on two hosts of 5 instances from files:
# a1, a2 (group fw on A) and a3 preferred by A, b4 and b5 by B; every
# instance preempts; advbase 1, so B's master-down bound is 3 x (1 +
# 100/256) s = 4.2 s.
#
#   1. maintenance on a3: A bows out (an advert 255/255 on the wire) and
#      B's first advert as master for vhid 3 follows it by much less than
#      the master-down bound; nothing else moves; status (text, -j),
#      metrics and monitor say so; the state file holds a3.
#      systemd's STATUS line (NOTIFY_SOCKET) counts it.
#   2. A restarted: a3 comes up in maintenance (it stays B's while B's a3
#      advertises 3 times more), a1 and a2 are A's again (preempt); a
#      reload that removes a3 and one that adds it back: a3 is added in
#      maintenance.
#   3. maintenance off a3: A takes it back (preempt).
#   4. By group: on fw moves a1 and a2 (not a3); off all brings them back.
#   5. demote fw +200 moves A's group members to B (effective advskew 200
#      against B's 100, and B preempts); demote fw 0 brings them back.
#   6. The read-only socket refuses maintenance and demote; an unknown
#      instance or group, and a bad amount, are refused with a clear
#      message; none of it changes any state.
#   7. A damaged state file: A restarts with every instance in
#      maintenance and says why; maintenance off all writes a good file.
. "$(dirname "$0")/lib_ctl.sh"
ctl_need
need_tcpdump
rl_init 5 3
RL_KEYS[1:1]='groups=["fw"]'
RL_KEYS[1:2]='groups=["fw"]'
# systemd's notifications of both daemons' first run, into a file.
NOTIFY=$TMPD/notify.log
python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
f = open(sys.argv[2], "a", buffering=1)
while True:
	f.write(s.recv(4096).decode() + "\n")' "$TMPD/notify.sock" "$NOTIFY" &
BG_PIDS+=("$!")
wait_until 5 test -S "$TMPD/notify.sock" || test_fail "no notify socket"
export NOTIFY_SOCKET=$TMPD/notify.sock
ctl_start_pair "control_ro = \"$TMPD/h1.ro.sock\";" ""
unset NOTIFY_SOCKET
A1=198.18.1.101
A2=198.18.1.102
A3=198.18.1.103

split_is() { [ "$(mvips $A | tr '\n' ' ')" = "$1" ] && [ "$(mvips $B | tr '\n' ' ')" = "$2" ]; }
# expect_split VIPS_A VIPS_B WHAT: A's and B's VIPs become those within
# 10 s (the moves by preemption and bow-out take well under a second).
expect_split() {
	wait_until 10 split_is "$1" "$2" ||
	    test_fail "$3: A has $(mvips $A | tr '\n' ' '), B $(mvips $B | tr '\n' ' '); expected A '$1', B '$2'"
	log "$3: A has $1, B $2"
}
PREF_A="$A1 $A2 $A3 "
PREF_B="198.18.1.104 198.18.1.105 "
json_inst() {	# H NAME EXPR: a field of one instance of status -j
	ctl "$1" status "$2" -j | python3 -c "import json,sys; i=json.load(sys.stdin)['instances'][0]; print($3)"
}

MON=$TMPD/monitor.json
ctl_monitor $A "$MON"

# 1. maintenance on a3: the bow-out, seen on the wire.
mcap_start bow br1 ip proto 112
out=$(ctl $A maintenance on a3) || test_fail "maintenance on a3: exit $?: $out"
[ "$out" = "maintenance on a3: 1 instance, 1 changed (masters hand over at once)" ] ||
    test_fail "maintenance on a3 said: $out"
expect_split "$A1 $A2 " "$A3 $PREF_B" "maintenance on a3"
mwait_counter $B a3 sent 2
mcap_stop bow
bow=$(rl_cap_adverts bow "$(haddr $A 1)" | awk '$1 == 3 && $3 == 255 && $4 == 255 { print $2; exit }')
[ -n "$bow" ] || test_fail "no bow-out advert (255/255) of vhid 3 from A"
first=$(rl_cap_adverts bow "$(haddr $B 1)" | awk -v t="$bow" '$1 == 3 && $2 >= t { print $2; exit }')
[ -n "$first" ] || test_fail "no advert of vhid 3 from B after A's bow-out"
gap=$((first - bow))
[ "$gap" -lt 1500000 ] ||
    test_fail "B's first advert as master came $gap us after A's bow-out: not at once (master-down bound 4.2 s)"
log "bow-out: B advertised vhid 3 $gap us after A's 255/255 advert"
mlog_has $A 'a3\): maintenance on, asked by ucarpctl \(uid 0\)' ||
    test_fail "A's log does not say who put a3 in maintenance"
[ "$(json_inst $A a3 '(i["state"], i["maintenance"] is not None and i["maintenance"]["since_us"] > 0)')" = "('BACKUP', True)" ] ||
    test_fail "status -j a3: $(ctl $A status a3 -j)"
[ "$(json_inst $A a2 'i["maintenance"]')" = None ] || test_fail "a2 is in maintenance too"
ctl $A status a3 | grep -q '^  maintenance since 20' || test_fail "status a3 (text): $(ctl $A status a3)"
ctl $A metrics > "$TMPD/metrics"
grep -q '^ucarp_maintenance{interface="eth0",vhid="3",name="a3"} 1$' "$TMPD/metrics" &&
    grep -q '^ucarp_maintenance{interface="eth0",vhid="2",name="a2"} 0$' "$TMPD/metrics" ||
    test_fail "metrics: $(grep maintenance "$TMPD/metrics")"
grep -q '"event":"maintenance".*"name":"a3".*"on":true' "$MON" ||
    test_fail "no maintenance event in monitor: $(cat "$MON")"
grep -qx 'eth0 3 [0-9]*' "${D_STATE[A]}/maintenance" && grep -qx 'end 1' "${D_STATE[A]}/maintenance" ||
    test_fail "state file: $(cat "${D_STATE[A]}/maintenance")"
wait_until 5 grep -q '^STATUS=5 instances: [0-9]* MASTER, [0-9]* BACKUP, 1 in maintenance' "$NOTIFY" ||
    test_fail "systemd's status: $(grep STATUS "$NOTIFY" | tail -n 2)"
reap_pid "$MONPID" TERM

# 2. A restarted: a3 still in maintenance, a1 and a2 A's again.
mstop $A
mflush_vips $A
expect_split "" "$PREF_A$PREF_B" "A stopped"
mstart $A "${RL_CONF[A]}" 5
mwait_log $A 'a3\): in maintenance since .* \(state file\)'
expect_split "$A1 $A2 " "$A3 $PREF_B" "A restarted"
mwait_counter $B a3 sent 3
split_is "$A1 $A2 " "$A3 $PREF_B" || test_fail "a3 moved back to A while in maintenance"
[ "$(mstates $A | grep '^a3 ')" = "a3 BACKUP" ] || test_fail "a3 on A: $(mstates $A)"
RL_DROP[1:3]=1
rl_conf $A "${RL_CONF[A]}"
out=$(ctl $A reload) || test_fail "reload without a3: $out"
unset 'RL_DROP[1:3]'
rl_conf $A "${RL_CONF[A]}"
out=$(ctl $A reload) || test_fail "reload with a3: $out"
[ "$out" = "reload applied: 4 kept, 0 updated, 1 added, 0 removed, 0 failed" ] ||
    test_fail "reload with a3 said: $out"
mlog_has $A 'a3\): in maintenance since .* \(configured by a reload\)' ||
    test_fail "a3 added by a reload is not in maintenance"
mwait_counter $B a3 sent 3
split_is "$A1 $A2 " "$A3 $PREF_B" || test_fail "a3, added back by a reload, moved to A"

# 3. maintenance off a3: A takes it back.
out=$(ctl $A maintenance off a3) || test_fail "maintenance off a3: exit $?: $out"
expect_split "$PREF_A" "$PREF_B" "maintenance off a3"
grep -qx 'end 0' "${D_STATE[A]}/maintenance" || test_fail "state file after off: $(cat "${D_STATE[A]}/maintenance")"

# 4. By group, then all.
out=$(ctl $A maintenance on fw) || test_fail "maintenance on fw: exit $?: $out"
case $out in "maintenance on fw: 2 instances, 2 changed"*) ;; *) test_fail "maintenance on fw said: $out" ;; esac
expect_split "$A3 " "$A1 $A2 $PREF_B" "maintenance on fw"
out=$(ctl $A maintenance off all) || test_fail "maintenance off all: exit $?: $out"
expect_split "$PREF_A" "$PREF_B" "maintenance off all"

# 5. demote fw: B preempts A's members, then gives them back.
out=$(ctl $A demote fw +200) || test_fail "demote fw +200: exit $?: $out"
expect_split "$A3 " "$A1 $A2 $PREF_B" "demote fw +200"
[ "$(json_inst $A a1 'i["effective_advskew"]')" = 200 ] ||
    test_fail "a1's effective advskew: $(json_inst $A a1 'i["effective_advskew"]')"
out=$(ctl $A demote fw 0) || test_fail "demote fw 0: exit $?: $out"
expect_split "$PREF_A" "$PREF_B" "demote fw 0"

# 6. Refusals change nothing.
calm_states=$(ctl_states $A)
RO=$TMPD/h1.ro.sock
for cmd in "maintenance on a3" "demote fw +5"; do
	rc=0
	"$UCARPCTL" -s "$RO" $cmd > "$TMPD/ro.out" 2>&1 || rc=$?
	[ $rc -eq 1 ] && grep -q 'refused: this is the read-only control socket' "$TMPD/ro.out" ||
	    test_fail "read-only socket, $cmd: exit $rc, $(cat "$TMPD/ro.out")"
done
for c in "maintenance on nosuch:1:no instance or group nosuch" \
    "demote nosuch +5:1:demote nosuch:" \
    "maintenance maybe a3:2:say on or off" \
    "demote fw 5:2:give +N to add" "demote fw +256:2:give +N to add"; do
	IFS=: read -r cmd want text <<< "$c"
	rc=0
	ctl $A $cmd > "$TMPD/bad.out" 2>&1 || rc=$?
	[ $rc -eq "$want" ] && grep -q -- "$text" "$TMPD/bad.out" ||
	    test_fail "ucarpctl $cmd: exit $rc (expected $want), $(cat "$TMPD/bad.out")"
done
[ "$(ctl_states $A)" = "$calm_states" ] && split_is "$PREF_A" "$PREF_B" &&
    grep -qx 'end 0' "${D_STATE[A]}/maintenance" ||
    test_fail "a refused request changed something: $(rl_describe)"
log "read-only socket and bad requests refused, nothing changed"

# 7. A damaged state file: every instance held, until off all.
mstop $A
mflush_vips $A
printf 'ucarp-maintenance 1\neth0 1 17650\n' > "${D_STATE[A]}/maintenance"
expect_split "" "$PREF_A$PREF_B" "A stopped"
mstart $A "${RL_CONF[A]}" 5
mwait_log $A 'maintenance state .*/maintenance:3: cut short.* every instance is put in maintenance'
mwait_counter $B a1 sent 3
split_is "" "$PREF_A$PREF_B" || test_fail "A took an address back with a damaged state file"
[ "$(ctl $A status -j | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["daemon"]["state_file_refused"], d["daemon"]["in_maintenance"])')" = "True 5" ] ||
    test_fail "status after a damaged file: $(ctl $A status)"
out=$(ctl $A maintenance off all) || test_fail "maintenance off all: exit $?: $out"
expect_split "$PREF_A" "$PREF_B" "maintenance off all after the damaged file"
grep -qx 'end 0' "${D_STATE[A]}/maintenance" || test_fail "state file not rewritten: $(cat "${D_STATE[A]}/maintenance")"
mcheck_running $A $B
test_pass
