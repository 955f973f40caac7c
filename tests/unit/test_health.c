/*
 * test_health.c: the health model: rise/fall hysteresis, levels, holds,
 * groups, manual demotion, maintenance, the startup hold, contributions.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "health.h"

/*
 * A small world: tracks 0 nginx (fatal), 1 db (weight 50), 2 eth1
 * (interface, fatal), 3 cache (weight 30); groups 0 fw, 1 db;
 * instances 0 (nginx, db; fw), 1 (eth1; fw), 2 (cache; none),
 * 3 (db; fw and db).
 */
struct world {
	struct health_track	tracks[4];
	struct health_group	groups[2];
	struct health_inst	insts[4];
	struct health		h;
	/* The groups' indexes (health_space() says how many). */
	uint32_t		members[8];
	struct health_glist	glists[32];
	struct health_gent	gents[32];
	uint32_t		tscratch[16];
};

static const uint32_t	t0[] = { 0, 1 }, t1[] = { 2 }, t2[] = { 3 },
			t3[] = { 1 };
static const uint32_t	g_fw[] = { 0 }, g_both[] = { 0, 1 };

static void
world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	health_track_init(&w->tracks[0], "nginx", HEALTH_CHECK,
	    HEALTH_FATAL, 2, 3);
	health_track_init(&w->tracks[1], "db", HEALTH_CHECK, 50, 1, 1);
	health_track_init(&w->tracks[2], "eth1", HEALTH_IFACE,
	    HEALTH_FATAL, 1, 1);
	health_track_init(&w->tracks[3], "cache", HEALTH_CHECK, 30, 1, 1);
	w->groups[0].name = "fw";
	w->groups[1].name = "db";
	w->insts[0] = (struct health_inst){ t0, 2, g_fw, 1, false, 0 };
	w->insts[1] = (struct health_inst){ t1, 1, g_fw, 1, false, 0 };
	w->insts[2] = (struct health_inst){ t2, 1, NULL, 0, false, 0 };
	w->insts[3] = (struct health_inst){ t3, 1, g_both, 2, false, 0 };
	w->h = (struct health){ w->tracks, 4, w->groups, 2, w->insts, 4,
	    false, w->members, w->glists, w->gents, w->tscratch };
	health_index(&w->h);
	health_update(&w->h);
}

static struct health_level
level(struct world *w, size_t i)
{
	struct health_level	lv;

	health_update(&w->h);
	health_eval(&w->h, i, &lv);
	return lv;
}

/* rise/fall as keepalived: consecutive results, flapping moves nothing. */
static void
test_hysteresis(void)
{
	struct health_track	t, u;
	int			k;

	check_what = "initial state";
	health_track_init(&t, "c", HEALTH_CHECK, HEALTH_FATAL, 3, 3);
	CHECK(t.state == HEALTH_UNKNOWN && !health_track_failing(&t));
	CHECK(!t.passed && t.results == 0);

	check_what = "fall 3: two failures are not enough";
	CHECK(!health_track_result(&t, false));
	CHECK(!health_track_result(&t, false));
	CHECK(t.state == HEALTH_UNKNOWN && t.fail_run == 2);
	CHECK(health_track_result(&t, false));
	CHECK(t.state == HEALTH_FAILING && health_track_failing(&t));
	CHECK(!health_track_result(&t, false));
	CHECK(t.results == 4 && t.failures == 4 && !t.passed);

	check_what = "rise 3 back to ok";
	CHECK(!health_track_result(&t, true));
	CHECK(t.passed && t.state == HEALTH_FAILING);
	CHECK(!health_track_result(&t, true));
	CHECK(health_track_result(&t, true));
	CHECK(t.state == HEALTH_OK && t.fail_run == 0 && t.ok_run == 3);

	check_what = "flapping every result with rise/fall 3: no change";
	for (k = 0; k < 100; k++) {
		CHECK(!health_track_result(&t, k % 2 == 0));
		CHECK(t.state == HEALTH_OK);
	}
	check_what = "flapping two and two with rise/fall 3: no change";
	for (k = 0; k < 100; k++)
		CHECK(!health_track_result(&t, (k / 2) % 2 == 0));
	CHECK(t.state == HEALTH_OK);

	check_what = "rise/fall 1 follow every result";
	health_track_init(&t, "eth1", HEALTH_IFACE, HEALTH_FATAL, 1, 1);
	CHECK(health_track_result(&t, true) && t.state == HEALTH_OK);
	CHECK(health_track_result(&t, false) && t.state == HEALTH_FAILING);
	CHECK(health_track_result(&t, true) && t.state == HEALTH_OK);

	check_what = "zero rise/fall taken as 1";
	health_track_init(&t, "z", HEALTH_CHECK, 5, 0, 0);
	CHECK(t.rise == 1 && t.fall == 1);

	check_what = "carry: counters and state kept";
	health_track_init(&t, "c", HEALTH_CHECK, HEALTH_FATAL, 3, 3);
	health_track_result(&t, false);
	health_track_result(&t, false);
	health_track_init(&u, "c", HEALTH_CHECK, 10, 3, 3);
	CHECK(!health_track_carry(&u, &t));
	CHECK(u.fail_run == 2 && u.results == 2 && u.failures == 2);
	CHECK(u.state == HEALTH_UNKNOWN && u.weight == 10);
	check_what = "carry: a lower fall already met applies at once";
	health_track_init(&u, "c", HEALTH_CHECK, HEALTH_FATAL, 3, 2);
	CHECK(health_track_carry(&u, &t));
	CHECK(u.state == HEALTH_FAILING);

	check_what = "state names";
	CHECK(strcmp(health_state_name(HEALTH_FAILING), "failing") == 0);
	CHECK(strcmp(health_state_name(HEALTH_OK), "ok") == 0);
	CHECK(strcmp(health_state_name((enum health_state)7), "invalid") == 0);
}

/* Own tracks: weights add up, fatal holds. */
static void
test_levels(void)
{
	struct world		w;
	struct health_level	lv;

	world_init(&w);
	check_what = "all well";
	lv = level(&w, 2);
	CHECK(lv.demote == 0 && !lv.held && lv.cause == CARP_CAUSE_NONE);

	check_what = "weight adds while failing";
	health_track_result(&w.tracks[3], false);
	lv = level(&w, 2);
	CHECK(lv.demote == 30 && !lv.held);
	health_track_result(&w.tracks[3], true);
	lv = level(&w, 2);
	CHECK(lv.demote == 0);

	check_what = "fatal holds, weights still add";
	health_track_result(&w.tracks[1], false);
	lv = level(&w, 0);
	CHECK(lv.demote == 50 && !lv.held);
	health_track_result(&w.tracks[0], false);
	health_track_result(&w.tracks[0], false);
	health_track_result(&w.tracks[0], false);
	lv = level(&w, 0);
	CHECK(lv.demote == 50 && lv.held && lv.cause == CARP_CAUSE_HELD);

	check_what = "level beyond 240 is not clamped here";
	w.tracks[1].weight = 200;
	w.tracks[3].weight = 200;
	w.insts[2].tracks = t0;
	w.insts[2].ntracks = 2;
	health_track_result(&w.tracks[0], true);
	health_track_result(&w.tracks[0], true);
	lv = level(&w, 2);
	CHECK(lv.demote == 200 && !lv.held);
}

/* Groups: shared level (the highest), summed manual demotion, holds. */
static void
test_groups(void)
{
	struct world		w;
	struct health_level	lv;

	world_init(&w);
	check_what = "a member's weight reaches every member, once";
	health_track_result(&w.tracks[1], false);	/* db: 0 and 3 */
	CHECK(level(&w, 0).demote == 50);
	CHECK(level(&w, 1).demote == 50);
	CHECK(level(&w, 3).demote == 50);
	CHECK(level(&w, 2).demote == 0);

	check_what = "manual demotion adds to members of that group only";
	CHECK(health_group_adjust(&w.groups[1], '+', 20));
	CHECK(level(&w, 3).demote == 70);
	CHECK(level(&w, 0).demote == 50);
	CHECK(health_group_adjust(&w.groups[0], '=', 5));
	CHECK(level(&w, 3).demote == 75);
	CHECK(level(&w, 1).demote == 55);

	check_what = "a fatal link on one member holds all of fw";
	health_track_result(&w.tracks[2], false);
	lv = level(&w, 0);
	CHECK(lv.held && lv.cause == CARP_CAUSE_HELD);
	CHECK(level(&w, 1).held && level(&w, 3).held);
	CHECK(!level(&w, 2).held);
	health_track_result(&w.tracks[2], true);
	CHECK(!level(&w, 0).held && !level(&w, 3).held);

	check_what = "maintenance of a member holds the group, cause says so";
	w.insts[1].maint = true;
	lv = level(&w, 0);
	CHECK(lv.held && lv.cause == CARP_CAUSE_MAINTENANCE);
	lv = level(&w, 1);
	CHECK(lv.held && lv.cause == CARP_CAUSE_MAINTENANCE);
	CHECK(!level(&w, 2).held);
	w.insts[1].maint = false;
	CHECK(!level(&w, 0).held);

	check_what = "maintenance of a lone instance";
	w.insts[2].maint = true;
	lv = level(&w, 2);
	CHECK(lv.held && lv.cause == CARP_CAUSE_MAINTENANCE);
	CHECK(!level(&w, 0).held);
	w.insts[2].maint = false;

	check_what = "the startup hold holds everyone";
	w.h.startup_hold = true;
	lv = level(&w, 2);
	CHECK(lv.held && lv.cause == CARP_CAUSE_STARTUP_HOLD);
	CHECK(level(&w, 0).held);
	w.h.startup_hold = false;
	CHECK(!level(&w, 2).held);
}

static void
test_adjust(void)
{
	struct health_group	g = { .name = "fw" };

	check_what = "manual demotion";
	CHECK(health_group_adjust(&g, '+', 50) && g.manual == 50);
	CHECK(health_group_adjust(&g, '+', 50) && g.manual == 100);
	CHECK(health_group_adjust(&g, '-', 30) && g.manual == 70);
	CHECK(health_group_adjust(&g, '-', 100) && g.manual == 0);
	CHECK(health_group_adjust(&g, '=', 7) && g.manual == 7);
	CHECK(health_group_adjust(&g, '=', 0) && g.manual == 0);
	CHECK(health_group_adjust(&g, '+', INT32_MAX) &&
	    g.manual == HEALTH_MANUAL_MAX);
	CHECK(health_group_adjust(&g, '+', INT32_MAX) &&
	    g.manual == HEALTH_MANUAL_MAX);
	CHECK(!health_group_adjust(&g, '*', 1));
	CHECK(!health_group_adjust(&g, '+', -1));
	CHECK(g.manual == HEALTH_MANUAL_MAX);
}

/* Every contribution with its reason, in order. */
static void
test_explain(void)
{
	struct world		w;
	struct health_contrib	c[8];
	size_t			n;

	world_init(&w);
	check_what = "nothing to explain";
	CHECK(health_explain(&w.h, 0, c, 8) == 0);

	check_what = "own, member, manual, maintenance, startup";
	health_track_result(&w.tracks[1], false);	/* db, 0's own */
	health_track_result(&w.tracks[2], false);	/* eth1, 1's */
	health_group_adjust(&w.groups[0], '+', 25);
	w.insts[0].maint = true;
	w.insts[0].maint_since = 1234;
	w.h.startup_hold = true;
	health_update(&w.h);
	n = health_explain(&w.h, 0, c, 8);
	CHECKF(n == 5, "%zu", n);
	CHECK(c[0].why == HEALTH_WHY_TRACK && c[0].track == 1 &&
	    c[0].amount == 50);
	CHECK(c[1].why == HEALTH_WHY_MEMBER && c[1].track == 2 &&
	    c[1].member == 1 && c[1].group == 0 &&
	    c[1].amount == HEALTH_FATAL);
	CHECK(c[2].why == HEALTH_WHY_MANUAL && c[2].group == 0 &&
	    c[2].amount == 25);
	CHECK(c[3].why == HEALTH_WHY_MAINT && c[3].amount == HEALTH_FATAL);
	CHECK(c[4].why == HEALTH_WHY_STARTUP);

	check_what = "a track shared with a member is listed once";
	n = health_explain(&w.h, 3, c, 8);
	/* own db; fw: 0's maintenance, 1's eth1, manual 25; startup */
	CHECKF(n == 5, "%zu", n);
	CHECK(c[0].why == HEALTH_WHY_TRACK && c[0].track == 1);
	CHECK(c[1].why == HEALTH_WHY_MEMBER_MAINT && c[1].member == 0);
	CHECK(c[2].why == HEALTH_WHY_MEMBER && c[2].member == 1);
	CHECK(c[3].why == HEALTH_WHY_MANUAL);
	CHECK(c[4].why == HEALTH_WHY_STARTUP);

	check_what = "room for fewer: counted, not written past max";
	memset(c, 0xee, sizeof(c));
	CHECK(health_explain(&w.h, 0, c, 2) == 5);
	CHECK(c[2].why == (enum health_why)0xeeeeeeee);
}

/*
 * The reference: explanations as health.c gave them before the groups had
 * indexes, by a walk of every instance for every group.
 */
static void
ref_put(struct health_contrib *out, size_t max, size_t *n,
    struct health_contrib c)
{
	if (*n < max)
		out[*n] = c;
	(*n)++;
}

static bool
ref_has(const uint32_t *v, size_t n, uint32_t x)
{
	size_t	k;

	for (k = 0; k < n; k++)
		if (v[k] == x)
			return true;
	return false;
}

static int32_t
ref_amount(const struct health_track *t)
{
	return t->weight == HEALTH_FATAL ? HEALTH_FATAL : (int32_t)t->weight;
}

static size_t
ref_explain(const struct health *h, size_t self, struct health_contrib *out,
    size_t max)
{
	const struct health_inst	*me = &h->insts[self], *in;
	const struct health_track	*t;
	size_t				 i, k, q, n = 0;
	uint32_t			 g;

	for (k = 0; k < me->ntracks; k++)
		if (health_track_failing(&h->tracks[me->tracks[k]]))
			ref_put(out, max, &n, (struct health_contrib){
			    .why = HEALTH_WHY_TRACK, .track = me->tracks[k],
			    .amount = ref_amount(&h->tracks[me->tracks[k]]) });
	for (q = 0; q < me->ngroups; q++) {
		g = me->groups[q];
		for (i = 0; i < h->ninsts; i++) {
			in = &h->insts[i];
			if (i == self || !ref_has(in->groups, in->ngroups, g))
				continue;
			for (k = 0; k < in->ntracks; k++) {
				t = &h->tracks[in->tracks[k]];
				if (!health_track_failing(t) ||
				    ref_has(me->tracks, me->ntracks,
				    in->tracks[k]))
					continue;
				ref_put(out, max, &n, (struct health_contrib){
				    .why = HEALTH_WHY_MEMBER,
				    .track = in->tracks[k], .group = g,
				    .member = (uint32_t)i,
				    .amount = ref_amount(t) });
			}
			if (in->maint)
				ref_put(out, max, &n, (struct health_contrib){
				    .why = HEALTH_WHY_MEMBER_MAINT, .group = g,
				    .member = (uint32_t)i,
				    .amount = HEALTH_FATAL });
		}
		if (h->groups[g].manual != 0)
			ref_put(out, max, &n, (struct health_contrib){
			    .why = HEALTH_WHY_MANUAL, .group = g,
			    .amount = h->groups[g].manual });
	}
	if (me->maint)
		ref_put(out, max, &n, (struct health_contrib){
		    .why = HEALTH_WHY_MAINT, .amount = HEALTH_FATAL });
	if (h->startup_hold)
		ref_put(out, max, &n, (struct health_contrib){
		    .why = HEALTH_WHY_STARTUP, .amount = HEALTH_FATAL });
	return n;
}

/* A random world: up to 40 instances, 6 tracks, 5 groups. */
#define RW_INSTS	40
#define RW_TRACKS	6
#define RW_GROUPS	5

struct rworld {
	struct health_track	tracks[RW_TRACKS];
	struct health_group	groups[RW_GROUPS];
	struct health_inst	insts[RW_INSTS];
	uint32_t		tv[RW_INSTS][RW_TRACKS];
	uint32_t		gv[RW_INSTS][RW_GROUPS];
	uint32_t		members[RW_INSTS * RW_GROUPS];
	struct health_glist	glists[RW_INSTS * RW_GROUPS * (RW_TRACKS + 1)];
	struct health_gent	gents[RW_INSTS * RW_GROUPS * (RW_TRACKS + 1)];
	uint32_t		tscratch[2 * (RW_TRACKS + 1)];
	struct health		h;
};

static uint32_t	rnd_state = 12345;

static uint32_t
rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

/* Each instance takes distinct tracks and groups, as the file allows. */
static void
rworld_init(struct rworld *w)
{
	struct health_space	sp;
	size_t			i, k, nt = 1 + rnd(RW_TRACKS);
	size_t			ng = 1 + rnd(RW_GROUPS), ni = 1 + rnd(RW_INSTS);

	memset(w, 0, sizeof(*w));
	for (k = 0; k < nt; k++)
		health_track_init(&w->tracks[k], "t", HEALTH_CHECK,
		    rnd(3) == 0 ? HEALTH_FATAL : (int)(1 + rnd(100)), 1, 1);
	for (k = 0; k < ng; k++) {
		w->groups[k].name = "g";
		w->groups[k].manual = rnd(4) == 0 ? (int32_t)rnd(50) : 0;
	}
	for (i = 0; i < ni; i++) {
		for (k = 0; k < nt; k++)
			if (rnd(3) == 0)
				w->tv[i][w->insts[i].ntracks++] = (uint32_t)k;
		for (k = 0; k < ng; k++)
			if (rnd(2) == 0)
				w->gv[i][w->insts[i].ngroups++] = (uint32_t)k;
		w->insts[i].tracks = w->tv[i];
		w->insts[i].groups = w->gv[i];
	}
	w->h = (struct health){ w->tracks, nt, w->groups, ng, w->insts, ni,
	    rnd(5) == 0, w->members, w->glists, w->gents, w->tscratch };
	health_space(&w->h, &sp);
	CHECK(sp.members <= RW_INSTS * RW_GROUPS &&
	    sp.glists <= RW_INSTS * RW_GROUPS * (RW_TRACKS + 1) &&
	    sp.gents <= RW_INSTS * RW_GROUPS * (RW_TRACKS + 1) &&
	    sp.tscratch <= 2 * (RW_TRACKS + 1));
	health_index(&w->h);
}

/* Random results and maintenance, then every explanation as before. */
static void
rworld_compare(struct rworld *w)
{
	struct health_contrib	a[48], b[48];
	size_t			i, k, max, na, nb;

	for (k = 0; k < w->h.ntracks; k++)
		(void)health_track_result(&w->tracks[k], rnd(2) == 0);
	for (i = 0; i < w->h.ninsts; i++)
		w->insts[i].maint = rnd(4) == 0;
	health_update(&w->h);
	for (i = 0; i < w->h.ninsts; i++)
		for (max = 0; max <= 48; max += 1 + max / 2) {
			memset(a, 0, sizeof(a));
			memset(b, 0, sizeof(b));
			na = health_explain(&w->h, i, a, max);
			nb = ref_explain(&w->h, i, b, max);
			CHECKF(na == nb, "instance %zu: %zu contributions, "
			    "the reference %zu", i, na, nb);
			CHECKF(memcmp(a, b, sizeof(a)) == 0, "instance %zu, "
			    "max %zu: not the reference's", i, max);
		}
}

/* The groups' indexes explain exactly as a walk of every member did. */
static void
test_explain_indexed(void)
{
	struct rworld	*w = calloc(1, sizeof(*w));
	int		 round, step;

	check_what = "explanations through the groups' indexes";
	for (round = 0; round < 300; round++) {
		rworld_init(w);
		for (step = 0; step < 4; step++)
			rworld_compare(w);
	}
	free(w);
}

/* Thousands of members: every one explained without a walk of the rest. */
static void
test_explain_big_group(void)
{
	enum { N = 5000 };
	static struct health_track	t[1];
	static struct health_group	g[1];
	static struct health_inst	in[N];
	static uint32_t			members[N];
	static struct health_glist	gl[2 * N];
	static struct health_gent	ge[2 * N];
	static uint32_t			ts[4];
	static const uint32_t		tk[] = { 0 }, gk[] = { 0 };
	struct health			h = { t, 1, g, 1, in, N, false,
					    members, gl, ge, ts };
	struct health_contrib		c[8];
	size_t				i, n;

	check_what = "one group of 5000, all tracking a failing check";
	health_track_init(&t[0], "uplink", HEALTH_CHECK, HEALTH_FATAL, 1, 1);
	g[0].name = "all";
	for (i = 0; i < N; i++)
		in[i] = (struct health_inst){ tk, 1, gk, 1, i % 2 == 0, 0 };
	health_index(&h);
	(void)health_track_result(&t[0], false);
	health_update(&h);
	/* Own track, 2499 or 2500 members in maintenance, own maintenance. */
	n = health_explain(&h, 0, c, 8);
	CHECKF(n == 1 + 2499 + 1, "%zu", n);
	CHECK(c[0].why == HEALTH_WHY_TRACK && c[1].member == 2 &&
	    c[1].why == HEALTH_WHY_MEMBER_MAINT && c[7].member == 14);
	n = health_explain(&h, 1, c, 8);
	CHECKF(n == 1 + 2500, "%zu", n);
	CHECK(c[1].member == 0 && c[2].member == 2);
	for (i = 0; i < N; i++)
		if (health_explain(&h, i, c, 8) != 1 + 2500)
			break;
	CHECKF(i == N, "instance %zu", i);
}

static void
test_lookup(void)
{
	struct world	w;

	world_init(&w);
	check_what = "lookups";
	CHECK(health_group_find(&w.h, "db") == 1);
	CHECK(health_group_find(&w.h, "nope") == -1);
	CHECK(health_track_find(&w.h, HEALTH_IFACE, "eth1") == 2);
	CHECK(health_track_find(&w.h, HEALTH_CHECK, "eth1") == -1);
	CHECK(health_track_find(&w.h, HEALTH_CHECK, "cache") == 3);

	check_what = "all checks passed once";
	CHECK(!health_checks_passed(&w.h));
	health_track_result(&w.tracks[0], true);
	health_track_result(&w.tracks[1], true);
	CHECK(!health_checks_passed(&w.h));
	health_track_result(&w.tracks[3], false);
	health_track_result(&w.tracks[3], true);
	CHECK(health_checks_passed(&w.h));	/* interfaces do not count */
}

int
main(void)
{
	test_hysteresis();
	test_levels();
	test_groups();
	test_adjust();
	test_explain();
	test_explain_indexed();
	test_explain_big_group();
	test_lookup();
	return check_done();
}
