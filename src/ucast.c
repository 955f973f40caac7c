/*
 * ucast.c: unicast adverts (issue 18).  One raw IP socket per family
 * (protocol 112) bound to the instance's source and interface: the kernel
 * writes the IP header and resolves ARP / ND, so the adverts reach the
 * peer's own MAC.  The sockets only send: a filter that takes nothing
 * keeps every received CARP packet out of their queues (reception stays
 * with the capture in iface.c).
 */
#include "config.h"

#include <errno.h>
#include <linux/filter.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "carp_pkt.h"
#include "ucast.h"
#include "xmalloc.h"

struct ucast {
	char			 ifname[IF_NAMESIZE];
	int			 fd[2];		/* IPv4, IPv6; -1: closed */
	struct ucast_peer	*v;
	size_t			 n;
};

struct ucast *
ucast_new(const char *ifname)
{
	struct ucast	*uc = xcalloc(1, sizeof(*uc));

	strncpy(uc->ifname, ifname, sizeof(uc->ifname) - 1);
	uc->fd[0] = uc->fd[1] = -1;
	return uc;
}

static void
ucast_close(struct ucast *uc)
{
	int	i;

	for (i = 0; i < 2; i++)
		if (uc->fd[i] != -1) {
			close(uc->fd[i]);
			uc->fd[i] = -1;
		}
}

void
ucast_free(struct ucast *uc)
{
	if (uc == NULL)
		return;
	ucast_close(uc);
	free(uc->v);
	free(uc);
}

struct ucast_peer *
ucast_find(struct ucast *uc, const struct carp_addr *a)
{
	size_t	i;

	for (i = 0; uc != NULL && i < uc->n; i++)
		if (carp_addr_eq(&uc->v[i].a, a))
			return &uc->v[i];
	return NULL;
}

void
ucast_set_peers(struct ucast *uc, const struct cfg_peers *l)
{
	struct ucast_peer	*nv, *old;
	size_t			 i;

	/* Most instances have no peers: no array (80 bytes each). */
	nv = l->n > 0 ? xcalloc(l->n, sizeof(*nv)) : NULL;
	for (i = 0; i < l->n; i++) {
		if ((old = ucast_find(uc, &l->v[i])) != NULL)
			nv[i] = *old;
		nv[i].a = l->v[i];
	}
	free(uc->v);
	uc->v = nv;
	uc->n = l->n;
	ucast_close(uc);
}

size_t
ucast_peers(const struct ucast *uc, const struct ucast_peer **out)
{
	*out = uc->v;
	return uc->n;
}

void
ucast_format(const struct ucast *uc, int64_t now_wall_us, char *buf,
    size_t len)
{
	const struct ucast_peer	*p;
	char			 ip[CARP_ADDR_STRLEN], heard[32];
	size_t			 i, off = 0;
	int			 n;

	buf[0] = '\0';
	for (i = 0; i < uc->n && off < len; i++) {
		p = &uc->v[i];
		if (p->heard_us == 0)
			snprintf(heard, sizeof(heard), "never");
		else
			snprintf(heard, sizeof(heard), "%lldms", (long long)
			    ((now_wall_us - p->heard_us) / 1000));
		n = snprintf(buf + off, len - off, "%s%s sent=%llu "
		    "send_errors=%llu received=%llu drops=%llu heard=%s",
		    i > 0 ? "; " : "", carp_addr_fmt(&p->a, ip),
		    (unsigned long long)p->sent,
		    (unsigned long long)p->send_errors,
		    (unsigned long long)p->received,
		    (unsigned long long)p->drops, heard);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

/*
 * A socket address for a; a link-local IPv6 one is scoped to the interface,
 * whose index is looked up then (it changes if the interface is recreated)
 * and only then: the lookup costs three system calls.
 */
static socklen_t
ucast_sockaddr(const struct carp_addr *a, const char *ifname,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->family == CARP_AF_INET) {
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a->a, 4);
		return sizeof(*s4);
	}
	s6->sin6_family = AF_INET6;
	memcpy(&s6->sin6_addr, a->a, 16);
	if (carp_addr_is_ll6(a))
		s6->sin6_scope_id = if_nametoindex(ifname);
	return sizeof(*s6);
}

/* Open the family's socket, bound to src and the interface; -1 on error. */
static int
ucast_open(struct ucast *uc, const struct carp_addr *src)
{
	static struct sock_filter	 none[] = { { 0x06, 0, 0, 0 } };
	struct sock_fprog		 prog = { 1, none };
	struct sockaddr_storage		 ss;
	bool				 v6 = src->family == CARP_AF_INET6;
	int				 fd, ttl = CARP_TTL, tos = CARP_TOS;

	if ((fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, CARP_PROTO)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, uc->ifname,
	    (socklen_t)strlen(uc->ifname)) == -1 ||
	    (v6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl,
	    sizeof(ttl)) : setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl,
	    sizeof(ttl)) | setsockopt(fd, IPPROTO_IP, IP_TOS, &tos,
	    sizeof(tos))) == -1 ||
	    bind(fd, (struct sockaddr *)&ss, ucast_sockaddr(src, uc->ifname,
	    &ss)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

size_t
ucast_send(struct ucast *uc, const struct carp_addr *src,
    const uint8_t *payload, size_t len, int *err)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	int			*fd = &uc->fd[src->family == CARP_AF_INET6];
	size_t			 i, failed = 0;

	for (i = 0; i < uc->n; i++) {
		if (uc->v[i].a.family != src->family)
			continue;
		if (*fd == -1 && (*fd = ucast_open(uc, src)) == -1) {
			*err = errno;
			uc->v[i].send_errors++;
			failed++;
			continue;
		}
		sl = ucast_sockaddr(&uc->v[i].a, uc->ifname, &ss);
		if (sendto(*fd, payload, len, 0, (struct sockaddr *)&ss,
		    sl) != (ssize_t)len) {
			*err = errno;
			uc->v[i].send_errors++;
			failed++;
		} else
			uc->v[i].sent++;
	}
	return failed;
}
