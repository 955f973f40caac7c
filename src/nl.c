/*
 * nl.c: the process's one rtnetlink socket, through libmnl.
 *
 * Nothing polls: the socket joins the multicast groups its watchers ask
 * for (RTNLGRP_LINK for iface.c and track_link.c, RTNLGRP_IPV6_IFADDR for
 * iface.c) and one read callback hands each message to the watcher of its
 * type.  Address requests (with their sequence numbers and ACKs) and the
 * address monitor will share this socket and this loop: a group, a
 * message type and a handler each.  When the kernel
 * overruns the socket, events were lost: every watcher re-reads its state.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <string.h>

#include <event2/event.h>

#include "log.h"
#include "nl.h"

#define NL_BUFSIZE	16384	/* a link message with all its attributes */

static struct mnl_socket	*nl_sock;
static struct event		*nl_ev;
/* Who follows links: the interfaces, and the tracked interfaces. */
#define NL_WATCHERS_MAX		2
static struct {
	nl_link_cb	link;
	nl_resync_cb	resync;
}				 nl_watchers[NL_WATCHERS_MAX];
static size_t			 nl_nwatchers;
static nl_addr6_cb		 nl_addr6_fn;	/* iface.c's */

/* IFLA_IFNAME, if it is a proper C string. */
static int
nl_link_attr_cb(const struct nlattr *a, void *arg)
{
	const char	**name = arg;

	if (mnl_attr_get_type(a) == IFLA_IFNAME &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		*name = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

static void
nl_link_msg(const struct nlmsghdr *nh)
{
	const struct ifinfomsg	*ifi;
	struct nl_link		 l;

	size_t			 i;

	if (nl_nwatchers == 0 ||
	    mnl_nlmsg_get_payload_len(nh) < sizeof(*ifi))
		return;
	ifi = mnl_nlmsg_get_payload(nh);
	memset(&l, 0, sizeof(l));
	l.index = (unsigned)ifi->ifi_index;
	l.up = (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING);
	l.gone = nh->nlmsg_type == RTM_DELLINK;
	mnl_attr_parse(nh, sizeof(*ifi), nl_link_attr_cb, &l.name);
	for (i = 0; i < nl_nwatchers; i++)
		nl_watchers[i].link(&l);
}

/* An IPv6 address came or went: which interface. */
static void
nl_addr_msg(const struct nlmsghdr *nh)
{
	const struct ifaddrmsg	*ifa;

	if (nl_addr6_fn == NULL ||
	    mnl_nlmsg_get_payload_len(nh) < sizeof(*ifa))
		return;
	ifa = mnl_nlmsg_get_payload(nh);
	if (ifa->ifa_family == AF_INET6)
		nl_addr6_fn(ifa->ifa_index);
}

/* One message: to the watcher of its type. */
static int
nl_msg_cb(const struct nlmsghdr *nh, void *arg UNUSED)
{
	switch (nh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		nl_link_msg(nh);
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		nl_addr_msg(nh);
		break;
	}
	return MNL_CB_OK;
}

static void
nl_read_cb(int fd UNUSED, short what UNUSED, void *arg UNUSED)
{
	char	buf[NL_BUFSIZE];
	ssize_t	n;
	size_t	i;

	for (;;) {
		n = mnl_socket_recvfrom(nl_sock, buf, sizeof(buf));
		if (n == -1) {
			/*
			 * Overrun (ENOBUFS) or a message cut short (ENOSPC):
			 * events were lost, so ask the kernel again.
			 */
			if ((errno == ENOBUFS || errno == ENOSPC) &&
			    nl_nwatchers > 0) {
				for (i = 0; i < nl_nwatchers; i++)
					nl_watchers[i].resync();
				continue;
			}
			return;
		}
		/* Monitor messages: no sequence number or port to check. */
		mnl_cb_run(buf, (size_t)n, 0, 0, nl_msg_cb, NULL);
	}
}

int
nl_init(struct event_base *base)
{
	nl_sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (nl_sock == NULL) {
		log_warn("cannot open a netlink socket (link state will not be "
		    "followed; run as root)");
		return -1;
	}
	if (mnl_socket_bind(nl_sock, 0, MNL_SOCKET_AUTOPID) == -1) {
		log_warn("cannot bind the netlink socket (link state will not "
		    "be followed)");
		nl_shutdown();
		return -1;
	}
	nl_ev = event_new(base, mnl_socket_get_fd(nl_sock), EV_READ |
	    EV_PERSIST, nl_read_cb, NULL);
	event_add(nl_ev, NULL);
	return 0;
}

void
nl_shutdown(void)
{
	if (nl_ev != NULL)
		event_free(nl_ev);
	nl_ev = NULL;
	if (nl_sock != NULL)
		mnl_socket_close(nl_sock);
	nl_sock = NULL;
	nl_nwatchers = 0;
	nl_addr6_fn = NULL;
}

/*
 * Join a multicast group of the socket; false if it cannot, logged with
 * what is followed and what that means.
 */
static bool
nl_join(int group, const char *what, const char *then)
{
	if (mnl_socket_setsockopt(nl_sock, NETLINK_ADD_MEMBERSHIP, &group,
	    sizeof(group)) == -1) {
		log_warn("cannot follow %s over netlink (%s)", what, then);
		return false;
	}
	return true;
}

void
nl_resync(void)
{
	size_t	i;

	for (i = 0; i < nl_nwatchers; i++)
		nl_watchers[i].resync();
}

int
nl_watch_links(nl_link_cb link, nl_resync_cb resync)
{
	if (nl_sock == NULL || nl_nwatchers == NL_WATCHERS_MAX)
		return -1;
	if (nl_nwatchers == 0 && !nl_join(RTNLGRP_LINK, "links",
	    "link state will not be followed"))
		return -1;
	nl_watchers[nl_nwatchers].link = link;
	nl_watchers[nl_nwatchers++].resync = resync;
	return 0;
}

int
nl_watch_addrs6(nl_addr6_cb addr6)
{
	if (nl_sock == NULL || !nl_join(RTNLGRP_IPV6_IFADDR, "IPv6 addresses",
	    "a new link-local address is seen at the next link up"))
		return -1;
	nl_addr6_fn = addr6;
	return 0;
}
