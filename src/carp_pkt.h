/*
 * carp_pkt.h: the CARP advert and gratuitous ARP on the wire (pure core).
 *
 * Builds and parses Ethernet + IPv4 + CARP frames byte-compatible with
 * ucarp 1.5.2, and the CARP header that IPv6 carries too (carp_pkt6.h).
 * No I/O, no clock, no globals, no allocation.
 */
#ifndef CARP_PKT_H
#define CARP_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carp_hmac.h"

#define CARP_PROTO		112
#define CARP_VERSION		2
#define CARP_TYPE_ADVERT	1
#define CARP_AUTHLEN		7	/* 32-bit words of counter + HMAC */
#define CARP_TTL		255
#define CARP_TOS		0x10	/* IPTOS_LOWDELAY, as ucarp */

#define CARP_ETH_LEN		14
#define CARP_IP_LEN		20
#define CARP_HDR_LEN		36
#define CARP_FRAME_LEN		(CARP_ETH_LEN + CARP_IP_LEN + CARP_HDR_LEN)	/* 70 */
#define CARP_GARP_LEN		42

/*
 * A decoded advert.  Addresses are kept as the bytes on the wire: an
 * IPv4 advert fills ip_src and ip_dst, an IPv6 one (ip6 true) ip6_src and
 * ip6_dst, its traffic class in tos and its hop limit in ttl.
 */
struct carp_advert {
	uint8_t		dst_mac[6];
	uint8_t		src_mac[6];
	bool		ip6;
	uint8_t		ip_src[4];
	uint8_t		ip_dst[4];
	uint8_t		ip6_src[16];
	uint8_t		ip6_dst[16];
	uint8_t		tos;
	bool		unicast;	/* to a unicast address: its TTL is
					   the receiver's to judge */
	uint8_t		ttl;
	uint16_t	ip_id;
	size_t		ip_hlen;	/* IHL * 4; 40 for IPv6 */
	uint8_t		version;
	uint8_t		type;
	uint8_t		vhid;
	uint8_t		advskew;
	uint8_t		authlen;
	uint8_t		demote;		/* ucarp's pad1 byte */
	uint8_t		advbase;
	uint16_t	cksum;
	uint64_t	counter;
	uint8_t		hmac[CARP_HMAC_LEN];
};

/*
 * Receive verdicts, in the order the checks are made; the IPv6-only ones
 * come last so that the control protocol's numbers (ctl_proto.h) stay.
 * CARP_BAD_VHID and CARP_BAD_GROUP are decided by the caller (dispatch to
 * an instance) between carp_pkt_parse() and carp_pkt_verify().
 */
enum carp_verdict {
	CARP_OK = 0,
	CARP_TOO_SHORT,		/* shorter than Ethernet + IP header + CARP */
	CARP_NOT_CARP,		/* not IPv4, not protocol 112, or a fragment */
	CARP_BAD_TTL,		/* TTL other than 255 */
	CARP_BAD_VERSION,	/* CARP version other than 2 */
	CARP_BAD_TYPE,		/* CARP type other than advertisement */
	CARP_BAD_VHID,		/* no instance has this vhid */
	CARP_BAD_GROUP,		/* IP destination is not the group address */
	CARP_BAD_IP_CKSUM,	/* IPv4 header checksum */
	CARP_BAD_CARP_CKSUM,	/* CARP header checksum */
	CARP_BAD_HMAC,		/* wrong password, address or vhid */
	CARP_REPLAY,		/* counter did not advance (opt-in check) */
	CARP_OWN,		/* our own advert looped back (not an error) */
	CARP_BAD_HLIM,		/* IPv6 hop limit other than 255 */
	CARP_EXT_HDR,		/* IPv6 extension header: not followed */
	CARP_BAD_PLEN,		/* IPv6 payload length short or past frame */
	CARP_NOT_PEER,		/* unicast from an address not in peer */
	CARP_VERDICT_MAX
};

/* What an advert to send says. */
struct carp_tx {
	uint8_t		vhid;
	uint8_t		advbase;
	uint8_t		advskew;
	uint64_t	counter;
	uint16_t	ip_id;		/* random per packet, as ucarp */
	uint8_t		src_ip[4];
	uint8_t		dst_ip[4];	/* group, 224.0.0.18 by default */
	uint8_t		src_ip6[16];	/* IPv6: the link-local address */
	uint8_t		dst_ip6[16];	/* IPv6: ff02::12 */
	bool		broadcast;	/* -M: ff:ff:ff:ff:ff:ff destination MAC */
};

/* Short lower-case name of a verdict, for logs and counters ("bad_ttl"). */
const char	*carp_verdict_name(enum carp_verdict);

/* Internet checksum (RFC 1071) of len bytes. */
uint16_t	 carp_cksum(const void *data, size_t len);

/*
 * The CARP header alone, shared by the IPv4 and IPv6 codecs.  parse
 * decodes the 36 bytes at carp into *adv and checks adv->ttl (which the
 * caller filled; bad_ttl is its family's verdict), the version and the
 * type; verify checks the checksum over the 36 bytes, then the HMAC;
 * encode writes the 36 bytes for tx.
 */
enum carp_verdict carp_hdr_parse(const uint8_t *carp, struct carp_advert *adv,
		    enum carp_verdict bad_ttl);
enum carp_verdict carp_hdr_verify(const uint8_t *carp,
		    const struct carp_advert *adv,
		    const struct carp_auth *auth);
void		 carp_hdr_encode(uint8_t *carp, const struct carp_tx *tx,
		    const struct carp_auth *auth);

/* Zero *adv; if frame holds min bytes, copy its MACs and return true. */
bool		 carp_eth_decode(const uint8_t *frame, size_t len, size_t min,
		    struct carp_advert *adv);

/* ucarp's advert source MAC, 00:00:5e:00:00:<vhid>, into mac. */
void		 carp_src_mac(uint8_t mac[6], uint8_t vhid);

/*
 * Whether mac is the virtual MAC 00:00:5e:00:01:<vhid>, the source of a
 * BSD kernel's multicast adverts (never ucarp's, whose byte 4 is 0).
 */
bool		 carp_mac_is_bsd(const uint8_t mac[6], uint8_t vhid);

/*
 * Stage 1 of receive: structure (length, IPv4, protocol 112, no fragment,
 * IHL sane), TTL, version, type.  Fills *adv on CARP_OK (and as far as it
 * got otherwise).  frame starts at the Ethernet header; an IPv6 one
 * (Ethernet type 86dd) is carp_pkt6_parse()'s.
 */
enum carp_verdict carp_pkt_parse(const uint8_t *frame, size_t len,
		    struct carp_advert *adv);

/*
 * carp_pkt_parse() of a capture that kept the first len of the frame's
 * wirelen bytes: nothing past len is read, and IPv6's payload length is
 * checked against the frame as it was on the wire, so that the verdict
 * does not depend on how much a capture keeps (at least the 110 bytes of
 * Ethernet, IPv4 with options and CARP).
 */
enum carp_verdict carp_pkt_parse_cap(const uint8_t *frame, size_t len,
		    size_t wirelen, struct carp_advert *adv);

/*
 * Stage 3 of receive, after the caller matched vhid and group: IP header
 * checksum, CARP checksum, then HMAC (constant-time) against auth.  For
 * IPv6: the CARP checksum, over the 36 bytes only, then the HMAC.
 */
enum carp_verdict carp_pkt_verify(const uint8_t *frame, size_t len,
		    const struct carp_advert *adv, const struct carp_auth *auth);

/*
 * Build the 70-byte advert frame into buf.  Returns CARP_FRAME_LEN, or 0
 * if buflen is too small.  Source MAC 00:00:5e:00:00:<vhid>, TOS 0x10, DF,
 * TTL 255, authlen 7, HMAC over auth.
 */
size_t		 carp_pkt_build(uint8_t *buf, size_t buflen,
		    const struct carp_tx *tx, const struct carp_auth *auth);

/*
 * Build the 42-byte gratuitous ARP that ucarp sends: broadcast, op 1
 * (request), sender MAC = target MAC = mac, sender IP = target IP = vip.
 * Returns CARP_GARP_LEN, or 0 if buflen is too small.
 */
size_t		 carp_garp_build(uint8_t *buf, size_t buflen,
		    const uint8_t mac[6], const uint8_t vip[4]);

#endif /* CARP_PKT_H */
