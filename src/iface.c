/*
 * iface.c: one libpcap handle per interface, shared by all its instances,
 * and the dispatch of its adverts to them by vhid.
 *
 * Capture is in immediate mode (ucarp 1.5.2's buffered capture delivered
 * adverts up to a second late), incoming direction only, filtered in the
 * kernel to IPv4 and IPv6 protocol 112 (carp_pkt_parse() tells the
 * families apart).  Frames are sent through the capture's own socket, so
 * that they never come back to it.  Adverts due together are queued and
 * sent with one sendmmsg(2) per interface (iface_queue, iface_flush);
 * other frames go out at once (iface_send).  Link state comes from
 * nl.c, so nothing polls and nothing sleeps; an interface that disappears
 * is closed and reopened when an interface of that name comes back.  Its
 * multicast memberships (mcast.c) are held exactly while the capture is
 * open, so that none is asked before the interface exists.  Its IPv6
 * link-local address, the source of IPv6 adverts and NAs, is read with
 * getifaddrs() when first asked for after the capture opened, the link
 * came up or netlink reported an IPv6 address change on it.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netpacket/packet.h>

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "carp_pkt6.h"
#include "clock.h"
#include "iface.h"
#include "log.h"
#include "mcast.h"
#include "nl.h"
#include "xmalloc.h"

/*
 * The most of a frame the capture keeps: Ethernet, IPv4 with 40 bytes of
 * options and CARP are 110 bytes (IPv6 without extension headers, the
 * only kind taken, 90).  Only IPv6's payload length looks further, and it
 * is checked against the frame's length on the wire (carp_pkt_parse_cap).
 */
#define IFACE_SNAPLEN		112
/*
 * The capture ring, mapped into our memory whole (so counted in RSS).
 * libpcap (immediate mode: TPACKET_V2) gives each frame a slot of 80
 * bytes of headers + IFACE_SNAPLEN, 16-aligned: 192 bytes, 21 in a 4 KiB
 * page, and rounds the ring down to whole pages.  52 KiB are 13 pages,
 * 273 slots: a burst of the adverts of every vhid an interface can carry
 * (255: adverts leave in batches, so a backup receives them together),
 * with room to spare.  Our own adverts, sent on this socket, are not
 * looped back into it.  A ring drained at every wake-up needs no more; a
 * flood beyond what we can read is dropped by the kernel however large
 * the ring.  At 1 MiB, 40 interfaces took 41 MiB, most of a 10,000-vhid
 * daemon's memory (issue 20); at 128 KiB and a snaplen of 256, 5 MiB.
 */
#define IFACE_BUFSIZE		(52 * 1024)
#define IFACE_BATCH		256	/* frames per wake-up, then yield */
#define IFACE_FILTER		"ip proto 112 or ip6 proto 112"
#define IFACE_TXQ		256	/* frames per sendmmsg */
#define IFACE_TX_FRAME		128	/* adverts, GARPs, NAs: at most 90 */
#define IFACE_TX_SNDBUF		(1024 * 1024)	/* a batch waiting for drivers */
#define IFACE_WARN_PERIOD_US	1000000

struct iface_slot {
	iface_input_cb	 input;
	iface_link_cb	 link;
	void		*arg;
};

struct iface {
	TAILQ_ENTRY(iface) entry;
	char		*name;
	unsigned	 refs;
	unsigned	 ifindex;
	uint8_t		 mac[6];
	pcap_t		*pcap;
	struct event	*ev;
	int		 sock;		/* ioctls */
	bool		 running;
	struct mcast	*mc;
	uint8_t		 ll6[16];	/* IPv6 link-local address */
	bool		 has_ll6;
	bool		 ll6_read;	/* ll6 is up to date */
	struct iface_slot slots[256];
	uint64_t	 counters[CARP_VERDICT_MAX];
	struct log_rate	 rate[CARP_VERDICT_MAX];
};

/* A frame queued by iface_queue() until iface_flush(). */
struct iface_tx {
	uint8_t			 frame[IFACE_TX_FRAME];
	size_t			 len;
	struct sockaddr_ll	 sll;
	int			 fd;		/* its interface's capture */
	iface_fail_cb		 fail;
	void			*arg;
	unsigned		 tag;
};

/*
 * The frames of a tick and sendmmsg's vectors for them, 70 KiB made and
 * touched at start-up: a backup's first takeover otherwise faulted them
 * in (calloc's fresh pages, the stack below its usual depth) ahead of
 * its first advert, 80 us here.
 */
struct iface_txbuf {
	struct iface_tx		 q[IFACE_TXQ];
	struct mmsghdr		 v[IFACE_TXQ];
	struct iovec		 iov[IFACE_TXQ];
	struct iface_tx		*of[IFACE_TXQ];
};

static TAILQ_HEAD(, iface) ifaces = TAILQ_HEAD_INITIALIZER(ifaces);
static struct event_base	*iface_base;
static struct iface_txbuf	*iface_tx;
static size_t			 iface_ntx;

static void	iface_read_cb(int, short, void *);
static void	iface_set_running(struct iface *, bool);

/* Read ifindex, MAC and link flags through ioctls; false if it is gone. */
static bool
iface_query(struct iface *ifp)
{
	struct ifreq	ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (strlen(ifp->name) >= sizeof(ifr.ifr_name)) {
		errno = ENAMETOOLONG;
		return false;
	}
	strncpy(ifr.ifr_name, ifp->name, sizeof(ifr.ifr_name) - 1);
	if (ioctl(ifp->sock, SIOCGIFINDEX, &ifr) == -1)
		return false;
	ifp->ifindex = (unsigned)ifr.ifr_ifindex;
	if (ioctl(ifp->sock, SIOCGIFHWADDR, &ifr) == -1)
		return false;
	memcpy(ifp->mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(ifp->sock, SIOCGIFFLAGS, &ifr) == -1)
		return false;
	ifp->running = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	return true;
}

/*
 * Open the capture; on failure log why and return false.  An interface
 * that came back but is not up yet (revive) is no error: the capture opens
 * at its next netlink event.
 */
static bool
iface_open_pcap(struct iface *ifp, bool revive)
{
	char			 errbuf[PCAP_ERRBUF_SIZE];
	struct bpf_program	 prog;
	pcap_t			*p;
	int			 fd, rc, sz;

	errbuf[0] = '\0';
	if ((p = pcap_create(ifp->name, errbuf)) == NULL) {
		log_msg(LOG_ERR, "%s: cannot open a capture: %s", ifp->name,
		    errbuf);
		return false;
	}
	pcap_set_snaplen(p, IFACE_SNAPLEN);
	pcap_set_promisc(p, 0);
	pcap_set_timeout(p, 100);
	pcap_set_buffer_size(p, IFACE_BUFSIZE);
	if (pcap_set_immediate_mode(p, 1) != 0) {
		log_msg(LOG_ERR, "%s: libpcap has no immediate mode: adverts "
		    "would be seen late (libpcap 1.5 or later is needed)",
		    ifp->name);
		pcap_close(p);
		return false;
	}
	if ((rc = pcap_activate(p)) == PCAP_ERROR_IFACE_NOT_UP && revive) {
		log_debug("%s: back but not up yet: the capture opens once it "
		    "is", ifp->name);
		pcap_close(p);
		return false;
	}
	if (rc < 0) {
		log_msg(LOG_ERR, "%s: cannot capture: %s (run as root, or "
		    "check that the interface exists and is up)", ifp->name,
		    pcap_geterr(p));
		pcap_close(p);
		return false;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		log_msg(LOG_ERR, "%s: not an Ethernet interface: CARP needs "
		    "Ethernet framing", ifp->name);
		pcap_close(p);
		return false;
	}
	if (pcap_setdirection(p, PCAP_D_IN) == -1)
		log_msg(LOG_WARNING, "%s: cannot limit the capture to incoming "
		    "frames: %s", ifp->name, pcap_geterr(p));
	if (pcap_compile(p, &prog, IFACE_FILTER, 1, PCAP_NETMASK_UNKNOWN) == -1 ||
	    pcap_setfilter(p, &prog) == -1) {
		log_msg(LOG_ERR, "%s: cannot set the capture filter: %s",
		    ifp->name, pcap_geterr(p));
		pcap_close(p);
		return false;
	}
	pcap_freecode(&prog);
	if (pcap_setnonblock(p, 1, errbuf) == -1 ||
	    (fd = pcap_get_selectable_fd(p)) == -1) {
		log_msg(LOG_ERR, "%s: cannot poll the capture: %s", ifp->name,
		    errbuf);
		pcap_close(p);
		return false;
	}
	/* Scripts must not inherit the capture. */
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	/* It sends the batches of adverts too (iface_flush). */
	sz = IFACE_TX_SNDBUF;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	ifp->pcap = p;
	ifp->ev = event_new(iface_base, fd, EV_READ | EV_PERSIST,
	    iface_read_cb, ifp);
	event_add(ifp->ev, NULL);
	mcast_attach(ifp->mc, ifp->ifindex);
	ifp->ll6_read = false;
	return true;
}

static void
iface_close_pcap(struct iface *ifp)
{
	mcast_detach(ifp->mc);
	if (ifp->ev != NULL) {
		event_free(ifp->ev);
		ifp->ev = NULL;
	}
	if (ifp->pcap != NULL) {
		pcap_close(ifp->pcap);
		ifp->pcap = NULL;
	}
}

struct iface *
iface_get(const char *name, bool may_wait)
{
	struct iface	*ifp;

	TAILQ_FOREACH(ifp, &ifaces, entry) {
		if (strcmp(ifp->name, name) == 0) {
			ifp->refs++;
			return ifp;
		}
	}
	ifp = xcalloc(1, sizeof(*ifp));
	ifp->name = xstrdup(name);
	ifp->refs = 1;
	ifp->mc = mcast_new(name);
	ifp->sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ifp->sock == -1) {
		log_warn("%s: socket", name);
		goto fail;
	}
	if (strlen(name) >= IFNAMSIZ) {
		log_msg(LOG_ERR, "Interface name too long: [%s] (at most %d "
		    "characters)", name, IFNAMSIZ - 1);
		goto fail;
	}
	if (!iface_query(ifp)) {
		/* ucarp 1.5.2's two lines, word for word, then what to do. */
		log_msg(LOG_ERR, "Unable to get hardware info about an "
		    "interface: %s", strerror(errno));
		log_msg(LOG_ERR, "Unable to find MAC address of [%s]", name);
		log_msg(LOG_ERR, "%s: check the interface name with `ip link`%s",
		    name, may_wait ? "; its instances wait until it appears" :
		    "");
	} else if (iface_open_pcap(ifp, false)) {
		TAILQ_INSERT_TAIL(&ifaces, ifp, entry);
		log_info("Local advertised ethernet address is "
		    "[%02x:%02x:%02x:%02x:%02x:%02x]", ifp->mac[0],
		    ifp->mac[1], ifp->mac[2], ifp->mac[3], ifp->mac[4],
		    ifp->mac[5]);
		return ifp;
	}
	if (!may_wait)
		goto fail;
	/* Closed, link down: nl.c reports when the interface is usable. */
	ifp->running = false;
	TAILQ_INSERT_TAIL(&ifaces, ifp, entry);
	return ifp;
fail:
	if (ifp->sock != -1)
		close(ifp->sock);
	mcast_free(ifp->mc);
	free(ifp->name);
	free(ifp);
	return NULL;
}

void
iface_put(struct iface *ifp)
{
	if (ifp == NULL || --ifp->refs > 0)
		return;
	TAILQ_REMOVE(&ifaces, ifp, entry);
	iface_close_pcap(ifp);
	close(ifp->sock);
	mcast_free(ifp->mc);
	free(ifp->name);
	free(ifp);
}

bool
iface_attach(struct iface *ifp, uint8_t vhid, iface_input_cb input,
    iface_link_cb link, void *arg)
{
	struct iface_slot	*s = &ifp->slots[vhid];

	if (s->input != NULL)
		return false;
	s->input = input;
	s->link = link;
	s->arg = arg;
	return true;
}

void
iface_detach(struct iface *ifp, uint8_t vhid)
{
	struct iface_slot	*s = &ifp->slots[vhid];

	if (s->input == NULL)
		return;
	memset(s, 0, sizeof(*s));
}

void
iface_join(struct iface *ifp, const uint8_t group[4])
{
	struct carp_addr	g;

	carp_addr_from4(&g, group);
	mcast_join(ifp->mc, &g);
}

void
iface_leave(struct iface *ifp, const uint8_t group[4])
{
	struct carp_addr	g;

	carp_addr_from4(&g, group);
	mcast_leave(ifp->mc, &g);
}

/* ff02::12 as a membership. */
static void
iface_group6(struct carp_addr *g)
{
	memset(g, 0, sizeof(*g));
	g->family = CARP_AF_INET6;
	g->prefix = CARP_PREFIX_NONE;
	memcpy(g->a, carp_group6, 16);
}

void
iface_join6(struct iface *ifp)
{
	struct carp_addr	g;

	iface_group6(&g);
	mcast_join(ifp->mc, &g);
}

void
iface_leave6(struct iface *ifp)
{
	struct carp_addr	g;

	iface_group6(&g);
	mcast_leave(ifp->mc, &g);
}

/* Read the interface's first IPv6 link-local address (getifaddrs). */
static void
iface_read_ll6(struct iface *ifp)
{
	struct ifaddrs		*all, *ifa;
	struct sockaddr_in6	*sin6;

	ifp->has_ll6 = false;
	ifp->ll6_read = true;
	if (getifaddrs(&all) == -1) {
		log_warn("%s: getifaddrs", ifp->name);
		return;
	}
	for (ifa = all; ifa != NULL; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL ||
		    ifa->ifa_addr->sa_family != AF_INET6 ||
		    strcmp(ifa->ifa_name, ifp->name) != 0)
			continue;
		sin6 = (struct sockaddr_in6 *)(void *)ifa->ifa_addr;
		if (!IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr))
			continue;
		memcpy(ifp->ll6, &sin6->sin6_addr, 16);
		ifp->has_ll6 = true;
		break;
	}
	freeifaddrs(all);
}

/*
 * Whether the host forwards IPv6 on the interface: OpenBSD sets the NA's
 * Router flag then.  Read at each takeover, false if unreadable.
 */
bool
iface_forwarding6(const struct iface *ifp)
{
	char	path[128], c = '0';
	FILE	*f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/forwarding",
	    ifp->name);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	if (fread(&c, 1, 1, f) != 1)
		c = '0';
	fclose(f);
	return c == '1';
}

bool
iface_ll6(struct iface *ifp, uint8_t out[16])
{
	if (!ifp->ll6_read)
		iface_read_ll6(ifp);
	if (ifp->has_ll6)
		memcpy(out, ifp->ll6, 16);
	return ifp->has_ll6;
}

int
iface_send(struct iface *ifp, const uint8_t *frame, size_t len)
{
	if (ifp->pcap == NULL) {
		errno = ENETDOWN;
		return -1;
	}
	if (pcap_inject(ifp->pcap, frame, len) != (int)len) {
		errno = EIO;
		if (pcap_geterr(ifp->pcap) != NULL)
			log_debug("%s: send: %s", ifp->name,
			    pcap_geterr(ifp->pcap));
		return -1;
	}
	return 0;
}

void
iface_queue(struct iface *ifp, const uint8_t *frame, size_t len,
    iface_fail_cb fail, void *arg, unsigned tag)
{
	struct iface_tx	*t;

	if (len > IFACE_TX_FRAME || len < CARP_ETH_LEN || ifp->pcap == NULL) {
		if (iface_send(ifp, frame, len) == -1)
			fail(arg, tag, errno);
		return;
	}
	if (iface_ntx == IFACE_TXQ)
		iface_flush();
	t = &iface_tx->q[iface_ntx++];
	memcpy(t->frame, frame, len);
	t->len = len;
	memset(&t->sll, 0, sizeof(t->sll));
	t->sll.sll_family = AF_PACKET;
	t->sll.sll_ifindex = (int)ifp->ifindex;
	memcpy(&t->sll.sll_protocol, frame + 12, 2);	/* the EtherType */
	t->fd = pcap_get_selectable_fd(ifp->pcap);
	t->fail = fail;
	t->arg = arg;
	t->tag = tag;
}

/* Send the frames of one capture socket, in the order they were queued. */
static void
iface_flush_fd(int fd, size_t from, size_t n)
{
	struct mmsghdr	 *v = iface_tx->v;
	struct iovec	 *iov = iface_tx->iov;
	struct iface_tx	**of = iface_tx->of, *t;
	size_t		  i, m = 0;
	int		  k;

	for (i = from; i < n; i++) {
		t = &iface_tx->q[i];
		if (t->fd != fd)
			continue;
		t->fd = -1;	/* done */
		of[m] = t;
		iov[m].iov_base = t->frame;
		iov[m].iov_len = t->len;
		memset(&v[m], 0, sizeof(v[m]));
		v[m].msg_hdr.msg_iov = &iov[m];
		v[m].msg_hdr.msg_iovlen = 1;
		v[m].msg_hdr.msg_name = &t->sll;
		v[m].msg_hdr.msg_namelen = sizeof(t->sll);
		m++;
	}
	/* sendmmsg stops at a frame that fails: it fails alone. */
	for (i = 0; i < m; ) {
		k = sendmmsg(fd, v + i, (unsigned)(m - i), 0);
		if (k > 0) {
			i += (size_t)k;
			continue;
		}
		if (k == -1 && errno == EINTR)
			continue;
		of[i]->fail(of[i]->arg, of[i]->tag, k == -1 ? errno : EIO);
		i++;
	}
}

void
iface_flush(void)
{
	size_t	i, n = iface_ntx;

	iface_ntx = 0;
	for (i = 0; i < n; i++)
		if (iface_tx->q[i].fd != -1)
			iface_flush_fd(iface_tx->q[i].fd, i, n);
}

const uint8_t *
iface_mac(const struct iface *ifp)
{
	return ifp->mac;
}

bool
iface_running(const struct iface *ifp)
{
	return ifp->pcap != NULL && ifp->running;
}

void
iface_format_counters(const struct iface *ifp,
    const uint64_t more[CARP_VERDICT_MAX], char *buf, size_t len)
{
	static const enum carp_verdict shown[] = {
		CARP_TOO_SHORT, CARP_NOT_CARP, CARP_BAD_TTL, CARP_BAD_VERSION,
		CARP_BAD_TYPE, CARP_BAD_VHID, CARP_BAD_HLIM, CARP_EXT_HDR,
		CARP_BAD_PLEN,
	};
	size_t	i, off = 0;
	int	n;

	buf[0] = '\0';
	for (i = 0; i < sizeof(shown) / sizeof(shown[0]) && off < len; i++) {
		n = snprintf(buf + off, len - off, "%s%s=%llu", i ? " " : "",
		    carp_verdict_name(shown[i]),
		    (unsigned long long)(ifp->counters[shown[i]] +
		    more[shown[i]]));
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

/*
 * Count a dropped frame and log it, at most one line per reason per
 * second: a noisy segment (a VRRPv3 router, a flood) cannot flood syslog.
 * The first drop of each reason is logged at once, with the packet's
 * field for the reasons ucarp 1.5.2 reported ("Bad TTL: [N]").
 */
static void
iface_drop(struct iface *ifp, enum carp_verdict v,
    const struct carp_advert *adv)
{
	const char	*field;
	unsigned	 held, value;

	ifp->counters[v]++;
	if (!log_rate_ok(&ifp->rate[v], clock_mono_us(), IFACE_WARN_PERIOD_US,
	    &held))
		return;
	switch (v) {
	case CARP_BAD_TTL:
		field = "TTL";
		value = adv->ttl;
		break;
	case CARP_BAD_HLIM:
		field = "hop limit";
		value = adv->ttl;
		break;
	case CARP_BAD_VERSION:
		field = "version";
		value = adv->version;
		break;
	case CARP_BAD_TYPE:
		field = "type";
		value = adv->type;
		break;
	case CARP_BAD_VHID:
		log_debug("%s: Ignoring vhid: [%u]", ifp->name, adv->vhid);
		return;
	default:
		log_debug("%s: dropped a frame: %s", ifp->name,
		    carp_verdict_name(v));
		return;
	}
	log_msg(LOG_WARNING, "%s: Bad %s: [%u]%s", ifp->name, field, value,
	    held ? " (and more, rate-limited)" : "");
}

/* One captured frame: stage-1 checks, then dispatch by vhid. */
static void
iface_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct iface		*ifp = (struct iface *)user;
	struct carp_advert	 adv;
	struct iface_slot	*s;
	enum carp_verdict	 v;

	v = carp_pkt_parse_cap(bytes, h->caplen, h->len, &adv);
	if (v != CARP_OK) {
		iface_drop(ifp, v, &adv);
		return;
	}
	s = &ifp->slots[adv.vhid];
	if (s->input == NULL) {
		iface_drop(ifp, CARP_BAD_VHID, &adv);
		return;
	}
	s->input(s->arg, bytes, h->caplen, &adv);
}

/* The capture is readable: handle a bounded batch, then yield to timers. */
static void
iface_read_cb(int fd UNUSED, short what UNUSED, void *arg)
{
	struct iface	*ifp = arg;
	int		 n, total = 0;

	while (total < IFACE_BATCH) {
		n = pcap_dispatch(ifp->pcap, IFACE_BATCH - total, iface_frame,
		    (u_char *)ifp);
		if (n == 0)
			break;
		if (n < 0) {
			log_msg(LOG_WARNING, "%s: capture closed: %s; its "
			    "instances wait for the interface to come back",
			    ifp->name, pcap_geterr(ifp->pcap));
			iface_close_pcap(ifp);
			iface_set_running(ifp, false);
			return;
		}
		total += n;
		if (ifp->pcap == NULL)
			return;
		/*
		 * Fewer frames than asked for: the ring is empty.  Asking
		 * again would only cost libpcap a poll() to find that out.
		 */
		if (n < IFACE_BATCH - (total - n))
			break;
	}
}

/* Tell every instance on the interface that the link changed. */
static void
iface_set_running(struct iface *ifp, bool up)
{
	unsigned	i;

	if (ifp->running == up)
		return;
	ifp->running = up;
	ifp->ll6_read = false;	/* an address may come with the link */
	log_msg(up ? LOG_INFO : LOG_WARNING, "%s: link %s", ifp->name,
	    up ? "up" : "down");
	for (i = 0; i < 256; i++)
		if (ifp->slots[i].link != NULL)
			ifp->slots[i].link(ifp->slots[i].arg, up);
}

/* An interface of this name exists (again): reopen what we closed. */
static void
iface_revive(struct iface *ifp)
{
	if (ifp->pcap != NULL)
		return;
	if (!iface_query(ifp) || !iface_open_pcap(ifp, true))
		return;
	log_info("%s: interface is back, capture reopened", ifp->name);
	/* iface_query() refreshed running; report the edge to instances. */
	if (ifp->running) {
		ifp->running = false;
		iface_set_running(ifp, true);
	}
}

/* Re-read every interface's flags: after a netlink overrun. */
static void
iface_resync(void)
{
	struct iface	*ifp;
	bool		 was, now;

	TAILQ_FOREACH(ifp, &ifaces, entry) {
		ifp->ll6_read = false;	/* address events were lost too */
		if (ifp->pcap == NULL) {
			iface_revive(ifp);
			continue;
		}
		was = ifp->running;
		if (iface_query(ifp))
			now = ifp->running;
		else {
			now = false;
			iface_close_pcap(ifp);
		}
		ifp->running = was;
		iface_set_running(ifp, now);
	}
}

/* A link appeared, changed or went away (from nl.c). */
static void
iface_nl_link_cb(const struct nl_link *l)
{
	struct iface	*ifp;

	TAILQ_FOREACH(ifp, &ifaces, entry) {
		if (ifp->pcap != NULL && ifp->ifindex == l->index) {
			if (l->gone) {
				log_msg(LOG_WARNING, "%s: interface removed",
				    ifp->name);
				iface_close_pcap(ifp);
				iface_set_running(ifp, false);
			} else
				iface_set_running(ifp, l->up);
		} else if (ifp->pcap == NULL && !l->gone && l->name != NULL &&
		    strcmp(l->name, ifp->name) == 0)
			iface_revive(ifp);
	}
}

/* An IPv6 address of interface index changed: read the link-local again. */
static void
iface_nl_addr6_cb(unsigned index)
{
	struct iface	*ifp;

	TAILQ_FOREACH(ifp, &ifaces, entry)
		if (ifp->ifindex == index)
			ifp->ll6_read = false;
}

int
iface_init(struct event_base *base)
{
	iface_base = base;
	/* memset, not calloc: calloc leaves fresh pages untouched. */
	iface_tx = xmalloc(sizeof(*iface_tx));
	memset(iface_tx, 0, sizeof(*iface_tx));
	if (nl_init(base) == -1)
		return -1;
	/* Without it, a new link-local address is read at the next link up. */
	nl_watch_addrs6(iface_nl_addr6_cb);
	return nl_watch_links(iface_nl_link_cb, iface_resync);
}

void
iface_shutdown(void)
{
	nl_shutdown();
	free(iface_tx);
	iface_tx = NULL;
}

char *
iface_default_name(void)
{
	char		 errbuf[PCAP_ERRBUF_SIZE];
	pcap_if_t	*all, *d;
	char		*name = NULL;

	if (pcap_findalldevs(&all, errbuf) == -1)
		return NULL;
	for (d = all; d != NULL; d = d->next) {
		if (d->flags & PCAP_IF_LOOPBACK)
			continue;
		if (strcmp(d->name, "any") == 0 || strchr(d->name, ':') != NULL)
			continue;
		name = xstrdup(d->name);
		break;
	}
	pcap_freealldevs(all);
	return name;
}
