/* clock.c: monotonic time and random numbers for the core's events. */
#include "config.h"

#include <errno.h>
#include <sys/random.h>
#include <time.h>

#include "clock.h"
#include "log.h"

int64_t
clock_mono_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

uint64_t
clock_wall_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/*
 * 64 random bits for the state machine's counters, as ucarp's
 * arc4random().  Drawn from a pool refilled 4 KiB at a time: every state
 * machine event takes one (two per advert sent), and one getrandom() each
 * was a system call per advert received and three per advert sent.
 */
uint64_t
clock_random64(void)
{
	static uint64_t	pool[512];
	static size_t	left;
	ssize_t		n;

	if (left == 0) {
		do
			n = getrandom(pool, sizeof(pool), 0);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof(pool))
			fatal("getrandom");
		left = sizeof(pool) / sizeof(pool[0]);
	}
	return pool[--left];
}

/*
 * An IPv4 header's id: it only has to vary, so a xorshift generator
 * seeded once from getrandom() is enough.
 */
uint16_t
clock_ip_id(void)
{
	static uint64_t	x;

	while (x == 0)
		x = clock_random64();
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return (uint16_t)(x >> 32);
}
