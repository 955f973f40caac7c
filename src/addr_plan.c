/*
 * addr_plan.c: built-in address management's decisions (pure core); see
 * addr_plan.h.
 */
#include <stdint.h>
#include <string.h>

#include "addr_plan.h"

unsigned char
addr_plan_prefix(const struct carp_addr *a)
{
	return a->prefix == CARP_PREFIX_NONE ? carp_addr_prefix_max(a) :
	    a->prefix;
}

bool
addr_plan_same(const struct carp_addr *want, const struct carp_addr *seen)
{
	return carp_addr_eq(want, seen) &&
	    addr_plan_prefix(want) == addr_plan_prefix(seen);
}

enum addr_plan_owner
addr_plan_owner(const struct carp_addr *seen, bool tagged, bool recorded,
    const struct carp_addr *want, size_t nwant)
{
	size_t	i;
	bool	managed = false, exact = false;

	if (recorded)
		return ADDR_PLAN_STALE;
	for (i = 0; i < nwant; i++)
		if (carp_addr_eq(&want[i], seen)) {
			managed = true;
			exact = exact || addr_plan_same(&want[i], seen);
		}
	if (tagged && exact)
		return ADDR_PLAN_STALE;
	/* Tagged with another prefix: still not an operator's alias. */
	if (managed && !tagged)
		return ADDR_PLAN_FOREIGN;
	return ADDR_PLAN_UNRELATED;
}

void
addr_plan_added(struct addr_plan_slot *s, int err)
{
	s->placed = err == 0;
}

void
addr_plan_removing(struct addr_plan_slot *s)
{
	s->placed = false;
	s->own_dels++;
}

enum addr_plan_act
addr_plan_removed(struct addr_plan_slot *s, bool master,
    enum addr_plan_policy policy)
{
	if (s->own_dels > 0) {
		s->own_dels--;
		return ADDR_PLAN_ECHO;
	}
	if (!s->placed)
		return ADDR_PLAN_IGNORE;
	s->placed = false;
	if (!master)
		return ADDR_PLAN_IGNORE;
	return policy == ADDR_PLAN_STEPDOWN ? ADDR_PLAN_DO_STEPDOWN :
	    ADDR_PLAN_DO_RESTORE;
}

void
addr_plan_resync(struct addr_plan_slot *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		s[i].own_dels = 0;
}

enum addr_plan_state
addr_plan_state(const struct addr_plan_slot *s, size_t n, bool master)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (s[i].placed != master)
			return ADDR_PLAN_NOT_IN_PLACE;
	return ADDR_PLAN_IN_PLACE;
}

void
addr_plan_map(const struct carp_addr *old, size_t nold,
    const struct carp_addr *new, size_t nnew, size_t *map)
{
	size_t	i, j;

	for (i = 0; i < nnew; i++) {
		map[i] = SIZE_MAX;
		for (j = 0; j < nold; j++)
			if (addr_plan_same(&new[i], &old[j])) {
				map[i] = j;
				break;
			}
	}
}

enum addr_plan_policy
addr_plan_policy(const char *s)
{
	return s != NULL && strcmp(s, "stepdown") == 0 ? ADDR_PLAN_STEPDOWN :
	    ADDR_PLAN_RESTORE;
}
