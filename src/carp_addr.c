/*
 * carp_addr.c: parsing, formatting and ordering addresses of both
 * families (pure core: inet_pton and inet_ntop touch nothing but memory).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carp_addr.h"

/* "/len" from 0 to 254, digits only; false if p is anything else. */
static bool
prefix_parse(const char *p, uint8_t *out)
{
	unsigned	v = 0;
	size_t		n;

	for (n = 0; p[n] >= '0' && p[n] <= '9'; n++) {
		if (n == 3)
			return false;
		v = v * 10 + (unsigned)(p[n] - '0');
	}
	if (n == 0 || p[n] != '\0' || v >= CARP_PREFIX_NONE)
		return false;
	*out = (uint8_t)v;
	return true;
}

bool
carp_addr_parse_any(const char *s, struct carp_addr *out)
{
	struct carp_addr	 r;
	char			 buf[INET6_ADDRSTRLEN];
	const char		*slash;
	size_t			 len;

	memset(&r, 0, sizeof(r));
	r.prefix = CARP_PREFIX_NONE;
	if ((slash = strchr(s, '/')) != NULL) {
		if (!prefix_parse(slash + 1, &r.prefix))
			return false;
		len = (size_t)(slash - s);
	} else
		len = strlen(s);
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, r.a) == 1)
		r.family = CARP_AF_INET;
	else if (inet_pton(AF_INET6, buf, r.a) == 1)
		r.family = CARP_AF_INET6;
	else
		return false;
	*out = r;
	return true;
}

bool
carp_addr_parse(const char *s, struct carp_addr *out)
{
	struct carp_addr	r;

	if (!carp_addr_parse_any(s, &r) || !carp_addr_prefix_ok(&r))
		return false;
	*out = r;
	return true;
}

/* An address of family from its bytes, no prefix. */
static void
addr_set(struct carp_addr *out, uint8_t family, const uint8_t *a)
{
	memset(out, 0, sizeof(*out));
	out->family = family;
	out->prefix = CARP_PREFIX_NONE;
	memcpy(out->a, a, carp_addr_len(out));
}

void
carp_addr_from4(struct carp_addr *out, const uint8_t a[4])
{
	addr_set(out, CARP_AF_INET, a);
}

void
carp_addr_from6(struct carp_addr *out, const uint8_t a[16])
{
	addr_set(out, CARP_AF_INET6, a);
}

char *
carp_addr_fmt(const struct carp_addr *ca, char buf[CARP_ADDR_STRLEN])
{
	if (ca->family == CARP_AF_INET6) {
		if (inet_ntop(AF_INET6, ca->a, buf, CARP_ADDR_STRLEN) == NULL)
			strcpy(buf, "?");	/* cannot happen: room enough */
		return buf;
	}
	return carp_addr_fmt4(ca->a, buf);
}

char *
carp_addr_fmt_prefix(const struct carp_addr *ca, char buf[CARP_ADDR_STRLEN])
{
	size_t	len;

	carp_addr_fmt(ca, buf);
	if (ca->prefix != CARP_PREFIX_NONE) {
		len = strlen(buf);
		snprintf(buf + len, CARP_ADDR_STRLEN - len, "/%u", ca->prefix);
	}
	return buf;
}

char *
carp_addr_fmt4(const uint8_t a[4], char buf[CARP_ADDR4_STRLEN])
{
	snprintf(buf, CARP_ADDR4_STRLEN, "%u.%u.%u.%u", a[0], a[1], a[2],
	    a[3]);
	return buf;
}

size_t
carp_addr_len(const struct carp_addr *ca)
{
	return ca->family == CARP_AF_INET6 ? 16 : 4;
}

uint8_t
carp_addr_prefix_max(const struct carp_addr *ca)
{
	return ca->family == CARP_AF_INET6 ? 128 : 32;
}

bool
carp_addr_prefix_ok(const struct carp_addr *ca)
{
	return ca->prefix == CARP_PREFIX_NONE ||
	    ca->prefix <= carp_addr_prefix_max(ca);
}

int
carp_addr_cmp(const struct carp_addr *x, const struct carp_addr *y)
{
	/* CARP_AF_INET < CARP_AF_INET6: IPv4 sorts first. */
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->a, y->a, carp_addr_len(x));
}

bool
carp_addr_eq(const struct carp_addr *x, const struct carp_addr *y)
{
	return carp_addr_cmp(x, y) == 0;
}

size_t
carp_addr_index(const struct carp_addr *v, size_t n,
    const struct carp_addr *a)
{
	size_t	i;

	for (i = 0; i < n && !carp_addr_eq(&v[i], a); i++)
		;
	return i;
}

bool
carp_addr_is_ll6(const struct carp_addr *ca)
{
	return ca->family == CARP_AF_INET6 && ca->a[0] == 0xfe &&
	    (ca->a[1] & 0xc0) == 0x80;
}

bool
carp_addr_is_zero(const struct carp_addr *ca)
{
	static const uint8_t	zero[16];

	return (ca->family != CARP_AF_INET && ca->family != CARP_AF_INET6) ||
	    memcmp(ca->a, zero, carp_addr_len(ca)) == 0;
}
