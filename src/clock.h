/* clock.h: the shell's only clock and randomness sources. */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

int64_t		clock_mono_us(void);	/* CLOCK_MONOTONIC in microseconds */
uint64_t	clock_wall_us(void);	/* CLOCK_REALTIME in microseconds */
uint64_t	clock_random64(void);	/* getrandom(2) */
uint16_t	clock_ip_id(void);	/* PRNG seeded from getrandom(2) once */

#endif /* CLOCK_H */
