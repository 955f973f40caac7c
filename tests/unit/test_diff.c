/*
 * test_diff.c: cfg_diff plans old -> new by identity (interface, vhid).
 * Links only the pure core; configurations are built by hand.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_diff.h"
#include "check.h"

#define MAXV	64

/* A pool of instances, so the tests allocate nothing. */
static struct cfg_instance	pool[4 * MAXV];
static struct carp_addr	paddrs[4 * MAXV][2];
static char		*pstrs[4 * MAXV][2];
static size_t		npool;

static struct cfg_instance *
mk(const char *ifname, uint8_t vhid)
{
	struct cfg_instance	*cv = &pool[npool];

	memset(cv, 0, sizeof(*cv));
	cv->interface = (char *)ifname;
	cv->vhid = vhid;
	carp_addr_from4(&cv->srcip, (const uint8_t[4]){ 198, 18, 1, 1 });
	cv->mcast[0] = 224; cv->mcast[3] = 18;
	memcpy(cv->pass, "love", 4);
	cv->passlen = 4;
	carp_addr_from4(&paddrs[npool][0], (const uint8_t[4]){ 198, 18, 0,
	    vhid });
	pstrs[npool][0] = (char *)"198.18.0.x";
	cv->addrs = paddrs[npool];
	cv->addr_strs = pstrs[npool];
	cv->naddrs = 1;
	cv->advbase = 1;
	cv->deadratio = 3;
	npool++;
	return cv;
}

struct side {
	struct cfg		 c;
	struct cfg_instance	*v[MAXV];
};

static void
side_init(struct side *s)
{
	memset(s, 0, sizeof(*s));
	s->c.instances = s->v;
}

static struct cfg_instance *
add(struct side *s, const char *ifname, uint8_t vhid)
{
	struct cfg_instance	*cv = mk(ifname, vhid);

	s->v[s->c.ninstances++] = cv;
	return cv;
}

static size_t
plan(struct side *o, struct side *n, struct cfg_plan *p)
{
	struct cfg_diff_key	ko[MAXV], kn[MAXV];

	return cfg_diff(&o->c, &n->c, ko, kn, p);
}

/* One change per case: the bit it must set, and only that bit. */
static void
test_changes(void)
{
	static const struct {
		const char	*what;
		int		 field;
		unsigned	 bit;
	} cases[] = {
		{ "identical", 0, 0 },
		{ "advskew", 1, CFG_CH_PROTO },
		{ "advbase", 2, CFG_CH_PROTO },
		{ "deadratio", 3, CFG_CH_PROTO },
		{ "preempt", 4, CFG_CH_PROTO },
		{ "shutdown", 5, CFG_CH_PROTO },
		{ "srcip", 6, CFG_CH_PROTO },
		{ "password", 7, CFG_CH_AUTH },
		{ "password length", 8, CFG_CH_AUTH },
		{ "address", 9, CFG_CH_AUTH },
		{ "group", 10, CFG_CH_GROUP },
		{ "nomcast", 11, CFG_CH_GROUP },
		{ "name", 12, CFG_CH_NAME },
		{ "upscript", 13, CFG_CH_SCRIPTS },
		{ "xparam", 14, CFG_CH_SCRIPTS },
		/* instance_update gives the FSM its params on PROTO only. */
		{ "neutral", 15, CFG_CH_PROTO | CFG_CH_SCRIPTS },
		{ "file line only", 16, 0 },
		{ "ignoreifstate", 17, CFG_CH_PROTO },
		{ "address string", 18, CFG_CH_SCRIPTS },
	};
	struct cfg_instance	*a, *b;
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].what;
		npool = 0;
		a = mk("eth0", 42);
		b = mk("eth0", 42);
		switch (cases[i].field) {
		case 1: b->advskew = 50; break;
		case 2: b->advbase = 2; break;
		case 3: b->deadratio = 4; break;
		case 4: b->preempt = true; break;
		case 5: b->shutdown = true; break;
		case 6: b->srcip.a[3] = 2; break;
		case 7: b->pass[0] = 'L'; break;
		case 8: b->passlen = 3; break;
		case 9: b->addrs[0].a[3] = 99; break;
		case 10: b->mcast[3] = 19; break;
		case 11: b->nomcast = true; break;
		case 12: b->name = (char *)"web"; break;
		case 13: b->upscript = (char *)"/bin/true"; break;
		case 14: b->xparam = (char *)"x"; break;
		case 15: b->neutral = true; break;
		case 16: b->line = 99; b->file = (char *)"other"; break;
		case 17: b->ignoreifstate = true; break;
		case 18: b->addr_strs[0] = (char *)"198.18.0.042"; break;
		}
		CHECKF(cfg_instance_changes(a, b) == cases[i].bit, "got %#x",
		    cfg_instance_changes(a, b));
		CHECK(cfg_instance_changes(b, a) == cases[i].bit);
	}
}

static void
test_plans(void)
{
	struct side		o, n;
	struct cfg_plan		p[2 * MAXV];
	size_t			k, i, counts[4];

	check_what = "add, keep, update, delete";
	npool = 0;
	side_init(&o);
	side_init(&n);
	add(&o, "eth0", 1);
	add(&o, "eth0", 2);
	add(&o, "eth1", 1);		/* deleted */
	add(&n, "eth0", 2)->advskew = 7;	/* updated, first in new */
	add(&n, "eth0", 1);		/* kept */
	add(&n, "eth1", 2);		/* added: other vhid */
	k = plan(&o, &n, p);
	CHECK(k == 4);
	CHECK(p[0].action == CFG_PLAN_DELETE && p[0].old_idx == 2);
	CHECK(p[1].action == CFG_PLAN_UPDATE && p[1].old_idx == 1 &&
	    p[1].new_idx == 0 && p[1].changed == CFG_CH_PROTO);
	CHECK(p[2].action == CFG_PLAN_KEEP && p[2].old_idx == 0 &&
	    p[2].new_idx == 1);
	CHECK(p[3].action == CFG_PLAN_ADD && p[3].new_idx == 2);

	check_what = "identity is interface and vhid";
	npool = 0;
	side_init(&o);
	side_init(&n);
	add(&o, "eth0", 5);
	add(&n, "eth1", 5);		/* same vhid, other interface */
	k = plan(&o, &n, p);
	CHECK(k == 2 && p[0].action == CFG_PLAN_DELETE &&
	    p[1].action == CFG_PLAN_ADD);

	check_what = "empty to full and back";
	npool = 0;
	side_init(&o);
	side_init(&n);
	for (i = 0; i < 10; i++)
		add(&n, "eth0", (uint8_t)(i + 1));
	k = plan(&o, &n, p);
	CHECK(k == 10);
	for (i = 0; i < k; i++)
		CHECK(p[i].action == CFG_PLAN_ADD && p[i].new_idx == i);
	k = plan(&n, &o, p);
	CHECK(k == 10);
	for (i = 0; i < k; i++)
		CHECK(p[i].action == CFG_PLAN_DELETE && p[i].old_idx == i);

	/* Order does not matter: a shuffled identical file keeps all. */
	check_what = "shuffled identical";
	npool = 0;
	side_init(&o);
	side_init(&n);
	for (i = 0; i < MAXV; i++)
		add(&o, i % 2 ? "eth1" : "eth0", (uint8_t)(i / 2 + 1));
	for (i = 0; i < MAXV; i++) {
		size_t	j = (i * 37) % MAXV;	/* 37 is prime to 64 */

		add(&n, j % 2 ? "eth1" : "eth0", (uint8_t)(j / 2 + 1));
	}
	k = plan(&o, &n, p);
	CHECK(k == MAXV);
	memset(counts, 0, sizeof(counts));
	for (i = 0; i < k; i++) {
		counts[p[i].action]++;
		CHECK(cfg_identity_cmp(o.v[p[i].old_idx],
		    n.v[p[i].new_idx]) == 0);
	}
	CHECK(counts[CFG_PLAN_KEEP] == MAXV);
}

int
main(void)
{
	test_changes();
	test_plans();
	return check_done();
}
