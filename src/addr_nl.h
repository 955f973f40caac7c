/*
 * addr_nl.h: addresses over rtnetlink for built-in address management:
 * add and remove one (tagged as ours with IFA_PROTO), list them all, and
 * watch for removals.  Requests go over a socket of their own and are
 * answered at once (the kernel handles them inside sendmsg); the watch is
 * a second socket on the event loop.
 */
#ifndef ADDR_NL_H
#define ADDR_NL_H

#include <stdbool.h>

#include "carp_addr.h"

struct event_base;

/* IFA_PROTO of the addresses we add ("ucarp" in rt_addrprotos terms). */
#define ADDR_NL_PROTO	117

/* An address the kernel reports. */
struct addr_nl_seen {
	unsigned		ifindex;
	struct carp_addr	addr;		/* with its prefix */
	bool			tagged;		/* IFA_PROTO is ours */
};

typedef void	(*addr_nl_seen_cb)(const struct addr_nl_seen *, void *arg);
/* The watch lost events (ENOBUFS): re-read everything. */
typedef void	(*addr_nl_resync_cb)(void);

/*
 * Open both sockets; removed is called for every address removed, resync
 * after an overrun.  -1 (reason logged) if netlink cannot be used.
 */
int	addr_nl_init(struct event_base *, addr_nl_seen_cb removed,
	    addr_nl_resync_cb resync);
void	addr_nl_shutdown(void);
bool	addr_nl_ready(void);

/* Add (IPv6 without DAD) or remove one address: 0 or an errno. */
int	addr_nl_add(unsigned ifindex, const struct carp_addr *);
int	addr_nl_del(unsigned ifindex, const struct carp_addr *);

/* Every address of every interface, to cb: 0 or an errno. */
int	addr_nl_dump(addr_nl_seen_cb cb, void *arg);

#endif /* ADDR_NL_H */
