/*
 * fuzz_sim.c: libFuzzer target for the network simulator (tests/sim/).
 *
 * The input is the scenario: every choice the random generator makes
 * (nodes, settings, the operations and their times) is read from the
 * bytes instead of a seed, so libFuzzer steers the event sequence towards
 * new paths through the state machine.  A violated invariant prints the
 * scenario and its trace, then aborts so that libFuzzer keeps the input.
 * UCARP_SIM_XFAIL lists known bugs (names as in tests/sim/XFAIL, blank
 * separated) whose operations are left out; tests/fuzz/run.sh sets it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The known bugs to leave out, from the environment. */
static unsigned
xfail_mask(void)
{
	enum sim_xfail	 x;
	const char	*env = getenv("UCARP_SIM_XFAIL");
	char		 buf[256], *p, *save = NULL;
	unsigned	 mask = 0;

	if (env == NULL)
		return 0;
	snprintf(buf, sizeof(buf), "%s", env);
	for (p = strtok_r(buf, " \t\n", &save); p != NULL;
	    p = strtok_r(NULL, " \t\n", &save)) {
		if (!sim_xfail_parse(p, &x)) {
			fprintf(stderr, "fuzz_sim: UCARP_SIM_XFAIL: no known "
			    "bug %s\n", p);
			abort();
		}
		mask |= 1u << x;
	}
	return mask;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sim_world	*w;
	static unsigned		 mask;
	struct sim_scen		 sc;

	if (w == NULL) {
		mask = xfail_mask();
		if ((w = calloc(1, sizeof(*w))) == NULL)
			abort();
	}
	sim_gen_bytes(&sc, data, size, mask);
	if (!sim_run(w, &sc, 0, NULL)) {
		fprintf(stderr, "fuzz_sim: %s\n", w->why);
		sim_scen_print(&sc, stderr);
		sim_trace_print(w, stderr, 200);
		abort();
	}
	return 0;
}
