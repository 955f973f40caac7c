/*
 * sim_gen.c: random scenarios, from a seed or from fuzzer bytes.
 *
 * A scenario is a cluster (2 to 8 nodes, a quarter of them ucarp 1.5.2,
 * 1 to 3 vhids with mixed or equal settings), staggered starts, a chaotic
 * phase of operations (each fault mostly undone later), then a quiet end
 * long enough for every election check to apply.  Every choice is drawn
 * from one source, so a seed (or an input) is the whole scenario.  Known
 * bugs (xfail_mask) are left out by dropping their operations after they
 * were drawn: the rest of the scenario stays the same for a given seed.
 */
#include <string.h>

#include "sim.h"

#define MS		INT64_C(1000)
#define QUIET_US	(45 * SIM_US)

/* Where choices come from: a PRNG, or bytes (zeros once used up). */
struct src {
	struct sim_rng	 rng;
	const uint8_t	*p;
	size_t		 len, off;
};

static uint32_t
pick(struct src *s, uint32_t n)
{
	uint32_t	v;

	if (n <= 1)
		return 0;
	if (s->p == NULL)
		return sim_rng_below(&s->rng, n);
	v = 0;
	if (s->off < s->len)
		v = s->p[s->off++];
	if (n > 256 && s->off < s->len)
		v = v << 8 | s->p[s->off++];
	return v % n;
}

static uint32_t
one_of(struct src *s, const uint32_t *v, size_t n)
{
	return v[pick(s, (uint32_t)n)];
}

#define ONE_OF(s, ...) one_of((s), (const uint32_t[]){ __VA_ARGS__ }, \
	sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

/* An advskew that keeps advbase 0 from running at a few milliseconds. */
static uint8_t
gen_skew(struct src *s, uint8_t advbase)
{
	uint32_t	k = ONE_OF(s, 0, 0, 1, 10, 50, 100, 128, 200, 255, 300);

	if (k == 300)
		k = pick(s, 256);
	if (advbase == 0 && k < 20)
		k = 20 + k;
	return (uint8_t)k;
}

static void
gen_cfg(struct src *s, struct sim_scen *sc, int vi, bool same, bool replay)
{
	uint8_t	base = (uint8_t)ONE_OF(s, 1, 1, 1, 2, 3, 0);
	uint8_t	skew = gen_skew(s, base);
	uint32_t ratio = ONE_OF(s, 3, 3, 3, 3, 2, 4, 1);
	int	n;

	for (n = 0; n < sc->nnodes; n++) {
		struct sim_icfg	*c = &sc->cfg[n][vi];

		c->present = n == 0 || pick(s, 8) != 0;
		c->advbase = same ? base : (uint8_t)ONE_OF(s, 1, 1, 1, 2, 3, 0);
		c->advskew = same ? skew : gen_skew(s, c->advbase);
		c->deadratio = same ? ratio : ONE_OF(s, 3, 3, 3, 3, 2, 4, 1);
		c->preempt = pick(s, 2);
		c->neutral = pick(s, 4) == 0;
		c->bowout = pick(s, 2);
		c->ignoreifstate = pick(s, 6) == 0;
		c->replay = replay;
	}
}

/* Nodes, addresses, vhids and their settings; the link as it starts. */
static void
gen_cluster(struct src *s, struct sim_scen *sc)
{
	bool	all_ours = true;
	int	n, m, vi;

	sc->nnodes = pick(s, 10) == 0 ? 6 + (int)pick(s, 3) :
	    2 + (int)pick(s, 4);
	sc->nvhids = 1 + (int)pick(s, 3);
	for (n = 0; n < sc->nnodes; n++) {
		sc->kind[n] = n > 0 && pick(s, 4) == 0 ? SIM_UCARP : SIM_OURS;
		all_ours = all_ours && sc->kind[n] == SIM_OURS;
		sc->ip[n][0] = 198;
		sc->ip[n][1] = 18;
		sc->ip[n][2] = (uint8_t)pick(s, 4);
		sc->ip[n][3] = (uint8_t)(1 + pick(s, 254));
		for (m = 0; m < n; m++)
			if (memcmp(sc->ip[m], sc->ip[n], 4) == 0)
				break;
		if (m < n)	/* taken (or the bytes ran out): unique */
			sc->ip[n][2] = (uint8_t)(100 + n);
	}
	for (vi = 0; vi < sc->nvhids; vi++) {
		sc->vhid[vi] = (uint8_t)(1 + pick(s, 255));
		for (m = 0; m < vi; m++)
			if (sc->vhid[m] == sc->vhid[vi]) {
				sc->vhid[vi]++;		/* 255 + 1 is 0: */
				sc->vhid[vi] += sc->vhid[vi] == 0;
				m = -1;			/* look again */
			}
		gen_cfg(s, sc, vi, pick(s, 3) == 0,
		    all_ours && pick(s, 4) == 0);
		sc->expect_master[vi] = -1;
	}
	sc->net[NET_DELAY] = ONE_OF(s, 0, 100, 1000, 5000);
	sc->net[NET_JITTER] = ONE_OF(s, 0, 500, 5000);
}

static struct sim_op *
add(struct sim_scen *sc, int64_t at, enum sim_op_type t, int node)
{
	struct sim_op	*op;

	if (sc->nops >= SIM_OPS_MAX)
		return NULL;
	op = &sc->op[sc->nops++];
	*op = (struct sim_op){ .at = at, .type = t, .node = (uint8_t)node };
	return op;
}

/* A fault, and (mostly) its undoing within `until`. */
static void
gen_pair(struct src *s, struct sim_scen *sc, int64_t t, int64_t until,
    enum sim_op_type on, enum sim_op_type off, int node)
{
	int64_t	back = t + MS * (100 + pick(s, 20000));

	add(sc, t, on, node);
	if (pick(s, 4) != 0 && back < until)
		add(sc, back, off, node);
}

/* Bad weather on the link, then calm again. */
static void
gen_net(struct src *s, struct sim_scen *sc, int64_t t, int64_t until)
{
	enum sim_net_field	f = (enum sim_net_field)pick(s, NET_MAX);
	struct sim_op		*op;
	uint32_t		v, calm = sc->net[f];

	if (f == NET_DELAY || f == NET_JITTER)
		v = ONE_OF(s, 0, 1000, 20000, 200000);
	else
		v = ONE_OF(s, 10, 100, 300, 1000);
	if ((op = add(sc, t, OP_NET, 0)) != NULL) {
		op->field = (uint8_t)f;
		op->value = v;
	}
	t += MS * (100 + pick(s, 20000));
	if (t < until && (op = add(sc, t, OP_NET, 0)) != NULL) {
		op->field = (uint8_t)f;
		op->value = calm;
	}
}

/*
 * A reload of one key on one node of ours; cur tracks the files.  A
 * change of a known bug's kind is drawn, then dropped.
 */
static void
gen_reload(struct src *s, struct sim_scen *sc, int64_t t,
    struct sim_icfg cur[SIM_NODES_MAX][SIM_VHIDS_MAX], unsigned xmask)
{
	int		 n = (int)pick(s, (uint32_t)sc->nnodes);
	int		 vi = (int)pick(s, (uint32_t)sc->nvhids);
	enum sim_key	 k = (enum sim_key)pick(s, KEY_MAX);
	struct sim_icfg	*c = &cur[n][vi];
	uint32_t	 v;
	struct sim_op	*op;

	switch (k) {
	case KEY_ADVBASE:
		v = ONE_OF(s, 0, 1, 2, 3);
		if (v == 0 && c->advskew < 20)
			v = 1;
		c->advbase = (uint8_t)v;
		break;
	case KEY_ADVSKEW:
		v = gen_skew(s, c->advbase);
		c->advskew = (uint8_t)v;
		break;
	case KEY_DEADRATIO:
		v = 1 + pick(s, 4);
		c->deadratio = v;
		break;
	case KEY_PREEMPT:
		v = !c->preempt;
		c->preempt = v;
		break;
	default:
		v = !c->ignoreifstate;
		if (xmask & (1u << (v ? XF_IGNIF_ON : XF_IGNIF_OFF)))
			return;
		c->ignoreifstate = v;
		break;
	}
	if (sc->kind[n] == SIM_OURS && (op = add(sc, t, OP_RELOAD, n)) != NULL) {
		op->vi = (uint8_t)vi;
		op->field = (uint8_t)k;
		op->value = v;
	}
}

/* Split the link in two or three groups (two bits per node). */
static void
gen_partition(struct src *s, struct sim_scen *sc, int64_t t)
{
	struct sim_op	*op;
	uint32_t	 v = 0, g, g0 = 0;
	bool		 split = false;
	int		 n;

	for (n = 0; n < sc->nnodes; n++) {
		g = pick(s, 3);
		if (n == 0)
			g0 = g;
		split = split || g != g0;
		v |= g << (2 * n);
	}
	if (!split)
		v ^= 1;		/* node 0 to another group */
	if ((op = add(sc, t, OP_PARTITION, 0)) != NULL)
		op->value = v;
}

/* One operation of the chaotic phase at time t. */
static void
gen_op(struct src *s, struct sim_scen *sc, int64_t t, int64_t until,
    struct sim_icfg cur[SIM_NODES_MAX][SIM_VHIDS_MAX], unsigned xmask)
{
	int		 n = (int)pick(s, (uint32_t)sc->nnodes);
	struct sim_op	*op;

	switch (pick(s, 13)) {
	case 0:
		gen_pair(s, sc, t, until, OP_CRASH, OP_START, n);
		break;
	case 1:
		gen_pair(s, sc, t, until, OP_FREEZE, OP_RESUME, n);
		break;
	case 2:
		gen_pair(s, sc, t, until, OP_LINK_DOWN, OP_LINK_UP, n);
		break;
	case 3:
	case 4:
		add(sc, t, OP_STEPDOWN, n);
		break;
	case 5:
		gen_pair(s, sc, t, until, OP_SHUTDOWN, OP_START, n);
		break;
	case 6:
	case 7:
		gen_reload(s, sc, t, cur, xmask);
		break;
	case 8:
		gen_partition(s, sc, t);
		if (pick(s, 4) != 0)
			add(sc, t + MS * (100 + pick(s, 30000)), OP_HEAL, 0);
		break;
	case 9:
	case 10:
		gen_net(s, sc, t, until);
		break;
	case 11:
		/*
		 * An NTP step, each clock within 0.9 s of the common time:
		 * replay protection needs them within 2 s of each other.
		 */
		if ((op = add(sc, t, OP_WALLJUMP, n)) != NULL)
			op->value = pick(s, 1801);
		break;
	default:
		if ((op = add(sc, t, OP_SENDFAIL, n)) != NULL)
			op->value = 1;
		if ((op = add(sc, t + MS * (100 + pick(s, 10000)),
		    OP_SENDFAIL, n)) != NULL)
			op->value = 0;
		break;
	}
}

/* Operations in time order; equal times keep the order they were drawn. */
static void
sort_ops(struct sim_scen *sc)
{
	struct sim_op	tmp;
	int		i, j;

	for (i = 1; i < sc->nops; i++) {
		tmp = sc->op[i];
		for (j = i; j > 0 && sc->op[j - 1].at > tmp.at; j--)
			sc->op[j] = sc->op[j - 1];
		sc->op[j] = tmp;
	}
}

static void
gen(struct src *s, struct sim_scen *sc, unsigned xmask)
{
	struct sim_icfg	cur[SIM_NODES_MAX][SIM_VHIDS_MAX];
	int64_t		t, chaos_end;
	int		n, k, nops;

	gen_cluster(s, sc);
	memcpy(cur, sc->cfg, sizeof(cur));
	for (n = 0; n < sc->nnodes; n++)
		add(sc, MS * pick(s, 3000), OP_START, n);
	chaos_end = SIM_US * (20 + pick(s, 100));
	nops = (int)pick(s, 16);
	for (k = 0, t = 2 * SIM_US; k < nops && t < chaos_end; k++) {
		t += MS * (1 + pick(s, 15000));
		if (t < chaos_end)
			gen_op(s, sc, t, chaos_end, cur, xmask);
	}
	sort_ops(sc);
	t = sc->nops > 0 ? sc->op[sc->nops - 1].at : 0;
	sc->duration = t + QUIET_US;
}

/* The scenario of a seed. */
void
sim_gen_seed(struct sim_scen *sc, uint64_t seed, unsigned xmask)
{
	struct src	s;

	memset(sc, 0, sizeof(*sc));
	memset(&s, 0, sizeof(s));
	sim_rng_seed(&s.rng, seed);
	sc->seed = seed;
	gen(&s, sc, xmask);
}

/* The scenario of a fuzzer input; the network's randomness is its hash. */
void
sim_gen_bytes(struct sim_scen *sc, const uint8_t *p, size_t len,
    unsigned xmask)
{
	struct src	s;
	uint64_t	h = UINT64_C(0xcbf29ce484222325);
	size_t		i;

	memset(sc, 0, sizeof(*sc));
	memset(&s, 0, sizeof(s));
	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * UINT64_C(0x100000001b3);
	s.p = p;
	s.len = len;
	sc->seed = h;
	gen(&s, sc, xmask);
}
