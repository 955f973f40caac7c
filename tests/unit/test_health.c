/*
 * test_health.c: the health model: rise/fall hysteresis, levels, holds,
 * groups, manual demotion, maintenance, the startup hold, contributions.
 */
#include <stdbool.h>
#include <stdint.h>
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
	    false };
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
	struct health_group	g = { "fw", 0, 0, false, false };

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
	test_lookup();
	return check_done();
}
