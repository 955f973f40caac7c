#!/bin/bash
# Wire format of our adverts, checked byte by byte in a capture on the
# bridge, and accepted by a ucarp 1.5.2 backup (no "Bad digest", stays
# BACKUP).  Also checks our takeover gratuitous ARP (protocol doc 4).
. "$(dirname "$0")/lib.sh"
test_init
make_net 198.18.1.2 198.18.1.3
capture_start wire 'ip proto 112 or arp'

# Ours first and alone, so the reference starts as a backup of a running
# master.  vhid 42 = 0x2a, advbase 1, advskew 10 = 0x0a.
start_node 1 ours -k 10
wait_state 1 MASTER 10
start_node 2 ref -k 100
wait_state 2 BACKUP 5
expect_master 1 2
check_clean_logs 1 2
[ "$(switch_count 2)" -eq 1 ] || test_fail "reference left BACKUP at some point"

OURS_IP="ip proto 112 and src host 198.18.1.2"
wait_until 5 capture_count_ge 3 wire $OURS_IP || test_fail "fewer than 3 adverts of ours captured"

# Expected bytes, in hex, of a frame (v = variable, checked separately).
# 01005e000012 00005e00002a 0800 | 45 10 0038 vvvv 4000 ff 70 vvvv c6120102 e0000012
# | 21 2a 0a 07 00 01 vvvv + 8 counter + 20 HMAC
hmac_hex() {	# KEY HEXMSG
	printf '%s' "$2" | xxd -r -p | openssl dgst -sha1 -mac HMAC -macopt "key:$1" |
	    awk '{ print $NF }'
}
n=0
while read -r h; do
	n=$((n + 1))
	what="our advert #$n ($h)"
	[ ${#h} -eq 140 ] || test_fail "$what: frame is $(( ${#h} / 2 )) bytes, expected 70"
	[ "${h:0:12}" = 01005e000012 ] || test_fail "$what: destination MAC ${h:0:12}"
	[ "${h:12:12}" = 00005e00002a ] || test_fail "$what: source MAC ${h:12:12}, expected 00:00:5e:00:00:2a"
	[ "${h:24:4}" = 0800 ] || test_fail "$what: ethertype ${h:24:4}"
	[ "${h:28:2}" = 45 ] || test_fail "$what: version/IHL ${h:28:2}"
	[ "${h:30:2}" = 10 ] || test_fail "$what: TOS ${h:30:2}, expected 10"
	[ "${h:32:4}" = 0038 ] || test_fail "$what: IP total length ${h:32:4}"
	[ "${h:40:4}" = 4000 ] || test_fail "$what: flags/fragment ${h:40:4}, expected 4000 (DF)"
	[ "${h:44:2}" = ff ] || test_fail "$what: TTL ${h:44:2}"
	[ "${h:46:2}" = 70 ] || test_fail "$what: protocol ${h:46:2}"
	[ "${h:52:8}" = c6120102 ] || test_fail "$what: IP source ${h:52:8}"
	[ "${h:60:8}" = e0000012 ] || test_fail "$what: IP destination ${h:60:8}"
	[ "$(hex_csum "${h:28:40}")" = ffff ] || test_fail "$what: bad IP header checksum"
	[ "${h:68:12}" = 212a0a070001 ] ||
	    test_fail "$what: CARP header starts ${h:68:12}, expected 21 2a 0a 07 00 01"
	[ "$(hex_csum "${h:68:72}")" = ffff ] || test_fail "$what: bad CARP checksum"
	if command -v openssl >/dev/null && command -v xxd >/dev/null; then
		want=$(hmac_hex "$PASS" "02012ac6120064${h:84:16}")
		[ "${h:100:40}" = "$want" ] || test_fail "$what: HMAC ${h:100:40}, expected $want"
	fi
done < <(capture_hex wire $OURS_IP | head -n 5)
[ $n -ge 3 ] || test_fail "only $n adverts decoded"
log "$n adverts of ours match the ucarp 1.5.2 layout"

# Gratuitous ARP at takeover: broadcast, request, sender = target = VIP,
# sender MAC = target MAC = the host's real MAC, 42 bytes.
mac=$(host_mac 1 | tr -d :)
garp=$(capture_hex wire arp and ether src "$(host_mac 1)" | head -n 1)
[ -n "$garp" ] || test_fail "no gratuitous ARP from our master"
want="ffffffffffff${mac}08060001080006040001${mac}c6120064${mac}c6120064"
[ "$garp" = "$want" ] || test_fail "gratuitous ARP $garp, expected $want"
log "gratuitous ARP matches"
capture_stop wire
test_pass
