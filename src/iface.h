/*
 * iface.h: one network interface, shared by every instance on it: a
 * libpcap handle in immediate mode that sees only incoming CARP, a send
 * path, its multicast memberships (mcast.c), and link state (nl.c).
 * Adverts are dispatched to instances by vhid through a 256-slot table.
 */
#ifndef IFACE_H
#define IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carp_pkt.h"

struct event_base;
struct iface;

/* Called for a frame that parsed (stage 1) and carries this slot's vhid. */
typedef void	(*iface_input_cb)(void *arg, const uint8_t *frame, size_t len,
		    const struct carp_advert *adv);
/* Called when the interface's link goes up or down (or disappears). */
typedef void	(*iface_link_cb)(void *arg, bool up);

/* Start following links (nl.c); once per process. */
int		 iface_init(struct event_base *);
void		 iface_shutdown(void);

/*
 * The interface called name, opened on first use and reference-counted.
 * If it cannot be opened: NULL (reason logged), or with may_wait a closed
 * interface that reopens by itself when netlink reports it (link down
 * until then).
 */
struct iface	*iface_get(const char *name, bool may_wait);
void		 iface_put(struct iface *);

/* Route adverts of vhid to cb; false if the vhid is already taken. */
bool		 iface_attach(struct iface *, uint8_t vhid, iface_input_cb,
		    iface_link_cb, void *arg);
void		 iface_detach(struct iface *, uint8_t vhid);

/*
 * Join the group on this interface, counted per group; joined once the
 * interface exists, dropped while it is gone.
 */
void		 iface_join(struct iface *, const uint8_t group[4]);
void		 iface_leave(struct iface *, const uint8_t group[4]);

/* The same for ff02::12 (MLD), for instances with IPv6 addresses. */
void		 iface_join6(struct iface *);
void		 iface_leave6(struct iface *);

/* The interface's IPv6 link-local address into out; false if none. */
bool		 iface_ll6(struct iface *, uint8_t out[16]);

/* True if the host forwards IPv6 on the interface (the NA's R flag). */
bool		 iface_forwarding6(const struct iface *);

/* Send a whole Ethernet frame; 0 on success, -1 (errno set) on failure. */
int		 iface_send(struct iface *, const uint8_t *frame, size_t len);

/* Called for a queued frame that could not be sent, with its tag. */
typedef void	(*iface_fail_cb)(void *arg, unsigned tag, int err);

/*
 * Queue a whole Ethernet frame (copied) until iface_flush(), which sends
 * every frame queued, on all interfaces, with one sendmmsg(2); fail is
 * called for each one that could not be sent.  The caller flushes before
 * it returns to the event loop.
 */
void		 iface_queue(struct iface *, const uint8_t *frame, size_t len,
		    iface_fail_cb fail, void *arg, unsigned tag);
void		 iface_flush(void);

const uint8_t	*iface_mac(const struct iface *);
bool		 iface_running(const struct iface *);

/*
 * "too_short=N not_carp=N ..." for the verdicts counted per interface,
 * plus an instance's own counts of them (more: unicast TTLs).
 */
void		 iface_format_counters(const struct iface *,
		    const uint64_t more[CARP_VERDICT_MAX], char *, size_t);

/* Name of the first capture device usable for CARP (ucarp's -i default). */
char		*iface_default_name(void);

#endif /* IFACE_H */
