#!/bin/bash
# A reload that changes four instances touches only those four.
#
# Hosts A (1) and B (2), 50 instances on one link, all preempt: A prefers
# a1..a45 (advskew 0 against B's 100), B prefers b46..b50.  One SIGHUP of
# A with a file that
#   - removes a10 (a MASTER on A): A logs "removed by the reload", runs its
#     down script once and bows out; B takes over at once, as "preemption"
#     or "master too slow", less than 1 s after A's reload (protocol check:
#     without the bow-out B would wait its master-down interval, 3.4 s),
#     and the address moves to B; on the wire A's last a10 advert is the
#     bow-out (advbase 255, advskew 255) and B's first one follows it by
#     less than 1 s;
#   - changes a20's advskew 0 -> 10: its adverts carry skew 10 from the
#     reload on (skew 0 before), with no state change on either host;
#   - changes b47's upscript (A is its backup): nothing happens yet;
#   - adds n51 (vhid 51, only on A): it starts BACKUP, then MASTER, and
#     runs its scripts.
# A logs "47 kept, 2 updated, 1 added, 1 removed"; no other instance logs
# anything or runs a script on either host.  Then B is reloaded with
# b47's advskew 0 -> 200, so A preempts b47: A runs b47's new up script
# (not the old one), and again nothing else moves.
. "$(dirname "$0")/lib_reload.sh"
rl_init 50 45
need_tcpdump
rl_start_pair

SRC_A=$(haddr $A 1)
SRC_B=$(haddr $B 1)
rl_script "$TMPD/h$A.up2" up2 "${D_EVENTS[A]}" add

# cap_n NAME SRC VRID SINCE_US MIN: MIN adverts of VRID from SRC since.
cap_n() { [ "$(mcap_count "$1" "$2" "$3" "$4")" -ge "$5" ]; }

# only_vhids H LIST: host H's log since the mark names no vhid outside LIST.
only_vhids() {
	rl_log_since "$1" | grep -oE ' vhid [0-9]+ \([^)]*\)' | sort -u |
	    awk -v list=" $2 " '{ if (!index(list, " " $2 " ")) print }'
}

# ---- 1. A's reload ------------------------------------------------------------
RL_DROP[$A:10]=1
RL_KEYS[$A:20]="advskew=10"
RL_KEYS[$A:47]="upscript=\"$TMPD/h$A.up2\""
RL_VHIDS[A]="$(seq 1 51 | tr '\n' ' ')"
rl_conf $A "$TMPD/new.conf"
"$UCARP" -t -c "$TMPD/new.conf" > "$TMPD/new.t" 2>&1 ||
    test_fail "the new file does not load: $(cat "$TMPD/new.t")"

rl_mark
mcap_start cap br1 'ip proto 112'
T0=$(now_us)
wait_until_slow 5 cap_n cap "$SRC_A" 20 "$T0" 1 || test_fail "no a20 advert within 5 s"
cp "$TMPD/new.conf" "${RL_CONF[A]}"
rl_hup $A
rl_expect_verdict "last reload applied: 47 kept, 2 updated, 1 added, 1 removed"
HUP_LINE=$(rl_log_since $A | grep -F 'SIGHUP: reloading' | tail -n 1)
T_HUP=$(rl_log_us "$HUP_LINE")
T_DONE=$(rl_log_us "$(rl_log_since $A | grep -F 'last reload applied' | tail -n 1)")

# a10: removed on A, taken over by B.
mwait_log $A ' vhid 10 \(a10\): removed by the reload' 2
# (The deadline is past B's master-down interval, so that a missing
# bow-out shows as a late takeover, not as none.)
mwait_log $B ' vhid 10 \(a10\): Switching to state: MASTER' 8
B_LINE=$(rl_log_since $B | grep -E ' vhid 10 \(a10\): Switching to state: MASTER' | head -n 1)
T_B=$(rl_log_us "$B_LINE")
log "a10: A's reload at $T_HUP, B MASTER at $T_B: $(( (T_B - T_HUP) / 1000 )) ms (${B_LINE#*] })"
[ $((T_B - T_HUP)) -lt 1000000 ] ||
    test_fail "B became MASTER of a10 $(( (T_B - T_HUP) / 1000 )) ms after A's reload (bound 1000 ms: the bow-out did not work): ${B_LINE#*] }"
echo "$B_LINE" | grep -qE 'MASTER \((preemption|master too slow)\)' ||
    test_fail "B took a10 over for another cause than the bow-out: ${B_LINE#*] }"
vip_on_b() { has_b=$(mvips $B | grep -cx 198.18.1.110); [ "$has_b" -eq 1 ] && ! mvips $A | grep -qx 198.18.1.110; }
wait_until 5 vip_on_b || test_fail "198.18.1.110 (a10) did not move to B"

# n51: added, BACKUP then MASTER.
mwait_log $A ' vhid 51 \(n51\): Switching to state: MASTER' 10
n51_done() { rl_events_since $A | grep -q '^end n51 up '; }
wait_until 5 n51_done || test_fail "n51's up script did not run"
a10_done() { rl_events_since $A | grep -q '^end a10 down '; }
wait_until 5 a10_done || test_fail "a10's down script did not run on A"
b_a10_done() { rl_events_since $B | grep -q '^end a10 up '; }
wait_until 5 b_a10_done || test_fail "a10's up script did not run on B"

# Close the capture: two a20 adverts after the reload, and B's a10 ones.
wait_until_slow 6 cap_n cap "$SRC_A" 20 "$T_DONE" 2 || test_fail "fewer than 2 a20 adverts after the reload"
wait_until_slow 6 cap_n cap "$SRC_B" 10 "$T_DONE" 2 || test_fail "fewer than 2 a10 adverts from B after the reload"
mcap_stop cap

# Wire: a10's bow-out and B's takeover.
rl_cap_adverts cap "$SRC_A" > "$TMPD/a.adv"
rl_cap_adverts cap "$SRC_B" > "$TMPD/b.adv"
last_a10=$(awk '$1 == 10' "$TMPD/a.adv" | tail -n 1)
read -r _ t_bow p_bow i_bow <<< "$last_a10"
[ "$p_bow" = 255 ] && [ "$i_bow" = 255 ] ||
    test_fail "A's last a10 advert is not a bow-out (advskew 255, advbase 255): $last_a10"
[ "$t_bow" -ge "$T_HUP" ] || test_fail "A's last a10 advert ($t_bow) is older than the reload ($T_HUP)"
first_b10=$(awk -v t="$t_bow" '$1 == 10 && $2 >= t' "$TMPD/b.adv" | head -n 1)
[ -n "$first_b10" ] || test_fail "B sent no a10 advert after A's bow-out"
read -r _ t_b10 _ _ <<< "$first_b10"
log "wire: A's bow-out at $t_bow, B's first a10 advert $(( (t_b10 - t_bow) / 1000 )) ms later"
[ $((t_b10 - t_bow)) -lt 1000000 ] ||
    test_fail "B's first a10 advert came $(( (t_b10 - t_bow) / 1000 )) ms after A's bow-out (bound 1000 ms)"
n=$(awk -v t="$t_bow" '$1 == 10 && $2 > t' "$TMPD/a.adv" | wc -l)
[ "$n" -eq 0 ] || test_fail "A sent $n a10 adverts after its bow-out"

# Wire: a20's skew, 0 before the reload, 10 after it.
before=$(awk -v t="$T_HUP" '$1 == 20 && $2 < t { p = $3 } END { print p }' "$TMPD/a.adv")
after=$(awk -v t="$T_DONE" '$1 == 20 && $2 > t { print $3 }' "$TMPD/a.adv" | sort -u | tr '\n' ' ')
[ "$before" = 0 ] || test_fail "a20's last advert before the reload had advskew '$before', expected 0"
[ "$after" = "10 " ] || test_fail "a20's adverts after the reload had advskew '$after', expected only 10"
log "wire: a20 advertised advskew $before before the reload, $after after"

# Logs: only a10 and n51 on A, only a10 on B; scripts likewise.
bad=$(only_vhids $A "10 51")
[ -z "$bad" ] || test_fail "A logged about instances the reload left alone or that changed silently:
$bad"
bad=$(only_vhids $B "10")
[ -z "$bad" ] || test_fail "B logged about other instances than a10:
$bad"
bad=$(rl_events_since $A | awk '$2 != "a10" && $2 != "n51"' | head -n 5)
[ -z "$bad" ] || test_fail "A ran scripts of other instances:
$bad"
bad=$(rl_events_since $B | awk '$2 != "a10"' | head -n 5)
[ -z "$bad" ] || test_fail "B ran scripts of other instances:
$bad"
seq_a10=$(rl_events_since $A | awk '$1 == "start" && $2 == "a10" { printf "%s ", $3 }')
[ "$seq_a10" = "down " ] || test_fail "a10's scripts on A after the reload: '$seq_a10', expected exactly one down"
seq_n51=$(rl_events_since $A | awk '$1 == "start" && $2 == "n51" { printf "%s ", $3 }')
[ "$seq_n51" = "down up " ] || test_fail "n51's scripts: '$seq_n51', expected 'down up '"
tr_n51=$(rl_log_since $A | grep -oE 'vhid 51 \(n51\): Switching to state: [A-Z]+' | awk '{ printf "%s ", $NF }')
[ "$tr_n51" = "BACKUP MASTER " ] || test_fail "n51's transitions: '$tr_n51', expected 'BACKUP MASTER '"
mvips $A | grep -qx 198.18.1.151 || test_fail "n51's address 198.18.1.151 is not on A"

D_NINST[A]=50
musr1 $A || test_fail "A did not answer SIGUSR1 with 50 status lines"
grep -q '^a10 ' "$USR1_OUT" && test_fail "SIGUSR1 still lists a10"
grep -qx 'n51 MASTER' "$USR1_OUT" || test_fail "SIGUSR1 does not show n51 MASTER"
grep -qx 'a20 MASTER' "$USR1_OUT" || test_fail "SIGUSR1 does not show a20 MASTER"
grep -qx 'b47 BACKUP' "$USR1_OUT" || test_fail "SIGUSR1 does not show b47 BACKUP"

# ---- 2. b47's new up script runs at its next transition --------------------------
rl_mark
RL_KEYS[$B:47]="advskew=200"
rl_conf $B "${RL_CONF[B]}"
rl_hup $B
rl_expect_verdict "last reload applied: 49 kept, 1 updated, 0 added, 0 removed"
mwait_log $A ' vhid 47 \(b47\): Switching to state: MASTER \(preemption\)' 5
b47_done() { rl_events_since $A | grep -q '^end b47 '; }
wait_until 5 b47_done || test_fail "no script ended for b47 on A"
b47_b_done() { rl_events_since $B | grep -q '^end b47 down '; }
wait_until 5 b47_b_done || test_fail "b47's down script did not run on B"
vip47_on_a() { mvips $A | grep -qx 198.18.1.147 && ! mvips $B | grep -qx 198.18.1.147; }
wait_until 5 vip47_on_a || test_fail "198.18.1.147 (b47) did not move to A"

seq_b47=$(rl_events_since $A | awk '$1 == "start" && $2 == "b47" { printf "%s ", $3 }')
[ "$seq_b47" = "up2 " ] || test_fail "A ran '$seq_b47' for b47, expected the new up script (up2) once"
bad=$(only_vhids $A "47")
[ -z "$bad" ] || test_fail "A logged about other instances than b47 after B's reload:
$bad"
bad=$(only_vhids $B "47")
[ -z "$bad" ] || test_fail "B logged about other instances than b47 after its reload:
$bad"
bad=$( (rl_events_since $A; rl_events_since $B) | awk '$2 != "b47"' | head -n 5)
[ -z "$bad" ] || test_fail "scripts of other instances ran after B's reload:
$bad"

mcheck_running $A $B
test_pass
