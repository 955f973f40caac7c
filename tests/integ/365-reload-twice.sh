#!/bin/bash
# Two SIGHUPs back to back, the file rewritten in between, while scripts
# queue: the end state is the second file's, no script lost or doubled.
#
# Hosts A (1) and B (2), 50 instances on one link, all preempt: A prefers
# a1..a45 (advskew 0 against B's 100), B prefers b46..b50.  Once settled,
# A's scripts are made slow (0.3 s, script_jobs = 1, so they queue).  Two
# files are written beforehand; A's file is replaced by the first (mv, as
# editors do), A gets SIGHUP, the file is replaced by the second, SIGHUP
# again, without waiting in between.  Depending on when the daemon reads
# the file, it applies the first then the second, or the second (twice,
# or once when the two signals merge); either way:
#   first file:  a6's address .106 -> .206, b47's .147 -> .247, a8's
#                advskew 0 -> 200 (B would preempt it), a10 removed, n51
#                added (advskew 0);
#   second file: a6 .226, b47 .227, a8 back to advskew 0, a10 removed,
#                n51 with advskew 20.
# Then SIGUSR1 (handled after both SIGHUPs) shows every verdict logged, and
# a third SIGHUP with the second file unchanged must say "50 kept, 0
# updated, 0 added, 0 removed": the running configuration is the second
# file's.  Once everything settled:
#   - A is MASTER of a1..a45 but a10, and of n51; B of b46..b50 and a10;
#     the addresses are where the states say, a6's new one .226 on A (not
#     .106 nor .206), no b47 address on either host;
#   - a6 (master on A): its address scripts alternate down and up, start
#     with down .106, each down for the address of the up before it, end
#     with up .226, and every one ended; no other script for a6;
#   - b47 (backup on A): no script; a10: one down script on A (removal),
#     one up script on B (takeover); n51: one down then one up on A;
#   - on both hosts every other script matches a transition of its own
#     (rl_check_scripts), every "Spawning" line a started script; no
#     instance but a6, a8, a10 and n51 logged a state change or ran a
#     script; n51 advertises advskew 20 and a8 advskew 0 (capture).
. "$(dirname "$0")/lib_reload.sh"
rl_init 50 45
need_tcpdump
RL_GLOBAL="script_jobs = 1;"
rl_start_pair

SRC_A=$(haddr $A 1)
F1=$TMPD/first.conf
F2=$TMPD/second.conf

# The two files, written before the burst.
RL_VHIDS[A]="$(seq 1 51 | tr '\n' ' ')"
RL_DROP[$A:10]=1
RL_KEYS[$A:6]='addr="198.18.1.206"'
RL_KEYS[$A:47]='addr="198.18.1.247"'
RL_KEYS[$A:8]='advskew=200'
rl_conf $A "$F1"
RL_KEYS[$A:6]='addr="198.18.1.226"'
RL_KEYS[$A:47]='addr="198.18.1.227"'
RL_KEYS[$A:8]='advskew=0'
RL_KEYS[$A:51]='advskew=20'
rl_conf $A "$F2"
for f in "$F1" "$F2"; do
	"$UCARP" -t -c "$f" > "$TMPD/t.out" 2>&1 || test_fail "$f does not load: $(cat "$TMPD/t.out")"
done
cp "$F1" "$TMPD/f1.copy"
cp "$F2" "$TMPD/f2.copy"

echo 0.3 > "$TMPD/delay"
rl_mark
mcap_start cap br1 'ip proto 112'
mv "$TMPD/f1.copy" "${RL_CONF[A]}"
kill -HUP "${D_PID[A]}" || test_fail "kill -HUP A"
mv "$TMPD/f2.copy" "${RL_CONF[A]}"
kill -HUP "${D_PID[A]}" || test_fail "kill -HUP A"
T_HUP=$(now_us)

# SIGUSR1 is handled after both SIGHUPs (libevent runs signal events in
# signal order, HUP first): every reload of the burst is done by then.
D_NINST[A]=50
musr1 $A || test_fail "A did not answer SIGUSR1 with 50 status lines after the burst"
n=$(rl_log_since $A | grep -c 'SIGHUP: reloading')
log "A reloaded $n time(s) for the burst: $(rl_log_since $A | grep -E '\] last reload ' | sed 's/.*\] //' | sort -u | tr '\n' ';')"
[ "$n" -ge 1 ] && [ "$n" -le 2 ] || test_fail "A reloaded $n times for two SIGHUPs, expected 1 or 2"
bad=$(rl_log_since $A | grep -E '\] last reload of .* refused' | head -n 3)
[ -z "$bad" ] || test_fail "a reload of the burst was refused:
$bad"
grep -q '^a10 ' "$USR1_OUT" && test_fail "SIGUSR1 still lists a10"
grep -q '^n51 ' "$USR1_OUT" || test_fail "SIGUSR1 does not list n51"

# The barrier: the running configuration is the second file's.
rl_hup $A
rl_expect_verdict "last reload applied: 50 kept, 0 updated, 0 added, 0 removed"

# Everything settles: states, addresses, scripts.
VIPS_A="$( (seq 101 145 | grep -vx 110 | grep -vx 106; echo 226; echo 151) | sed 's/^/198.18.1./' | sort)"
VIPS_B="$( (seq 146 150; echo 110) | sed 's/^/198.18.1./' | sort)"
no_script_running() {
	local h
	for h in $A $B; do
		[ "$(grep -c '^start ' "${D_EVENTS[h]}")" -eq "$(grep -c '^end ' "${D_EVENTS[h]}")" ] || return 1
	done
}
settled() {
	[ "$(mvips $A)" = "$VIPS_A" ] && [ "$(mvips $B)" = "$VIPS_B" ] &&
	    mstates $A | awk '
		$1 == "a10" { if ($2 != "INIT") bad++; next }
		($1 ~ /^[an]/) != ($2 == "MASTER") { bad++ }
		END { exit bad != 0 }' &&
	    mstates $B | awk '($1 ~ /^b/ || $1 == "a10") != ($2 == "MASTER") { bad++ } END { exit bad != 0 }' &&
	    no_script_running
}
wait_until 30 settled || test_fail "no settled end state within 30 s: $(rl_describe); A's addresses: $(mvips $A | tr '\n' ' ')"
log "settled: $(rl_describe)"
T1=$(now_us)
wait_until_slow 5 rl_every_vrid_since cap "$SRC_A" "$T1" 1 "8 51" ||
    test_fail "no a8 and n51 adverts after the end state"
mcap_stop cap

# a6: its address scripts.
seq=$(rl_addr_scripts $A | awk '$1 == "a6" { printf "%s %s,", $2, $3 }')
log "a6's address scripts on A: $seq"
echo "$seq" | awk -F, '
	{
		prev = "198.18.1.106"; want = "down"
		for (i = 1; i < NF; i++) {
			split($i, f, " ")
			if (f[1] != want) { print "script " i " is " f[1] ", expected " want; exit 1 }
			if (f[1] == "down" && f[2] != prev) { print "down script " i " for " f[2] ", expected " prev; exit 1 }
			if (f[1] == "up") prev = f[2]
			want = want == "down" ? "up" : "down"
		}
		if (NF < 3 || f[1] != "up" || f[2] != "198.18.1.226") { print "the last is not up 198.18.1.226"; exit 1 }
	}' > "$TMPD/a6.bad" || test_fail "a6's address scripts on A: $seq: $(cat "$TMPD/a6.bad")"
n=$(rl_events_since $A | awk -v r="$RL_REASON_ADDRS" '$1 == "start" && $2 == "a6" && $9 != r' | wc -l)
[ "$n" -eq 0 ] || test_fail "a6 ran $n scripts on A for another reason than its address"

# Per instance, per host.
scripts_of() { rl_events_since "$1" | awk -v n="$2" '$1 == "start" && $2 == n { printf "%s ", $3 }'; }
[ -z "$(scripts_of $A b47)$(scripts_of $B b47)" ] ||
    test_fail "b47 ran scripts: A '$(scripts_of $A b47)', B '$(scripts_of $B b47)'"
[ "$(scripts_of $A a10)" = "down " ] || test_fail "a10's scripts on A: '$(scripts_of $A a10)', expected one down (its removal)"
[ "$(scripts_of $B a10)" = "up " ] || test_fail "a10's scripts on B: '$(scripts_of $B a10)', expected one up (its takeover)"
[ "$(scripts_of $A n51)" = "down up " ] || test_fail "n51's scripts on A: '$(scripts_of $A n51)', expected 'down up '"
bad=$(rl_events_since $A | awk '$1 == "start" && $2 !~ /^(a6|a8|a10|n51)$/' | head -n 5)
[ -z "$bad" ] || test_fail "A ran scripts of other instances:
$bad"
bad=$(rl_events_since $B | awk '$1 == "start" && $2 !~ /^(a8|a10)$/' | head -n 5)
[ -z "$bad" ] || test_fail "B ran scripts of other instances:
$bad"
for h in $A $B; do
	bad=$(rl_log_since $h | grep -E 'Switching to state' | grep -vE '\((a8|a10|n51)\): ' | head -n 5)
	[ -z "$bad" ] || test_fail "host $h: other instances changed state:
$bad"
	# a10's removal on A runs its down script in INIT, not in a transition to BACKUP.
	bad=$(rl_check_scripts $h | grep -v '^a10: ')
	[ -z "$bad" ] || test_fail "host $h: scripts do not match transitions:
$(echo "$bad" | head -n 10)"
	sp=$(rl_log_since $h | grep -c ': Spawning \[')
	st=$(rl_events_since $h | grep -c '^start ')
	[ "$sp" -eq "$st" ] || test_fail "host $h logged $sp spawns but $st scripts started"
	log "host $h: $st scripts since the burst, consistent"
done

# The wire: the second file's advskew for n51 and a8.
rl_cap_adverts cap "$SRC_A" > "$TMPD/a.adv"
p=$(awk -v t="$T1" '$1 == 51 && $2 >= t { print $3 }' "$TMPD/a.adv" | sort -u | tr '\n' ' ')
[ "$p" = "20 " ] || test_fail "n51 advertises advskew '$p' at the end, expected 20"
p=$(awk -v t="$T1" '$1 == 8 && $2 >= t { print $3 }' "$TMPD/a.adv" | sort -u | tr '\n' ' ')
[ "$p" = "0 " ] || test_fail "a8 advertises advskew '$p' at the end, expected 0"

mcheck_running $A $B
test_pass
