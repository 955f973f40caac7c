/*
 * test_build.c: the build is what configure promised.  A debug build
 * (--enable-debug) compiles without optimisation, so that a debugger
 * shows every variable; skipped (77) in other builds.
 */
#include "config.h"

#include "check.h"

int
main(void)
{
#ifdef UCARP_DEBUG
	check_what = "--enable-debug compiles at -O0";
#ifdef __OPTIMIZE__
	CHECKF(0, "__OPTIMIZE__ is defined: CFLAGS put -O after -O0");
#else
	CHECK(1);
#endif
	return check_done();
#else
	printf("not a debug build: nothing to check\n");
	return 77;
#endif
}
