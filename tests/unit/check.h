/*
 * check.h: a tiny unit-test harness (after chrony's TEST_CHECK).
 *
 * CHECK(cond) records a failure with file:line and goes on; CHECKF adds a
 * printf-style explanation.  main() ends with `return check_done();`,
 * which prints "N checks, N failed" and returns 0 or 1 for automake.
 * Table-driven tests name each case with a .what string and pass it as
 * check_what so failures say which case broke.
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <stdlib.h>

static unsigned check_count, check_failed;
static const char *check_what = "";

#define CHECKF(cond, ...) do {						\
	check_count++;							\
	if (!(cond)) {							\
		check_failed++;						\
		fprintf(stderr, "%s:%d: FAIL [%s] %s: ", __FILE__,	\
		    __LINE__, check_what, #cond);			\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

#define CHECK(cond)	CHECKF(cond, "%s", "")

static inline int
check_done(void)
{
	printf("%u checks, %u failed\n", check_count, check_failed);
	return check_failed ? 1 : 0;
}

#endif /* CHECK_H */
