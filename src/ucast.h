/*
 * ucast.h: unicast adverts of one instance (issue 18): the raw IP sockets
 * (protocol 112, TTL / hop limit 255) that send the CARP payload to each
 * listed peer, and each peer's counters.
 */
#ifndef UCAST_H
#define UCAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

/* One peer and what we heard from and sent to it. */
struct ucast_peer {
	struct carp_addr a;
	uint64_t	 sent;
	uint64_t	 send_errors;
	uint64_t	 received;	/* adverts accepted */
	uint64_t	 drops;		/* rejected (HMAC, checksum, replay) */
	int64_t		 heard_us;	/* wall clock of the last advert, 0 */
};

struct ucast;

struct ucast	*ucast_new(const char *ifname);
void		 ucast_free(struct ucast *);

/*
 * The peers after a start or a reload: counters of peers still listed
 * stay, sockets are reopened at the next send (the source may change).
 */
void		 ucast_set_peers(struct ucast *, const struct cfg_peers *);

/* The peer with address a, or NULL. */
struct ucast_peer *ucast_find(struct ucast *, const struct carp_addr *a);

/* The peers, in the configuration's order. */
size_t		 ucast_peers(const struct ucast *, const struct ucast_peer **);

/*
 * Send the CARP header and HMAC (payload, len) to every peer of src's
 * family, from src (scope: the interface, for link-local addresses).
 * Returns the number of peers of that family it failed to reach; the
 * error of the last failure is in *err.
 */
size_t		 ucast_send(struct ucast *, const struct carp_addr *src,
		    const uint8_t *payload, size_t len, int *err);

/*
 * The peers and their counters as "ADDR sent=N send_errors=N received=N
 * drops=N heard=Ms" (ms since the last advert, "never"), one after the
 * other, for SIGUSR1; truncated to len.
 */
void		 ucast_format(const struct ucast *, int64_t now_wall_us,
		    char *buf, size_t len);

#endif /* UCAST_H */
