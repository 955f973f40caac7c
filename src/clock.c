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

/* 64 random bits; counters and IP ids, as ucarp's arc4random(). */
uint64_t
clock_random64(void)
{
	uint64_t	v;
	ssize_t		n;

	do
		n = getrandom(&v, sizeof(v), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(v))
		fatal("getrandom");
	return v;
}
