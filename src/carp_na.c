/*
 * carp_na.c: build the unsolicited neighbour advertisement (RFC 4861
 * section 7.2.6) that tells the link an IPv6 address moved to us.
 *
 * Pure core: no I/O, no clock, no globals, no allocation.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "carp_na.h"
#include "carp_pkt.h"
#include "carp_pkt6.h"
#include "carp_wire.h"

#define ICMP6_PROTO	58
#define ND_NA_TYPE	136
#define ND_OPT_TLLA	2	/* target link-layer address */
#define NA_ICMP_LEN	32	/* NA 24 + TLLA option 8 */

/* ICMPv6 NA, from its start */
#define NA_TYPE		0
#define NA_CODE		1
#define NA_SUM		2
#define NA_FLAGS	4
#define NA_TARGET	8
#define NA_OPT		24

/* ff02::1, all nodes. */
static const uint8_t	all_nodes[16] = {
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01
};

/*
 * The ICMPv6 checksum: over the pseudo-header (source, destination,
 * upper-layer length, next header) and the message, laid end to end.
 */
static uint16_t
na_cksum(const uint8_t *ip, const uint8_t *icmp)
{
	uint8_t	sum[32 + 8 + NA_ICMP_LEN];

	memcpy(sum, ip + IP6_SRC, 32);		/* source, destination */
	memset(sum + 32, 0, 8);
	sum[35] = NA_ICMP_LEN;			/* 32-bit length */
	sum[39] = ICMP6_PROTO;
	memcpy(sum + 40, icmp, NA_ICMP_LEN);
	return carp_cksum(sum, sizeof(sum));
}

/* Build the 86-byte NA for target at mac, from src, into buf. */
size_t
carp_na_build(uint8_t *buf, size_t buflen, const uint8_t mac[6],
    const uint8_t src[16], const uint8_t target[16], bool router)
{
	uint8_t	*ip, *icmp;

	if (wire_frame(buf, buflen, CARP_NA_LEN) == NULL)
		return 0;
	ip = buf + CARP_ETH_LEN;
	icmp = ip + CARP_IP6_LEN;

	carp_mcast6_mac(buf + ETH_DST, all_nodes);
	memcpy(buf + ETH_SRC, mac, 6);
	wire_put16(buf + ETH_TYPE, ETHERTYPE_IPV6);

	/* Hop limit 255: RFC 4861 receivers drop any other. */
	carp_ip6_hdr(ip, NA_ICMP_LEN, ICMP6_PROTO, src, all_nodes);

	icmp[NA_TYPE] = ND_NA_TYPE;
	icmp[NA_CODE] = 0;
	/* Unsolicited: Solicited clear; Override so caches take our MAC. */
	icmp[NA_FLAGS] = CARP_NA_OVERRIDE | (router ? CARP_NA_ROUTER : 0);
	memcpy(icmp + NA_TARGET, target, 16);
	icmp[NA_OPT] = ND_OPT_TLLA;
	icmp[NA_OPT + 1] = 1;		/* in units of 8 bytes */
	memcpy(icmp + NA_OPT + 2, mac, 6);
	wire_put16(icmp + NA_SUM, na_cksum(ip, icmp));
	return CARP_NA_LEN;
}
