/*
 * carp_replay.h: opt-in replay protection (pure core).
 *
 * CARP carries a 64-bit counter that no implementation checks (ucarp,
 * OpenBSD and FreeBSD alike).  When every node of a cluster runs this
 * daemon with monotonic counters, an authenticated advert whose counter
 * does not rise above the last one accepted from the same source is a
 * replay.  A source not heard for longer than the resync interval (the
 * master-down interval) starts afresh, so a restarted peer is never locked
 * out.  The table is bounded: when full, the peer heard longest ago gives
 * its place.
 */
#ifndef CARP_REPLAY_H
#define CARP_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define CARP_REPLAY_PEERS	16

struct carp_replay_peer {
	bool		used;
	uint8_t		src[4];
	uint64_t	counter;	/* highest accepted */
	int64_t		heard;		/* when, monotonic microseconds */
};

struct carp_replay {
	struct carp_replay_peer	peer[CARP_REPLAY_PEERS];
};

/*
 * True (and the counter recorded) if the advert's counter advances for
 * this source, or the source is new or was silent for over resync_us;
 * false for a replay (nothing recorded).
 */
bool	carp_replay_accept(struct carp_replay *, const uint8_t src[4],
	    uint64_t counter, int64_t now, int64_t resync_us);

#endif /* CARP_REPLAY_H */
