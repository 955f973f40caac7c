#!/bin/bash
# Equal advert intervals, two masters meeting (as when a partition heals):
# exactly one must yield.  Both BSD kernels make a master yield to an
# equally frequent one (carp_input_c, carp_proto_input_c: "timercmp(>) ||
# timercmp(==)"); ucarp 1.5.2 breaks the tie by address and, as it
# yields, sends one more advert so that the winner hears it.  A BSD
# winner took that advert for an equally frequent master and yielded
# too: nobody was master until a down timer expired (3 s at advbase 1).
# Ours knows a BSD kernel by its adverts' Ethernet source, the virtual MAC
# 00:00:5e:00:01:vhid (ucarp sends from 00:00:5e:00:00:vhid), and does not
# yield to it on a tie: the BSD master yields on ours' next advert.
# bsdpeer.py (FreeBSD rules) sends through host 2's eth0, given the
# virtual MAC as a BSD carpN interface has it, and joins as a master
# while ours is master, its first advert first:
#   ours on the lower address 198.18.1.1 (ucarp's rule keeps ours too);
#   bsdpeer on the lower address, where ucarp's rule would yield.
# Asserted: exactly one transition (bsdpeer's) after bsdpeer joins, none
# more while 6 more adverts go either way, ours MASTER, bsdpeer BACKUP.
# Timers: advbase 1, advskew 0 on both, as on a BSD (with advbase 0 a
# backup's down interval, advskew/256 s, is one equal interval: it would
# time out under an equally frequent master).
. "$(dirname "$0")/lib_bsd.sh"
bsd_init 2
ADDRS=(--addr 198.18.0.150 --addr 198.18.0.20)
# shellcheck disable=SC2034  # read by lib_bsd.sh's bconf
B_ADVBASE=1

# adverts H: CVAL = adverts ours on host H sent and received.
adverts() {
	local sent
	mcounter "$1" "$B_NAME" sent || return 1
	sent=$CVAL
	mcounter "$1" "$B_NAME" received || return 1
	CVAL=$((CVAL + sent))
}
adverts_ge() { adverts "$1" && [ "$CVAL" -ge "$2" ]; }

# bsd_mac H: host H's eth0 takes the virtual MAC of vhid $B_VHID.
bsd_mac() {
	local mac
	mac=$(printf '00:00:5e:00:01:%02x' "$B_VHID")
	ip -n "${M_NS[$1]}" link set dev eth0 address "$mac" ||
	    test_fail "host $1: cannot set eth0's MAC to $mac"
}

# tie_case OURS_HOST PEER_HOST
tie_case() {
	local oh=$1 ph=$2 name=tie$2 n_ours n_peer a
	info "---- ours on $(haddr "$oh" 1), bsdpeer on $(haddr "$ph" 1) ----"
	bsd_mac "$ph"
	bconf "$oh" 0 "198.18.0.150 198.18.0.20"
	mstart "$oh" "$TMPD/h$oh.conf" 1
	bours_wait "$oh" MASTER 10
	n_ours=$(mlog_count "$oh" 'Switching to state')
	adverts "$oh" || test_fail "no counters from ours"
	a=$CVAL
	bpeer_start "$name" "$ph" --flavor freebsd --start master --advbase 1 \
	    --advskew 0 "${ADDRS[@]}"
	wait_until_slow 15 adverts_ge "$oh" $((a + 6)) ||
	    test_fail "ours sent and received $((CVAL - a)) adverts since bsdpeer joined"
	n_ours=$(( $(mlog_count "$oh" 'Switching to state') - n_ours ))
	n_peer=$(( $(bpeer_count "$name" '^state ') - 1 ))	# not its start
	log "ours $n_ours transitions ($(bours_state "$oh")), bsdpeer $n_peer ($(bpeer_state "$name"))"
	{ [ "$n_ours" -eq 0 ] && [ "$n_peer" -eq 1 ]; } ||
	    test_fail "ours made $n_ours transitions and bsdpeer $n_peer, expected 0 and 1 (ours must not yield to an equally frequent BSD master, which yields itself). Ours: $(grep 'Switching to state' "${D_LOG[$oh]}" | tail -n "$n_ours" | sed 's/: \[WARNING\].*state: / /' | tr '\n' ';') bsdpeer: $(grep '^state' "${BP_OUT[$name]}" | tr '\n' ';')"
	{ bours_is "$oh" MASTER && bpeer_is "$name" BACKUP; } ||
	    test_fail "not ours master and bsdpeer backup: ours $(bours_state "$oh"), bsdpeer $(bpeer_state "$name")"
	bpeer_stop "$name"
	mstop "$oh" TERM
}

tie_case 1 2
tie_case 2 1
test_pass
