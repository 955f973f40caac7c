/*
 * addr_nl.c: addresses over rtnetlink (libmnl) for built-in address
 * management; see addr_nl.h.
 *
 * Two sockets, as keepalived has: requests and their acknowledgements on
 * one, so that an answer is never mixed with events; the watch of
 * RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR on the other, with a large
 * receive buffer (a takeover storm removes thousands of addresses).  The
 * kernel handles a request inside sendmsg, so its answer is waiting when
 * sendmsg returns: a request costs two system calls and never waits on
 * the network.  A receive timeout bounds the wait all the same.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "addr_nl.h"
#include "log.h"

#define ADDR_NL_BUFSIZE		32768
#define ADDR_NL_RCVBUF		(4 * 1024 * 1024)

static struct mnl_socket	*addr_cmd, *addr_mon;
static struct event		*addr_ev;
static unsigned			 addr_seq;
static addr_nl_seen_cb		 addr_removed;
static addr_nl_resync_cb	 addr_resync;

static struct mnl_socket *
addr_nl_open(int flags)
{
	struct mnl_socket	*s;

	if ((s = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | flags)) ==
	    NULL)
		return NULL;
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) == -1) {
		mnl_socket_close(s);
		return NULL;
	}
	return s;
}

/* The address of an RTM_NEWADDR or RTM_DELADDR, if it is one we can use. */
struct addr_nl_parse {
	const struct nlattr	*local, *address, *proto;
};

static int
addr_nl_attr_cb(const struct nlattr *a, void *arg)
{
	struct addr_nl_parse	*p = arg;

	switch (mnl_attr_get_type(a)) {
	case IFA_LOCAL:
		p->local = a;
		break;
	case IFA_ADDRESS:
		p->address = a;
		break;
	case IFA_PROTO:
		if (mnl_attr_validate(a, MNL_TYPE_U8) == 0)
			p->proto = a;
		break;
	}
	return MNL_CB_OK;
}

static bool
addr_nl_parse_msg(const struct nlmsghdr *nh, struct addr_nl_seen *s)
{
	const struct ifaddrmsg	*ifa;
	struct addr_nl_parse	 p;
	const struct nlattr	*a;
	size_t			 len;

	if (mnl_nlmsg_get_payload_len(nh) < sizeof(*ifa))
		return false;
	ifa = mnl_nlmsg_get_payload(nh);
	memset(&p, 0, sizeof(p));
	mnl_attr_parse(nh, sizeof(*ifa), addr_nl_attr_cb, &p);
	memset(s, 0, sizeof(*s));
	if (ifa->ifa_family == AF_INET) {
		s->addr.family = CARP_AF_INET;
		len = 4;
	} else if (ifa->ifa_family == AF_INET6) {
		s->addr.family = CARP_AF_INET6;
		len = 16;
	} else
		return false;
	/* IPv4: IFA_LOCAL is the address (IFA_ADDRESS the peer's). */
	a = p.local != NULL ? p.local : p.address;
	if (a == NULL || mnl_attr_get_payload_len(a) != len)
		return false;
	memcpy(s->addr.a, mnl_attr_get_payload(a), len);
	s->addr.prefix = ifa->ifa_prefixlen;
	s->ifindex = ifa->ifa_index;
	s->tagged = p.proto != NULL &&
	    mnl_attr_get_u8(p.proto) == ADDR_NL_PROTO;
	return true;
}

static int
addr_nl_mon_cb(const struct nlmsghdr *nh, void *arg UNUSED)
{
	struct addr_nl_seen	s;

	if (nh->nlmsg_type == RTM_DELADDR && addr_nl_parse_msg(nh, &s))
		addr_removed(&s, NULL);
	return MNL_CB_OK;
}

static void
addr_nl_read_cb(int fd UNUSED, short what UNUSED, void *arg UNUSED)
{
	char	buf[ADDR_NL_BUFSIZE];
	ssize_t	n;

	for (;;) {
		n = mnl_socket_recvfrom(addr_mon, buf, sizeof(buf));
		if (n == -1) {
			/* Removals were lost: compare with the kernel again. */
			if (errno == ENOBUFS || errno == ENOSPC) {
				log_msg(LOG_WARNING, "address watch overrun "
				    "(events lost): re-reading addresses and "
				    "links");
				addr_resync();
				continue;
			}
			return;
		}
		mnl_cb_run(buf, (size_t)n, 0, 0, addr_nl_mon_cb, NULL);
	}
}

static bool
addr_nl_watch(struct event_base *base)
{
	int			groups[] = { RTNLGRP_IPV4_IFADDR,
				    RTNLGRP_IPV6_IFADDR };
	int			sz = ADDR_NL_RCVBUF;
	size_t			i;

	if ((addr_mon = addr_nl_open(SOCK_NONBLOCK)) == NULL)
		return false;
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (mnl_socket_setsockopt(addr_mon, NETLINK_ADD_MEMBERSHIP,
		    &groups[i], sizeof(groups[i])) == -1)
			return false;
	/* Root may pass rmem_max; if not, the default will do. */
	if (setsockopt(mnl_socket_get_fd(addr_mon), SOL_SOCKET,
	    SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(mnl_socket_get_fd(addr_mon), SOL_SOCKET,
		    SO_RCVBUF, &sz, sizeof(sz));
	addr_ev = event_new(base, mnl_socket_get_fd(addr_mon), EV_READ |
	    EV_PERSIST, addr_nl_read_cb, NULL);
	event_add(addr_ev, NULL);
	return true;
}

int
addr_nl_init(struct event_base *base, addr_nl_seen_cb removed,
    addr_nl_resync_cb resync)
{
	struct timeval	tv = { 1, 0 };

	addr_removed = removed;
	addr_resync = resync;
	addr_seq = (unsigned)time(NULL);
	if ((addr_cmd = addr_nl_open(0)) == NULL || !addr_nl_watch(base)) {
		log_warn("cannot open netlink sockets for manage_addresses "
		    "(addresses will not be added; run as root)");
		addr_nl_shutdown();
		return -1;
	}
	(void)setsockopt(mnl_socket_get_fd(addr_cmd), SOL_SOCKET, SO_RCVTIMEO,
	    &tv, sizeof(tv));
	return 0;
}

void
addr_nl_shutdown(void)
{
	if (addr_ev != NULL)
		event_free(addr_ev);
	addr_ev = NULL;
	if (addr_mon != NULL)
		mnl_socket_close(addr_mon);
	if (addr_cmd != NULL)
		mnl_socket_close(addr_cmd);
	addr_mon = addr_cmd = NULL;
}

bool
addr_nl_ready(void)
{
	return addr_cmd != NULL;
}

/* A dump's messages, to the caller's callback. */
struct addr_nl_dump_arg {
	addr_nl_seen_cb	 cb;
	void		*arg;
};

static int
addr_nl_dump_cb(const struct nlmsghdr *nh, void *arg)
{
	struct addr_nl_dump_arg	*d = arg;
	struct addr_nl_seen	 s;

	if (nh->nlmsg_type == RTM_NEWADDR && addr_nl_parse_msg(nh, &s))
		d->cb(&s, d->arg);
	return MNL_CB_OK;
}

/*
 * Send nh and read the answer: the ACK (0 or its errno) or, for a dump,
 * every part until NLMSG_DONE.
 */
static int
addr_nl_talk(struct nlmsghdr *nh, mnl_cb_t cb, void *arg)
{
	char		buf[ADDR_NL_BUFSIZE];
	ssize_t		n;
	int		rc;
	unsigned	portid;

	if (addr_cmd == NULL)
		return ENOTCONN;
	nh->nlmsg_seq = ++addr_seq;
	portid = mnl_socket_get_portid(addr_cmd);
	if (mnl_socket_sendto(addr_cmd, nh, nh->nlmsg_len) == -1)
		return errno;
	do {
		n = mnl_socket_recvfrom(addr_cmd, buf, sizeof(buf));
		if (n == -1)
			return errno == EAGAIN ? ETIMEDOUT : errno;
		rc = mnl_cb_run(buf, (size_t)n, nh->nlmsg_seq, portid, cb, arg);
	} while (rc == MNL_CB_OK);
	return rc == MNL_CB_ERROR ? errno : 0;
}

/* RTM_NEWADDR or RTM_DELADDR for a at ifindex. */
static int
addr_nl_change(int type, unsigned flags, unsigned ifindex,
    const struct carp_addr *a)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr		*nh;
	struct ifaddrmsg	*ifa;
	size_t			 len = carp_addr_len(a);
	bool			 v6 = a->family == CARP_AF_INET6;

	nh = mnl_nlmsg_put_header(buf);
	nh->nlmsg_type = (uint16_t)type;
	nh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
	ifa = mnl_nlmsg_put_extra_header(nh, sizeof(*ifa));
	ifa->ifa_family = v6 ? AF_INET6 : AF_INET;
	ifa->ifa_prefixlen = a->prefix == CARP_PREFIX_NONE ?
	    carp_addr_prefix_max(a) : a->prefix;
	/* A VIP answers at once: no duplicate address detection. */
	ifa->ifa_flags = v6 ? IFA_F_NODAD : 0;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	if (!v6)
		mnl_attr_put(nh, IFA_LOCAL, len, a->a);
	/* The prefix is part of the key: an operator's /24 is not ours. */
	mnl_attr_put(nh, IFA_ADDRESS, len, a->a);
	if (type == RTM_NEWADDR)
		mnl_attr_put_u8(nh, IFA_PROTO, ADDR_NL_PROTO);
	return addr_nl_talk(nh, NULL, NULL);
}

int
addr_nl_add(unsigned ifindex, const struct carp_addr *a)
{
	return addr_nl_change(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex,
	    a);
}

int
addr_nl_del(unsigned ifindex, const struct carp_addr *a)
{
	return addr_nl_change(RTM_DELADDR, 0, ifindex, a);
}

int
addr_nl_dump(addr_nl_seen_cb cb, void *arg)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr		*nh;
	struct ifaddrmsg	*ifa;
	struct addr_nl_dump_arg	 d = { cb, arg };

	nh = mnl_nlmsg_put_header(buf);
	nh->nlmsg_type = RTM_GETADDR;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nh, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;
	return addr_nl_talk(nh, addr_nl_dump_cb, &d);
}
