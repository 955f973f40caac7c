/*
 * carp_wire.h: byte order and Ethernet layout shared by the pure codecs
 * (carp_pkt.c, carp_pkt6.c, carp_na.c) and the HMAC (carp_hmac.c, for
 * the virtual MAC).  Static inline, no state.
 */
#ifndef CARP_WIRE_H
#define CARP_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Ethernet header */
#define ETH_DST		0
#define ETH_SRC		6
#define ETH_TYPE	12
#define ETHERTYPE_IP	0x0800
#define ETHERTYPE_ARP	0x0806
#define ETHERTYPE_IPV6	0x86dd

/* IPv6 header, from its start */
#define IP6_VFC		0
#define IP6_PLEN	4
#define IP6_NXT		6
#define IP6_HLIM	7
#define IP6_SRC		8
#define IP6_DST		24

/*
 * The vhid's virtual MAC, 00:00:5e:00:01:<vhid>: CARP's and VRRP's, the
 * source of a BSD kernel's adverts.  ucarp's own source is this with
 * byte 4 zero (carp_src_mac).
 */
static inline void
wire_vmac(uint8_t mac[6], uint8_t vhid)
{
	static const uint8_t	prefix[5] = { 0x00, 0x00, 0x5e, 0x00, 0x01 };

	memcpy(mac, prefix, sizeof(prefix));
	mac[5] = vhid;
}

/* Big-endian 16 bits at p. */
static inline uint16_t
wire_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Big-endian 32 bits at p (gcc and clang make it one load and a bswap). */
static inline uint32_t
wire_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Big-endian 64 bits at p (one load and a bswap, as wire_get32). */
static inline uint64_t
wire_get64(const uint8_t *p)
{
	return (uint64_t)wire_get32(p) << 32 | wire_get32(p + 4);
}

/* Store v big-endian at p. */
static inline void
wire_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Store v big-endian at p (stores spelt out: gcc and clang merge them). */
static inline void
wire_put64(uint8_t *p, uint64_t v)
{
	p[0] = (uint8_t)(v >> 56);
	p[1] = (uint8_t)(v >> 48);
	p[2] = (uint8_t)(v >> 40);
	p[3] = (uint8_t)(v >> 32);
	p[4] = (uint8_t)(v >> 24);
	p[5] = (uint8_t)(v >> 16);
	p[6] = (uint8_t)(v >> 8);
	p[7] = (uint8_t)v;
}

/*
 * Internet checksum of len bytes, as a number to store big-endian.  Over
 * data that already holds a correct checksum the result is 0.  Summed 32
 * bits at a time in the host's byte order (RFC 1071: the sum folds to the
 * same 16 bits, byte-swapped on a little-endian host, swapped back once
 * at the end): no swap per word, and inline, so that the fixed lengths of
 * the headers of every advert sent and received are summed unrolled.
 */
static inline uint16_t
wire_cksum(const void *data, size_t len)
{
	const uint8_t	*p = data;
	uint64_t	 sum = 0;
	uint32_t	 w;
	uint16_t	 h;
	uint8_t		 b[2];
	size_t		 i;

	for (i = 0; i + 4 <= len; i += 4) {
		memcpy(&w, p + i, 4);
		sum += w;
	}
	if (i + 2 <= len) {
		memcpy(&h, p + i, 2);
		sum += h;
		i += 2;
	}
	if (i < len) {
		b[0] = p[i];		/* padded with a zero */
		b[1] = 0;
		memcpy(&h, b, 2);
		sum += h;
	}
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	h = (uint16_t)~sum;
	memcpy(b, &h, 2);
	return wire_get16(b);
}

/* buf zeroed for a frame of len bytes; NULL if it does not fit. */
static inline uint8_t *
wire_frame(uint8_t *buf, size_t buflen, size_t len)
{
	if (buf == NULL || buflen < len)
		return NULL;
	memset(buf, 0, len);
	return buf;
}

#endif /* CARP_WIRE_H */
