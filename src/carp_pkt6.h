/*
 * carp_pkt6.h: the CARP advert over IPv6 on the wire (pure core).
 *
 * Ethernet + IPv6 + the same 36-byte CARP header as IPv4, as OpenBSD and
 * FreeBSD send it: to ff02::12 (33:33:00:00:00:12), hop limit 255, next
 * header 112, the CARP checksum over the 36 bytes only (no pseudo-header).
 * No I/O, no clock, no globals, no allocation.
 */
#ifndef CARP_PKT6_H
#define CARP_PKT6_H

#include <stddef.h>
#include <stdint.h>

#include "carp_hmac.h"
#include "carp_pkt.h"

#define CARP_IP6_LEN		40
#define CARP_FRAME6_LEN		(CARP_ETH_LEN + CARP_IP6_LEN + CARP_HDR_LEN)

/* ff02::12, the group of CARP over IPv6. */
extern const uint8_t	carp_group6[16];

/*
 * Stage 1 of receive for carp_pkt_parse(), which hands IPv6 frames here:
 * length, IPv6, next header 112 (an extension header is CARP_EXT_HDR:
 * none is followed), payload length, hop limit 255, version, type.  Fills
 * *adv (ip6 true) as far as it got.  carp_pkt_verify() does stage 3.
 */
enum carp_verdict carp_pkt6_parse(const uint8_t *frame, size_t len,
		    struct carp_advert *adv);

/* The same of a capture of len of the frame's wirelen bytes. */
enum carp_verdict carp_pkt6_parse_cap(const uint8_t *frame, size_t len,
		    size_t wirelen, struct carp_advert *adv);

/*
 * Build the 90-byte advert from tx->src_ip6 to tx->dst_ip6 (to its RFC
 * 2464 MAC, or broadcast with tx->broadcast); source MAC, as for IPv4,
 * 00:00:5e:00:00:<vhid>.  Returns CARP_FRAME6_LEN, or 0 if buflen is
 * too small.
 */
size_t		 carp_pkt6_build(uint8_t *buf, size_t buflen,
		    const struct carp_tx *tx, const struct carp_auth *auth);

/* The IPv6 header at ip (40 bytes), hop limit 255. */
void		 carp_ip6_hdr(uint8_t *ip, uint16_t plen, uint8_t nxt,
		    const uint8_t src[16], const uint8_t dst[16]);

/* The RFC 2464 multicast MAC of an IPv6 group: 33:33 + its low 32 bits. */
void		 carp_mcast6_mac(uint8_t mac[6], const uint8_t group[16]);

#endif /* CARP_PKT6_H */
