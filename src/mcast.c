/*
 * mcast.c: multicast memberships per interface: IPv4 (IGMP) and IPv6
 * (MLD), so that the interface's filter lets the groups' frames in.
 *
 * A membership asked for ifindex 0 lands on whichever interface the route
 * to the group points to, so none is asked before the interface exists:
 * groups are counted from the start, joined on mcast_attach (the interface
 * appeared) and dropped on mcast_detach (it went away).  Dropping matters
 * even for a vanished interface: the socket keeps the entry, and a socket
 * holds at most net.ipv4.igmp_max_memberships (20) of them.  One socket
 * per family and interface, opened at the first join.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carp_addr.h"
#include "log.h"
#include "mcast.h"
#include "xmalloc.h"

struct mcast_group {
	struct carp_addr addr;
	unsigned	 refs;
	bool		 joined;
};

struct mcast {
	char			*name;
	unsigned		 ifindex;	/* 0: the interface is not there */
	int			 sock;		/* IPv4 */
	int			 sock6;
	struct mcast_group	*groups;
	size_t			 ngroups;
};

struct mcast *
mcast_new(const char *name)
{
	struct mcast	*mc;

	mc = xcalloc(1, sizeof(*mc));
	mc->name = xstrdup(name);
	mc->sock = -1;
	mc->sock6 = -1;
	return mc;
}

void
mcast_free(struct mcast *mc)
{
	if (mc == NULL)
		return;
	if (mc->sock != -1)
		close(mc->sock);	/* drops the memberships */
	if (mc->sock6 != -1)
		close(mc->sock6);
	free(mc->groups);
	free(mc->name);
	free(mc);
}

/*
 * The membership request of g for setsockopt: its level, option and
 * length; the socket of its family is opened on first use (-1 if not).
 */
static int
mcast_req(struct mcast *mc, const struct mcast_group *g, bool join,
    void *req, int *level, int *opt, socklen_t *len)
{
	struct ip_mreqn		*mr = req;
	struct ipv6_mreq	*mr6 = req;
	int			*sock;
	bool			 v6 = g->addr.family == CARP_AF_INET6;

	sock = v6 ? &mc->sock6 : &mc->sock;
	if (*sock == -1)
		*sock = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM |
		    SOCK_CLOEXEC, 0);
	if (v6) {
		memset(mr6, 0, sizeof(*mr6));
		memcpy(&mr6->ipv6mr_multiaddr, g->addr.a, 16);
		mr6->ipv6mr_interface = mc->ifindex;
		*level = IPPROTO_IPV6;
		*opt = join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP;
		*len = sizeof(*mr6);
	} else {
		memset(mr, 0, sizeof(*mr));
		memcpy(&mr->imr_multiaddr, g->addr.a, 4);
		mr->imr_ifindex = (int)mc->ifindex;
		*level = IPPROTO_IP;
		*opt = join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP;
		*len = sizeof(*mr);
	}
	return *sock;
}

/* Join (IP_ADD_MEMBERSHIP) or leave one group on the attached interface. */
static void
mcast_set(struct mcast *mc, struct mcast_group *g, bool join)
{
	union {
		struct ip_mreqn		v4;
		struct ipv6_mreq	v6;
	}		 req;
	char		 ip[CARP_ADDR_STRLEN];
	socklen_t	 len;
	int		 sock, level, opt;

	if (join == g->joined || mc->ifindex == 0)
		return;
	if ((sock = mcast_req(mc, g, join, &req, &level, &opt, &len)) == -1) {
		log_warn("%s: cannot open a socket for multicast group "
		    "%s (adverts may not be received)", mc->name,
		    carp_addr_fmt(&g->addr, ip));
		return;
	}
	if (!join) {
		/* Also removes the entry of an interface that is gone. */
		setsockopt(sock, level, opt, &req, len);
		g->joined = false;
		return;
	}
	if (setsockopt(sock, level, opt, &req, len) == -1 &&
	    errno != EADDRINUSE) {
		log_msg(LOG_WARNING, "%s: cannot join multicast group "
		    "%s: %s (adverts may not be received; check the "
		    "interface's %s setup)", mc->name,
		    carp_addr_fmt(&g->addr, ip), strerror(errno),
		    g->addr.family == CARP_AF_INET6 ? "IPv6" : "IPv4");
		return;
	}
	g->joined = true;
}

void
mcast_join(struct mcast *mc, const struct carp_addr *group)
{
	struct mcast_group	*g;
	size_t			 i;

	for (i = 0; i < mc->ngroups; i++) {
		if (carp_addr_eq(&mc->groups[i].addr, group)) {
			mc->groups[i].refs++;
			return;
		}
	}
	mc->groups = xreallocarray(mc->groups, mc->ngroups + 1,
	    sizeof(*mc->groups));
	g = &mc->groups[mc->ngroups++];
	memset(g, 0, sizeof(*g));
	g->addr = *group;
	g->refs = 1;
	mcast_set(mc, g, true);
}

void
mcast_leave(struct mcast *mc, const struct carp_addr *group)
{
	size_t	i;

	for (i = 0; i < mc->ngroups; i++) {
		if (!carp_addr_eq(&mc->groups[i].addr, group))
			continue;
		if (--mc->groups[i].refs > 0)
			return;
		mcast_set(mc, &mc->groups[i], false);
		mc->groups[i] = mc->groups[--mc->ngroups];
		return;
	}
}

void
mcast_attach(struct mcast *mc, unsigned ifindex)
{
	size_t	i;

	if (mc->ifindex != ifindex)
		mcast_detach(mc);
	mc->ifindex = ifindex;
	/* Joins that failed before are tried again. */
	for (i = 0; i < mc->ngroups; i++)
		mcast_set(mc, &mc->groups[i], true);
}

void
mcast_detach(struct mcast *mc)
{
	size_t	i;

	for (i = 0; i < mc->ngroups; i++)
		mcast_set(mc, &mc->groups[i], false);
	mc->ifindex = 0;
}
