/*
 * mcast.h: the multicast memberships (IGMP, MLD) of one interface,
 * reference-counted per group, held only while the interface exists.
 */
#ifndef MCAST_H
#define MCAST_H

#include <stdint.h>

#include "carp_addr.h"

struct mcast;

/* The memberships of interface name (none held until mcast_attach). */
struct mcast	*mcast_new(const char *name);
void		 mcast_free(struct mcast *);

/* Count a user of group; joined now if the interface exists, else later. */
void		 mcast_join(struct mcast *, const struct carp_addr *group);
void		 mcast_leave(struct mcast *, const struct carp_addr *group);

/* The interface exists as ifindex: join every group on it. */
void		 mcast_attach(struct mcast *, unsigned ifindex);
/* The interface is gone (or its capture closed): drop every membership. */
void		 mcast_detach(struct mcast *);

#endif /* MCAST_H */
