/*
 * carp_na.h: the unsolicited neighbour advertisement sent at takeover for
 * each IPv6 address (pure core), as the BSDs send it (carp-bsd-wire.md
 * section 4): to ff02::1, hop limit 255, Override set, Solicited clear,
 * a target link-layer address option.  No I/O, no clock, no globals.
 */
#ifndef CARP_NA_H
#define CARP_NA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CARP_NA_LEN	86	/* Ethernet 14 + IPv6 40 + NA 24 + option 8 */

/* ICMPv6 neighbour advertisement flags, in the first byte after cksum */
#define CARP_NA_ROUTER		0x80
#define CARP_NA_SOLICITED	0x40
#define CARP_NA_OVERRIDE	0x20

/*
 * Build the NA for target into buf: Ethernet source and target
 * link-layer option mac, IPv6 source src (the interface's link-local
 * address), Router flag if router (OpenBSD sets it when the host
 * forwards).  Returns CARP_NA_LEN, or 0 if buflen is too small.
 */
size_t	carp_na_build(uint8_t *buf, size_t buflen, const uint8_t mac[6],
	    const uint8_t src[16], const uint8_t target[16], bool router);

#endif /* CARP_NA_H */
