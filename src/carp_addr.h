/*
 * carp_addr.h: a virtual or source address of either family, with an
 * optional prefix length (pure core).
 *
 * Parsing, formatting and the order the BSD kernels hash addresses in
 * (carp-bsd-wire.md section 2): IPv4 before IPv6, then the network bytes.
 */
#ifndef CARP_ADDR_H
#define CARP_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CARP_AF_INET		4
#define CARP_AF_INET6		6
#define CARP_PREFIX_NONE	255	/* no "/len" written */
#define CARP_ADDR_STRLEN	50	/* "ffff:...:255.255.255.255/128" + NUL */
#define CARP_ADDR4_STRLEN	16	/* "255.255.255.255" + NUL */

struct carp_addr {
	uint8_t		family;		/* CARP_AF_INET or CARP_AF_INET6 */
	uint8_t		prefix;		/* 0..32 / 0..128, or CARP_PREFIX_NONE */
	uint8_t		a[16];		/* network order; IPv4 uses a[0..3] */
};

/*
 * "a.b.c.d" or an IPv6 address, each with an optional "/len" in range for
 * its family.  False (and *out untouched) if s is anything else.
 */
bool	carp_addr_parse(const char *s, struct carp_addr *out);

/*
 * As carp_addr_parse, but any "/len" from 0 to 254 is taken: the
 * configuration checks the range and says which family it is out of.
 */
bool	carp_addr_parse_any(const char *s, struct carp_addr *out);

/* An IPv4 address from its 4 network-order bytes, no prefix. */
void	carp_addr_from4(struct carp_addr *out, const uint8_t a[4]);

/* An IPv6 address from its 16 bytes, no prefix. */
void	carp_addr_from6(struct carp_addr *out, const uint8_t a[16]);

/* The address without its prefix; buf is returned. */
char	*carp_addr_fmt(const struct carp_addr *, char buf[CARP_ADDR_STRLEN]);

/* The address and "/len" if it has one; buf is returned. */
char	*carp_addr_fmt_prefix(const struct carp_addr *,
	    char buf[CARP_ADDR_STRLEN]);

/* A bare IPv4 address (4 network-order bytes) as a.b.c.d; buf is returned. */
char	*carp_addr_fmt4(const uint8_t a[4], char buf[CARP_ADDR4_STRLEN]);

/* Bytes of the address: 4 or 16. */
size_t	carp_addr_len(const struct carp_addr *);

/* The longest prefix of its family: 32 or 128. */
uint8_t	carp_addr_prefix_max(const struct carp_addr *);

/* True if the prefix is none or within the family's range. */
bool	carp_addr_prefix_ok(const struct carp_addr *);

/*
 * The BSD HMAC order: IPv4 before IPv6, then the network bytes (numeric
 * order).  The prefix is not compared: 0 means the same address.
 */
int	carp_addr_cmp(const struct carp_addr *, const struct carp_addr *);

/* The same address, whatever the prefixes. */
bool	carp_addr_eq(const struct carp_addr *, const struct carp_addr *);

/* The index of the first of v[0..n) equal to a (carp_addr_eq), or n. */
size_t	carp_addr_index(const struct carp_addr *v, size_t n,
	    const struct carp_addr *a);

/* fe80::/10 */
bool	carp_addr_is_ll6(const struct carp_addr *);

/* 0.0.0.0 or ::, or no family at all. */
bool	carp_addr_is_zero(const struct carp_addr *);

#endif /* CARP_ADDR_H */
