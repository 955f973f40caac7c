/*
 * sim_main.c: the simulator's command line.
 *
 *   sim                 every scripted scenario, then 10,000 random ones
 *   sim -n N -b BASE    N random scenarios, seeds BASE to BASE+N-1
 *   sim -s SEED -v      one random scenario, with its whole trace
 *   sim -S NAME -v      one scripted scenario ("-S list" lists them)
 *   sim -l SECONDS      random scenarios for that long (long mode)
 *   sim -r SEED         also run a kept regression seed
 *   sim -x NAME         a known bug: see tests/sim/XFAIL
 *
 * A failure prints the scenario, the trace and the command that replays
 * it.  The closing line gives scenarios, simulated hours and events per
 * second.  Exit status: 0 all held, 1 a failure (or a known bug gone), 2
 * usage.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

#define SIM_DEFAULT_COUNT	10000
#define SIM_SEEDS_MAX		64
#define SIM_PRINT_FAILS		3
#define SIM_TRACE_TAIL		250

struct opts {
	int		 verbose;
	uint64_t	 count;
	uint64_t	 base;
	bool		 base_set;
	long		 long_secs;
	unsigned	 xmask;
	const char	*only_scripted;
	uint64_t	 seeds[SIM_SEEDS_MAX];	/* -s: only these */
	int		 nseeds;
	uint64_t	 regress[SIM_SEEDS_MAX];	/* -r: these as well */
	int		 nregress;
};

struct stats {
	uint64_t	 scenarios;
	uint64_t	 scripted;
	uint64_t	 failures;
	uint64_t	 xfails;
	uint64_t	 events;
	uint64_t	 checks;
	uint64_t	 skipped;
	double		 sim_us;
};

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: sim [-v] [-n COUNT] [-b BASE] [-s SEED]... "
	    "[-S NAME|list] [-l SECONDS] [-r SEED]... [-x KNOWN_BUG]...\n");
	exit(2);
}

/* The -x flags, for the replay command. */
static void
print_xflags(unsigned xmask, FILE *f)
{
	int	i;

	for (i = 0; i < XF_MAX; i++)
		if (xmask & (1u << i))
			fprintf(f, " -x %s", sim_xfail_name(i));
}

static void
report(const struct sim_world *w, const struct sim_scen *sc,
    const struct opts *o, const char *tag, size_t tail)
{
	if (sc->name != NULL)
		printf("%s scripted %s: %s\n", tag, sc->name, w->why);
	else
		printf("%s seed %" PRIu64 ": %s\n", tag, sc->seed, w->why);
	sim_scen_print(sc, stdout);
	if (o->verbose == 0) {
		printf("trace:\n");
		sim_trace_print(w, stdout, tail);
	}
	if (sc->name != NULL)
		printf("replay: tests/sim/sim -S %s -v", sc->name);
	else
		printf("replay: tests/sim/sim -s %" PRIu64 " -v", sc->seed);
	print_xflags(o->xmask, stdout);
	printf("\n\n");
}

/* Run one scenario and account for it; false if it counts as failed. */
static bool
run_one(struct sim_world *w, const struct sim_scen *sc, const struct opts *o,
    struct stats *st)
{
	bool	ok, known;

	if (o->verbose > 0)
		sim_scen_print(sc, stdout);
	ok = sim_run(w, sc, o->verbose, stdout);
	st->scenarios++;
	st->scripted += sc->name != NULL;
	st->events += w->events;
	st->checks += w->ck.checks;
	st->skipped += w->ck.skipped;
	st->sim_us += (double)(w->now - SIM_T0);
	known = sc->has_xfail && (o->xmask & (1u << sc->xfail));
	if (ok && !known)
		return true;
	if (ok) {
		printf("XPASS scripted %s: the known bug %s no longer shows: "
		    "take it out of tests/sim/XFAIL\n", sc->name,
		    sim_xfail_name(sc->xfail));
		st->failures++;
		return false;
	}
	if (known) {
		st->xfails++;
		report(w, sc, o, "XFAIL (known bug)", 40);
		return true;
	}
	if (++st->failures <= SIM_PRINT_FAILS)
		report(w, sc, o, "FAIL", SIM_TRACE_TAIL);
	else if (sc->name != NULL)
		printf("FAIL scripted %s: %s\n", sc->name, w->why);
	else
		printf("FAIL seed %" PRIu64 ": %s\n", sc->seed, w->why);
	return false;
}

static void
run_seed(struct sim_world *w, uint64_t seed, const struct opts *o,
    struct stats *st)
{
	struct sim_scen	sc;

	sim_gen_seed(&sc, seed, o->xmask);
	run_one(w, &sc, o, st);
}

static void
run_scripted(struct sim_world *w, const struct opts *o, struct stats *st)
{
	struct sim_scen	sc;
	size_t		i;
	bool		any = false;

	for (i = 0; i < sim_scripted_count(); i++) {
		sim_scripted(i, &sc);
		if (o->only_scripted != NULL &&
		    strcmp(o->only_scripted, "all") != 0 &&
		    strcmp(o->only_scripted, sc.name) != 0)
			continue;
		any = true;
		run_one(w, &sc, o, st);
	}
	if (!any) {
		fprintf(stderr, "sim: no scripted scenario %s (sim -S list)\n",
		    o->only_scripted);
		exit(2);
	}
}

static uint64_t
num(const char *s)
{
	char			*end;
	unsigned long long	 v;

	v = strtoull(s, &end, 0);
	if (*s == '\0' || *end != '\0')
		usage();
	return v;
}

static void
parse(int argc, char **argv, struct opts *o)
{
	enum sim_xfail	x;
	int		c;

	memset(o, 0, sizeof(*o));
	o->count = SIM_DEFAULT_COUNT;
	o->base = 1;
	while ((c = getopt(argc, argv, "b:l:n:r:s:S:vx:")) != -1) {
		switch (c) {
		case 'b':
			o->base = num(optarg);
			o->base_set = true;
			break;
		case 'l':
			o->long_secs = (long)num(optarg);
			break;
		case 'n':
			o->count = num(optarg);
			break;
		case 'r':
		case 's':
			if ((c == 's' ? o->nseeds : o->nregress) >= SIM_SEEDS_MAX)
				usage();
			if (c == 's')
				o->seeds[o->nseeds++] = num(optarg);
			else
				o->regress[o->nregress++] = num(optarg);
			break;
		case 'S':
			o->only_scripted = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'x':
			if (!sim_xfail_parse(optarg, &x)) {
				fprintf(stderr, "sim: -x %s: no such known bug "
				    "(wedge-ignoreifstate-on, "
				    "ignoreifstate-off-link-down)\n", optarg);
				exit(2);
			}
			o->xmask |= 1u << x;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}

static void
list_scripted(void)
{
	struct sim_scen	sc;
	size_t		i;

	for (i = 0; i < sim_scripted_count(); i++) {
		sim_scripted(i, &sc);
		printf("%s\n", sc.name);
	}
}

/* The whole default, -S, -s or -l run. */
static void
run_all(struct sim_world *w, const struct opts *o, struct stats *st)
{
	double		t0 = now_s();
	uint64_t	i, base = o->base;
	int		k;

	for (k = 0; k < o->nregress; k++)
		run_seed(w, o->regress[k], o, st);
	if (o->nseeds > 0) {
		for (k = 0; k < o->nseeds; k++)
			run_seed(w, o->seeds[k], o, st);
		return;
	}
	if (o->only_scripted != NULL || o->long_secs == 0)
		run_scripted(w, o, st);
	if (o->only_scripted != NULL)
		return;
	if (o->long_secs > 0) {
		if (!o->base_set)
			base = (uint64_t)time(NULL) * 1000000;
		printf("sim: long mode for %ld s from seed %" PRIu64 "\n",
		    o->long_secs, base);
		for (i = 0; now_s() - t0 < (double)o->long_secs; i++)
			run_seed(w, base + i, o, st);
		return;
	}
	for (i = 0; i < o->count; i++)
		run_seed(w, base + i, o, st);
}

int
main(int argc, char **argv)
{
	struct sim_world	*w;
	struct stats		 st;
	struct opts		 o;
	double			 t0, el;

	parse(argc, argv, &o);
	if (o.only_scripted != NULL && strcmp(o.only_scripted, "list") == 0) {
		list_scripted();
		return 0;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return 2;
	memset(&st, 0, sizeof(st));
	t0 = now_s();
	run_all(w, &o, &st);
	el = now_s() - t0;
	printf("sim: %" PRIu64 " scenarios (%" PRIu64 " scripted), %.1f "
	    "simulated hours, %" PRIu64 " events in %.1f s (%.0f events/s), "
	    "%" PRIu64 " election checks (%" PRIu64 " skipped as timing-"
	    "dependent), %" PRIu64 " known bugs seen, %" PRIu64 " failed\n",
	    st.scenarios, st.scripted, st.sim_us / 3.6e9, st.events, el,
	    el > 0 ? (double)st.events / el : 0.0, st.checks, st.skipped,
	    st.xfails, st.failures);
	sim_world_free(w);
	free(w);
	return st.failures > 0;
}
