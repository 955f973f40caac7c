/*
 * carp_wire.h: byte order and Ethernet layout shared by the pure codecs
 * (carp_pkt.c, carp_pkt6.c, carp_na.c).  Static inline, no state.
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

/* Big-endian 64 bits at p. */
static inline uint64_t
wire_get64(const uint8_t *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Store v big-endian at p. */
static inline void
wire_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Store v big-endian at p. */
static inline void
wire_put64(uint8_t *p, uint64_t v)
{
	int	i;

	for (i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
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
