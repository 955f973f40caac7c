/*
 * test_replay.c: the replay table, case by case.
 *
 * Counters are what a monotonic sender puts in its adverts: its wall
 * clock in microseconds (W + offset below), rising.  The resync interval
 * is the default master-down interval, 3 s.
 */
#include <string.h>

#include "carp_replay.h"
#include "check.h"

#define RESYNC	INT64_C(3000000)
#define SEC	UINT64_C(1000000)
#define SKEW	((uint64_t)CARP_REPLAY_SKEW_US)
#define W	(UINT64_C(1767000000) * SEC)	/* a wall clock in 2025 */

static const uint8_t a[4] = { 198, 18, 1, 1 }, b[4] = { 198, 18, 1, 2 };

/* Accept at monotonic time t (microseconds) and wall clock W + t. */
static bool
acc(struct carp_replay *r, const uint8_t src[4], uint64_t counter,
    int64_t t)
{
	return carp_replay_accept(r, src, counter, t, W + (uint64_t)t,
	    RESYNC);
}

/* A live peer: rising counters only. */
static void
test_live(void)
{
	struct carp_replay	r;
	int			i;

	memset(&r, 0, sizeof(r));
	check_what = "first advert of a peer";
	CHECK(acc(&r, a, W + 100, 1000));
	check_what = "rising counter";
	CHECK(acc(&r, a, W + 101, 2000));
	check_what = "same counter again is a replay";
	CHECK(!acc(&r, a, W + 101, 3000));
	check_what = "lower counter is a replay";
	CHECK(!acc(&r, a, W + 50, 4000));
	check_what = "peers are separate";
	CHECK(acc(&r, b, W + 50, 5000));
	check_what = "a replay does not refresh the peer";
	CHECK(!acc(&r, a, W + 100, 2000 + RESYNC));
	/*
	 * A peer heard all along is not held to our clock: its own may
	 * drift (or lose NTP) without locking it out.
	 */
	check_what = "a live peer drifting away from our clock";
	memset(&r, 0, sizeof(r));
	/* Half a second behind more with every advert, for 20 s. */
	for (i = 0; i <= 20; i++)
		CHECKF(acc(&r, a, W + (uint64_t)i * SEC / 2,
		    (int64_t)i * 1000000), "advert %d", i);
	/* Then far ahead (its clock stepped): still rising. */
	CHECK(acc(&r, a, W + 600 * SEC, 21000000));
}

/*
 * Silence: a recorded advert replayed after the resync interval was
 * accepted before (any counter, once per interval); now it must be
 * current by our clock.
 */
static void
test_silence(void)
{
	struct carp_replay	r;
	uint64_t		rec[5];
	int64_t			t;
	int			i;

	check_what = "recorded adverts replayed after the master died";
	memset(&r, 0, sizeof(r));
	/* A master advertises every second from t = 0; all are recorded. */
	for (i = 0; i < 5; i++) {
		t = (int64_t)i * 1000000;
		rec[i] = W + (uint64_t)t;
		CHECK(acc(&r, a, rec[i], t));
	}
	/* It dies at 4 s.  One interval of silence later, the replays. */
	t = 4000000 + RESYNC + 1;
	CHECK(!acc(&r, a, rec[0], t));
	CHECK(!acc(&r, a, rec[4], t + 1));
	/* Rising counters the backup never saw, recorded elsewhere: old. */
	CHECK(!acc(&r, a, rec[4] + 1, t + 2));
	CHECK(!acc(&r, a, W + (uint64_t)t - SKEW - 1, t + 3));
	/* Much later, the same. */
	CHECK(!acc(&r, a, rec[4], t + 3600 * 1000000LL));

	check_what = "a new source with an old recorded advert";
	CHECK(!acc(&r, b, rec[2], t));
}

/* A restarted peer starts over at its wall clock: accepted at once. */
static void
test_restart(void)
{
	struct carp_replay	r;
	int64_t			t;

	check_what = "peer restarted with a current clock";
	memset(&r, 0, sizeof(r));
	CHECK(acc(&r, a, W + 5 * SEC, 5000000));
	t = 30000000;		/* back after 25 s */
	CHECK(acc(&r, a, W + (uint64_t)t, t));
	CHECK(acc(&r, a, W + (uint64_t)t + SEC, t + 1000000));

	/*
	 * Its clock had run ahead (its counters with it) and was set right
	 * while it was down: below its last counter, yet current.
	 */
	check_what = "restarted peer below its last counter";
	memset(&r, 0, sizeof(r));
	CHECK(acc(&r, a, W, 0));
	CHECK(acc(&r, a, W + 60 * SEC, 1000000));	/* clock jumped */
	t = 20000000;
	CHECK(acc(&r, a, W + (uint64_t)t, t));
	check_what = "but not while it is still heard";
	memset(&r, 0, sizeof(r));
	CHECK(acc(&r, a, W, 0));
	CHECK(acc(&r, a, W + 60 * SEC, 500000));
	CHECK(!acc(&r, a, W + 1000000, 1000000));
}

/* The tolerance, either side of our wall clock, to the microsecond. */
static void
test_skew(void)
{
	struct carp_replay	r;
	const int64_t		t = 7000000;
	const uint64_t		now = W + (uint64_t)t;

	check_what = "skew: new source behind our clock";
	memset(&r, 0, sizeof(r));
	CHECK(acc(&r, a, now - SKEW, t));
	CHECK(!acc(&r, b, now - SKEW - 1, t));
	check_what = "skew: new source ahead of our clock";
	memset(&r, 0, sizeof(r));
	CHECK(acc(&r, a, now + SKEW, t));
	CHECK(!acc(&r, b, now + SKEW + 1, t));
	check_what = "skew: silent source";
	memset(&r, 0, sizeof(r));
	CHECK(acc(&r, a, W, 0));
	CHECK(!acc(&r, a, now - SKEW - 1, t));
	CHECK(acc(&r, a, now - SKEW, t));
	check_what = "skew: counters far off either way, no overflow";
	CHECK(!acc(&r, b, 0, t));
	CHECK(!acc(&r, b, UINT64_MAX, t));
	CHECK(!carp_replay_accept(&r, b, UINT64_MAX, t, 0, RESYNC));
	CHECK(carp_replay_accept(&r, b, 5, t, 0, RESYNC));
}

/* A full table evicts the peer heard longest ago, never crashes. */
static void
test_eviction(void)
{
	struct carp_replay	r;
	uint8_t			s[4] = { 198, 18, 2, 0 };
	int			i;

	check_what = "eviction";
	memset(&r, 0, sizeof(r));
	CHECK(acc(&r, a, W + 1000, 1));
	for (i = 0; i < 3 * CARP_REPLAY_PEERS; i++) {
		s[3] = (uint8_t)i;
		CHECK(acc(&r, s, W + 5, 100 + i));
	}
	/* a was evicted: it is checked as a new source, against our clock. */
	CHECK(acc(&r, a, W + 900, 1000));
	CHECK(!acc(&r, b, W - SKEW - 1, 1000));
}

int
main(void)
{
	test_live();
	test_silence();
	test_restart();
	test_skew();
	test_eviction();
	return check_done();
}
