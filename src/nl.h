/*
 * nl.h: the process's one rtnetlink socket.  Today it reports links
 * appearing, changing and disappearing (to iface.c); address requests and
 * the address monitor of built-in address management go through it next.
 */
#ifndef NL_H
#define NL_H

#include <stdbool.h>

struct event_base;

/* One RTM_NEWLINK or RTM_DELLINK, as the kernel reported it. */
struct nl_link {
	unsigned	 index;		/* ifindex */
	const char	*name;		/* NULL if the message had none */
	bool		 up;		/* IFF_UP and IFF_RUNNING */
	bool		 gone;		/* RTM_DELLINK */
};

typedef void	(*nl_link_cb)(const struct nl_link *);
/* Events were lost (the socket overran): re-read the state you follow. */
typedef void	(*nl_resync_cb)(void);
/* An IPv6 address was added to or removed from interface index. */
typedef void	(*nl_addr6_cb)(unsigned index);

/* Open the socket and watch it from base; -1 (reason logged) if not. */
int		 nl_init(struct event_base *base);
void		 nl_shutdown(void);

/*
 * Follow links: link for every link message, resync after an overrun.
 * Two watchers at most (the interfaces, the tracked interfaces).
 */
int		 nl_watch_links(nl_link_cb link, nl_resync_cb resync);

/* Follow IPv6 addresses (RTNLGRP_IPV6_IFADDR); -1 if it cannot. */
int		 nl_watch_addrs6(nl_addr6_cb addr6);

/* Every watcher re-reads its state (another socket lost events). */
void		 nl_resync(void);

#endif /* NL_H */
