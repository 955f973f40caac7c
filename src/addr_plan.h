/*
 * addr_plan.h: built-in address management's decisions (pure core): which
 * address the kernel reports is ours, an operator's or nobody's concern;
 * what a removal behind our back calls for; whether an instance's
 * addresses are in place; which addresses a reload keeps.  addr_nl.c
 * talks to the kernel and instance_addrs.c drives both.
 */
#ifndef ADDR_PLAN_H
#define ADDR_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "carp_addr.h"

/* What we know of one managed address of an instance. */
struct addr_plan_slot {
	bool		placed;		/* added by us and not removed since */
	unsigned	own_dels;	/* our removals not yet seen echoed */
	bool		foreign;	/* an operator's: never added */
};

/* An address found on an interface at start-up (or a resync). */
enum addr_plan_owner {
	ADDR_PLAN_UNRELATED,	/* not ours and not one we manage: leave it */
	ADDR_PLAN_STALE,	/* ours from an earlier run: remove it */
	ADDR_PLAN_FOREIGN	/* an operator's copy of one we manage */
};

/* on_address_removed */
enum addr_plan_policy {
	ADDR_PLAN_RESTORE,	/* add it back (the default) */
	ADDR_PLAN_STEPDOWN	/* bow out: a peer takes over */
};

/* What a removal the kernel reports calls for. */
enum addr_plan_act {
	ADDR_PLAN_IGNORE,	/* not placed, or not a master's */
	ADDR_PLAN_ECHO,		/* our own removal coming back */
	ADDR_PLAN_DO_RESTORE,
	ADDR_PLAN_DO_STEPDOWN
};

/* An instance's addresses, for status and metrics. */
enum addr_plan_state {
	ADDR_PLAN_UNMANAGED,	/* manage_addresses is off */
	ADDR_PLAN_IN_PLACE,	/* a master holding all, a backup none */
	ADDR_PLAN_NOT_IN_PLACE	/* some missing (master), some left (not) */
};

/* The prefix an address is added with: its own, else /32 or /128. */
unsigned char	addr_plan_prefix(const struct carp_addr *);

/* The kernel's address seen is want (same address, same prefix). */
bool	addr_plan_same(const struct carp_addr *want,
	    const struct carp_addr *seen);

/*
 * Whose is seen, on an interface where want[0..nwant) are managed: ours
 * if the record lists it, or if it carries our tag and is one we manage
 * (a tagged address nobody here manages may be another daemon's); an
 * operator's if it is one we manage, whatever its prefix, without either
 * mark; else none of our business.
 */
enum addr_plan_owner	addr_plan_owner(const struct carp_addr *seen,
	    bool tagged, bool recorded, const struct carp_addr *want,
	    size_t nwant);

/* The slot's address is being added: placed if err is 0. */
void	addr_plan_added(struct addr_plan_slot *, int err);

/* We remove the slot's address: its removal echo is ours. */
void	addr_plan_removing(struct addr_plan_slot *);

/* The kernel reports the slot's address removed. */
enum addr_plan_act	addr_plan_removed(struct addr_plan_slot *,
	    bool master, enum addr_plan_policy);

/* A resync: our removals' echoes may be lost; forget them. */
void	addr_plan_resync(struct addr_plan_slot *, size_t n);

/* The state of n slots of an instance, master or not. */
enum addr_plan_state	addr_plan_state(const struct addr_plan_slot *,
	    size_t n, bool master);

/*
 * A reload: for every new address, the index of the same address (and
 * prefix) in old, or SIZE_MAX.  Old addresses no entry names are gone.
 */
void	addr_plan_map(const struct carp_addr *old, size_t nold,
	    const struct carp_addr *new, size_t nnew, size_t *map);

/* "restore" or "stepdown" (NULL: restore); the checks refused others. */
enum addr_plan_policy	addr_plan_policy(const char *);

#endif /* ADDR_PLAN_H */
