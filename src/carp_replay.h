/*
 * carp_replay.h: opt-in replay protection (pure core).
 *
 * CARP carries a 64-bit counter that no implementation checks (ucarp,
 * OpenBSD and FreeBSD alike).  When every node of a cluster runs this
 * daemon with monotonic counters (never below the sender's wall clock in
 * microseconds, always rising), an authenticated advert is a replay if
 *   - its source was heard within the resync interval (the master-down
 *     interval) and its counter does not rise above the last one
 *     accepted; or
 *   - its source is new, or silent for longer than that, and its counter
 *     lies more than CARP_REPLAY_SKEW_US from our own wall clock.
 * A recorded advert is therefore worthless once it is older than the
 * skew, however long the source has been silent, while a peer that
 * restarts (with a clock close to ours) is accepted at once, even if its
 * counter lies below the last one accepted from it.  The table is
 * bounded: when full, the peer heard longest ago gives its place.
 */
#ifndef CARP_REPLAY_H
#define CARP_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define CARP_REPLAY_PEERS	16

/*
 * How far a new or silent source's counter may lie from our wall clock,
 * either way: the clock difference between nodes (NTP keeps it to
 * milliseconds) plus the transit time.  Also the age beyond which a
 * recorded advert can no longer be replayed.
 */
#define CARP_REPLAY_SKEW_US	INT64_C(2000000)

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
 * True (and the counter recorded) if the advert is no replay by the rules
 * above; false for a replay (nothing recorded).  now is the monotonic
 * clock, wall the wall clock, both in microseconds.
 */
bool	carp_replay_accept(struct carp_replay *, const uint8_t src[4],
	    uint64_t counter, int64_t now, uint64_t wall, int64_t resync_us);

#endif /* CARP_REPLAY_H */
