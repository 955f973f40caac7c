/*
 * mcast.c: IPv4 multicast memberships per interface (IGMP).
 *
 * A membership asked for ifindex 0 lands on whichever interface the route
 * to the group points to, so none is asked before the interface exists:
 * groups are counted from the start, joined on mcast_attach (the interface
 * appeared) and dropped on mcast_detach (it went away).  Dropping matters
 * even for a vanished interface: the socket keeps the entry, and a socket
 * holds at most net.ipv4.igmp_max_memberships (20) of them.  One socket
 * per interface, opened at the first join.
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
	uint8_t		 addr[4];
	unsigned	 refs;
	bool		 joined;
};

struct mcast {
	char			*name;
	unsigned		 ifindex;	/* 0: the interface is not there */
	int			 sock;
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
	return mc;
}

void
mcast_free(struct mcast *mc)
{
	if (mc == NULL)
		return;
	if (mc->sock != -1)
		close(mc->sock);	/* drops the memberships */
	free(mc->groups);
	free(mc->name);
	free(mc);
}

/* Join (IP_ADD_MEMBERSHIP) or leave one group on the attached interface. */
static void
mcast_set(struct mcast *mc, struct mcast_group *g, bool join)
{
	struct ip_mreqn	mr;
	char		ip[CARP_ADDR4_STRLEN];

	if (join == g->joined || mc->ifindex == 0)
		return;
	if (mc->sock == -1 &&
	    (mc->sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("%s: cannot open a socket for multicast group "
		    "%s (adverts may not be received)", mc->name,
		    carp_addr_fmt4(g->addr, ip));
		return;
	}
	memset(&mr, 0, sizeof(mr));
	memcpy(&mr.imr_multiaddr, g->addr, 4);
	mr.imr_ifindex = (int)mc->ifindex;
	if (!join) {
		/* Also removes the entry of an interface that is gone. */
		setsockopt(mc->sock, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mr,
		    sizeof(mr));
		g->joined = false;
		return;
	}
	if (setsockopt(mc->sock, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
	    sizeof(mr)) == -1 && errno != EADDRINUSE) {
		log_msg(LOG_WARNING, "%s: cannot join multicast group "
		    "%s: %s (adverts may not be received; check the "
		    "interface's IPv4 setup)", mc->name,
		    carp_addr_fmt4(g->addr, ip), strerror(errno));
		return;
	}
	g->joined = true;
}

void
mcast_join(struct mcast *mc, const uint8_t group[4])
{
	struct mcast_group	*g;
	size_t			 i;

	for (i = 0; i < mc->ngroups; i++) {
		if (memcmp(mc->groups[i].addr, group, 4) == 0) {
			mc->groups[i].refs++;
			return;
		}
	}
	mc->groups = xreallocarray(mc->groups, mc->ngroups + 1,
	    sizeof(*mc->groups));
	g = &mc->groups[mc->ngroups++];
	memset(g, 0, sizeof(*g));
	memcpy(g->addr, group, 4);
	g->refs = 1;
	mcast_set(mc, g, true);
}

void
mcast_leave(struct mcast *mc, const uint8_t group[4])
{
	size_t	i;

	for (i = 0; i < mc->ngroups; i++) {
		if (memcmp(mc->groups[i].addr, group, 4) != 0)
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
