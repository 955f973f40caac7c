/*
 * sim_scripted.c: the named scenarios.  Those of the integration tests
 * (tests/integ/NNN-*.sh, in simulated time and with ucarp 1.5.2 modelled),
 * split brain with three nodes, a partition isolating the preferred node,
 * and the regressions of bugs the simulator found.  Each may name the
 * master it expects at the end, on top of the invariants.
 */
#include <string.h>

#include "sim.h"

#define MS	INT64_C(1000)

/* Defaults: all ours, 198.18.1.(n+1), vhid 42, advbase 1, advskew 0. */
static void
base(struct sim_scen *sc, const char *name, int nnodes, int64_t dur_s)
{
	int	n;

	memset(sc, 0, sizeof(*sc));
	sc->name = name;
	sc->seed = 1;
	sc->duration = dur_s * SIM_US;
	sc->nnodes = nnodes;
	sc->nvhids = 1;
	sc->vhid[0] = 42;
	sc->expect_master[0] = -1;
	sc->net[NET_DELAY] = 200;
	for (n = 0; n < nnodes; n++) {
		sc->kind[n] = SIM_OURS;
		sc->ip[n][0] = 198;
		sc->ip[n][1] = 18;
		sc->ip[n][2] = 1;
		sc->ip[n][3] = (uint8_t)(n + 1);
		sc->cfg[n][0] = (struct sim_icfg){ .present = true,
		    .advbase = 1, .deadratio = 3 };
	}
}

static struct sim_op *
at(struct sim_scen *sc, int64_t ms, enum sim_op_type t, int node)
{
	struct sim_op	*op = &sc->op[sc->nops++];

	*op = (struct sim_op){ .at = ms * MS, .type = t, .node = (uint8_t)node };
	return op;
}

static void
reload(struct sim_scen *sc, int64_t ms, int node, enum sim_key k,
    uint32_t v)
{
	struct sim_op	*op = at(sc, ms, OP_RELOAD, node);

	op->field = (uint8_t)k;
	op->value = v;
}

/* Start every node, n at n*step ms. */
static void
start_all(struct sim_scen *sc, int64_t step)
{
	int	n;

	for (n = 0; n < sc->nnodes; n++)
		at(sc, n * step, OP_START, n);
}

/*
 * The ucarp model against the lab (carp-protocol.md 3.2): a lone node
 * notices its master-down deadline at the first poll() wake-up after it,
 * so defaults take over at 3.0 s, -k 50 at 3.59 s (1.195 s steps), -r 2
 * -k 128 at 3.0 s (2.5 s, 1.5 s steps), -b 2 -r 2 at 4.0 s.  Ours takes
 * over at the deadline itself.
 */
static void
lone(struct sim_scen *sc, const char *name, enum sim_kind k, uint8_t advbase,
    uint8_t skew, uint32_t ratio, int64_t at_ms)
{
	base(sc, name, 1, 10);
	sc->kind[0] = k;
	sc->cfg[0][0].advbase = advbase;
	sc->cfg[0][0].advskew = skew;
	sc->cfg[0][0].deadratio = ratio;
	start_all(sc, 0);
	sc->expect_master[0] = 0;
	sc->expect_first = 0;
	sc->expect_at = at_ms * MS;
}

static void
sc_lone1(struct sim_scen *sc)
{
	lone(sc, "ucarp-lone-defaults", SIM_UCARP, 1, 0, 3, 3000);
}

static void
sc_lone2(struct sim_scen *sc)
{
	lone(sc, "ucarp-lone-k50", SIM_UCARP, 1, 50, 3, 3585);
}

static void
sc_lone3(struct sim_scen *sc)
{
	lone(sc, "ucarp-lone-r2-k128", SIM_UCARP, 1, 128, 2, 3000);
}

static void
sc_lone4(struct sim_scen *sc)
{
	lone(sc, "ucarp-lone-b2-r2", SIM_UCARP, 2, 0, 2, 4000);
}

static void
sc_lone5(struct sim_scen *sc)
{
	lone(sc, "ours-lone-k50", SIM_OURS, 1, 50, 3, 3195);
}

/* 020/100: election by interval, both ways, against ucarp 1.5.2. */
static void
sc_election(struct sim_scen *sc)
{
	base(sc, "election", 3, 30);
	sc->kind[1] = SIM_UCARP;
	sc->cfg[1][0].advskew = 50;
	sc->cfg[2][0].advskew = 100;
	start_all(sc, 700);
	sc->expect_master[0] = 0;
}

static void
sc_election_ucarp(struct sim_scen *sc)
{
	base(sc, "election-ucarp-faster", 2, 30);
	sc->kind[0] = SIM_UCARP;
	sc->cfg[1][0].advskew = 50;
	start_all(sc, 1500);
	sc->expect_master[0] = 0;
}

/* 030: the master is killed; the ucarp backup's coarse timer is slower. */
static void
sc_failover(struct sim_scen *sc)
{
	base(sc, "failover", 3, 40);
	sc->kind[2] = SIM_UCARP;
	sc->cfg[1][0].advskew = 50;
	sc->cfg[2][0].advskew = 100;
	start_all(sc, 0);
	at(sc, 10000, OP_CRASH, 0);
	sc->expect_master[0] = 1;
}

/* 040: a faster node with preempt comes back and takes over. */
static void
sc_preempt(struct sim_scen *sc)
{
	base(sc, "preempt", 2, 40);
	sc->cfg[0][0].preempt = true;
	sc->cfg[1][0].advskew = 50;
	at(sc, 0, OP_START, 1);
	at(sc, 8000, OP_START, 0);
	sc->expect_master[0] = 0;
}

/* 050: neutral start, then scripts alternate through a failover. */
static void
sc_neutral(struct sim_scen *sc)
{
	base(sc, "neutral-scripts", 2, 40);
	sc->cfg[0][0].neutral = true;
	sc->cfg[1][0].neutral = true;
	sc->cfg[1][0].advskew = 20;
	start_all(sc, 0);
	at(sc, 10000, OP_STEPDOWN, 0);
	at(sc, 20000, OP_CRASH, 1);
	sc->expect_master[0] = 0;
}

/* 060: a master with -z bows out; a backup takes over at once. */
static void
sc_shutdown(struct sim_scen *sc)
{
	base(sc, "shutdown-bowout", 3, 30);
	sc->cfg[0][0].bowout = true;
	sc->cfg[1][0].advskew = 100;
	sc->cfg[2][0].advskew = 10;
	start_all(sc, 0);
	at(sc, 10000, OP_SHUTDOWN, 0);
	sc->expect_master[0] = 2;
}

/* 070: SIGUSR2 on the master, with a bow-out advert. */
static void
sc_stepdown(struct sim_scen *sc)
{
	base(sc, "stepdown", 2, 30);
	sc->cfg[0][0].bowout = true;
	sc->cfg[1][0].advskew = 100;
	start_all(sc, 0);
	at(sc, 10000, OP_STEPDOWN, 0);
	sc->expect_master[0] = 1;
}

/* 100: split brain healed, equal intervals: x86 order keeps 198.18.2.1. */
static void
sc_tiebreak(struct sim_scen *sc)
{
	base(sc, "tiebreak", 2, 40);
	sc->kind[1] = SIM_UCARP;
	sc->ip[0][2] = 1;
	sc->ip[0][3] = 2;
	sc->ip[1][2] = 2;
	sc->ip[1][3] = 1;
	at(sc, 0, OP_PARTITION, 0)->value = 1 << 2;
	start_all(sc, 0);
	at(sc, 15000, OP_HEAL, 0);
	sc->expect_master[0] = 1;
}

/* 120: carrier lost on the master, without then with ignoreifstate. */
static void
sc_linkdown(struct sim_scen *sc)
{
	base(sc, "link-down", 3, 60);
	sc->kind[2] = SIM_UCARP;
	sc->cfg[1][0].advskew = 50;
	sc->cfg[2][0].advskew = 100;
	start_all(sc, 0);
	at(sc, 10000, OP_LINK_DOWN, 0);
	at(sc, 20000, OP_LINK_UP, 0);
	at(sc, 25000, OP_LINK_DOWN, 1);
	at(sc, 32000, OP_LINK_UP, 1);
	sc->expect_master[0] = 0;
}

static void
sc_linkdown_s(struct sim_scen *sc)
{
	base(sc, "link-down-ignoreifstate", 2, 40);
	sc->cfg[0][0].ignoreifstate = true;
	sc->cfg[1][0].advskew = 50;
	start_all(sc, 0);
	at(sc, 10000, OP_LINK_DOWN, 0);
	at(sc, 20000, OP_LINK_UP, 0);
	sc->expect_master[0] = 0;
}

/* 150: sub-second adverts; the master is killed. */
static void
sc_subsecond(struct sim_scen *sc)
{
	base(sc, "subsecond", 3, 20);
	sc->kind[2] = SIM_UCARP;
	sc->cfg[0][0] = (struct sim_icfg){ true, 0, 20, 3, false, false,
	    false, false, false };
	sc->cfg[1][0] = sc->cfg[0][0];
	sc->cfg[1][0].advskew = 40;
	sc->cfg[2][0] = sc->cfg[0][0];
	sc->cfg[2][0].advskew = 60;
	start_all(sc, 0);
	at(sc, 5000, OP_CRASH, 0);
	sc->expect_master[0] = 1;
}

/* 320/370: reloads change who should be master. */
static void
sc_reload(struct sim_scen *sc)
{
	base(sc, "reload-changes", 2, 50);
	sc->cfg[1][0].advskew = 50;
	sc->cfg[1][0].preempt = true;
	start_all(sc, 0);
	reload(sc, 10000, 0, KEY_ADVSKEW, 100);
	reload(sc, 20000, 0, KEY_ADVBASE, 2);
	reload(sc, 25000, 0, KEY_PREEMPT, 1);
	reload(sc, 26000, 0, KEY_ADVBASE, 1);
	reload(sc, 27000, 0, KEY_ADVSKEW, 0);
	sc->expect_master[0] = 0;
}

static void
sc_reload_takeover(struct sim_scen *sc)
{
	base(sc, "reload-takeover", 2, 40);
	sc->cfg[0][0].advbase = 3;
	sc->cfg[1][0].advbase = 3;
	sc->cfg[1][0].advskew = 100;
	start_all(sc, 0);
	at(sc, 15000, OP_CRASH, 0);
	reload(sc, 16500, 1, KEY_DEADRATIO, 1);
	sc->expect_master[0] = 1;
}

/* 530: the master is killed and restarted; with preempt it comes back. */
static void
sc_kill_restart(struct sim_scen *sc)
{
	base(sc, "kill-restart", 2, 40);
	sc->cfg[0][0].preempt = true;
	sc->cfg[1][0].advskew = 50;
	start_all(sc, 0);
	at(sc, 10000, OP_CRASH, 0);
	at(sc, 15000, OP_START, 0);
	sc->expect_master[0] = 0;
}

/* Three nodes, three parts: all masters; healed, the tie-break decides. */
static void
sc_split3(struct sim_scen *sc)
{
	base(sc, "split-brain-3", 3, 40);
	sc->kind[2] = SIM_UCARP;
	memcpy(sc->ip[0], (uint8_t[]){ 198, 18, 1, 3 }, 4);
	memcpy(sc->ip[1], (uint8_t[]){ 198, 18, 2, 1 }, 4);
	memcpy(sc->ip[2], (uint8_t[]){ 198, 18, 3, 2 }, 4);
	start_all(sc, 0);
	at(sc, 10000, OP_PARTITION, 0)->value = 1 << 2 | 2 << 4;
	at(sc, 20000, OP_HEAL, 0);
	sc->expect_master[0] = 1;
}

/* The preferred node is cut off, then comes back and preempts. */
static void
sc_partition_pref(struct sim_scen *sc)
{
	base(sc, "partition-preferred", 3, 50);
	sc->kind[2] = SIM_UCARP;
	sc->cfg[0][0].preempt = true;
	sc->cfg[1][0].advskew = 50;
	sc->cfg[2][0].advskew = 100;
	start_all(sc, 0);
	at(sc, 10000, OP_PARTITION, 0)->value = 1 << 2 | 1 << 4;
	at(sc, 30000, OP_HEAL, 0);
	sc->expect_master[0] = 0;
}

/*
 * Review 4(c)1: a reload setting ignoreifstate while the link is down
 * left the machine with link_down set and no deadline, forever.
 */
static void
sc_wedge(struct sim_scen *sc)
{
	base(sc, "wedge-ignoreifstate-on", 2, 60);
	sc->cfg[0][0].preempt = true;
	sc->cfg[1][0].advskew = 50;
	start_all(sc, 0);
	at(sc, 5000, OP_LINK_DOWN, 0);
	reload(sc, 8000, 0, KEY_IGNOREIFSTATE, 1);
	at(sc, 12000, OP_LINK_UP, 0);
	sc->expect_master[0] = 0;
	sc->xfail = XF_IGNIF_ON;
	sc->has_xfail = true;
}

/* The reverse: ignoreifstate turned off while the link is down. */
static void
sc_ignif_off(struct sim_scen *sc)
{
	base(sc, "ignoreifstate-off-link-down", 2, 60);
	sc->cfg[0][0].ignoreifstate = true;
	sc->cfg[1][0].advskew = 50;
	start_all(sc, 0);
	at(sc, 10000, OP_LINK_DOWN, 0);
	reload(sc, 15000, 0, KEY_IGNOREIFSTATE, 0);
	at(sc, 25000, OP_LINK_UP, 0);
	sc->expect_master[0] = 1;
	sc->xfail = XF_IGNIF_OFF;
	sc->has_xfail = true;
}

static void (*const scripted[])(struct sim_scen *) = {
	sc_lone1, sc_lone2, sc_lone3, sc_lone4, sc_lone5, sc_election, sc_election_ucarp, sc_failover, sc_preempt, sc_neutral,
	sc_shutdown, sc_stepdown, sc_tiebreak, sc_linkdown, sc_linkdown_s,
	sc_subsecond, sc_reload, sc_reload_takeover, sc_kill_restart,
	sc_split3, sc_partition_pref, sc_wedge, sc_ignif_off,
};

size_t
sim_scripted_count(void)
{
	return sizeof(scripted) / sizeof(scripted[0]);
}

void
sim_scripted(size_t i, struct sim_scen *sc)
{
	scripted[i](sc);
}
