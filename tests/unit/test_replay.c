/* test_replay.c: the replay table, case by case. */
#include <string.h>

#include "carp_replay.h"
#include "check.h"

static const uint8_t a[4] = { 198, 18, 1, 1 }, b[4] = { 198, 18, 1, 2 };

int
main(void)
{
	struct carp_replay	r;
	uint8_t			s[4] = { 198, 18, 2, 0 };
	int			i;

	memset(&r, 0, sizeof(r));
	check_what = "first advert of a peer";
	CHECK(carp_replay_accept(&r, a, 100, 1000, 3000000));
	check_what = "rising counter";
	CHECK(carp_replay_accept(&r, a, 101, 2000, 3000000));
	check_what = "same counter again is a replay";
	CHECK(!carp_replay_accept(&r, a, 101, 3000, 3000000));
	check_what = "lower counter is a replay";
	CHECK(!carp_replay_accept(&r, a, 50, 4000, 3000000));
	check_what = "peers are separate";
	CHECK(carp_replay_accept(&r, b, 50, 5000, 3000000));
	check_what = "a replay does not refresh the peer";
	CHECK(!carp_replay_accept(&r, a, 100, 2000 + 3000000, 3000000));
	check_what = "silent longer than resync: accepted again";
	CHECK(carp_replay_accept(&r, a, 10, 2001 + 3000000, 3000000));
	check_what = "and checked from the new counter on";
	CHECK(!carp_replay_accept(&r, a, 10, 2002 + 3000000, 3000000));
	CHECK(carp_replay_accept(&r, a, 11, 2003 + 3000000, 3000000));

	/* A full table evicts the peer heard longest ago, never crashes. */
	check_what = "eviction";
	memset(&r, 0, sizeof(r));
	CHECK(carp_replay_accept(&r, a, 1000, 1, 3000000));
	for (i = 0; i < 3 * CARP_REPLAY_PEERS; i++) {
		s[3] = (uint8_t)i;
		CHECK(carp_replay_accept(&r, s, 5, 100 + i, 3000000));
	}
	/* a was evicted: its old counter is accepted as a new peer. */
	CHECK(carp_replay_accept(&r, a, 1, 1000, 3000000));
	return check_done();
}
