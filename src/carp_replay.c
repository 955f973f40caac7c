/* carp_replay.c: per-source counter check for replay protection. */
#include <string.h>

#include "carp_replay.h"

/* The counter is within the skew of our wall clock, either way. */
static bool
counter_current(uint64_t counter, uint64_t wall)
{
	uint64_t	d = counter >= wall ? counter - wall : wall - counter;

	return d <= (uint64_t)CARP_REPLAY_SKEW_US;
}

bool
carp_replay_accept(struct carp_replay *r, const uint8_t src[4],
    uint64_t counter, int64_t now, uint64_t wall, int64_t resync_us)
{
	struct carp_replay_peer	*p, *slot = NULL, *oldest = NULL;
	size_t			 i;

	for (i = 0; i < CARP_REPLAY_PEERS; i++) {
		p = &r->peer[i];
		if (!p->used) {
			if (slot == NULL)
				slot = p;
			continue;
		}
		if (memcmp(p->src, src, 4) == 0) {
			/*
			 * Heard lately: it must rise.  Silent: only the clock
			 * tells a restarted peer from a recording.
			 */
			if (now - p->heard <= resync_us ? counter <= p->counter :
			    !counter_current(counter, wall))
				return false;
			p->counter = counter;
			p->heard = now;
			return true;
		}
		if (oldest == NULL || p->heard < oldest->heard)
			oldest = p;
	}
	if (!counter_current(counter, wall))
		return false;
	if (slot == NULL)
		slot = oldest;
	slot->used = true;
	memcpy(slot->src, src, 4);
	slot->counter = counter;
	slot->heard = now;
	return true;
}
