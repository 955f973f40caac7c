/*
 * carp_pkt.c: build and parse CARP adverts and gratuitous ARPs, byte for
 * byte as ucarp 1.5.2 puts them on the wire; hand IPv6 frames to
 * carp_pkt6.c, and keep the CARP header code both share.
 *
 * Pure core: no I/O, no clock, no globals, no allocation.  Every read of
 * a received frame is bounds-checked against its length first.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "carp_hmac.h"
#include "carp_pkt.h"
#include "carp_pkt6.h"
#include "carp_wire.h"

/* IPv4 header, from its start */
#define IP_VHL		0
#define IP_TOS		1
#define IP_LEN		2
#define IP_ID		4
#define IP_OFF		6
#define IP_TTL		8
#define IP_PROTO	9
#define IP_SUM		10
#define IP_SRC		12
#define IP_DST		16
#define IP_DF		0x4000
#define IP_MF		0x2000
#define IP_OFFMASK	0x1fff

/* CARP header, from its start */
#define CARP_OFF_VT		0
#define CARP_OFF_VHID		1
#define CARP_OFF_SKEW		2
#define CARP_OFF_AUTHLEN	3
#define CARP_OFF_DEMOTE		4
#define CARP_OFF_BASE		5
#define CARP_OFF_SUM		6
#define CARP_OFF_COUNTER	8
#define CARP_OFF_MAC		16

/* ARP payload, from its start */
#define ARP_HRD		0
#define ARP_PRO		2
#define ARP_HLN		4
#define ARP_PLN		5
#define ARP_OP		6
#define ARP_SHA		8
#define ARP_SPA		14
#define ARP_THA		18
#define ARP_TPA		24
#define ARPHRD_ETHER	1
#define ARPOP_REQUEST	1

static const char *const verdict_names[CARP_VERDICT_MAX] = {
	[CARP_OK] = "ok",
	[CARP_TOO_SHORT] = "too_short",
	[CARP_NOT_CARP] = "not_carp",
	[CARP_BAD_TTL] = "bad_ttl",
	[CARP_BAD_VERSION] = "bad_version",
	[CARP_BAD_TYPE] = "bad_type",
	[CARP_BAD_VHID] = "bad_vhid",
	[CARP_BAD_GROUP] = "bad_group",
	[CARP_BAD_IP_CKSUM] = "bad_ip_cksum",
	[CARP_BAD_CARP_CKSUM] = "bad_carp_cksum",
	[CARP_BAD_HMAC] = "bad_hmac",
	[CARP_REPLAY] = "replay",
	[CARP_OWN] = "own",
	[CARP_BAD_HLIM] = "bad_hlim",
	[CARP_EXT_HDR] = "ext_header",
	[CARP_BAD_PLEN] = "bad_plen",
	[CARP_NOT_PEER] = "not_peer",
};

/* Short lower-case name of a verdict, "unknown" if out of range. */
const char *
carp_verdict_name(enum carp_verdict v)
{
	if ((unsigned int)v >= CARP_VERDICT_MAX || verdict_names[v] == NULL)
		return "unknown";
	return verdict_names[v];
}

/* Internet checksum of len bytes (wire_cksum), for callers of any length. */
uint16_t
carp_cksum(const void *data, size_t len)
{
	return wire_cksum(data, len);
}

/*
 * Decode the 36-byte CARP header at carp into *adv, whichever IP version
 * carries it, then check the TTL or hop limit the caller put in adv->ttl
 * (bad_ttl is its family's verdict), the version and the type.  The
 * caller has checked that the 36 bytes are there.
 */
enum carp_verdict
carp_hdr_parse(const uint8_t *carp, struct carp_advert *adv,
    enum carp_verdict bad_ttl)
{
	adv->version = carp[CARP_OFF_VT] >> 4;
	adv->type = carp[CARP_OFF_VT] & 0x0f;
	adv->vhid = carp[CARP_OFF_VHID];
	adv->advskew = carp[CARP_OFF_SKEW];
	adv->authlen = carp[CARP_OFF_AUTHLEN];
	adv->demote = carp[CARP_OFF_DEMOTE];
	adv->advbase = carp[CARP_OFF_BASE];
	adv->cksum = wire_get16(carp + CARP_OFF_SUM);
	adv->counter = wire_get64(carp + CARP_OFF_COUNTER);
	memcpy(adv->hmac, carp + CARP_OFF_MAC, CARP_HMAC_LEN);

	/* Unicast: the instance decides (unicast_ttl_check, routed peers). */
	if (adv->ttl != CARP_TTL && !adv->unicast)
		return bad_ttl;
	if (adv->version != CARP_VERSION)
		return CARP_BAD_VERSION;
	/*
	 * ucarp accepts any type; there is no other CARP type to act on,
	 * so anything but an advertisement is dropped here.  authlen and the
	 * demote byte are left to the caller, as ucarp ignores both.
	 */
	if (adv->type != CARP_TYPE_ADVERT)
		return CARP_BAD_TYPE;
	return CARP_OK;
}

/*
 * The CARP checksum, over the 36 bytes only (no pseudo-header, for IPv6
 * too, as both BSDs), then the HMAC in constant time.
 */
enum carp_verdict
carp_hdr_verify(const uint8_t *carp, const struct carp_advert *adv,
    const struct carp_auth *auth)
{
	if (wire_cksum(carp, CARP_HDR_LEN) != 0)
		return CARP_BAD_CARP_CKSUM;
	if (!carp_hmac_verify(auth, adv->counter, adv->hmac))
		return CARP_BAD_HMAC;
	return CARP_OK;
}

/* Write the 36-byte header for tx at carp: HMAC, then the checksum. */
void
carp_hdr_encode(uint8_t *carp, const struct carp_tx *tx,
    const struct carp_auth *auth)
{
	memset(carp, 0, CARP_HDR_LEN);
	carp[CARP_OFF_VT] = CARP_VERSION << 4 | CARP_TYPE_ADVERT;
	carp[CARP_OFF_VHID] = tx->vhid;
	carp[CARP_OFF_SKEW] = tx->advskew;
	carp[CARP_OFF_AUTHLEN] = CARP_AUTHLEN;
	carp[CARP_OFF_BASE] = tx->advbase;
	wire_put64(carp + CARP_OFF_COUNTER, tx->counter);
	carp_hmac_compute(auth, tx->counter, carp + CARP_OFF_MAC);
	wire_put16(carp + CARP_OFF_SUM, wire_cksum(carp, CARP_HDR_LEN));
}

/*
 * ucarp's fixed fake source, 00:00:5e:00:00:<vhid>, on every node: the
 * virtual MAC with byte 4 zero.
 */
void
carp_src_mac(uint8_t mac[6], uint8_t vhid)
{
	wire_vmac(mac, vhid);
	mac[4] = 0x00;
}

/* OpenBSD's and FreeBSD's carpN MAC: carp-bsd-wire.md, "L2 source". */
bool
carp_mac_is_bsd(const uint8_t mac[6], uint8_t vhid)
{
	uint8_t	vmac[6];

	wire_vmac(vmac, vhid);
	return memcmp(mac, vmac, sizeof(vmac)) == 0;
}

/*
 * Zero *adv; if frame holds min bytes, copy its MACs and say true.  The
 * start of both families' parse.
 */
bool
carp_eth_decode(const uint8_t *frame, size_t len, size_t min,
    struct carp_advert *adv)
{
	memset(adv, 0, sizeof(*adv));
	if (frame == NULL || len < min)
		return false;
	memcpy(adv->dst_mac, frame + ETH_DST, 6);
	memcpy(adv->src_mac, frame + ETH_SRC, 6);
	return true;
}

/* An IPv6 frame, for carp_pkt6.c: the Ethernet type says. */
static bool
pkt_is_ip6(const uint8_t *frame, size_t len)
{
	return frame != NULL && len >= CARP_ETH_LEN &&
	    wire_get16(frame + ETH_TYPE) == ETHERTYPE_IPV6;
}

/* Check structure, TTL, version and type; decode into *adv. */
enum carp_verdict
carp_pkt_parse(const uint8_t *frame, size_t len, struct carp_advert *adv)
{

	return carp_pkt_parse_cap(frame, len, len, adv);
}

/* The same of a capture; IPv4's total length is never read. */
enum carp_verdict
carp_pkt_parse_cap(const uint8_t *frame, size_t len, size_t wirelen,
    struct carp_advert *adv)
{
	const uint8_t	*ip;
	size_t		 hlen;
	uint16_t	 off;

	if (pkt_is_ip6(frame, len))
		return carp_pkt6_parse_cap(frame, len, wirelen, adv);
	/* The fixed-offset reads below stay inside these 70 bytes. */
	if (!carp_eth_decode(frame, len, CARP_FRAME_LEN, adv))
		return CARP_TOO_SHORT;

	ip = frame + CARP_ETH_LEN;
	memcpy(adv->ip_src, ip + IP_SRC, 4);
	memcpy(adv->ip_dst, ip + IP_DST, 4);
	adv->tos = ip[IP_TOS];
	adv->ttl = ip[IP_TTL];
	adv->unicast = (adv->ip_dst[0] & 0xf0) != 0xe0 &&
	    memcmp(adv->ip_dst, "\xff\xff\xff\xff", 4) != 0;
	adv->ip_id = wire_get16(ip + IP_ID);
	hlen = (size_t)(ip[IP_VHL] & 0x0f) * 4;
	adv->ip_hlen = hlen;

	/*
	 * Whether this is IPv4 protocol 112 at all comes before the header
	 * length: the IHL nibble means nothing in a frame that is not IPv4.
	 * A fragment cannot be checked (the checksum and HMAC span the
	 * whole CARP header) and ucarp never sends one.
	 */
	off = wire_get16(ip + IP_OFF);
	if (wire_get16(frame + ETH_TYPE) != ETHERTYPE_IP ||
	    (ip[IP_VHL] >> 4) != 4 || ip[IP_PROTO] != CARP_PROTO ||
	    (off & (IP_MF | IP_OFFMASK)) != 0)
		return CARP_NOT_CARP;
	/* IP options move the CARP header; the total length is not trusted. */
	if (hlen < CARP_IP_LEN || len - CARP_ETH_LEN - CARP_HDR_LEN < hlen)
		return CARP_TOO_SHORT;

	return carp_hdr_parse(ip + hlen, adv, CARP_BAD_TTL);
}

/* Check both checksums, then the HMAC, of a frame carp_pkt_parse() passed. */
enum carp_verdict
carp_pkt_verify(const uint8_t *frame, size_t len,
    const struct carp_advert *adv, const struct carp_auth *auth)
{
	const uint8_t	*ip;
	size_t		 hlen;

	/* Re-derive the bounds from the frame rather than trust *adv. */
	if (pkt_is_ip6(frame, len))
		return len < CARP_FRAME6_LEN ? CARP_TOO_SHORT :
		    carp_hdr_verify(frame + CARP_ETH_LEN + CARP_IP6_LEN, adv,
		    auth);
	if (frame == NULL || len < CARP_FRAME_LEN)
		return CARP_TOO_SHORT;
	ip = frame + CARP_ETH_LEN;
	hlen = (size_t)(ip[IP_VHL] & 0x0f) * 4;
	if (hlen < CARP_IP_LEN || len - CARP_ETH_LEN - CARP_HDR_LEN < hlen)
		return CARP_TOO_SHORT;

	/*
	 * ucarp sums the IP header and the CARP header together and calls
	 * any failure "Bad IP checksum"; two sums tell the causes apart, and
	 * errors in the two headers can no longer cancel each other out.
	 */
	if ((hlen == CARP_IP_LEN ? wire_cksum(ip, CARP_IP_LEN) :
	    carp_cksum(ip, hlen)) != 0)
		return CARP_BAD_IP_CKSUM;
	return carp_hdr_verify(ip + hlen, adv, auth);
}

/* Build the 70-byte advert frame for tx into buf. */
size_t
carp_pkt_build(uint8_t *buf, size_t buflen, const struct carp_tx *tx,
    const struct carp_auth *auth)
{
	uint8_t	*ip, *carp;

	if (wire_frame(buf, buflen, CARP_FRAME_LEN) == NULL)
		return 0;
	ip = buf + CARP_ETH_LEN;
	carp = ip + CARP_IP_LEN;

	if (tx->broadcast)
		memset(buf + ETH_DST, 0xff, 6);
	else {
		/* RFC 1112 mapping: 01:00:5e + the group's low 23 bits. */
		buf[ETH_DST + 0] = 0x01;
		buf[ETH_DST + 1] = 0x00;
		buf[ETH_DST + 2] = 0x5e;
		buf[ETH_DST + 3] = tx->dst_ip[1] & 0x7f;
		buf[ETH_DST + 4] = tx->dst_ip[2];
		buf[ETH_DST + 5] = tx->dst_ip[3];
	}
	carp_src_mac(buf + ETH_SRC, tx->vhid);
	wire_put16(buf + ETH_TYPE, ETHERTYPE_IP);

	carp_hdr_encode(carp, tx, auth);

	ip[IP_VHL] = 4 << 4 | CARP_IP_LEN / 4;
	ip[IP_TOS] = CARP_TOS;
	wire_put16(ip + IP_LEN, CARP_IP_LEN + CARP_HDR_LEN);
	wire_put16(ip + IP_ID, tx->ip_id);
	wire_put16(ip + IP_OFF, IP_DF);
	ip[IP_TTL] = CARP_TTL;
	ip[IP_PROTO] = CARP_PROTO;
	memcpy(ip + IP_SRC, tx->src_ip, 4);
	memcpy(ip + IP_DST, tx->dst_ip, 4);
	/*
	 * ucarp sums the CARP header in too, which adds nothing once the
	 * CARP checksum is in place: the plain header checksum is the same.
	 */
	wire_put16(ip + IP_SUM, wire_cksum(ip, CARP_IP_LEN));
	return CARP_FRAME_LEN;
}

/* Build ucarp's 42-byte gratuitous ARP for vip at mac into buf. */
size_t
carp_garp_build(uint8_t *buf, size_t buflen, const uint8_t mac[6],
    const uint8_t vip[4])
{
	uint8_t	*arp;

	if (buf == NULL || buflen < CARP_GARP_LEN)
		return 0;
	arp = buf + CARP_ETH_LEN;

	memset(buf + ETH_DST, 0xff, 6);
	memcpy(buf + ETH_SRC, mac, 6);
	wire_put16(buf + ETH_TYPE, ETHERTYPE_ARP);
	wire_put16(arp + ARP_HRD, ARPHRD_ETHER);
	wire_put16(arp + ARP_PRO, ETHERTYPE_IP);
	arp[ARP_HLN] = 6;
	arp[ARP_PLN] = 4;
	wire_put16(arp + ARP_OP, ARPOP_REQUEST);
	memcpy(arp + ARP_SHA, mac, 6);
	memcpy(arp + ARP_SPA, vip, 4);
	/* ucarp repeats its own MAC as the target, not zeros. */
	memcpy(arp + ARP_THA, mac, 6);
	memcpy(arp + ARP_TPA, vip, 4);
	return CARP_GARP_LEN;
}
