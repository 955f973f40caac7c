#!/bin/bash
# Interoperability with OpenBSD and FreeBSD CARP: ours against bsdpeer.py,
# an independent peer written from the BSD kernels, on a vhid holding
# several addresses (configured out of order: the HMAC sorts them) of one
# family or both.  For each set (IPv4, IPv6, dual-stack) and flavour
# (OpenBSD: constant counter, demote byte, sends the "nov6ll" context and
# accepts "orig" too; FreeBSD: adopted counter, DSCP 56, one context):
#   accept	bsdpeer master: ours stays BACKUP while it accepts bsdpeer's
#		adverts (no bad_hmac, never MASTER);
#   verify	bsdpeer falls silent (a crash): ours takes over, and bsdpeer
#		verifies ours' adverts of every family of the set (HMAC,
#		checksum, TTL / hop limit, group, Ethernet destination);
#   bowout	bsdpeer comes back (its down timer is shorter than ours'
#		interval, so it takes over) and ours yields to its shorter
#		interval; bsdpeer bows out (255/255): ours takes over on
#		that advert;
#   backup	bsdpeer backup (one master-down timer per family, as the
#		BSDs): it stays BACKUP while ours is master, takes over when
#		ours is SIGKILLed; ours, restarted, stays BACKUP under it;
#		ours bows out on SIGTERM (shutdown = true): bsdpeer takes
#		over on that advert.
# Then a negative control (a FreeBSD peer lacking one address: the HMAC
# fails both ways, two masters).  OpenBSD's second context, sent, is
# 725's.
# With IPv4 only, OpenBSD's two contexts hash the same bytes (carpN has no
# link-local without IPv6): bsdpeer shows both matching.
# Timers: advbase 0 everywhere; ours advskew 50 (master 195 ms, backup
# down after 195 ms), bsdpeer master advskew 4 (16 ms), backup 120.
. "$(dirname "$0")/lib_bsd.sh"
bsd_init 2
bsd_v6 1 2
OURS=1			# host 1, 198.18.1.1: ours
PEER=2			# host 2, 198.18.1.2: bsdpeer.py
declare -A SET=(
	[v4]="198.18.0.150 198.18.0.20 198.18.0.101"
	[v6]="2001:db8::72:150 2001:db8::72:20/64 2001:db8::72:101"
	[ds]="198.18.0.150 2001:db8::72:150 198.18.0.20 2001:db8::72:20/64"
)
declare -A FAMS=([v4]=4 [v6]=6 [ds]="4 6")

"$PY" "$BSDPEER" selftest > "$TMPD/selftest.out" 2>&1 ||
    test_fail "bsdpeer.py selftest: $(grep -v '^ok' "$TMPD/selftest.out")"

# addr_args KIND: ADDR_ARGS = --addr A for each address of the set.
addr_args() {
	local a
	ADDR_ARGS=()
	for a in ${SET[$1]}; do ADDR_ARGS+=(--addr "$a"); done
}

# rx_ours FAM [CTX]: bsdpeer's line for a good advert of ours (under CTX).
rx_ours() {
	local src
	if [ "$1" = 4 ]; then src=$(haddr $OURS 1); else src=$(bsd_ll $OURS); fi
	echo "^rx fam=$1 src=$src .*${2:-}.* verdict=OK"
}

# ctx_of FLAVOUR KIND: the contexts bsdpeer finds in ours' adverts.
ctx_of() {
	case $1:$2 in
	openbsd:v4) echo 'hmac=nov6ll,orig' ;;
	openbsd:*) echo 'hmac=nov6ll' ;;	# carpN's link-local is in orig only
	freebsd:*) echo 'hmac=freebsd' ;;
	esac
}

# ours_rx_clean: ours' bad_hmac is 0 (SIGUSR1 counters).
ours_rx_clean() {
	mcounter $OURS "$B_NAME" bad_hmac || test_fail "no counters from ours"
	[ "$CVAL" -eq 0 ] || test_fail "ours counted $CVAL bad HMACs from bsdpeer"
}

# ours_start KIND SKEW: ours with the set of KIND, bowing out on SIGTERM.
ours_start() {
	mflush_vips $OURS
	bconf $OURS "$2" "${SET[$1]}" shutdown=true
	mstart $OURS "$TMPD/h$OURS.conf" 1
}

# accept NAME FLAVOUR KIND [ARGS]: bsdpeer master, ours stays BACKUP.
accept() {
	local name=$1 fl=$2 kind=$3
	shift 3
	addr_args "$kind"
	bpeer_start "$name" $PEER --flavor "$fl" --start master --advbase 0 \
	    --advskew 4 "${ADDR_ARGS[@]}" "$@"
	bpeer_wait "$name" MASTER 5
	ours_start "$kind" 50
	bours_wait $OURS BACKUP 10
	mwait_counter $OURS "$B_NAME" received 40 10
	bours_never $OURS MASTER
	ours_rx_clean
}

# verify NAME FLAVOUR KIND: bsdpeer silent, ours takes over; bsdpeer
# verifies ours' adverts of each family.
verify() {
	local name=$1 f
	bpeer_mark "$name"
	bpeer_sig "$name" USR1
	bours_wait $OURS MASTER 5
	for f in ${FAMS[$3]}; do
		bpeer_wait_count "$name" "$(rx_ours "$f" "$(ctx_of "$2" "$3")")" 5 10
	done
	bpeer_no_bad "$name"
}

# bowout NAME: bsdpeer back, ours yields; bsdpeer bows out, ours takes
# over on the bow-out advert itself (not after its own down timer).
bowout() {
	local name=$1 n
	n=$(mlog_count $OURS 'Switching to state: MASTER \(master too slow\)')
	bpeer_sig "$name" HUP
	bpeer_wait "$name" MASTER 5
	bours_wait $OURS BACKUP 5
	bpeer_sig "$name" USR2
	bpeer_wait "$name" SILENT 5
	bours_wait $OURS MASTER 5
	[ "$(mlog_count $OURS 'Switching to state: MASTER \(master too slow\)')" -gt "$n" ] ||
	    test_fail "ours did not take over on the bow-out: $(grep 'Switching to state: MASTER' "${D_LOG[$OURS]}" | tail -n 1)"
	bpeer_no_bad "$name"
}

# backup NAME FLAVOUR KIND: bsdpeer backup under ours (master), then
# master when ours is SIGKILLed; ours back (slower) stays BACKUP; ours
# master again, then bowing out: bsdpeer takes over on that advert.
backup() {
	local name=$1 fl=$2 kind=$3 f
	addr_args "$kind"
	bpeer_start "$name" $PEER --flavor "$fl" --start backup --advbase 0 \
	    --advskew 120 "${ADDR_ARGS[@]}"
	bpeer_wait "$name" BACKUP 5
	# 8 adverts a family: longer than bsdpeer's down timer (1.4 s), so a
	# family ours left out would have made it master.
	for f in ${FAMS[$kind]}; do
		bpeer_wait_count "$name" "$(rx_ours "$f" "$(ctx_of "$fl" "$kind")")" 8 10
	done
	bpeer_is "$name" BACKUP ||
	    test_fail "bsdpeer $name left BACKUP under ours: $(grep '^state' "${BP_OUT[$name]}")"
	mstop $OURS KILL
	bpeer_wait "$name" MASTER 5
	grep -q '^state MASTER why=master-down fam=' "${BP_OUT[$name]}" ||
	    test_fail "bsdpeer $name: $(grep '^state MASTER' "${BP_OUT[$name]}")"
	ours_start "$kind" 200
	bours_wait $OURS BACKUP 10
	mwait_counter $OURS "$B_NAME" received 5 10
	bours_never $OURS MASTER
	ours_rx_clean

	bpeer_sig "$name" USR1
	bours_wait $OURS MASTER 10
	bpeer_sig "$name" HUP
	bpeer_wait "$name" BACKUP 5
	bpeer_mark "$name"
	bpeer_wait_count "$name" "$(rx_ours "${FAMS[$kind]%% *}")" 2 10
	mstop $OURS TERM
	bpeer_wait "$name" MASTER 5
	bpeer_count_ge "$name" "^rx fam=[46] src=[^ ]* vhid=$B_VHID advbase=255 advskew=255 .*verdict=OK" 1 ||
	    test_fail "bsdpeer $name did not see ours' bow-out advert"
	bpeer_lines "$name" | grep -q '^state MASTER why=slow-master' ||
	    test_fail "bsdpeer $name took over, but not on the bow-out: $(grep '^state MASTER' "${BP_OUT[$name]}")"
	bpeer_no_bad "$name"
	bpeer_stop "$name"
}

# round KIND FLAVOUR STEP...
round() {
	local kind=$1 fl=$2 step
	shift 2
	info "---- $kind $fl: $* ----"
	for step in "$@"; do
		case $step in
		accept) accept "$kind$fl" "$fl" "$kind" ;;
		verify) verify "$kind$fl" "$fl" "$kind" ;;
		bowout) bowout "$kind$fl" ;;
		backup)
			bpeer_stop "$kind$fl"
			backup "$kind${fl}b" "$fl" "$kind"
			;;
		esac
	done
	pid_alive "${BP_PID[$kind$fl]}" && bpeer_stop "$kind$fl"
	mstop $OURS TERM
}

# Every step with OpenBSD; with FreeBSD those where the flavour matters
# (its counter, DSCP and single context in both directions; as a backup,
# which adopts our counter, once).
round v4 openbsd accept verify bowout backup
round v4 freebsd accept verify backup
round v6 openbsd accept verify bowout backup
round v6 freebsd accept verify
round ds openbsd accept verify bowout backup
round ds freebsd accept verify

# Negative control: one address less on the FreeBSD side.
info "---- mismatched address set ----"
ours_start ds 50
bours_wait $OURS MASTER 10
bpeer_start bad $PEER --flavor freebsd --start master --advbase 0 \
    --advskew 4 --addr 198.18.0.150 --addr 2001:db8::72:150 --addr 198.18.0.20
for f in 4 6; do
	bpeer_wait_count bad "^rx fam=$f .*hmac=none verdict=BAD why=hmac" 2 10
done
wait_until 5 mcounter_ge $OURS "$B_NAME" bad_hmac 5 ||
    test_fail "ours counted $CVAL bad HMACs from a peer with another address set"
bours_is $OURS MASTER || test_fail "ours yielded to a peer whose HMAC is wrong"
bpeer_is bad MASTER || test_fail "bsdpeer yielded to ours despite the wrong HMAC"
mlog_has $OURS 'Bad digest|differs' || test_fail "ours logged no bad digest"
bpeer_stop bad
mstop $OURS TERM

test_pass
