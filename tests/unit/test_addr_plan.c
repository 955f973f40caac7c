/*
 * test_addr_plan.c: built-in address management's decisions: whose an
 * address is, every case of a removal reported by the kernel, the state
 * shown in status, and a reload's map of kept addresses.
 */
#include <stdint.h>
#include <string.h>

#include "addr_plan.h"
#include "check.h"

static struct carp_addr
A(const char *s)
{
	struct carp_addr	a;

	if (!carp_addr_parse(s, &a))
		abort();
	return a;
}

static void
test_prefix(void)
{
	struct carp_addr	a = A("198.18.0.1"), b = A("2001:db8::1"),
				c = A("198.18.0.1/24"), d = A("198.18.0.1/32");

	check_what = "prefix";
	CHECK(addr_plan_prefix(&a) == 32);
	CHECK(addr_plan_prefix(&b) == 128);
	CHECK(addr_plan_prefix(&c) == 24);
	/* No prefix written is /32: the same address as an explicit /32. */
	CHECK(addr_plan_same(&a, &d));
	CHECK(!addr_plan_same(&a, &c));
	CHECK(!addr_plan_same(&a, &b));
}

/* Every combination of tag, record and what is managed. */
static void
test_owner(void)
{
	static const struct {
		const char	*what, *seen;
		bool		 tagged, recorded;
		enum addr_plan_owner	want;
	} cases[] = {
		{ "ours, tagged", "198.18.0.10", true, false, ADDR_PLAN_STALE },
		{ "ours, recorded", "198.18.0.10", false, true,
		    ADDR_PLAN_STALE },
		{ "ours, both", "198.18.0.10", true, true, ADDR_PLAN_STALE },
		{ "operator's, same prefix", "198.18.0.10", false, false,
		    ADDR_PLAN_FOREIGN },
		{ "operator's, other prefix", "198.18.0.10/24", false, false,
		    ADDR_PLAN_FOREIGN },
		{ "tagged, other prefix", "198.18.0.10/24", true, false,
		    ADDR_PLAN_UNRELATED },
		{ "recorded, other prefix", "198.18.0.10/24", false, true,
		    ADDR_PLAN_STALE },
		{ "another daemon's (tagged)", "198.18.0.99", true, false,
		    ADDR_PLAN_UNRELATED },
		{ "recorded, no longer managed", "198.18.0.99", false, true,
		    ADDR_PLAN_STALE },
		{ "the host's own", "198.18.0.1/24", false, false,
		    ADDR_PLAN_UNRELATED },
		{ "IPv6 ours", "2001:db8::10", true, false, ADDR_PLAN_STALE },
		{ "IPv6 operator's", "2001:db8::10/64", false, false,
		    ADDR_PLAN_FOREIGN },
	};
	struct carp_addr	want[3] = { A("198.18.0.10"), A("2001:db8::10"),
				    A("198.18.0.11/24") }, seen;
	size_t			i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].what;
		seen = A(cases[i].seen);
		CHECKF(addr_plan_owner(&seen, cases[i].tagged,
		    cases[i].recorded, want, 3) == cases[i].want, "%s",
		    cases[i].seen);
	}
	check_what = "nothing managed";
	seen = A("198.18.0.10");
	CHECK(addr_plan_owner(&seen, true, false, want, 0) ==
	    ADDR_PLAN_UNRELATED);
	CHECK(addr_plan_owner(&seen, false, false, want, 0) ==
	    ADDR_PLAN_UNRELATED);
}

/* A removal the kernel reports, in every state a slot can be in. */
static void
test_removed(void)
{
	struct addr_plan_slot	s;
	int			placed, master, pol, own;
	enum addr_plan_act	act, want;

	for (placed = 0; placed < 2; placed++)
	for (master = 0; master < 2; master++)
	for (pol = 0; pol < 2; pol++)
	for (own = 0; own < 3; own++) {
		check_what = "removed";
		s.placed = placed;
		s.own_dels = (unsigned)own;
		act = addr_plan_removed(&s, master, pol ? ADDR_PLAN_STEPDOWN :
		    ADDR_PLAN_RESTORE);
		if (own > 0)
			want = ADDR_PLAN_ECHO;
		else if (!placed || !master)
			want = ADDR_PLAN_IGNORE;
		else
			want = pol ? ADDR_PLAN_DO_STEPDOWN :
			    ADDR_PLAN_DO_RESTORE;
		CHECKF(act == want, "placed %d master %d policy %d own %d: "
		    "%d", placed, master, pol, own, (int)act);
		CHECK(s.own_dels == (unsigned)(own > 0 ? own - 1 : 0));
		/* An echo leaves placed as it was; a real removal clears it. */
		CHECK(s.placed == (placed && own > 0));
	}
}

/* Our own removal, then a quick re-add: the late echo is not theirs. */
static void
test_sequence(void)
{
	struct addr_plan_slot	s = { false, 0, false };

	check_what = "sequence";
	addr_plan_added(&s, 0);
	CHECK(s.placed);
	addr_plan_removing(&s);
	CHECK(!s.placed && s.own_dels == 1);
	addr_plan_added(&s, 0);
	CHECK(addr_plan_removed(&s, true, ADDR_PLAN_RESTORE) ==
	    ADDR_PLAN_ECHO);
	CHECK(s.placed);
	CHECK(addr_plan_removed(&s, true, ADDR_PLAN_RESTORE) ==
	    ADDR_PLAN_DO_RESTORE);
	addr_plan_added(&s, 1);		/* EPERM, say */
	CHECK(!s.placed);
	addr_plan_removing(&s);
	addr_plan_removing(&s);
	addr_plan_resync(&s, 1);
	CHECK(s.own_dels == 0);
}

static void
test_state(void)
{
	struct addr_plan_slot	s[2] = { { false, 0, false }, { false, 0, false } };

	check_what = "state";
	CHECK(addr_plan_state(s, 2, false) == ADDR_PLAN_IN_PLACE);
	CHECK(addr_plan_state(s, 2, true) == ADDR_PLAN_NOT_IN_PLACE);
	s[0].placed = true;
	CHECK(addr_plan_state(s, 2, true) == ADDR_PLAN_NOT_IN_PLACE);
	CHECK(addr_plan_state(s, 2, false) == ADDR_PLAN_NOT_IN_PLACE);
	s[1].placed = true;
	CHECK(addr_plan_state(s, 2, true) == ADDR_PLAN_IN_PLACE);
	CHECK(addr_plan_state(s, 0, true) == ADDR_PLAN_IN_PLACE);
}

static void
test_map(void)
{
	struct carp_addr	old[3] = { A("198.18.0.1"), A("198.18.0.2/24"),
				    A("2001:db8::1") },
				new[4] = { A("2001:db8::1/128"), A("198.18.0.2"),
				    A("198.18.0.3"), A("198.18.0.1/32") };
	size_t			map[4];

	check_what = "map";
	addr_plan_map(old, 3, new, 4, map);
	CHECK(map[0] == 2);
	CHECK(map[1] == SIZE_MAX);	/* a new prefix: removed, added */
	CHECK(map[2] == SIZE_MAX);
	CHECK(map[3] == 0);
	addr_plan_map(old, 0, new, 4, map);
	CHECK(map[0] == SIZE_MAX && map[3] == SIZE_MAX);
}

static void
test_policy(void)
{
	check_what = "policy";
	CHECK(addr_plan_policy(NULL) == ADDR_PLAN_RESTORE);
	CHECK(addr_plan_policy("restore") == ADDR_PLAN_RESTORE);
	CHECK(addr_plan_policy("stepdown") == ADDR_PLAN_STEPDOWN);
}

int
main(void)
{
	test_prefix();
	test_owner();
	test_removed();
	test_sequence();
	test_state();
	test_map();
	test_policy();
	return check_done();
}
