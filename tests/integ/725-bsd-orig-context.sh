#!/bin/bash
# OpenBSD's second HMAC context ("orig", HMAC_ORIG): every inet and inet6
# address of carpN, carpN's own link-local included (fe80::200:5eff:fe00:
# 1XX: the EUI-64 of the virtual MAC 00:00:5e:00:01:XX, vhid XX; reference
# carp-bsd-wire.md 2.4, vector V5).  OpenBSD accepts adverts under either
# context, and so must ours (issue 17).  bsdpeer.py (OpenBSD flavour)
# masters an IPv6-only and a dual-stack vhid, first with the context
# OpenBSD sends ("nov6ll", the control), then with "orig": ours must stay
# BACKUP under both, counting no bad HMAC.
# Timers as in 720: ours advskew 50, bsdpeer advskew 4, advbase 0.
. "$(dirname "$0")/lib_bsd.sh"
bsd_init 2
bsd_v6 1 2
declare -A SET=(
	[v6]="2001:db8::72:150 2001:db8::72:20/64"
	[ds]="198.18.0.150 2001:db8::72:150 198.18.0.20"
)

# addr_args KIND: ADDR_ARGS = --addr A for each address of the set.
addr_args() {
	local a
	ADDR_ARGS=()
	for a in ${SET[$1]}; do ADDR_ARGS+=(--addr "$a"); done
}
accepted() { mcounter_ge 1 "$B_NAME" received 40; }

for kind in v6 ds; do
	for ctx in nov6ll orig; do
		info "---- $kind: OpenBSD master, context $ctx ----"
		addr_args "$kind"
		bpeer_start "$kind$ctx" 2 --flavor openbsd --send-context "$ctx" \
		    --start master --advbase 0 --advskew 4 "${ADDR_ARGS[@]}"
		bpeer_wait "$kind$ctx" MASTER 5
		mflush_vips 1
		bconf 1 50 "${SET[$kind]}"
		mstart 1 "$TMPD/h1.conf" 1
		bours_wait 1 BACKUP 10
		what="the set ${SET[$kind]}"
		[ "$ctx" = orig ] && what="$what and carpN's link-local fe80::200:5eff:fe00:148"
		if ! wait_until_slow 5 accepted; then
			mcounter 1 "$B_NAME" bad_hmac
			test_fail "ours rejects OpenBSD's $ctx context (hashing $what): $CVAL bad HMACs"
		fi
		bours_never 1 MASTER
		mcounter 1 "$B_NAME" bad_hmac
		[ "$CVAL" -eq 0 ] || test_fail "ours counted $CVAL bad HMACs under context $ctx"
		bpeer_stop "$kind$ctx"
		mstop 1 TERM
	done
done
test_pass
