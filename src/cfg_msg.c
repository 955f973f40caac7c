/*
 * cfg_msg.c: the words for cfg_check()'s problems.  The core says what
 * is wrong as a code; here it becomes "what; what to do" in the file's
 * vocabulary (keys, defaults) or in the command line's (ucarp 1.5.2's
 * own messages, then options).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "carp_hmac.h"
#include "cfg_msg.h"
#include "xmalloc.h"

/* The instance a problem points at: where it was written. */
static const char *
other_file(const struct cfg_problem *p)
{
	return p->other != NULL && p->other->file != NULL ? p->other->file :
	    "?";
}

static int
other_line(const struct cfg_problem *p)
{
	return p->other != NULL ? p->other->line : 0;
}

/* The family of the address a problem is about. */
static const char *
msg_family(const struct cfg_problem *p)
{
	return p->cv->addrs[p->n].family == CARP_AF_INET6 ? "IPv6" : "IPv4";
}

static char *
msg_ifname(const struct cfg_problem *p, bool file)
{
	char	*m;

	if (file && p->code == CFG_P_IFNAME_LONG)
		xasprintf(&m, "interface '%s' is longer than %d bytes; give "
		    "the name of a network interface (ip link)",
		    p->cv->interface, CFG_IFNAME_MAX);
	else if (file)
		xasprintf(&m, "interface '%s' is not a valid interface name; "
		    "give the name of a network interface (ip link)",
		    p->cv->interface);
	else
		xasprintf(&m, "Invalid interface name: [%s] (%s); give the "
		    "name of a network interface (ip link)", p->cv->interface,
		    p->code == CFG_P_IFNAME_LONG ? "longer than 15 bytes" :
		    "'/', blanks, '.' and '..' are not names");
	return m;
}

/* The problems of the address list, in the file's or the options' words. */
static char *
msg_addr(const struct cfg_problem *p, bool file)
{
	const char	*a = p->code == CFG_P_ADDRS_MANY ? NULL :
			    p->cv->addr_strs[p->n];
	char		*m;

	switch (p->code) {
	case CFG_P_ADDRS_MANY:
		if (file)
			xasprintf(&m, "addr lists %zu addresses, at most %d "
			    "fit in one vhid; split them over several "
			    "instances", p->n, CARP_ADDRS_MAX);
		else
			xasprintf(&m, "Too many virtual addresses: %zu (at "
			    "most %d per vhid)", p->n, CARP_ADDRS_MAX);
		break;
	case CFG_P_ADDR_PREFIX:
		if (file)
			xasprintf(&m, "addr %s: the prefix length is out of "
			    "range for %s; give 0 to %u, or no /prefix", a,
			    msg_family(p),
			    carp_addr_prefix_max(&p->cv->addrs[p->n]));
		else
			xasprintf(&m, "Invalid prefix length: [%s] (%s takes "
			    "0 to %u)", a, msg_family(p),
			    carp_addr_prefix_max(&p->cv->addrs[p->n]));
		break;
	case CFG_P_ADDR_LL6:
		if (file)
			xasprintf(&m, "addr %s is an IPv6 link-local address "
			    "(fe80::/10), which BSD peers would not hash "
			    "alike; give a global or unique-local address", a);
		else
			xasprintf(&m, "Link-local address: [%s] (BSD peers "
			    "would not hash it alike; give a global or "
			    "unique-local address)", a);
		break;
	default:	/* CFG_P_ADDR_TWICE */
		if (file)
			xasprintf(&m, "addr %s is listed twice; list each "
			    "address once", a);
		else
			xasprintf(&m, "Address given twice: [%s]", a);
		break;
	}
	return m;
}

/* The unicast peer problems; how is "peer " or "--peer ". */
static char *
msg_peer(const struct cfg_problem *p, const char *how)
{
	char	 a[CARP_ADDR_STRLEN], *m = NULL;
	int	 fam = p->code == CFG_P_PEER_FAMILY ? (int)p->n :
		    p->cv->peer.v[p->n].family;

	if (p->code != CFG_P_PEER_FAMILY)
		carp_addr_fmt(&p->cv->peer.v[p->n], a);
	switch (p->code) {
	case CFG_P_PEER_OWN:
		xasprintf(&m, "%s%s is our own address (srcip or addr); list "
		    "the other nodes' addresses", how, a);
		break;
	case CFG_P_PEER_NO_SRC:
		xasprintf(&m, "%s%s is IPv%d but srcip is not: adverts to it "
		    "would have no source address; give an IPv%d srcip or an "
		    "IPv%d peer", how, a, fam, fam, fam == 4 ? 6 : 4);
		break;
	case CFG_P_PEER_NO_ADDR:
		xasprintf(&m, "%s%s is IPv%d but the instance has no IPv%d "
		    "addr, so no IPv%d advert goes to it; remove it or add an "
		    "IPv%d addr", how, a, fam, fam, fam, fam);
		break;
	default:
		xasprintf(&m, "%slists no IPv%d peer, but the instance has IPv%d "
		    "addresses: their adverts would go nowhere; add an IPv%d "
		    "peer (or set unicast_also_multicast to send them by "
		    "multicast too)", how, fam, fam, fam);
		break;
	}
	return m;
}

char *
cfg_msg_file(const struct cfg_problem *p)
{
	char		 g[CARP_ADDR4_STRLEN];
	char		*m = NULL;

	switch (p->code) {
	case CFG_P_NO_INTERFACE:
		return xstrdup("instance has no interface; add interface = "
		    "\"<name>\"; here or in defaults");
	case CFG_P_IFNAME_LONG:
	case CFG_P_IFNAME_BAD:
		return msg_ifname(p, true);
	case CFG_P_NO_VHID:
		return xstrdup("instance has no vhid; add vhid = <1-255>; "
		    "here or in defaults");
	case CFG_P_NO_PASS:
		return xstrdup("instance has no password; add pass = "
		    "\"<secret>\"; or passfile = \"<path>\"; here or in "
		    "defaults");
	case CFG_P_NO_ADVBASE:
		return xstrdup("advbase and advskew are both 0; set advbase "
		    "to 1 or more, or advskew above 0");
	case CFG_P_NO_SRCIP:
		return xstrdup("instance has no srcip; add srcip = "
		    "\"a.b.c.d\"; (this host's own address)");
	case CFG_P_NO_ADDR:
		return xstrdup("instance has no addr; add addr = \"a.b.c.d\"; "
		    "(the virtual address) here or in defaults");
	case CFG_P_ADDRS_MANY:
	case CFG_P_ADDR_PREFIX:
	case CFG_P_ADDR_LL6:
	case CFG_P_ADDR_TWICE:
		return msg_addr(p, true);
	case CFG_P_DEADRATIO_ZERO:
		return xstrdup("deadratio is 0; give a ratio from 1 to 255");
	case CFG_P_MCAST_NOT_GROUP:
		xasprintf(&m, "mcast %s is not a multicast address; give a "
		    "group in 224.0.0.0/4 (default 224.0.0.18) or set nomcast "
		    "= true", carp_addr_fmt4(p->cv->mcast, g));
		break;
	case CFG_P_VHID_USED:
		xasprintf(&m, "vhid %u on %s is already used by the instance "
		    "at %s:%d; give each instance on one interface its own "
		    "vhid", p->cv->vhid, p->cv->interface, other_file(p),
		    other_line(p));
		break;
	case CFG_P_NAME_USED:
		xasprintf(&m, "name '%s' is already used by the instance at "
		    "%s:%d; give each instance its own name", p->cv->name,
		    other_file(p), other_line(p));
		break;
	case CFG_P_CHECK_UNDEFINED:
		xasprintf(&m, "track_check names '%s', which is not in the "
		    "checks list; define it in checks = ( { name = \"%s\"; "
		    "script = ...; } ); or fix the name",
		    p->cv->track_check.v[p->n], p->cv->track_check.v[p->n]);
		break;
	case CFG_P_ADDR_POLICY:
		xasprintf(&m, "on_address_removed is \"%s\"; write \"restore\" "
		    "(add the address back, the default) or \"stepdown\" "
		    "(let a peer take over)", p->cv->on_address_removed);
		break;
	case CFG_P_PEER_OWN:
	case CFG_P_PEER_NO_SRC:
	case CFG_P_PEER_NO_ADDR:
	case CFG_P_PEER_FAMILY:
		return msg_peer(p, "peer ");
	case CFG_P_N:
		break;
	}
	return m;
}

char *
cfg_msg_cli(const struct cfg_problem *p)
{
	char		 g[CARP_ADDR4_STRLEN];
	char		*m = NULL;

	switch (p->code) {
	case CFG_P_NO_INTERFACE:
		return xstrdup("You must supply a network interface");
	case CFG_P_IFNAME_LONG:
	case CFG_P_IFNAME_BAD:
		return msg_ifname(p, false);
	case CFG_P_NO_VHID:
		return xstrdup("You must supply a valid virtual host id");
	case CFG_P_NO_PASS:
		return xstrdup("You must supply a password");
	case CFG_P_NO_ADVBASE:
		return xstrdup("You must supply an advertisement time base");
	case CFG_P_NO_SRCIP:
		return xstrdup("You must supply a persistent source address");
	case CFG_P_NO_ADDR:
		return xstrdup("You must supply a virtual host address");
	case CFG_P_ADDRS_MANY:
	case CFG_P_ADDR_PREFIX:
	case CFG_P_ADDR_LL6:
	case CFG_P_ADDR_TWICE:
		return msg_addr(p, false);
	case CFG_P_DEADRATIO_ZERO:
		return xstrdup("Dead ratio can't be zero");
	case CFG_P_MCAST_NOT_GROUP:
		xasprintf(&m, "Invalid multicast address: [%s]; give a group "
		    "in 224.0.0.0/4 (default 224.0.0.18) or --nomcast",
		    carp_addr_fmt4(p->cv->mcast, g));
		break;
	case CFG_P_VHID_USED:
		xasprintf(&m, "vhid %u on %s is given twice", p->cv->vhid,
		    p->cv->interface);
		break;
	case CFG_P_NAME_USED:
		xasprintf(&m, "Name [%s] is given twice", p->cv->name);
		break;
	case CFG_P_CHECK_UNDEFINED:	/* not an option: file only */
		xasprintf(&m, "Check [%s] is not defined",
		    p->cv->track_check.v[p->n]);
		break;
	case CFG_P_ADDR_POLICY:		/* not an option: file only */
		xasprintf(&m, "on_address_removed [%s] is not restore or "
		    "stepdown", p->cv->on_address_removed);
		break;
	case CFG_P_PEER_OWN:
	case CFG_P_PEER_NO_SRC:
	case CFG_P_PEER_NO_ADDR:
	case CFG_P_PEER_FAMILY:
		return msg_peer(p, "--peer ");
	case CFG_P_N:
		break;
	}
	return m;
}

char *
cfg_msg_cli_range(const struct cfg_key *k, const char *arg)
{
	char	*m;

	if (strcmp(k->name, "vhid") == 0)	/* ucarp's words */
		xasprintf(&m, "%s must be between %lld and %lld.", k->name,
		    k->min, k->max);
	else
		xasprintf(&m, "%s must be between %lld and %lld%s, not [%s]",
		    k->name, k->min, k->max, k->arg != NULL &&
		    strcmp(k->arg, "seconds") == 0 ? " (seconds)" : "", arg);
	return m;
}

char *
cfg_msg_script(const char *key, const char *path, struct cfg_fs_result r)
{
	char	*m = NULL;

	if (r.status == CFG_FS_NOT_REGULAR)
		xasprintf(&m, "%s %s: not a regular file; give the path of an "
		    "executable script", key, path);
	else if (r.status == CFG_FS_NOT_EXEC)
		xasprintf(&m, "%s %s: %s; make it executable (chmod +x) or "
		    "give another script", key, path, strerror(r.err));
	else if (r.status != CFG_FS_OK)
		xasprintf(&m, "%s %s: %s; give the path of an executable "
		    "script", key, path, strerror(r.err));
	return m;
}
