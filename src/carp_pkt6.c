/*
 * carp_pkt6.c: build and parse CARP adverts over IPv6, byte for byte as
 * OpenBSD and FreeBSD put them on the wire (carp-bsd-wire.md section 3.2).
 *
 * Pure core: no I/O, no clock, no globals, no allocation.  Every read of
 * a received frame is bounds-checked against its length first.  The CARP
 * header itself is carp_pkt.c's.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "carp_hmac.h"
#include "carp_pkt.h"
#include "carp_pkt6.h"
#include "carp_wire.h"

const uint8_t	carp_group6[16] = {
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12
};

/*
 * Next headers that are IPv6 extension headers (IANA's list).  A CARP
 * advert behind one of them is not followed: no BSD sends one, and the
 * capture filter's "ip6 proto 112" does not chase the chain either.
 */
static bool
pkt6_is_ext(uint8_t nxt)
{
	switch (nxt) {
	case 0:		/* hop-by-hop options */
	case 43:	/* routing */
	case 44:	/* fragment */
	case 50:	/* ESP */
	case 51:	/* AH */
	case 60:	/* destination options */
	case 135:	/* mobility */
	case 139:	/* HIP */
	case 140:	/* shim6 */
	case 253:	/* experiments */
	case 254:
		return true;
	default:
		return false;
	}
}

void
carp_mcast6_mac(uint8_t mac[6], const uint8_t group[16])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, group + 12, 4);
}

/*
 * The 40-byte IPv6 header at ip, which is zeroed: traffic class and flow
 * label 0 (as OpenBSD), hop limit 255 (CARP's and neighbour discovery's).
 */
void
carp_ip6_hdr(uint8_t *ip, uint16_t plen, uint8_t nxt, const uint8_t src[16],
    const uint8_t dst[16])
{
	ip[IP6_VFC] = 6 << 4;
	wire_put16(ip + IP6_PLEN, plen);
	ip[IP6_NXT] = nxt;
	ip[IP6_HLIM] = CARP_TTL;
	memcpy(ip + IP6_SRC, src, 16);
	memcpy(ip + IP6_DST, dst, 16);
}

/* Check structure, hop limit, version and type; decode into *adv. */
enum carp_verdict
carp_pkt6_parse(const uint8_t *frame, size_t len, struct carp_advert *adv)
{

	return carp_pkt6_parse_cap(frame, len, len, adv);
}

/* The same; the payload length is checked against the wire's length. */
enum carp_verdict
carp_pkt6_parse_cap(const uint8_t *frame, size_t len, size_t wirelen,
    struct carp_advert *adv)
{
	const uint8_t	*ip;
	size_t		 plen;
	bool		 ok;

	/* The fixed-offset reads below stay inside these 90 bytes. */
	ok = carp_eth_decode(frame, len, CARP_FRAME6_LEN, adv);
	adv->ip6 = true;
	if (!ok)
		return CARP_TOO_SHORT;

	ip = frame + CARP_ETH_LEN;
	memcpy(adv->ip6_src, ip + IP6_SRC, 16);
	memcpy(adv->ip6_dst, ip + IP6_DST, 16);
	adv->tos = (uint8_t)((ip[0] & 0x0f) << 4 | ip[1] >> 4);
	adv->ttl = ip[IP6_HLIM];
	adv->unicast = adv->ip6_dst[0] != 0xff;
	adv->ip_hlen = CARP_IP6_LEN;

	if (wire_get16(frame + ETH_TYPE) != ETHERTYPE_IPV6 ||
	    (ip[IP6_VFC] >> 4) != 6)
		return CARP_NOT_CARP;
	if (ip[IP6_NXT] != CARP_PROTO)
		return pkt6_is_ext(ip[IP6_NXT]) ? CARP_EXT_HDR : CARP_NOT_CARP;
	/*
	 * Ethernet pads short frames, so bytes past the payload are fine;
	 * a payload past the frame is truncated, one short of 36 is no CARP.
	 * A longer payload is accepted, as the BSDs do.
	 */
	plen = wire_get16(ip + IP6_PLEN);
	if (wirelen < len)
		wirelen = len;
	if (plen < CARP_HDR_LEN || plen > wirelen - CARP_ETH_LEN - CARP_IP6_LEN)
		return CARP_BAD_PLEN;

	return carp_hdr_parse(ip + CARP_IP6_LEN, adv, CARP_BAD_HLIM);
}

/* Build the 90-byte IPv6 advert frame for tx into buf. */
size_t
carp_pkt6_build(uint8_t *buf, size_t buflen, const struct carp_tx *tx,
    const struct carp_auth *auth)
{
	uint8_t	*ip;

	if (wire_frame(buf, buflen, CARP_FRAME6_LEN) == NULL)
		return 0;
	ip = buf + CARP_ETH_LEN;

	if (tx->broadcast)
		memset(buf + ETH_DST, 0xff, 6);
	else
		carp_mcast6_mac(buf + ETH_DST, tx->dst_ip6);
	carp_src_mac(buf + ETH_SRC, tx->vhid);
	wire_put16(buf + ETH_TYPE, ETHERTYPE_IPV6);

	carp_ip6_hdr(ip, CARP_HDR_LEN, CARP_PROTO, tx->src_ip6, tx->dst_ip6);
	carp_hdr_encode(ip + CARP_IP6_LEN, tx, auth);
	return CARP_FRAME6_LEN;
}
