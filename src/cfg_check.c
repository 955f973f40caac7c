/*
 * cfg_check.c: semantic checks of a whole configuration (pure core).
 *
 * Types, ranges and files were checked while reading; what is left are
 * the rules about values together: what an instance must have, which
 * combinations CARP cannot run, and what instances must not share.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "carp_hmac.h"
#include "cfg_check.h"

struct check {
	cfg_check_report	 fn;
	void			*arg;
	size_t			 n;
};

static void	report(struct check *, const struct cfg_vhost *, const char *,
		    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
report(struct check *ck, const struct cfg_vhost *cv, const char *key,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	ck->fn(ck->arg, cv, key, fmt, ap);
	va_end(ap);
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

	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (p = s; *p != '\0'; p++)
		if (*p == '/' || *p == ' ' || *p == '\t' ||
		    *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f')
			return false;
	return true;
}

static bool
ipv4_zero(const uint8_t a[4])
{
	return a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0;
}

/* 224.0.0.0/4 */
static bool
ipv4_multicast(const uint8_t a[4])
{
	return (a[0] & 0xf0) == 0xe0;
}

static void
check_interface(struct check *ck, const struct cfg_vhost *cv)
{
	if (cv->interface == NULL) {
		report(ck, cv, "interface", "instance has no interface; add "
		    "interface = \"<name>\"; here or in defaults");
		return;
	}
	if (strlen(cv->interface) > CFG_IFNAME_MAX)
		report(ck, cv, "interface", "interface '%s' is longer than %d "
		    "bytes; give the name of a network interface (ip link)",
		    cv->interface, CFG_IFNAME_MAX);
	else if (!ifname_valid(cv->interface))
		report(ck, cv, "interface", "interface '%s' is not a valid "
		    "interface name; give the name of a network interface "
		    "(ip link)", cv->interface);
}

static void
check_addrs(struct check *ck, const struct cfg_vhost *cv)
{
	size_t	i, j;

	if (cv->naddrs == 0) {
		report(ck, cv, "addr", "instance has no addr; add addr = "
		    "\"a.b.c.d\"; (the virtual address) here or in defaults");
		return;
	}
	if (cv->naddrs > CARP_ADDRS_MAX)
		report(ck, cv, "addr", "addr lists %zu addresses, at most %d "
		    "fit in one vhid; split them over several instances",
		    cv->naddrs, CARP_ADDRS_MAX);
	for (i = 1; i < cv->naddrs; i++)
		for (j = 0; j < i; j++)
			if (memcmp(cv->addrs[i], cv->addrs[j], 4) == 0) {
				report(ck, cv, "addr", "addr %s is listed "
				    "twice; list each address once",
				    cv->addr_strs[i]);
				break;
			}
}

/* The rules for one instance, in ucarp's order where it had them. */
static void
check_vhost(struct check *ck, const struct cfg_vhost *cv)
{
	check_interface(ck, cv);
	if (cv->vhid == 0)
		report(ck, cv, "vhid", "instance has no vhid; add vhid = "
		    "<1-255>; here or in defaults");
	if (cv->passlen == 0)
		report(ck, cv, "pass", "instance has no password; add pass = "
		    "\"<secret>\"; or passfile = \"<path>\"; here or in "
		    "defaults");
	if (cv->advbase == 0 && cv->advskew == 0)
		report(ck, cv, "advbase", "advbase and advskew are both 0; set "
		    "advbase to 1 or more, or advskew above 0");
	if (ipv4_zero(cv->srcip))
		report(ck, cv, "srcip", "instance has no srcip; add srcip = "
		    "\"a.b.c.d\"; (this host's own address)");
	check_addrs(ck, cv);
	if (cv->deadratio == 0)
		report(ck, cv, "deadratio", "deadratio is 0; give a ratio from "
		    "1 to 255");
	if (!cv->nomcast && !ipv4_multicast(cv->mcast))
		report(ck, cv, "mcast", "mcast %u.%u.%u.%u is not a multicast "
		    "address; give a group in 224.0.0.0/4 (default 224.0.0.18) "
		    "or set nomcast = true", cv->mcast[0], cv->mcast[1],
		    cv->mcast[2], cv->mcast[3]);
}

/*
 * What instances must not share.  Two vhosts with one vhid on one
 * interface would answer each other's adverts; names are how logs and
 * the control socket tell instances apart.
 */
static void
check_unique(struct check *ck, const struct cfg *c, size_t i)
{
	const struct cfg_vhost	*cv = c->vhosts[i], *o;
	size_t			 j;

	if (cv->interface != NULL && cv->vhid != 0)
		for (j = 0; j < i; j++) {
			o = c->vhosts[j];
			if (o->interface == NULL || o->vhid != cv->vhid ||
			    strcmp(o->interface, cv->interface) != 0)
				continue;
			report(ck, cv, NULL, "vhid %u on %s is already used by "
			    "the instance at %s:%d; give each instance on one "
			    "interface its own vhid", cv->vhid, cv->interface,
			    o->file, o->line);
			break;
		}
	if (cv->name != NULL)
		for (j = 0; j < i; j++) {
			o = c->vhosts[j];
			if (o->name == NULL || strcmp(o->name, cv->name) != 0)
				continue;
			report(ck, cv, NULL, "name '%s' is already used by the "
			    "instance at %s:%d; give each instance its own "
			    "name", cv->name, o->file, o->line);
			break;
		}
}

size_t
cfg_check(const struct cfg *c, cfg_check_report fn, void *arg)
{
	struct check	ck;
	size_t		i;

	ck.fn = fn;
	ck.arg = arg;
	ck.n = 0;
	for (i = 0; i < c->nvhosts; i++) {
		check_vhost(&ck, c->vhosts[i]);
		check_unique(&ck, c, i);
	}
	return ck.n;
}
