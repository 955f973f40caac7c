/*
 * cfg_check.c: semantic checks of a whole configuration (pure core).
 *
 * Types, ranges and files were checked while reading; what is left are
 * the rules about values together: what an instance must have, which
 * combinations CARP cannot run, and what instances must not share.  The
 * file and the command line both come here; each words the problems its
 * own way (cfg_msg.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "carp_hmac.h"
#include "cfg_check.h"

struct check {
	cfg_check_report	 fn;
	void			*arg;
	size_t			 n;
};

static void
report(struct check *ck, enum cfg_problem_code code,
    const struct cfg_instance *cv, const char *key,
    const struct cfg_instance *other, size_t n)
{
	struct cfg_problem	p;

	p.code = code;
	p.cv = cv;
	p.key = key != NULL ? cfg_key_find(key) : NULL;
	p.other = other;
	p.n = n;
	ck->fn(ck->arg, &p);
	ck->n++;
}

/*
 * Linux's dev_valid_name(): not "." or "..", no '/' or blanks.  A ':' is
 * let through: the kernel strips an alias label ("eth0:1") in the
 * interface ioctls, so ucarp 1.5.2 ran on such names.
 */
static bool
ifname_valid(const char *s)
{
	const char	*p;

	if (*s == '\0' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (p = s; *p != '\0'; p++)
		if (*p == '/' || *p == ' ' || *p == '\t' ||
		    *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f')
			return false;
	return true;
}

/* 224.0.0.0/4 */
static bool
ipv4_multicast(const uint8_t a[4])
{
	return (a[0] & 0xf0) == 0xe0;
}

static int
addr_cmp(const void *x, const void *y)
{
	return carp_addr_cmp(x, y);
}

/*
 * A repeated address, whatever the prefixes (the HMAC hashes it once, so
 * a peer listing it once would match, but the scripts would set it up
 * twice): at most CARP_ADDRS_MAX of them, so sorting a copy on the stack
 * keeps this linear in the instances.
 */
static void
check_addr_twice(struct check *ck, const struct cfg_instance *cv)
{
	struct carp_addr	sorted[CARP_ADDRS_MAX];
	size_t			i;

	memcpy(sorted, cv->addrs, cv->naddrs * sizeof(sorted[0]));
	qsort(sorted, cv->naddrs, sizeof(sorted[0]), addr_cmp);
	for (i = 1; i < cv->naddrs; i++)
		if (carp_addr_eq(&sorted[i], &sorted[i - 1]))
			break;
	if (i == cv->naddrs)
		return;
	/* Name the first repeat in the order written, as before. */
	for (i = 1; i < cv->naddrs; i++)
		if (carp_addr_index(cv->addrs, i, &cv->addrs[i]) < i)
			report(ck, CFG_P_ADDR_TWICE, cv, "addr", NULL, i);
}

/*
 * Each address alone: a prefix its family cannot have, and IPv6
 * link-local addresses: OpenBSD leaves them out of the HMAC it sends and
 * FreeBSD puts them in, so a vhid holding one cannot match both.
 */
static void
check_addr_each(struct check *ck, const struct cfg_instance *cv)
{
	size_t	i;

	for (i = 0; i < cv->naddrs; i++)
		if (!carp_addr_prefix_ok(&cv->addrs[i]))
			report(ck, CFG_P_ADDR_PREFIX, cv, "addr", NULL, i);
		else if (carp_addr_is_ll6(&cv->addrs[i]))
			report(ck, CFG_P_ADDR_LL6, cv, "addr", NULL, i);
}

static void
check_addrs(struct check *ck, const struct cfg_instance *cv)
{
	if (cv->naddrs == 0)
		report(ck, CFG_P_NO_ADDR, cv, "addr", NULL, 0);
	else if (cv->naddrs > CARP_ADDRS_MAX)
		report(ck, CFG_P_ADDRS_MANY, cv, "addr", NULL, cv->naddrs);
	else {
		check_addr_each(ck, cv);
		check_addr_twice(ck, cv);
	}
}

/* True if the instance has an address or a peer of the family. */
static bool
has_family(const struct carp_addr *v, size_t n, uint8_t family)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (v[i].family == family)
			return true;
	return false;
}

/*
 * Unicast peers: not ourselves, a source address of their family (an
 * IPv4 srcip for IPv4; an IPv6 srcip for IPv6, or the link-local one for
 * a link-local peer), an advert of their family to receive, and without
 * unicast_also_multicast a peer for each family we advertise: never a
 * silent fallback to multicast.
 */
static void
check_peers(struct check *ck, const struct cfg_instance *cv)
{
	const struct carp_addr	*pa;
	size_t			 i;
	uint8_t			 f;

	for (i = 0; i < cv->peer.n; i++) {
		pa = &cv->peer.v[i];
		if (carp_addr_eq(pa, &cv->srcip) ||
		    carp_addr_index(cv->addrs, cv->naddrs, pa) < cv->naddrs)
			report(ck, CFG_P_PEER_OWN, cv, "peer", NULL, i);
		else if (pa->family != cv->srcip.family &&
		    !carp_addr_is_ll6(pa))
			report(ck, CFG_P_PEER_NO_SRC, cv, "peer", NULL, i);
		else if (!has_family(cv->addrs, cv->naddrs, pa->family))
			report(ck, CFG_P_PEER_NO_ADDR, cv, "peer", NULL, i);
	}
	if (cv->peer.n == 0 || cv->unicast_also_multicast)
		return;
	for (f = CARP_AF_INET; f <= CARP_AF_INET6; f += 2)
		if (has_family(cv->addrs, cv->naddrs, f) &&
		    !has_family(cv->peer.v, cv->peer.n, f))
			report(ck, CFG_P_PEER_FAMILY, cv, "peer", NULL, f);
}

/* Every name in track_check must be a check of the checks list. */
static void
check_tracks(struct check *ck, const struct cfg *c,
    const struct cfg_instance *cv)
{
	size_t	i, j;

	for (i = 0; i < cv->track_check.n; i++) {
		for (j = 0; j < c->nchecks; j++)
			if (strcmp(c->checks[j].name, cv->track_check.v[i]) == 0)
				break;
		if (j == c->nchecks)
			report(ck, CFG_P_CHECK_UNDEFINED, cv, "track_check",
			    NULL, i);
	}
}

/* The rules for one instance, in ucarp's order where it had them. */
static void
check_instance(struct check *ck, const struct cfg_instance *cv)
{
	if (cv->interface == NULL)
		report(ck, CFG_P_NO_INTERFACE, cv, "interface", NULL, 0);
	else if (strlen(cv->interface) > CFG_IFNAME_MAX)
		report(ck, CFG_P_IFNAME_LONG, cv, "interface", NULL,
		    CFG_IFNAME_MAX);
	else if (!ifname_valid(cv->interface))
		report(ck, CFG_P_IFNAME_BAD, cv, "interface", NULL, 0);
	if (cv->vhid == 0)
		report(ck, CFG_P_NO_VHID, cv, "vhid", NULL, 0);
	if (cv->passlen == 0)
		report(ck, CFG_P_NO_PASS, cv, "pass", NULL, 0);
	if (cv->advbase == 0 && cv->advskew == 0)
		report(ck, CFG_P_NO_ADVBASE, cv, "advbase", NULL, 0);
	if (carp_addr_is_zero(&cv->srcip))
		report(ck, CFG_P_NO_SRCIP, cv, "srcip", NULL, 0);
	check_addrs(ck, cv);
	check_peers(ck, cv);
	if (cv->deadratio == 0)
		report(ck, CFG_P_DEADRATIO_ZERO, cv, "deadratio", NULL, 0);
	if (!cv->nomcast && !ipv4_multicast(cv->mcast))
		report(ck, CFG_P_MCAST_NOT_GROUP, cv, "mcast", NULL, 0);
	if (cv->on_address_removed != NULL &&
	    strcmp(cv->on_address_removed, "restore") != 0 &&
	    strcmp(cv->on_address_removed, "stepdown") != 0)
		report(ck, CFG_P_ADDR_POLICY, cv, "on_address_removed", NULL,
		    0);
}

/* Incomplete identities first, then by identity, then in file order. */
static int
slot_identity_cmp(const void *x, const void *y)
{
	const struct cfg_check_slot	*a = x, *b = y;
	bool				 ha, hb;
	int				 c;

	ha = a->cv->interface != NULL && a->cv->vhid != 0;
	hb = b->cv->interface != NULL && b->cv->vhid != 0;
	if (ha != hb)
		return ha ? 1 : -1;
	if (ha && (c = strcmp(a->cv->interface, b->cv->interface)) != 0)
		return c;
	if (ha && a->cv->vhid != b->cv->vhid)
		return a->cv->vhid < b->cv->vhid ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int
slot_name_cmp(const void *x, const void *y)
{
	const struct cfg_check_slot	*a = x, *b = y;
	int				 c;

	if ((a->cv->name == NULL) != (b->cv->name == NULL))
		return a->cv->name == NULL ? -1 : 1;
	if (a->cv->name != NULL &&
	    (c = strcmp(a->cv->name, b->cv->name)) != 0)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int
slot_idx_cmp(const void *x, const void *y)
{
	const struct cfg_check_slot	*a = x, *b = y;

	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static bool
same_identity(const struct cfg_instance *a, const struct cfg_instance *b)
{
	return a->interface != NULL && a->vhid != 0 &&
	    b->interface != NULL && b->vhid != 0 && a->vhid == b->vhid &&
	    strcmp(a->interface, b->interface) == 0;
}

/*
 * What instances must not share, found by sorting.  Two instances with one
 * vhid on one interface would answer each other's adverts; names are how
 * logs and the control socket tell instances apart.
 */
static void
find_repeats(const struct cfg *c, struct cfg_check_slot *s)
{
	size_t	i, n = c->ninstances, first;

	for (i = 0; i < n; i++) {
		s[i].cv = c->instances[i];
		s[i].idx = i;
		s[i].vhid_first = s[i].name_first = NULL;
	}
	qsort(s, n, sizeof(*s), slot_identity_cmp);
	for (i = 1, first = 0; i < n; i++) {
		if (same_identity(s[first].cv, s[i].cv))
			s[i].vhid_first = s[first].cv;
		else
			first = i;
	}
	qsort(s, n, sizeof(*s), slot_name_cmp);
	for (i = 1, first = 0; i < n; i++) {
		if (s[i].cv->name == NULL || s[first].cv->name == NULL ||
		    strcmp(s[first].cv->name, s[i].cv->name) != 0)
			first = i;
		else
			s[i].name_first = s[first].cv;
	}
	qsort(s, n, sizeof(*s), slot_idx_cmp);
}

size_t
cfg_check(const struct cfg *c, struct cfg_check_slot *scratch,
    cfg_check_report fn, void *arg)
{
	struct check	ck;
	size_t		i;

	ck.fn = fn;
	ck.arg = arg;
	ck.n = 0;
	if (c->ninstances > 0)
		find_repeats(c, scratch);
	for (i = 0; i < c->ninstances; i++) {
		check_instance(&ck, c->instances[i]);
		check_tracks(&ck, c, c->instances[i]);
		if (scratch[i].vhid_first != NULL)
			report(&ck, CFG_P_VHID_USED, c->instances[i], NULL,
			    scratch[i].vhid_first, 0);
		if (scratch[i].name_first != NULL)
			report(&ck, CFG_P_NAME_USED, c->instances[i], NULL,
			    scratch[i].name_first, 0);
	}
	return ck.n;
}
