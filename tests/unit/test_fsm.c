/*
 * test_fsm.c: unit tests of the CARP state machine (src/carp_fsm.c).
 *
 * Every state is reached through real event sequences, then every event
 * is applied to it and the exact action list, state and deadlines are
 * compared with a table.  Further tables cover the timing, the receive
 * rules of carp-protocol.md 3.4/3.5, counters, demotion and the signals; a
 * seeded random walk checks invariants over thousands of events.
 *
 * Usage: test_fsm [seed]
 */
#include <sys/wait.h>

#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carp_fsm.h"
#include "check.h"

#define T0	INT64_C(1000000)	/* START time of every setup */
#define TMD	INT64_C(3000000)	/* default master-down interval */
#define TAD	INT64_C(1000000)	/* default advert interval */
#define HOLD	((int64_t)CARP_STEPDOWN_HOLD_US)
#define T1	(T0 + TMD)		/* a lone node's takeover */
#define SRND	UINT64_C(0x5e7a5e7a5e7a5e7a)	/* rand during setups */
#define ERND	UINT64_C(0xe4e4e4e4e4e4e4e4)	/* rand of the tested event */

#define XMAX	8

/* An expected action; unused slots have used == false. */
struct xact {
	bool			used;
	enum carp_action_type	type;
	enum carp_state		from;
	enum carp_state		to;
	enum carp_cause		cause;
	uint8_t			advbase;
	uint8_t			advskew;
	uint64_t		counter;
};

#define X_TR(f, t, c)	{ true, CARP_ACT_TRANSITION, f, t, c, 0, 0, 0 }
#define X_ADV(b, s, n)	{ true, CARP_ACT_SEND_ADVERT, 0, 0, 0, b, s, n }
#define X_GARP		{ true, CARP_ACT_SEND_GARP, 0, 0, 0, 0, 0, 0 }
#define X_UP(c)		{ true, CARP_ACT_SCRIPT_UP, 0, 0, c, 0, 0, 0 }
#define X_DOWN(c)	{ true, CARP_ACT_SCRIPT_DOWN, 0, 0, c, 0, 0, 0 }
#define X_NOTE(c)	{ true, CARP_ACT_NOTICE, 0, 0, c, 0, 0, 0 }

#define INIT	CARP_INIT
#define BACKUP	CARP_BACKUP
#define MASTER	CARP_MASTER

/* A machine and the actions of its last step. */
struct rig {
	struct carp_fsm		f;
	struct carp_actions	acts;
	bool			peer_bsd;	/* adverts from a BSD kernel */
};

static const uint8_t ip_1_2[4] = { 198, 18, 1, 2 };
static const uint8_t ip_2_1[4] = { 198, 18, 2, 1 };
static const uint8_t ip_0_5[4] = { 198, 18, 0, 5 };
static const uint8_t ip_3_1[4] = { 198, 18, 3, 1 };
static const uint8_t ip_2_2[4] = { 198, 18, 2, 2 };
static const uint8_t ip_0_2[4] = { 198, 18, 0, 2 };

/* ucarp's defaults: -b 1 -k 0 -r 3, own address 198.18.1.2. */
static struct carp_params
defparams(void)
{
	struct carp_params	p = {
		.advbase = 1,
		.advskew = 0,
		.deadratio = 3,
	};

	memcpy(p.srcip, ip_1_2, 4);
	return p;
}

/* Apply one event, replacing the previous step's actions. */
static void
ev_at(struct rig *r, enum carp_event_type type, int64_t now, uint64_t rnd)
{
	struct carp_event	ev = { .type = type, .now = now, .rand = rnd };

	r->acts.n = 0;
	carp_fsm_step(&r->f, &ev, &r->acts);
}

/* Reload with new settings, replacing the previous step's actions. */
static void
reload_at(struct rig *r, const struct carp_params *p, int64_t now)
{
	r->acts.n = 0;
	carp_fsm_set_params(&r->f, p, now, &r->acts);
}

/* Deliver a peer's advert. */
static void
adv_at(struct rig *r, int64_t now, uint8_t base, uint8_t skew,
    const uint8_t src[4], uint64_t counter, uint64_t rnd)
{
	struct carp_event	ev = {
		.type = CARP_EV_ADVERT,
		.now = now,
		.rand = rnd,
	};

	ev.adv.advbase = base;
	ev.adv.advskew = skew;
	memcpy(ev.adv.src, src, 4);
	ev.adv.counter = counter;
	ev.adv.yields_tie = r->peer_bsd;
	r->acts.n = 0;
	carp_fsm_step(&r->f, &ev, &r->acts);
}

static void
fmt_act(char *buf, size_t len, const struct carp_action *a)
{
	switch (a->type) {
	case CARP_ACT_TRANSITION:
		snprintf(buf, len, "%s %s->%s (%s)", carp_action_name(a->type),
		    carp_state_name(a->from), carp_state_name(a->to),
		    carp_cause_name(a->cause));
		break;
	case CARP_ACT_SEND_ADVERT:
		snprintf(buf, len, "%s %u/%u #%" PRIx64,
		    carp_action_name(a->type), a->advbase, a->advskew,
		    a->counter);
		break;
	default:
		snprintf(buf, len, "%s (%s)", carp_action_name(a->type),
		    carp_cause_name(a->cause));
		break;
	}
}

static void
dump_acts(const struct carp_actions *acts)
{
	char	buf[128];
	size_t	i;

	for (i = 0; i < acts->n; i++) {
		fmt_act(buf, sizeof(buf), &acts->a[i]);
		fprintf(stderr, "\tgot[%zu] %s\n", i, buf);
	}
}

/* Compare the last step's actions with an expected list, field by field. */
static void
check_acts(const struct carp_actions *acts, const struct xact *x)
{
	const struct carp_action	*a;
	size_t				 n, i;
	bool				 ok = true;

	for (n = 0; n < XMAX && x[n].used; n++)
		;
	CHECKF(acts->n == n, "%zu actions, expected %zu", acts->n, n);
	if (acts->n != n)
		ok = false;
	for (i = 0; i < n && i < acts->n; i++) {
		a = &acts->a[i];
		CHECKF(a->type == x[i].type, "action %zu is %s, expected %s",
		    i, carp_action_name(a->type), carp_action_name(x[i].type));
		if (a->type != x[i].type) {
			ok = false;
			continue;
		}
		switch (a->type) {
		case CARP_ACT_TRANSITION:
			CHECKF(a->from == x[i].from && a->to == x[i].to,
			    "action %zu: %s->%s", i, carp_state_name(a->from),
			    carp_state_name(a->to));
			ok = ok && a->from == x[i].from && a->to == x[i].to;
			/* FALLTHROUGH */
		case CARP_ACT_SCRIPT_UP:
		case CARP_ACT_SCRIPT_DOWN:
		case CARP_ACT_NOTICE:
			CHECKF(a->cause == x[i].cause, "action %zu cause %s",
			    i, carp_cause_name(a->cause));
			ok = ok && a->cause == x[i].cause;
			break;
		case CARP_ACT_SEND_ADVERT:
			CHECKF(a->advbase == x[i].advbase &&
			    a->advskew == x[i].advskew &&
			    a->counter == x[i].counter,
			    "action %zu: advert %u/%u #%" PRIx64
			    ", expected %u/%u #%" PRIx64, i, a->advbase,
			    a->advskew, a->counter, x[i].advbase,
			    x[i].advskew, x[i].counter);
			ok = ok && a->advbase == x[i].advbase &&
			    a->advskew == x[i].advskew &&
			    a->counter == x[i].counter;
			break;
		default:
			break;
		}
	}
	if (!ok)
		dump_acts(acts);
}

/* The last step produced nothing. */
static void
check_none(const struct carp_actions *acts)
{
	CHECKF(acts->n == 0, "%zu actions, expected none", acts->n);
	if (acts->n != 0)
		dump_acts(acts);
}

/* The last step only reported event e as unexpected. */
static bool
is_unexpected(const struct carp_actions *acts, int e)
{
	return acts->n == 1 && acts->a[0].type == CARP_ACT_NOTICE &&
	    acts->a[0].cause == CARP_CAUSE_UNEXPECTED &&
	    (int)acts->a[0].event == e;
}

/* Number of actions of one type in the last step. */
static size_t
count_type(const struct carp_actions *acts, enum carp_action_type t)
{
	size_t	i, n = 0;

	for (i = 0; i < acts->n; i++)
		if (acts->a[i].type == t)
			n++;
	return n;
}

/* The states every matrix row starts from, each reached by real events. */
enum setup {
	SU_INIT,	/* fresh */
	SU_BACKUP,	/* START at T0 */
	SU_MASTER,	/* START at T0, lone takeover at T1 */
	SU_BACKUP_LD,	/* START at T0, link down at T0 + 1 s */
	SU_MASTER_LD,	/* master, link down at T1 + 0.5 s: BACKUP */
	SU_SHUT,	/* master, shutdown at T1 + 0.5 s: INIT again */
	SU_MAX
};

static const char *const setup_names[SU_MAX] = {
	"INIT", "BACKUP", "MASTER", "BACKUP/link-down",
	"ex-MASTER/link-down", "INIT after shutdown",
};

static void
setup(struct rig *r, enum setup su, const struct carp_params *p)
{
	memset(r, 0, sizeof(*r));
	carp_fsm_init(&r->f, p);
	if (su == SU_INIT)
		return;
	ev_at(r, CARP_EV_START, T0, SRND);
	if (su == SU_BACKUP_LD)
		ev_at(r, CARP_EV_LINK_DOWN, T0 + 1000000, SRND);
	if (su != SU_BACKUP && su != SU_BACKUP_LD) {
		/* Lone takeover, at T1 with the default parameters. */
		ev_at(r, CARP_EV_TIMER, r->f.md_at, SRND);
		if (su == SU_MASTER_LD)
			ev_at(r, CARP_EV_LINK_DOWN, T1 + 500000, SRND);
		else if (su == SU_SHUT)
			ev_at(r, CARP_EV_SHUTDOWN, T1 + 500000, SRND);
	}
	r->acts.n = 0;
}

/* The setups themselves, step by step, against the protocol. */
static void
test_setups(void)
{
	struct carp_params	p = defparams();
	struct rig		r;

	check_what = "init";
	memset(&r, 0xa5, sizeof(r));
	carp_fsm_init(&r.f, &p);
	CHECK(r.f.state == INIT && !r.f.link_down && r.f.counter_random);
	CHECK(r.f.ad_at == 0 && r.f.md_at == 0 && r.f.hold_until == 0);
	CHECK(r.f.send_fail == 0 && r.f.send_ok == 0 && !r.f.demoted);
	CHECK(r.f.garp_countdown == 0 && r.f.counter == 0);
	CHECK(memcmp(&r.f.p, &p, sizeof(p)) == 0);
	CHECK(carp_fsm_next_deadline(&r.f) == 0);

	check_what = "setup start";
	ev_at(&r, CARP_EV_START, T0, SRND);
	{
		const struct xact x[XMAX] = {
			X_TR(INIT, BACKUP, CARP_CAUSE_START),
			X_DOWN(CARP_CAUSE_START),
		};
		check_acts(&r.acts, x);
	}
	CHECK(r.f.state == BACKUP && r.f.md_at == T1 && r.f.ad_at == 0);
	CHECK(carp_fsm_next_deadline(&r.f) == T1);

	check_what = "setup takeover";
	ev_at(&r, CARP_EV_TIMER, T1, SRND);
	{
		const struct xact x[XMAX] = {
			X_TR(BACKUP, MASTER, CARP_CAUSE_MASTER_DOWN),
			X_GARP,
			X_ADV(1, 0, SRND),
			X_UP(CARP_CAUSE_MASTER_DOWN),
		};
		check_acts(&r.acts, x);
	}
	CHECK(r.f.state == MASTER && r.f.ad_at == T1 + TAD && r.f.md_at == 0);
	CHECK(r.f.garp_countdown == 2 && r.f.counter == SRND);
	CHECK(carp_fsm_next_deadline(&r.f) == T1 + TAD);
}

/* One (setup, event) pair and everything expected after it. */
struct mrow {
	const char		*what;
	enum setup		 su;
	enum carp_event_type	 ev;
	int64_t			 now;
	const uint8_t		*src;		/* ADVERT: 1/0 #77 from src */
	enum carp_state		 state;
	bool			 link_down;
	int64_t			 ad_at;
	int64_t			 md_at;
	uint64_t		 counter;
	bool			 counter_random;
	unsigned		 send_fail;
	struct xact		 x[XMAX];	/* HEALTH: held iff "held" is
						   in what */
};

#define EB	(T0 + 2000000)		/* event time in BACKUP setups */
#define EM	(T1 + 500000)		/* event time in MASTER setups */
#define EL	(T1 + 1000000)		/* event time after a link loss */

#define DN(c)	X_DOWN(CARP_CAUSE_##c)
#define NT(c)	X_NOTE(CARP_CAUSE_##c)

static const struct mrow matrix[] = {
	/*
	 * INIT: only START and SHUTDOWN do anything; link events are
	 * recorded and the result of a bow-out advert may come in.
	 */
	{ "INIT start", SU_INIT, CARP_EV_START, EB, NULL,
	  BACKUP, false, 0, EB + TMD, 0, true, 0,
	  { X_TR(INIT, BACKUP, CARP_CAUSE_START), DN(START) } },
	{ "INIT timer", SU_INIT, CARP_EV_TIMER, EB, NULL,
	  INIT, false, 0, 0, 0, true, 0, { NT(UNEXPECTED) } },
	{ "INIT advert", SU_INIT, CARP_EV_ADVERT, EB, ip_2_1,
	  INIT, false, 0, 0, 0, true, 0, { NT(UNEXPECTED) } },
	{ "INIT link down", SU_INIT, CARP_EV_LINK_DOWN, EB, NULL,
	  INIT, false, 0, 0, 0, true, 0, { { 0 } } },
	{ "INIT link up", SU_INIT, CARP_EV_LINK_UP, EB, NULL,
	  INIT, false, 0, 0, 0, true, 0, { { 0 } } },
	{ "INIT stepdown", SU_INIT, CARP_EV_STEPDOWN, EB, NULL,
	  INIT, false, 0, 0, 0, true, 0, { NT(UNEXPECTED) } },
	{ "INIT shutdown", SU_INIT, CARP_EV_SHUTDOWN, EB, NULL,
	  INIT, false, 0, 0, 0, true, 0, { DN(SHUTDOWN) } },
	{ "INIT send ok", SU_INIT, CARP_EV_SEND_OK, EB, NULL,
	  INIT, false, 0, 0, 0, true, 0, { { 0 } } },
	{ "INIT send fail", SU_INIT, CARP_EV_SEND_FAIL, EB, NULL,
	  INIT, false, 0, 0, 0, true, 0, { { 0 } } },
	{ "INIT health held", SU_INIT, CARP_EV_HEALTH, EB, NULL,
	  INIT, false, 0, 0, 0, true, 0, { { 0 } } },

	/* BACKUP, down timer due at T1. */
	{ "BACKUP start", SU_BACKUP, CARP_EV_START, EB, NULL,
	  BACKUP, false, 0, T1, 0, true, 0, { NT(UNEXPECTED) } },
	{ "BACKUP timer due", SU_BACKUP, CARP_EV_TIMER, T1, NULL,
	  MASTER, false, T1 + TAD, 0, ERND, true, 0,
	  { X_TR(BACKUP, MASTER, CARP_CAUSE_MASTER_DOWN), X_GARP,
	    X_ADV(1, 0, ERND), X_UP(CARP_CAUSE_MASTER_DOWN) } },
	{ "BACKUP timer 1us early", SU_BACKUP, CARP_EV_TIMER, T1 - 1, NULL,
	  BACKUP, false, 0, T1, 0, true, 0, { { 0 } } },
	{ "BACKUP advert", SU_BACKUP, CARP_EV_ADVERT, EB, ip_2_1,
	  BACKUP, false, 0, EB + TMD, 77, false, 0, { { 0 } } },
	{ "BACKUP link down", SU_BACKUP, CARP_EV_LINK_DOWN, EB, NULL,
	  BACKUP, true, 0, 0, 0, true, 0, { NT(LINK_DOWN) } },
	{ "BACKUP link up", SU_BACKUP, CARP_EV_LINK_UP, EB, NULL,
	  BACKUP, false, 0, T1, 0, true, 0, { { 0 } } },
	{ "BACKUP stepdown", SU_BACKUP, CARP_EV_STEPDOWN, EB, NULL,
	  BACKUP, false, 0, T1, 0, true, 0, { NT(UNEXPECTED) } },
	{ "BACKUP shutdown", SU_BACKUP, CARP_EV_SHUTDOWN, EB, NULL,
	  INIT, false, 0, 0, 0, true, 0,
	  { X_TR(BACKUP, INIT, CARP_CAUSE_SHUTDOWN) } },
	{ "BACKUP send ok", SU_BACKUP, CARP_EV_SEND_OK, EB, NULL,
	  BACKUP, false, 0, T1, 0, true, 0, { { 0 } } },
	{ "BACKUP send fail", SU_BACKUP, CARP_EV_SEND_FAIL, EB, NULL,
	  BACKUP, false, 0, T1, 0, true, 1, { { 0 } } },
	{ "BACKUP health held", SU_BACKUP, CARP_EV_HEALTH, EB, NULL,
	  BACKUP, false, 0, T1, 0, true, 0, { { 0 } } },

	/* MASTER since T1, next advert at T1 + TAD, counter still random. */
	{ "MASTER start", SU_MASTER, CARP_EV_START, EM, NULL,
	  MASTER, false, T1 + TAD, 0, SRND, true, 0, { NT(UNEXPECTED) } },
	{ "MASTER timer due", SU_MASTER, CARP_EV_TIMER, T1 + TAD, NULL,
	  MASTER, false, T1 + 2 * TAD, 0, ERND, true, 0,
	  { X_ADV(1, 0, ERND) } },
	{ "MASTER timer 1us early", SU_MASTER, CARP_EV_TIMER, T1 + TAD - 1,
	  NULL, MASTER, false, T1 + TAD, 0, SRND, true, 0, { { 0 } } },
	{ "MASTER advert, tie lost", SU_MASTER, CARP_EV_ADVERT, EM, ip_2_1,
	  BACKUP, false, 0, EM + TMD, 78, false, 0,
	  { X_ADV(1, 0, 78),
	    X_TR(MASTER, BACKUP, CARP_CAUSE_PREFERRED_MASTER),
	    DN(PREFERRED_MASTER) } },
	{ "MASTER advert, tie won", SU_MASTER, CARP_EV_ADVERT, EM, ip_0_5,
	  MASTER, false, T1 + TAD, 0, 77, false, 0,
	  { X_GARP, NT(NONPREFERRED_MASTER) } },
	{ "MASTER link down", SU_MASTER, CARP_EV_LINK_DOWN, EM, NULL,
	  BACKUP, true, 0, 0, SRND, true, 0,
	  { X_TR(MASTER, BACKUP, CARP_CAUSE_LINK_DOWN), DN(LINK_DOWN) } },
	{ "MASTER link up", SU_MASTER, CARP_EV_LINK_UP, EM, NULL,
	  MASTER, false, T1 + TAD, 0, SRND, true, 0, { { 0 } } },
	{ "MASTER stepdown", SU_MASTER, CARP_EV_STEPDOWN, EM, NULL,
	  BACKUP, false, 0, EM + HOLD + TMD, SRND, true, 0,
	  { X_TR(MASTER, BACKUP, CARP_CAUSE_STEPDOWN), DN(STEPDOWN) } },
	{ "MASTER shutdown", SU_MASTER, CARP_EV_SHUTDOWN, EM, NULL,
	  INIT, false, 0, 0, SRND, true, 0,
	  { X_TR(MASTER, INIT, CARP_CAUSE_SHUTDOWN), DN(SHUTDOWN) } },
	{ "MASTER send ok", SU_MASTER, CARP_EV_SEND_OK, EM, NULL,
	  MASTER, false, T1 + TAD, 0, SRND, true, 0, { { 0 } } },
	{ "MASTER send fail", SU_MASTER, CARP_EV_SEND_FAIL, EM, NULL,
	  MASTER, false, T1 + TAD, 0, SRND, true, 1, { { 0 } } },
	{ "MASTER health held", SU_MASTER, CARP_EV_HEALTH, EM, NULL,
	  BACKUP, false, 0, EM + TMD, ERND, true, 0,
	  { X_ADV(255, 255, ERND), X_TR(MASTER, BACKUP, CARP_CAUSE_HELD),
	    DN(HELD) } },
	{ "MASTER health unchanged", SU_MASTER, CARP_EV_HEALTH, EM, NULL,
	  MASTER, false, T1 + TAD, 0, SRND, true, 0, { { 0 } } },

	/* BACKUP without carrier: deaf and timerless until LINK_UP. */
	{ "BACKUP/ld start", SU_BACKUP_LD, CARP_EV_START, EB, NULL,
	  BACKUP, true, 0, 0, 0, true, 0, { NT(UNEXPECTED) } },
	{ "BACKUP/ld timer at old deadline", SU_BACKUP_LD, CARP_EV_TIMER, T1,
	  NULL, BACKUP, true, 0, 0, 0, true, 0, { { 0 } } },
	{ "BACKUP/ld advert", SU_BACKUP_LD, CARP_EV_ADVERT, EB, ip_2_1,
	  BACKUP, true, 0, 0, 0, true, 0, { { 0 } } },
	{ "BACKUP/ld link down", SU_BACKUP_LD, CARP_EV_LINK_DOWN, EB, NULL,
	  BACKUP, true, 0, 0, 0, true, 0, { { 0 } } },
	{ "BACKUP/ld link up", SU_BACKUP_LD, CARP_EV_LINK_UP, EB, NULL,
	  BACKUP, false, 0, EB + TMD, 0, true, 0, { NT(LINK_UP) } },
	{ "BACKUP/ld stepdown", SU_BACKUP_LD, CARP_EV_STEPDOWN, EB, NULL,
	  BACKUP, true, 0, 0, 0, true, 0, { NT(UNEXPECTED) } },
	{ "BACKUP/ld shutdown", SU_BACKUP_LD, CARP_EV_SHUTDOWN, EB, NULL,
	  INIT, true, 0, 0, 0, true, 0,
	  { X_TR(BACKUP, INIT, CARP_CAUSE_SHUTDOWN) } },
	{ "BACKUP/ld send ok", SU_BACKUP_LD, CARP_EV_SEND_OK, EB, NULL,
	  BACKUP, true, 0, 0, 0, true, 0, { { 0 } } },
	{ "BACKUP/ld send fail", SU_BACKUP_LD, CARP_EV_SEND_FAIL, EB, NULL,
	  BACKUP, true, 0, 0, 0, true, 1, { { 0 } } },
	{ "BACKUP/ld health held", SU_BACKUP_LD, CARP_EV_HEALTH, EB, NULL,
	  BACKUP, true, 0, 0, 0, true, 0, { { 0 } } },

	/* A master that lost its carrier. */
	{ "ex-MASTER/ld start", SU_MASTER_LD, CARP_EV_START, EL, NULL,
	  BACKUP, true, 0, 0, SRND, true, 0, { NT(UNEXPECTED) } },
	{ "ex-MASTER/ld timer at old deadline", SU_MASTER_LD, CARP_EV_TIMER,
	  T1 + TAD, NULL, BACKUP, true, 0, 0, SRND, true, 0, { { 0 } } },
	{ "ex-MASTER/ld advert", SU_MASTER_LD, CARP_EV_ADVERT, EL, ip_0_5,
	  BACKUP, true, 0, 0, SRND, true, 0, { { 0 } } },
	{ "ex-MASTER/ld link down", SU_MASTER_LD, CARP_EV_LINK_DOWN, EL,
	  NULL, BACKUP, true, 0, 0, SRND, true, 0, { { 0 } } },
	{ "ex-MASTER/ld link up", SU_MASTER_LD, CARP_EV_LINK_UP, EL, NULL,
	  BACKUP, false, 0, EL + TMD, SRND, true, 0, { NT(LINK_UP) } },
	{ "ex-MASTER/ld stepdown", SU_MASTER_LD, CARP_EV_STEPDOWN, EL, NULL,
	  BACKUP, true, 0, 0, SRND, true, 0, { NT(UNEXPECTED) } },
	{ "ex-MASTER/ld shutdown", SU_MASTER_LD, CARP_EV_SHUTDOWN, EL, NULL,
	  INIT, true, 0, 0, SRND, true, 0,
	  { X_TR(BACKUP, INIT, CARP_CAUSE_SHUTDOWN) } },
	{ "ex-MASTER/ld send ok", SU_MASTER_LD, CARP_EV_SEND_OK, EL, NULL,
	  BACKUP, true, 0, 0, SRND, true, 0, { { 0 } } },
	{ "ex-MASTER/ld send fail", SU_MASTER_LD, CARP_EV_SEND_FAIL, EL,
	  NULL, BACKUP, true, 0, 0, SRND, true, 1, { { 0 } } },
	{ "ex-MASTER/ld health held", SU_MASTER_LD, CARP_EV_HEALTH, EL,
	  NULL, BACKUP, true, 0, 0, SRND, true, 0, { { 0 } } },

	/* After a shutdown only START does anything (and SHUTDOWN, 3.6). */
	{ "shut start", SU_SHUT, CARP_EV_START, EL, NULL,
	  BACKUP, false, 0, EL + TMD, SRND, true, 0,
	  { X_TR(INIT, BACKUP, CARP_CAUSE_START), DN(START) } },
	{ "shut timer", SU_SHUT, CARP_EV_TIMER, T1 + TAD, NULL,
	  INIT, false, 0, 0, SRND, true, 0, { NT(UNEXPECTED) } },
	{ "shut advert", SU_SHUT, CARP_EV_ADVERT, EL, ip_2_1,
	  INIT, false, 0, 0, SRND, true, 0, { NT(UNEXPECTED) } },
	{ "shut link down", SU_SHUT, CARP_EV_LINK_DOWN, EL, NULL,
	  INIT, false, 0, 0, SRND, true, 0, { { 0 } } },
	{ "shut link up", SU_SHUT, CARP_EV_LINK_UP, EL, NULL,
	  INIT, false, 0, 0, SRND, true, 0, { { 0 } } },
	{ "shut stepdown", SU_SHUT, CARP_EV_STEPDOWN, EL, NULL,
	  INIT, false, 0, 0, SRND, true, 0, { NT(UNEXPECTED) } },
	{ "shut shutdown", SU_SHUT, CARP_EV_SHUTDOWN, EL, NULL,
	  INIT, false, 0, 0, SRND, true, 0, { DN(SHUTDOWN) } },
	{ "shut send ok", SU_SHUT, CARP_EV_SEND_OK, EL, NULL,
	  INIT, false, 0, 0, SRND, true, 0, { { 0 } } },
	{ "shut send fail", SU_SHUT, CARP_EV_SEND_FAIL, EL, NULL,
	  INIT, false, 0, 0, SRND, true, 0, { { 0 } } },
	{ "shut health held", SU_SHUT, CARP_EV_HEALTH, EL, NULL,
	  INIT, false, 0, 0, SRND, true, 0, { { 0 } } },
};

/* Every (state, event) pair: exact actions, state and deadlines. */
static void
test_matrix(void)
{
	struct carp_params	 p = defparams();
	struct carp_event	 ev;
	struct carp_fsm		 before;
	struct rig		 r;
	const struct mrow	*m;
	size_t			 i;
	int			 su, e, seen;

	for (i = 0; i < sizeof(matrix) / sizeof(matrix[0]); i++) {
		m = &matrix[i];
		check_what = m->what;
		setup(&r, m->su, &p);
		memset(&ev, 0, sizeof(ev));
		ev.type = m->ev;
		ev.now = m->now;
		ev.rand = ERND;
		if (m->src != NULL) {
			ev.adv.advbase = 1;
			ev.adv.advskew = 0;
			memcpy(ev.adv.src, m->src, 4);
			ev.adv.counter = 77;
		}
		ev.health.held = m->ev == CARP_EV_HEALTH &&
		    strstr(m->what, "held") != NULL;
		CHECK(r.acts.n == 0);
		before = r.f;
		carp_fsm_step(&r.f, &ev, &r.acts);
		check_acts(&r.acts, m->x);
		if (m->x[0].used && m->x[0].cause == CARP_CAUSE_UNEXPECTED) {
			/* Reported with what and where, and nothing moved. */
			CHECK(r.acts.a[0].event == m->ev &&
			    r.acts.a[0].from == before.state);
			CHECK(memcmp(&before, &r.f, sizeof(before)) == 0);
		}
		CHECKF(r.f.state == m->state, "state %s",
		    carp_state_name(r.f.state));
		CHECK(r.f.link_down == m->link_down);
		CHECKF(r.f.ad_at == m->ad_at, "ad_at %" PRId64 " want %"
		    PRId64, r.f.ad_at, m->ad_at);
		CHECKF(r.f.md_at == m->md_at, "md_at %" PRId64 " want %"
		    PRId64, r.f.md_at, m->md_at);
		CHECKF(r.f.counter == m->counter, "counter %" PRIx64,
		    r.f.counter);
		CHECK(r.f.counter_random == m->counter_random);
		CHECKF(r.f.send_fail == m->send_fail, "send_fail %u",
		    r.f.send_fail);
		CHECK(!r.f.demoted);
		CHECK(r.f.held == ev.health.held);
		CHECK(memcmp(&r.f.p, &p, sizeof(p)) == 0);
	}

	/* The table must cover every pair. */
	check_what = "matrix coverage";
	for (su = 0; su < SU_MAX; su++) {
		for (e = 0; e < CARP_EV_MAX; e++) {
			seen = 0;
			for (i = 0; i < sizeof(matrix) / sizeof(matrix[0]); i++)
				if ((int)matrix[i].su == su &&
				    (int)matrix[i].ev == e)
					seen++;
			CHECKF(seen > 0, "no row for %s x %s",
			    setup_names[su], carp_event_name(e));
		}
	}
}

/* Lone start: master exactly after T_md, not a microsecond before. */
static void
test_lone_start(void)
{
	static const struct {
		const char	*what;
		uint8_t		 advbase, advskew;
		uint32_t	 deadratio;
		int64_t		 t_md, t_ad;
	} cases[] = {
		{ "defaults", 1, 0, 3, 3000000, 1000000 },
		{ "skew 50", 1, 50, 3, 3000000 + 50 * 1000000 / 256,
		  1000000 + 50 * 1000000 / 256 },
		{ "advbase 0 skew 10", 0, 10, 3, 39062, 39062 },
		{ "deadratio 2", 1, 0, 2, 2000000, 1000000 },
		{ "deadratio 2 skew 128", 1, 128, 2, 2500000, 1500000 },
		{ "advbase 2 deadratio 2", 2, 0, 2, 4000000, 2000000 },
		{ "advbase 10 skew 255", 10, 255, 3,
		  30000000 + 255 * 1000000 / 256,
		  10000000 + 255 * 1000000 / 256 },
	};
	struct carp_params	p;
	struct rig		r;
	size_t			i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].what;
		p = defparams();
		p.advbase = cases[i].advbase;
		p.advskew = cases[i].advskew;
		p.deadratio = cases[i].deadratio;
		setup(&r, SU_BACKUP, &p);
		CHECKF(carp_fsm_down_us(&r.f) == cases[i].t_md,
		    "T_md %" PRId64, carp_fsm_down_us(&r.f));
		CHECKF(carp_fsm_advert_us(&r.f) == cases[i].t_ad,
		    "T_ad %" PRId64, carp_fsm_advert_us(&r.f));
		CHECK(r.f.md_at == T0 + cases[i].t_md);
		CHECK(carp_fsm_next_deadline(&r.f) == T0 + cases[i].t_md);

		ev_at(&r, CARP_EV_TIMER, T0 + cases[i].t_md - 1, ERND);
		check_none(&r.acts);
		CHECK(r.f.state == BACKUP && r.f.md_at == T0 + cases[i].t_md);

		ev_at(&r, CARP_EV_TIMER, T0 + cases[i].t_md, ERND);
		{
			const struct xact x[XMAX] = {
				X_TR(BACKUP, MASTER, CARP_CAUSE_MASTER_DOWN),
				X_GARP,
				X_ADV(cases[i].advbase, cases[i].advskew, ERND),
				X_UP(CARP_CAUSE_MASTER_DOWN),
			};
			check_acts(&r.acts, x);
		}
		CHECK(r.f.state == MASTER && r.f.md_at == 0);
		CHECK(r.f.ad_at == T0 + cases[i].t_md + cases[i].t_ad);
	}

	check_what = "interval arithmetic";
	CHECK(carp_interval_us(0, 0) == 0);
	CHECK(carp_interval_us(1, 1) == 1003906);
	CHECK(carp_interval_us(0, 255) == 996093);
	CHECK(carp_interval_us(255, 255) == 255996093);

	/* A huge dead ratio must not overflow. */
	check_what = "deadratio max";
	p = defparams();
	p.advbase = 255;
	p.advskew = 255;
	p.deadratio = UINT32_MAX;
	carp_fsm_init(&r.f, &p);
	CHECK(carp_fsm_down_us(&r.f) ==
	    INT64_C(255) * UINT32_MAX * 1000000 + 996093);
}

/* Adverts stay on the grid of the first deadline however late we wake. */
static void
test_drift(void)
{
	struct carp_params	p = defparams();
	struct rig		r;
	int64_t			tad, first, now;
	uint64_t		jitter = 12345;
	int			k, bad = 0;

	check_what = "drift-free over 1000 adverts";
	p.advskew = 50;
	setup(&r, SU_MASTER, &p);
	tad = carp_fsm_advert_us(&r.f);
	first = r.f.ad_at;
	for (k = 0; k < 1000; k++) {
		jitter = jitter * UINT64_C(6364136223846793005) +
		    UINT64_C(1442695040888963407);
		now = r.f.ad_at +
		    (int64_t)((jitter >> 33) % (uint64_t)(tad / 2));
		ev_at(&r, CARP_EV_TIMER, now, (uint64_t)k);
		if (count_type(&r.acts, CARP_ACT_SEND_ADVERT) != 1 ||
		    r.f.ad_at != first + (k + 1) * tad)
			bad++;
		/* The same wake-up again: nothing more is due. */
		ev_at(&r, CARP_EV_TIMER, now, (uint64_t)k);
		if (r.acts.n != 0)
			bad++;
	}
	CHECKF(bad == 0, "%d adverts off the grid", bad);
	CHECK(r.f.ad_at == first + 1000 * tad);

	check_what = "late by half a period";
	setup(&r, SU_MASTER, &p);
	first = r.f.ad_at;
	ev_at(&r, CARP_EV_TIMER, first + tad / 2, ERND);
	CHECK(count_type(&r.acts, CARP_ACT_SEND_ADVERT) == 1);
	CHECK(r.f.ad_at == first + tad);

	check_what = "late by exactly one period";
	setup(&r, SU_MASTER, &p);
	first = r.f.ad_at;
	ev_at(&r, CARP_EV_TIMER, first + tad, ERND);
	CHECK(count_type(&r.acts, CARP_ACT_SEND_ADVERT) == 1);
	CHECK(r.f.ad_at == first + 2 * tad);

	check_what = "late loop never bursts";
	setup(&r, SU_MASTER, &p);
	first = r.f.ad_at;
	now = first + 5 * tad + 17;
	ev_at(&r, CARP_EV_TIMER, now, ERND);
	CHECK(count_type(&r.acts, CARP_ACT_SEND_ADVERT) == 1);
	CHECK(r.f.ad_at == now + tad);
	ev_at(&r, CARP_EV_TIMER, now, ERND);
	check_none(&r.acts);
	ev_at(&r, CARP_EV_TIMER, now + tad - 1, ERND);
	check_none(&r.acts);
	ev_at(&r, CARP_EV_TIMER, now + tad, ERND);
	CHECK(count_type(&r.acts, CARP_ACT_SEND_ADVERT) == 1);
	CHECK(r.f.ad_at == now + 2 * tad);

	/* advbase 0 advskew 0: the schedule must still move forward. */
	check_what = "zero interval";
	p = defparams();
	p.advbase = 0;
	setup(&r, SU_BACKUP, &p);
	CHECK(r.f.md_at == T0);
	ev_at(&r, CARP_EV_TIMER, T0, ERND);
	CHECK(r.f.state == MASTER && r.f.ad_at == T0 + 1);
	ev_at(&r, CARP_EV_TIMER, T0 + 1, ERND);
	CHECK(count_type(&r.acts, CARP_ACT_SEND_ADVERT) == 1);
	CHECK(r.f.ad_at > T0 + 1);
}

/* The GARP repeated with the third advert after a takeover or reassert. */
static void
test_delayed_garp(void)
{
	struct carp_params	p = defparams();
	struct rig		r;
	int64_t			t;

	check_what = "delayed GARP after takeover";
	setup(&r, SU_MASTER, &p);
	ev_at(&r, CARP_EV_TIMER, T1 + TAD, 1);
	{
		const struct xact x[XMAX] = { X_ADV(1, 0, 1) };
		check_acts(&r.acts, x);
	}
	CHECK(r.f.garp_countdown == 1);
	ev_at(&r, CARP_EV_TIMER, T1 + 2 * TAD, 2);
	{
		const struct xact x[XMAX] = { X_ADV(1, 0, 2), X_GARP };
		check_acts(&r.acts, x);
	}
	CHECK(r.f.garp_countdown == 0);
	ev_at(&r, CARP_EV_TIMER, T1 + 3 * TAD, 3);
	{
		const struct xact x[XMAX] = { X_ADV(1, 0, 3) };
		check_acts(&r.acts, x);
	}

	check_what = "delayed GARP after reassert";
	t = T1 + 3 * TAD + 100;
	adv_at(&r, t, 1, 0, ip_0_5, 500, 4);
	{
		const struct xact x[XMAX] = {
			X_GARP, X_NOTE(CARP_CAUSE_NONPREFERRED_MASTER),
		};
		check_acts(&r.acts, x);
	}
	CHECK(r.f.garp_countdown == 2 && r.f.ad_at == T1 + 4 * TAD);
	ev_at(&r, CARP_EV_TIMER, T1 + 4 * TAD, 5);
	{
		const struct xact x[XMAX] = { X_ADV(1, 0, 501) };
		check_acts(&r.acts, x);
	}
	ev_at(&r, CARP_EV_TIMER, T1 + 5 * TAD, 6);
	{
		const struct xact x[XMAX] = { X_ADV(1, 0, 502), X_GARP };
		check_acts(&r.acts, x);
	}
}

/* What a peer's advert does, per state (3.4) and tie-break (3.5). */
enum outcome {
	O_RESTART,	/* BACKUP: down timer restarted */
	O_PREEMPT,	/* BACKUP -> MASTER, preemption */
	O_SLOW,		/* BACKUP -> MASTER, master too slow */
	O_YIELD,	/* MASTER -> BACKUP */
	O_REASSERT,	/* MASTER stays, GARP */
};

static void
test_receive_rules(void)
{
	static const struct {
		const char	*what;
		enum setup	 su;
		bool		 preempt;
		uint8_t		 own_skew;
		uint32_t	 deadratio;
		const uint8_t	*own;
		uint8_t		 base, skew;
		const uint8_t	*src;
		enum outcome	 out;
		bool		 bsd;	/* the peer is a BSD kernel */
	} cases[] = {
		{ "M: R<L by skew", SU_MASTER, false, 0, 3, ip_1_2,
		  0, 200, ip_2_1, O_YIELD, false },
		{ "M: R<L own skew 10", SU_MASTER, false, 10, 3, ip_1_2,
		  1, 0, ip_0_5, O_YIELD, false },
		{ "M: R<L with preempt", SU_MASTER, true, 10, 3, ip_1_2,
		  1, 9, ip_0_5, O_YIELD, false },
		{ "M: tie, 2.1 vs own 1.2 (numerically higher)", SU_MASTER,
		  false, 0, 3, ip_1_2, 1, 0, ip_2_1, O_YIELD, false },
		{ "M: tie, 1.2 vs own 2.1 (numerically lower)", SU_MASTER,
		  false, 0, 3, ip_2_1, 1, 0, ip_1_2, O_REASSERT, false },
		{ "M: tie, 0.5 vs own 1.2 (lab: reassert)", SU_MASTER,
		  false, 0, 3, ip_1_2, 1, 0, ip_0_5, O_REASSERT, false },
		{ "M: tie, 3.1 vs own 1.2 (lab: yield)", SU_MASTER,
		  false, 0, 3, ip_1_2, 1, 0, ip_3_1, O_YIELD, false },
		{ "M: tie, 2.2 vs own 1.2 (same last octet)", SU_MASTER,
		  false, 0, 3, ip_1_2, 1, 0, ip_2_2, O_REASSERT, false },
		{ "M: tie, 0.2 vs own 1.2 (same last octet)", SU_MASTER,
		  false, 0, 3, ip_1_2, 1, 0, ip_0_2, O_YIELD, false },
		{ "M: tie at skew 77", SU_MASTER, false, 77, 3, ip_1_2,
		  1, 77, ip_3_1, O_YIELD, false },
		{ "M: R>L", SU_MASTER, false, 0, 3, ip_1_2,
		  1, 1, ip_2_1, O_REASSERT, false },
		{ "M: R>L with preempt", SU_MASTER, true, 0, 3, ip_1_2,
		  1, 1, ip_2_1, O_REASSERT, false },
		{ "M: bow-out advert", SU_MASTER, false, 0, 3, ip_1_2,
		  255, 255, ip_2_1, O_REASSERT, false },
		{ "B: preempt, R>L", SU_BACKUP, true, 0, 3, ip_1_2,
		  1, 1, ip_2_1, O_PREEMPT, false },
		{ "B: preempt, R==L never preempts", SU_BACKUP, true, 0, 3,
		  ip_1_2, 1, 0, ip_0_5, O_RESTART, false },
		{ "B: preempt, R<L", SU_BACKUP, true, 100, 3, ip_1_2,
		  1, 0, ip_2_1, O_RESTART, false },
		{ "B: no preempt, R>L", SU_BACKUP, false, 0, 3, ip_1_2,
		  1, 100, ip_2_1, O_RESTART, false },
		{ "B: no preempt, base 4 vs 1 (lab)", SU_BACKUP, false, 0, 3,
		  ip_1_2, 4, 0, ip_2_1, O_SLOW, false },
		{ "B: preempt, base 4 vs 1: preemption first", SU_BACKUP,
		  true, 0, 3, ip_1_2, 4, 0, ip_2_1, O_PREEMPT, false },
		{ "B: R == T_md is not slow", SU_BACKUP, false, 0, 3, ip_1_2,
		  3, 0, ip_2_1, O_RESTART, false },
		{ "B: R just above T_md", SU_BACKUP, false, 0, 3, ip_1_2,
		  3, 1, ip_2_1, O_SLOW, false },
		{ "B: own skew 100, R 3/0 below T_md", SU_BACKUP, false, 100,
		  3, ip_1_2, 3, 0, ip_2_1, O_RESTART, false },
		{ "B: own skew 100, R 3/101 above T_md", SU_BACKUP, false, 100,
		  3, ip_1_2, 3, 101, ip_2_1, O_SLOW, false },
		{ "B: deadratio 5, base 4", SU_BACKUP, false, 0, 5, ip_1_2,
		  4, 0, ip_2_1, O_RESTART, false },
		{ "B: bow-out 255/255", SU_BACKUP, false, 0, 3, ip_1_2,
		  255, 255, ip_2_1, O_SLOW, false },
		{ "B: bow-out 255/255 with preempt", SU_BACKUP, true, 0, 3,
		  ip_1_2, 255, 255, ip_2_1, O_PREEMPT, false },
		{ "B: bow-out with preempt and advskew 50 is staggered",
		  SU_BACKUP, true, 50, 3, ip_1_2, 255, 255, ip_2_1, O_SLOW, false },
		{ "B: slow master with preempt and advskew 100 is staggered",
		  SU_BACKUP, true, 100, 3, ip_1_2, 4, 0, ip_2_1, O_SLOW, false },
		{ "B: preempt, slower but not slow, advskew 100", SU_BACKUP,
		  true, 100, 3, ip_1_2, 2, 0, ip_2_1, O_PREEMPT, false },
		/*
		 * A BSD master yields on a tie; yielding to it as well
		 * would leave no master: ours stays, whatever the address.
		 */
		{ "M: tie with a BSD master, 2.1 vs own 1.2: stay", SU_MASTER,
		  false, 0, 3, ip_1_2, 1, 0, ip_2_1, O_REASSERT, true },
		{ "M: tie with a BSD master, 3.1 vs own 1.2: stay", SU_MASTER,
		  true, 0, 3, ip_1_2, 1, 0, ip_3_1, O_REASSERT, true },
		{ "M: tie with a BSD master, 0.5 vs own 1.2: stay", SU_MASTER,
		  false, 0, 3, ip_1_2, 1, 0, ip_0_5, O_REASSERT, true },
		{ "M: tie with a BSD master at skew 77: stay", SU_MASTER,
		  false, 77, 3, ip_1_2, 1, 77, ip_3_1, O_REASSERT, true },
		{ "M: faster BSD master: yield", SU_MASTER, false, 10, 3,
		  ip_1_2, 1, 0, ip_2_1, O_YIELD, true },
		{ "M: slower BSD master: stay", SU_MASTER, false, 0, 3,
		  ip_1_2, 1, 1, ip_3_1, O_REASSERT, true },
		{ "B: BSD master, tie, preempt: no preemption", SU_BACKUP,
		  true, 0, 3, ip_1_2, 1, 0, ip_3_1, O_RESTART, true },
		{ "B: slower BSD master, preempt", SU_BACKUP, true, 0, 3,
		  ip_1_2, 1, 1, ip_2_1, O_PREEMPT, true },
	};
	struct carp_params	p;
	struct rig		r;
	struct xact		x[XMAX];
	int64_t			now, tmd, first_ad;
	size_t			i;
	enum carp_cause		c;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].what;
		p = defparams();
		p.preempt = cases[i].preempt;
		p.advskew = cases[i].own_skew;
		p.deadratio = cases[i].deadratio;
		memcpy(p.srcip, cases[i].own, 4);
		setup(&r, cases[i].su, &p);
		r.peer_bsd = cases[i].bsd;
		CHECK(r.f.state ==
		    (cases[i].su == SU_MASTER ? MASTER : BACKUP));
		tmd = carp_fsm_down_us(&r.f);
		now = r.f.state == MASTER ? r.f.ad_at - 1 : r.f.md_at - 1;
		first_ad = r.f.ad_at;
		adv_at(&r, now, cases[i].base, cases[i].skew, cases[i].src,
		    1000, ERND);
		memset(x, 0, sizeof(x));
		switch (cases[i].out) {
		case O_RESTART:
			check_none(&r.acts);
			CHECK(r.f.state == BACKUP && r.f.md_at == now + tmd);
			break;
		case O_SLOW:
			if (p.advskew == 0)
				goto takeover;
			/*
			 * A backup with advskew waits advskew/4096 s, so
			 * that the fastest of several backups wins alone.
			 */
			check_none(&r.acts);
			CHECK(r.f.state == BACKUP);
			CHECK(r.f.md_at == now + (int64_t)p.advskew * 1000000 /
			    CARP_BOWOUT_SKEW_DIV);
			now = r.f.md_at;
			ev_at(&r, CARP_EV_TIMER, now - 1, ERND);
			check_none(&r.acts);
			CHECK(r.f.state == BACKUP);
			ev_at(&r, CARP_EV_TIMER, now, ERND);
			x[0] = (struct xact)X_TR(BACKUP, MASTER,
			    CARP_CAUSE_SLOW_MASTER);
			x[1] = (struct xact)X_GARP;
			x[2] = (struct xact)X_ADV(1, p.advskew, 1001);
			x[3] = (struct xact)X_UP(CARP_CAUSE_SLOW_MASTER);
			check_acts(&r.acts, x);
			CHECK(r.f.state == MASTER && r.f.md_at == 0);
			CHECK(r.f.ad_at == now + carp_fsm_advert_us(&r.f));
			break;
		case O_PREEMPT:
		takeover:
			c = cases[i].out == O_PREEMPT ? CARP_CAUSE_PREEMPT :
			    CARP_CAUSE_SLOW_MASTER;
			x[0] = (struct xact)X_TR(BACKUP, MASTER, c);
			x[1] = (struct xact)X_GARP;
			x[2] = (struct xact)X_ADV(1, p.advskew, 1001);
			x[3] = (struct xact)X_UP(c);
			check_acts(&r.acts, x);
			CHECK(r.f.state == MASTER && r.f.md_at == 0);
			CHECK(r.f.ad_at == now + carp_fsm_advert_us(&r.f));
			CHECK(r.f.garp_countdown == 2);
			break;
		case O_YIELD:
			x[0] = (struct xact)X_ADV(1, p.advskew, 1001);
			x[1] = (struct xact)X_TR(MASTER, BACKUP,
			    CARP_CAUSE_PREFERRED_MASTER);
			x[2] = (struct xact)X_DOWN(
			    CARP_CAUSE_PREFERRED_MASTER);
			check_acts(&r.acts, x);
			CHECK(r.f.state == BACKUP && r.f.ad_at == 0);
			CHECK(r.f.md_at == now + tmd);
			break;
		case O_REASSERT:
			x[0] = (struct xact)X_GARP;
			x[1] = (struct xact)X_NOTE(
			    CARP_CAUSE_NONPREFERRED_MASTER);
			check_acts(&r.acts, x);
			CHECK(r.f.state == MASTER && r.f.ad_at == first_ad);
			CHECK(r.f.garp_countdown == 2);
			break;
		}
		CHECK(r.f.counter == (r.acts.n > 0 &&
		    count_type(&r.acts, CARP_ACT_SEND_ADVERT) ? 1001u : 1000u));
		CHECK(!r.f.counter_random);
	}
}

/* Tie-break byte order (3.5), both directions. */
static void
test_tiebreak(void)
{
	static const struct {
		const char	*what;
		uint8_t		 own[4], remote[4];
		bool		 remote_wins;
	} cases[] = {
		{ "split-brain: A yields", { 198, 18, 1, 2 },
		  { 198, 18, 2, 1 }, true },
		{ "split-brain: B stays", { 198, 18, 2, 1 },
		  { 198, 18, 1, 2 }, false },
		{ "lab 0.5 non-preferred", { 198, 18, 1, 2 },
		  { 198, 18, 0, 5 }, false },
		{ "lab 3.1 preferred", { 198, 18, 1, 2 },
		  { 198, 18, 3, 1 }, true },
		{ "equal", { 198, 18, 1, 2 }, { 198, 18, 1, 2 }, false },
		{ "first octet decides last", { 10, 0, 0, 1 },
		  { 9, 0, 0, 1 }, true },
		{ "first octet decides last, reverse", { 9, 0, 0, 1 },
		  { 10, 0, 0, 1 }, false },
		{ "last octet dominates", { 1, 1, 1, 2 },
		  { 255, 255, 255, 1 }, true },
		{ "255 vs 0", { 0, 0, 0, 0 }, { 255, 255, 255, 255 }, false },
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].what;
		CHECK(carp_tiebreak_remote_wins(cases[i].remote,
		    cases[i].own) == cases[i].remote_wins);
	}
}

/*
 * The tie-break's key: an IPv4 source's 4 bytes, an IPv6 source's last 4;
 * a source of the other family than srcip's gets srcip's key and never
 * wins.  Then the order ucarp.8 gives for two IPv6 sources.
 */
static void
test_tiebreak_key(void)
{
	static const struct {
		const char	*what, *own, *src;
		uint8_t		 key[4];
	} cases[] = {
		{ "IPv4 source", "198.18.1.2", "198.18.2.1",
		  { 198, 18, 2, 1 } },
		{ "own IPv4", "198.18.1.2", NULL, { 198, 18, 1, 2 } },
		{ "IPv6 source, last 4 bytes", "2001:db8::2", "fe80::a:b0c:d0e",
		  { 0x0b, 0x0c, 0x0d, 0x0e } },
		{ "own IPv6", "2001:db8::1:2", NULL, { 0, 1, 0, 2 } },
		{ "IPv6 advert, IPv4 srcip: own key", "198.18.1.2",
		  "fe80::1", { 198, 18, 1, 2 } },
		{ "IPv4 advert, IPv6 srcip: own key", "2001:db8::7",
		  "198.18.1.3", { 0, 0, 0, 7 } },
	};
	struct carp_addr	own, src, a, b;
	uint8_t			key[4], ka[4], kb[4];
	size_t			i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].what;
		CHECK(carp_addr_parse(cases[i].own, &own));
		CHECK(cases[i].src == NULL ||
		    carp_addr_parse(cases[i].src, &src));
		carp_tiebreak_key(&own, cases[i].src == NULL ? NULL : &src,
		    key);
		CHECKF(memcmp(key, cases[i].key, 4) == 0, "%u.%u.%u.%u",
		    key[0], key[1], key[2], key[3]);
		/* Another family never wins against us. */
		if (cases[i].src != NULL && src.family != own.family)
			CHECK(!carp_tiebreak_remote_wins(key, key));
	}

	check_what = "IPv6: fe80::2:1 wins over fe80::1:2 (ucarp.8)";
	CHECK(carp_addr_parse("fe80::1:2", &a));
	CHECK(carp_addr_parse("fe80::2:1", &b));
	carp_tiebreak_key(&a, NULL, ka);
	carp_tiebreak_key(&a, &b, kb);
	CHECK(carp_tiebreak_remote_wins(kb, ka));
	carp_tiebreak_key(&b, NULL, kb);
	carp_tiebreak_key(&b, &a, ka);
	CHECK(!carp_tiebreak_remote_wins(ka, kb));
}

/* Counters: random while alone, then one shared running counter. */
static void
test_counters(void)
{
	struct carp_params	p = defparams();
	struct rig		r;

	check_what = "lone master: random every advert";
	setup(&r, SU_BACKUP, &p);
	ev_at(&r, CARP_EV_TIMER, T1, 0x1111);
	CHECK(r.acts.n == 4 && r.acts.a[2].counter == 0x1111);
	ev_at(&r, CARP_EV_TIMER, T1 + TAD, 0x2222);
	CHECK(r.acts.n == 1 && r.acts.a[0].counter == 0x2222);
	CHECK(r.f.counter == 0x2222 && r.f.counter_random);
	ev_at(&r, CARP_EV_TIMER, T1 + 2 * TAD, 0x3333);
	CHECK(r.acts.a[0].counter == 0x3333);

	check_what = "heard in BACKUP, then take over: heard + 1";
	setup(&r, SU_BACKUP, &p);
	adv_at(&r, T0 + 500000, 1, 0, ip_2_1, 41000, 0x1111);
	check_none(&r.acts);
	CHECK(r.f.counter == 41000 && !r.f.counter_random);
	ev_at(&r, CARP_EV_TIMER, T0 + 500000 + TMD, 0x2222);
	CHECK(r.f.state == MASTER && r.acts.a[2].counter == 41001);
	ev_at(&r, CARP_EV_TIMER, T0 + 500000 + TMD + TAD, 0x3333);
	CHECK(r.acts.a[0].counter == 41002);
	/* The peer's counter is adopted as is, even going backwards. */
	adv_at(&r, T0 + 600000 + TMD + TAD, 1, 0, ip_0_5, 7, 0x4444);
	CHECK(r.f.counter == 7);
	ev_at(&r, CARP_EV_TIMER, T0 + 500000 + TMD + 2 * TAD, 0x5555);
	CHECK(r.acts.a[0].counter == 8);

	check_what = "counter wraps";
	setup(&r, SU_MASTER, &p);
	adv_at(&r, T1 + 1, 1, 0, ip_0_5, UINT64_MAX, 0x1111);
	CHECK(r.f.counter == UINT64_MAX);
	ev_at(&r, CARP_EV_TIMER, T1 + TAD, 0x2222);
	{
		const struct xact x[XMAX] = { X_ADV(1, 0, 0) };
		check_acts(&r.acts, x);
	}
	ev_at(&r, CARP_EV_TIMER, T1 + 2 * TAD, 0x3333);
	CHECK(r.acts.a[0].counter == 1);

	check_what = "yield advert carries heard + 1, wrapping";
	setup(&r, SU_MASTER, &p);
	adv_at(&r, T1 + 1, 0, 0, ip_0_5, UINT64_MAX, 0x1111);
	CHECK(r.acts.n == 3 && r.acts.a[0].counter == 0);

	check_what = "ignored adverts are not adopted";
	setup(&r, SU_INIT, &p);
	adv_at(&r, T0, 1, 0, ip_0_5, 99, 0x1111);
	CHECK(r.f.counter == 0 && r.f.counter_random);
}

/* Three send failures demote (advskew 240), three successes promote. */
static void
test_demotion(void)
{
	struct carp_params	p = defparams();
	struct rig		r;
	int64_t			t = T1 + 100;
	int			k;

	check_what = "master demoted after 3 failures";
	setup(&r, SU_MASTER, &p);
	ev_at(&r, CARP_EV_SEND_FAIL, t, 1);
	check_none(&r.acts);
	ev_at(&r, CARP_EV_SEND_FAIL, t, 2);
	check_none(&r.acts);
	CHECK(!r.f.demoted && r.f.send_fail == 2);
	{
		struct carp_fsm	q = r.f;

		CHECK(carp_fsm_send_ok_quiet(&q) && q.send_fail == 0);
	}
	ev_at(&r, CARP_EV_SEND_FAIL, t, 3);
	{
		const struct xact x[XMAX] = {
			X_NOTE(CARP_CAUSE_DEMOTED), X_ADV(1, 240, 3),
		};
		check_acts(&r.acts, x);
	}
	CHECK(r.f.demoted && r.f.state == MASTER);
	CHECK(carp_fsm_effective_skew(&r.f) == 240);
	CHECK(carp_fsm_advert_us(&r.f) == 1937500);
	CHECK(carp_fsm_down_us(&r.f) == 3937500);
	CHECK(r.f.ad_at == T1 + TAD);

	check_what = "further failures: no second demotion";
	ev_at(&r, CARP_EV_SEND_FAIL, t, 4);
	check_none(&r.acts);
	CHECK(r.f.demoted && r.f.send_fail == 4);

	check_what = "demoted adverts carry 240 and the longer period";
	ev_at(&r, CARP_EV_TIMER, T1 + TAD, 5);
	{
		const struct xact x[XMAX] = { X_ADV(1, 240, 5) };
		check_acts(&r.acts, x);
	}
	CHECK(r.f.ad_at == T1 + TAD + 1937500);

	check_what = "demoted master yields to a healthy equal peer";
	{
		struct rig	r2 = r;

		adv_at(&r2, T1 + TAD + 10, 1, 100, ip_0_5, 50, 6);
		CHECK(r2.f.state == BACKUP && r2.acts.n == 3);
		CHECK(r2.acts.a[0].advskew == 240);
		CHECK(r2.f.md_at == T1 + TAD + 10 + 3937500);
	}

	check_what = "a demoted machine's SEND_OK is not quiet";
	{
		struct carp_fsm	q = r.f;

		CHECK(!carp_fsm_send_ok_quiet(&q));
		CHECK(memcmp(&q, &r.f, sizeof(q)) == 0);
	}

	check_what = "a failure resets the success run";
	ev_at(&r, CARP_EV_SEND_OK, t, 0);
	ev_at(&r, CARP_EV_SEND_OK, t, 0);
	check_none(&r.acts);
	CHECK(r.f.send_ok == 2 && r.f.demoted);
	ev_at(&r, CARP_EV_SEND_FAIL, t, 0);
	check_none(&r.acts);
	CHECK(r.f.send_ok == 0 && r.f.demoted);

	check_what = "promoted after 3 successes";
	ev_at(&r, CARP_EV_SEND_OK, t, 0);
	ev_at(&r, CARP_EV_SEND_OK, t, 0);
	check_none(&r.acts);
	ev_at(&r, CARP_EV_SEND_OK, t, 0);
	{
		const struct xact x[XMAX] = { X_NOTE(CARP_CAUSE_PROMOTED) };
		check_acts(&r.acts, x);
	}
	CHECK(!r.f.demoted && r.f.send_fail == 0 && r.f.send_ok == 0);
	CHECK(carp_fsm_effective_skew(&r.f) == 0);
	ev_at(&r, CARP_EV_TIMER, r.f.ad_at, 7);
	CHECK(count_type(&r.acts, CARP_ACT_SEND_ADVERT) == 1);
	CHECK(r.acts.a[0].type == CARP_ACT_SEND_ADVERT &&
	    r.acts.a[0].advskew == 0);

	check_what = "successes between failures prevent demotion";
	setup(&r, SU_MASTER, &p);
	for (k = 0; k < 10; k++) {
		ev_at(&r, CARP_EV_SEND_FAIL, t, 0);
		ev_at(&r, CARP_EV_SEND_FAIL, t, 0);
		ev_at(&r, CARP_EV_SEND_OK, t, 0);
		check_none(&r.acts);
	}
	CHECK(!r.f.demoted && r.f.send_fail == 0);

	check_what = "backup demoted: notice only";
	setup(&r, SU_BACKUP, &p);
	ev_at(&r, CARP_EV_SEND_FAIL, T0 + 1, 0);
	ev_at(&r, CARP_EV_SEND_FAIL, T0 + 2, 0);
	ev_at(&r, CARP_EV_SEND_FAIL, T0 + 3, 0);
	{
		const struct xact x[XMAX] = { X_NOTE(CARP_CAUSE_DEMOTED) };
		check_acts(&r.acts, x);
	}
	CHECK(r.f.demoted && r.f.state == BACKUP && r.f.md_at == T1);
	adv_at(&r, T0 + 10, 1, 0, ip_2_1, 5, 0);
	CHECK(r.f.md_at == T0 + 10 + 3937500);
	ev_at(&r, CARP_EV_TIMER, T0 + 10 + 3937500, 9);
	CHECK(r.f.state == MASTER && r.acts.n == 4);
	CHECK(r.acts.a[2].advskew == 240 && r.acts.a[2].counter == 6);

	check_what = "own skew 250 stays 250";
	p.advskew = 250;
	setup(&r, SU_MASTER, &p);
	for (k = 0; k < 3; k++)
		ev_at(&r, CARP_EV_SEND_FAIL, T1 + 1, 1);
	CHECK(r.f.demoted && carp_fsm_effective_skew(&r.f) == 250);
	{
		const struct xact x[XMAX] = {
			X_NOTE(CARP_CAUSE_DEMOTED), X_ADV(1, 250, 1),
		};
		check_acts(&r.acts, x);
	}

	check_what = "own skew 240 stays 240";
	p.advskew = 240;
	setup(&r, SU_BACKUP, &p);
	CHECK(carp_fsm_effective_skew(&r.f) == 240);
	for (k = 0; k < 3; k++)
		ev_at(&r, CARP_EV_SEND_FAIL, T0 + 1, 1);
	CHECK(r.f.demoted && carp_fsm_effective_skew(&r.f) == 240);
}

/* A health input: demotion level and hold. */
static void
health_at(struct rig *r, int64_t now, uint32_t demote, bool held,
    enum carp_cause cause, uint64_t rnd)
{
	struct carp_event	ev = {
		.type = CARP_EV_HEALTH,
		.now = now,
		.rand = rnd,
	};

	ev.health.demote = demote;
	ev.health.held = held;
	ev.health.cause = cause;
	r->acts.n = 0;
	carp_fsm_step(&r->f, &ev, &r->acts);
}

/* Demotion from health: min(240, advskew + level), deadlines both ways. */
static void
test_health_demote(void)
{
	struct carp_params	p = defparams();
	struct rig		r;
	int64_t			t;

	check_what = "demoted backup waits longer, promoted one less";
	setup(&r, SU_BACKUP, &p);
	health_at(&r, T0 + 1000000, 128, false, CARP_CAUSE_NONE, 1);
	check_none(&r.acts);
	CHECK(carp_fsm_effective_skew(&r.f) == 128);
	CHECK(r.f.md_at == T1 + 500000);
	health_at(&r, T0 + 1500000, 0, false, CARP_CAUSE_NONE, 1);
	check_none(&r.acts);
	CHECK(r.f.md_at == T1);

	check_what = "demotion is clamped at 240";
	health_at(&r, T0 + 1600000, 100000, false, CARP_CAUSE_NONE, 1);
	CHECK(carp_fsm_effective_skew(&r.f) == 240);
	CHECK(r.f.md_at == T1 + 937500);
	p.advskew = 200;
	setup(&r, SU_BACKUP, &p);
	health_at(&r, T0 + 1, 100, false, CARP_CAUSE_NONE, 1);
	CHECK(carp_fsm_effective_skew(&r.f) == 240);
	p.advskew = 250;
	setup(&r, SU_BACKUP, &p);
	health_at(&r, T0 + 1, 100, false, CARP_CAUSE_NONE, 1);
	CHECK(carp_fsm_effective_skew(&r.f) == 250);

	check_what = "send-error demotion and health add up";
	p.advskew = 0;
	setup(&r, SU_MASTER, &p);
	health_at(&r, T1 + 1, 10, false, CARP_CAUSE_NONE, 1);
	CHECK(carp_fsm_effective_skew(&r.f) == 10);
	ev_at(&r, CARP_EV_SEND_FAIL, T1 + 2, 1);
	ev_at(&r, CARP_EV_SEND_FAIL, T1 + 3, 1);
	ev_at(&r, CARP_EV_SEND_FAIL, T1 + 4, 1);
	CHECK(r.f.demoted && carp_fsm_effective_skew(&r.f) == 240);

	check_what = "a master whose interval grows advertises at once";
	setup(&r, SU_MASTER, &p);
	t = EM;
	health_at(&r, t, 50, false, CARP_CAUSE_NONE, ERND);
	{
		const struct xact x[XMAX] = { X_ADV(1, 50, ERND) };
		check_acts(&r.acts, x);
	}
	CHECK(r.f.state == MASTER);
	CHECK(r.f.ad_at == t + carp_interval_us(1, 50));
	check_what = "a master whose interval shrinks: next advert sooner";
	health_at(&r, t + 10, 0, false, CARP_CAUSE_NONE, ERND);
	check_none(&r.acts);
	CHECK(r.f.ad_at == t + 10 + TAD);
	health_at(&r, t + 20, 0, false, CARP_CAUSE_NONE, ERND);
	check_none(&r.acts);
	CHECK(r.f.ad_at == t + 10 + TAD);

	check_what = "a demoted master loses to a preempting healthier peer";
	health_at(&r, t + 30, 100, false, CARP_CAUSE_NONE, 3);
	adv_at(&r, t + 40, 1, 0, ip_2_1, 9, 4);
	CHECK(r.f.state == BACKUP);
	CHECK(r.acts.n == 3 && r.acts.a[0].advskew == 100);
	CHECK(r.acts.a[1].cause == CARP_CAUSE_PREFERRED_MASTER);
}

/* The hold: a master bows out, a backup never takes over. */
static void
test_health_hold(void)
{
	struct carp_params	p = defparams();
	struct rig		r;

	check_what = "held master bows out without -z, cause passed in";
	setup(&r, SU_MASTER, &p);
	CHECK(!r.f.p.bowout);
	health_at(&r, EM, 0, true, CARP_CAUSE_MAINTENANCE, 7);
	{
		const struct xact x[XMAX] = {
			X_ADV(255, 255, 7),
			X_TR(MASTER, BACKUP, CARP_CAUSE_MAINTENANCE),
			X_DOWN(CARP_CAUSE_MAINTENANCE),
		};
		check_acts(&r.acts, x);
	}
	CHECK(r.f.state == BACKUP && r.f.md_at == EM + TMD);

	check_what = "held backup: the deadline passes, no takeover";
	ev_at(&r, CARP_EV_TIMER, EM + TMD, 1);
	check_none(&r.acts);
	CHECK(r.f.state == BACKUP && r.f.md_at == 0);
	CHECK(carp_fsm_next_deadline(&r.f) == 0);

	check_what = "held backup follows a master, preempts nobody";
	p.preempt = true;
	reload_at(&r, &p, EM + TMD + 1);
	adv_at(&r, EM + TMD + 10, 1, 100, ip_2_1, 5, 1);
	check_none(&r.acts);
	CHECK(r.f.state == BACKUP && r.f.md_at == EM + TMD + 10 + TMD);
	check_what = "held backup ignores a bow-out";
	adv_at(&r, EM + TMD + 20, 255, 255, ip_2_1, 6, 1);
	check_none(&r.acts);
	CHECK(r.f.state == BACKUP && r.f.md_at == EM + TMD + 20 + TMD);

	check_what = "hold released: a preempting backup takes over on the "
	    "next slower advert";
	health_at(&r, EM + TMD + 30, 0, false, CARP_CAUSE_NONE, 1);
	check_none(&r.acts);
	CHECK(r.f.md_at == EM + TMD + 20 + TMD);
	adv_at(&r, EM + TMD + 40, 1, 100, ip_2_1, 7, 2);
	CHECK(r.f.state == MASTER &&
	    r.acts.a[0].cause == CARP_CAUSE_PREEMPT);

	check_what = "hold released after the deadline passed: at once";
	p.preempt = false;
	setup(&r, SU_BACKUP, &p);
	health_at(&r, T0 + 1, 0, true, CARP_CAUSE_HELD, 1);
	ev_at(&r, CARP_EV_TIMER, T1, 1);
	CHECK(r.f.state == BACKUP && r.f.md_at == 0);
	health_at(&r, T1 + 500, 0, false, CARP_CAUSE_NONE, 1);
	CHECK(r.f.md_at == T1 && carp_fsm_next_deadline(&r.f) == T1);
	ev_at(&r, CARP_EV_TIMER, T1 + 501, 9);
	CHECK(r.f.state == MASTER &&
	    r.acts.a[0].cause == CARP_CAUSE_MASTER_DOWN);

	check_what = "startup hold: held in INIT, START, never master";
	memset(&r, 0, sizeof(r));
	carp_fsm_init(&r.f, &p);
	health_at(&r, T0 - 1, 0, true, CARP_CAUSE_STARTUP_HOLD, 1);
	check_none(&r.acts);
	ev_at(&r, CARP_EV_START, T0, 1);
	CHECK(r.f.state == BACKUP && r.f.md_at == T1);
	ev_at(&r, CARP_EV_TIMER, T1, 1);
	CHECK(r.f.state == BACKUP && r.f.md_at == 0);
	check_what = "startup hold: a faster peer is followed meanwhile";
	adv_at(&r, T1 + 100, 1, 0, ip_2_1, 3, 1);
	CHECK(r.f.md_at == T1 + 100 + TMD && r.f.counter == 3);
	health_at(&r, T1 + 200, 0, false, CARP_CAUSE_NONE, 1);
	CHECK(r.f.state == BACKUP && r.f.md_at == T1 + 100 + TMD);

	check_what = "held with the link down: nothing armed on release";
	setup(&r, SU_BACKUP_LD, &p);
	health_at(&r, EB, 0, true, CARP_CAUSE_HELD, 1);
	health_at(&r, EB + 1, 0, false, CARP_CAUSE_NONE, 1);
	CHECK(r.f.md_at == 0 && r.f.link_down);
	ev_at(&r, CARP_EV_LINK_UP, EB + 2, 1);
	CHECK(r.f.md_at == EB + 2 + TMD);

	check_what = "held, no cause given: HELD";
	setup(&r, SU_MASTER, &p);
	health_at(&r, EM, 0, true, CARP_CAUSE_NONE, 1);
	CHECK(r.f.state == BACKUP && r.acts.a[1].cause == CARP_CAUSE_HELD);
}

/* -n: no down script at start-up, but on every later entry to BACKUP. */
static void
test_neutral(void)
{
	struct carp_params	p = defparams();
	struct rig		r;

	check_what = "neutral start";
	p.neutral = true;
	setup(&r, SU_INIT, &p);
	ev_at(&r, CARP_EV_START, T0, 1);
	{
		const struct xact x[XMAX] = {
			X_TR(INIT, BACKUP, CARP_CAUSE_START),
		};
		check_acts(&r.acts, x);
	}
	CHECK(r.f.state == BACKUP && r.f.md_at == T1);

	check_what = "neutral: later yield runs the down script";
	ev_at(&r, CARP_EV_TIMER, T1, 1);
	adv_at(&r, T1 + 10, 0, 0, ip_0_5, 1, 1);
	CHECK(r.f.state == BACKUP);
	CHECK(count_type(&r.acts, CARP_ACT_SCRIPT_DOWN) == 1);

	check_what = "neutral: shutdown from INIT still runs it";
	setup(&r, SU_INIT, &p);
	ev_at(&r, CARP_EV_SHUTDOWN, T0, 1);
	{
		const struct xact x[XMAX] = {
			X_DOWN(CARP_CAUSE_SHUTDOWN),
		};
		check_acts(&r.acts, x);
	}
}

/* -z exit from every state, with and without the bow-out advert. */
static void
test_shutdown(void)
{
	struct carp_params	p = defparams();
	struct rig		r;
	int			e;

	check_what = "shutdown master with bow-out";
	p.bowout = true;
	setup(&r, SU_MASTER, &p);
	ev_at(&r, CARP_EV_SHUTDOWN, T1 + 10, 0x77);
	{
		const struct xact x[XMAX] = {
			X_ADV(255, 255, 0x77),
			X_TR(MASTER, INIT, CARP_CAUSE_SHUTDOWN),
			X_DOWN(CARP_CAUSE_SHUTDOWN),
		};
		check_acts(&r.acts, x);
	}
	CHECK(r.f.state == INIT && carp_fsm_next_deadline(&r.f) == 0);
	CHECK(r.f.garp_countdown == 0 && r.f.hold_until == 0);

	check_what = "shutdown master with bow-out, shared counter";
	setup(&r, SU_MASTER, &p);
	adv_at(&r, T1 + 5, 1, 0, ip_0_5, 900, 0);
	ev_at(&r, CARP_EV_SHUTDOWN, T1 + 10, 0x77);
	CHECK(r.acts.n == 3 && r.acts.a[0].counter == 901);

	check_what = "shutdown backup with bow-out: silent";
	setup(&r, SU_BACKUP, &p);
	ev_at(&r, CARP_EV_SHUTDOWN, T0 + 10, 0x77);
	{
		const struct xact x[XMAX] = {
			X_TR(BACKUP, INIT, CARP_CAUSE_SHUTDOWN),
		};
		check_acts(&r.acts, x);
	}

	check_what = "after shutdown everything but START is ignored";
	for (e = 0; e < CARP_EV_MAX; e++) {
		if (e == CARP_EV_START || e == CARP_EV_SHUTDOWN)
			continue;
		if (e == CARP_EV_ADVERT)
			adv_at(&r, T0 + 20, 0, 0, ip_0_5, 1, 1);
		else
			ev_at(&r, (enum carp_event_type)e, T0 + 20, 1);
		CHECKF((r.acts.n == 0 || is_unexpected(&r.acts, e)) &&
		    r.f.state == INIT, "%s", carp_event_name(e));
	}
	ev_at(&r, CARP_EV_START, T0 + 30, 1);
	CHECK(r.f.state == BACKUP && r.f.md_at == T0 + 30 + TMD);
	ev_at(&r, CARP_EV_TIMER, T0 + 30 + TMD, 2);
	CHECK(r.f.state == MASTER && r.f.garp_countdown == 2);
}

/* SIGUSR2: the master yields and holds off for CARP_STEPDOWN_HOLD_US. */
static void
test_stepdown(void)
{
	struct carp_params	p = defparams();
	struct rig		r;
	int64_t			t = T1 + 100, hold;

	check_what = "stepdown without bow-out";
	setup(&r, SU_MASTER, &p);
	ev_at(&r, CARP_EV_STEPDOWN, t, 0x55);
	{
		const struct xact x[XMAX] = {
			X_TR(MASTER, BACKUP, CARP_CAUSE_STEPDOWN),
			X_DOWN(CARP_CAUSE_STEPDOWN),
		};
		check_acts(&r.acts, x);
	}
	CHECK(r.f.ad_at == 0 && r.f.hold_until == t + HOLD);
	CHECK(r.f.md_at == t + HOLD + TMD);
	CHECK(r.f.counter == SRND);
	ev_at(&r, CARP_EV_TIMER, t + HOLD + TMD - 1, 1);
	check_none(&r.acts);
	ev_at(&r, CARP_EV_TIMER, t + HOLD + TMD, 1);
	CHECK(r.f.state == MASTER);
	CHECK(r.acts.n == 4 && r.acts.a[0].cause == CARP_CAUSE_MASTER_DOWN);

	check_what = "stepdown with bow-out";
	p.bowout = true;
	setup(&r, SU_MASTER, &p);
	ev_at(&r, CARP_EV_STEPDOWN, t, 0x55);
	{
		const struct xact x[XMAX] = {
			X_ADV(255, 255, 0x55),
			X_TR(MASTER, BACKUP, CARP_CAUSE_STEPDOWN),
			X_DOWN(CARP_CAUSE_STEPDOWN),
		};
		check_acts(&r.acts, x);
	}
	CHECK(r.f.counter == 0x55);

	check_what = "the peer hears the bow-out and takes over at once";
	{
		struct rig	peer;

		setup(&peer, SU_BACKUP, &p);
		adv_at(&peer, t, r.acts.a[0].advbase, r.acts.a[0].advskew,
		    ip_2_1, r.acts.a[0].counter, 0x66);
		CHECK(peer.f.state == MASTER);
		CHECK(peer.acts.n == 4 &&
		    peer.acts.a[0].cause == CARP_CAUSE_SLOW_MASTER);
		CHECK(peer.acts.a[2].counter == 0x56);
	}

	check_what = "no preemption during the hold";
	p = defparams();
	p.preempt = true;
	setup(&r, SU_MASTER, &p);
	ev_at(&r, CARP_EV_STEPDOWN, t, 0);
	hold = t + HOLD;
	adv_at(&r, t + 1000000, 1, 1, ip_2_1, 10, 0);
	check_none(&r.acts);
	CHECK(r.f.state == BACKUP && r.f.md_at == t + 1000000 + TMD);
	adv_at(&r, hold - 1, 1, 1, ip_2_1, 11, 0);
	check_none(&r.acts);
	CHECK(r.f.state == BACKUP && r.f.md_at == hold - 1 + TMD);
	adv_at(&r, hold, 1, 1, ip_2_1, 12, 0);
	CHECK(r.f.state == MASTER);
	{
		const struct xact x[XMAX] = {
			X_TR(BACKUP, MASTER, CARP_CAUSE_PREEMPT), X_GARP,
			X_ADV(1, 0, 13), X_UP(CARP_CAUSE_PREEMPT),
		};
		check_acts(&r.acts, x);
	}

	check_what = "a slow master is still taken over during the hold";
	setup(&r, SU_MASTER, &p);
	ev_at(&r, CARP_EV_STEPDOWN, t, 0);
	adv_at(&r, t + 10, 255, 255, ip_2_1, 10, 0);
	CHECK(r.f.state == MASTER && r.acts.n == 4);
	CHECK(r.acts.a[0].cause == CARP_CAUSE_SLOW_MASTER);

	check_what = "stepdown in BACKUP does nothing";
	setup(&r, SU_BACKUP, &p);
	ev_at(&r, CARP_EV_STEPDOWN, T0 + 10, 0);
	CHECK(is_unexpected(&r.acts, CARP_EV_STEPDOWN));
	CHECK(r.f.hold_until == 0 && r.f.md_at == T1);
}

/* Carrier loss and return, and -S. */
static void
test_link(void)
{
	struct carp_params	p = defparams();
	struct rig		r;
	int64_t			t;

	check_what = "master loses link, comes back, waits T_md";
	setup(&r, SU_MASTER, &p);
	t = T1 + 200;
	ev_at(&r, CARP_EV_LINK_DOWN, t, 0);
	CHECK(r.f.state == BACKUP && r.f.link_down);
	CHECK(carp_fsm_next_deadline(&r.f) == 0);
	ev_at(&r, CARP_EV_LINK_UP, t + 20000000, 0);
	{
		const struct xact x[XMAX] = { X_NOTE(CARP_CAUSE_LINK_UP) };
		check_acts(&r.acts, x);
	}
	CHECK(r.f.state == BACKUP && !r.f.link_down);
	CHECK(r.f.md_at == t + 20000000 + TMD);
	ev_at(&r, CARP_EV_TIMER, t + 20000000 + TMD - 1, 0);
	check_none(&r.acts);
	ev_at(&r, CARP_EV_TIMER, t + 20000000 + TMD, 0x9);
	CHECK(r.f.state == MASTER && r.acts.n == 4);

	check_what = "link returns and the master is heard";
	setup(&r, SU_BACKUP_LD, &p);
	ev_at(&r, CARP_EV_LINK_UP, T1, 0);
	adv_at(&r, T1 + 500000, 1, 0, ip_2_1, 3, 0);
	check_none(&r.acts);
	CHECK(r.f.md_at == T1 + 500000 + TMD && r.f.counter == 3);

	check_what = "-S ignores link events";
	p.ignoreifstate = true;
	setup(&r, SU_MASTER, &p);
	ev_at(&r, CARP_EV_LINK_DOWN, T1 + 10, 0);
	check_none(&r.acts);
	CHECK(r.f.state == MASTER && !r.f.link_down && r.f.ad_at == T1 + TAD);
	ev_at(&r, CARP_EV_LINK_UP, T1 + 20, 0);
	check_none(&r.acts);
	setup(&r, SU_BACKUP, &p);
	ev_at(&r, CARP_EV_LINK_DOWN, T0 + 10, 0);
	check_none(&r.acts);
	CHECK(!r.f.link_down && r.f.md_at == T1);

	check_what = "shutdown while link down, restart, link up";
	p = defparams();
	setup(&r, SU_BACKUP_LD, &p);
	ev_at(&r, CARP_EV_SHUTDOWN, T1, 0);
	ev_at(&r, CARP_EV_START, T1 + 10, 0);
	CHECK(r.f.state == BACKUP && r.f.link_down && r.f.md_at == 0);
	ev_at(&r, CARP_EV_LINK_UP, T1 + 20, 0);
	CHECK(!r.f.link_down && r.f.md_at == T1 + 20 + TMD);

	check_what = "link up in INIT just clears the flag";
	setup(&r, SU_BACKUP_LD, &p);
	ev_at(&r, CARP_EV_SHUTDOWN, T1, 0);
	ev_at(&r, CARP_EV_LINK_UP, T1 + 10, 0);
	check_none(&r.acts);
	CHECK(r.f.state == INIT && !r.f.link_down && r.f.md_at == 0);
}

/* Reload: settings replaced in place, deadlines re-derived. */
static void
test_set_params(void)
{
	struct carp_params	p = defparams(), q;
	struct rig		r;

	check_what = "reload BACKUP to a slower setting keeps the deadline";
	setup(&r, SU_BACKUP, &p);
	q = p;
	q.advskew = 128;
	reload_at(&r, &q, T0 + 1000);
	CHECK(r.f.state == BACKUP && r.f.md_at == T1);
	CHECK(r.f.p.advskew == 128);
	/* The next advert heard arms it with the new settings. */
	adv_at(&r, T0 + 2000000, 1, 0, ip_2_1, 5, 0);
	CHECK(r.f.state == BACKUP && r.f.md_at == T0 + 2000000 + 3500000);

	check_what = "reload MASTER to a shorter interval";
	p.advbase = 3;
	setup(&r, SU_BACKUP, &p);
	ev_at(&r, CARP_EV_TIMER, T0 + 9000000, 0);
	CHECK(r.f.state == MASTER && r.f.ad_at == T0 + 12000000);
	q = p;
	q.advbase = 1;
	reload_at(&r, &q, T0 + 9000100);
	CHECK(r.f.state == MASTER && r.f.ad_at == T0 + 10000100);

	check_what = "reload MASTER to a longer interval";
	q.advbase = 5;
	reload_at(&r, &q, T0 + 9000200);
	CHECK(r.f.ad_at == T0 + 10000100);
	ev_at(&r, CARP_EV_TIMER, T0 + 10000100, 0);
	CHECK(r.acts.n == 1 && r.acts.a[0].advbase == 5);
	CHECK(r.f.ad_at == T0 + 15000100);

	check_what = "reload BACKUP near its deadline does not postpone it";
	p = defparams();
	p.advskew = 100;
	setup(&r, SU_BACKUP, &p);
	adv_at(&r, T0 + 500000, 1, 0, ip_2_1, 5, 0);
	CHECK(r.f.md_at == T0 + 500000 + 3390625);
	q = p;
	q.preempt = true;	/* any setting: the deadline stays */
	reload_at(&r, &q, T0 + 3800000);
	CHECK(r.f.md_at == T0 + 500000 + 3390625);
	ev_at(&r, CARP_EV_TIMER, T0 + 500000 + 3390625, 0);
	CHECK(r.f.state == MASTER);
	CHECK(count_type(&r.acts, CARP_ACT_TRANSITION) == 1 &&
	    r.acts.a[0].cause == CARP_CAUSE_MASTER_DOWN);

	check_what = "reload BACKUP to a faster setting counts from the advert";
	setup(&r, SU_BACKUP, &p);
	adv_at(&r, T0 + 500000, 1, 0, ip_2_1, 5, 0);
	q = p;
	q.advskew = 0;
	reload_at(&r, &q, T0 + 2000000);
	CHECK(r.f.md_at == T0 + 500000 + TMD);
	/* Past by the new settings already: due now, not a full interval. */
	setup(&r, SU_BACKUP, &p);
	adv_at(&r, T0 + 500000, 1, 0, ip_2_1, 5, 0);
	reload_at(&r, &q, T0 + 3600000);
	CHECK(r.f.md_at == T0 + 500000 + TMD);
	CHECK(carp_fsm_next_deadline(&r.f) < T0 + 3600000);
	ev_at(&r, CARP_EV_TIMER, T0 + 3600000, 0);
	CHECK(r.f.state == MASTER);

	check_what = "reload BACKUP in its bow-out stagger";
	p = defparams();
	p.advskew = 100;	/* stagger 100/4096 s = 24414 us */
	setup(&r, SU_BACKUP, &p);
	adv_at(&r, T0 + 500000, 255, 255, ip_2_1, 5, 0);
	CHECK(r.f.state == BACKUP && r.f.md_at == T0 + 500000 + 24414);
	CHECK(r.f.md_cause == CARP_CAUSE_SLOW_MASTER);
	q = p;
	q.preempt = true;
	reload_at(&r, &q, T0 + 510000);
	CHECK(r.f.md_at == T0 + 500000 + 24414);
	q.advskew = 200;	/* a longer stagger is not taken */
	reload_at(&r, &q, T0 + 515000);
	CHECK(r.f.md_at == T0 + 500000 + 24414);
	q.advskew = 50;		/* a shorter one is, from the bow-out */
	reload_at(&r, &q, T0 + 516000);
	CHECK(r.f.md_at == T0 + 500000 + 12207);
	CHECK(carp_fsm_next_deadline(&r.f) == T0 + 500000 + 12207);
	ev_at(&r, CARP_EV_TIMER, T0 + 516000, 0);
	CHECK(r.f.state == MASTER);
	CHECK(r.acts.n > 0 && r.acts.a[0].type == CARP_ACT_TRANSITION &&
	    r.acts.a[0].cause == CARP_CAUSE_SLOW_MASTER);
	/* advskew 0: the stagger is gone, the takeover is due at once. */
	setup(&r, SU_BACKUP, &p);
	adv_at(&r, T0 + 500000, 255, 255, ip_2_1, 5, 0);
	q = p;
	q.advskew = 0;
	reload_at(&r, &q, T0 + 501000);
	CHECK(r.f.md_at == T0 + 500000);
	ev_at(&r, CARP_EV_TIMER, T0 + 501000, 0);
	CHECK(r.f.state == MASTER);

	check_what = "reload after a stepdown keeps the hold";
	p = defparams();
	setup(&r, SU_MASTER, &p);
	ev_at(&r, CARP_EV_STEPDOWN, T1 + 100, 0);
	CHECK(r.f.state == BACKUP && r.f.md_at == T1 + 100 + HOLD + TMD);
	q = p;
	q.advskew = 128;
	reload_at(&r, &q, T1 + 200);
	CHECK(r.f.md_at == T1 + 100 + HOLD + TMD);
	q.deadratio = 2;
	reload_at(&r, &q, T1 + 300);
	CHECK(r.f.md_at == T1 + 100 + HOLD + 2000000 + 500000);
	CHECK(r.f.hold_until == T1 + 100 + HOLD);

	check_what = "reload after a restart ignores an old stagger";
	p = defparams();
	p.advskew = 100;
	setup(&r, SU_BACKUP, &p);
	adv_at(&r, T0 + 500000, 255, 255, ip_2_1, 5, 0);
	ev_at(&r, CARP_EV_SHUTDOWN, T0 + 510000, 0);
	ev_at(&r, CARP_EV_START, T0 + 600000, 0);
	CHECK(r.f.state == BACKUP && r.f.md_at == T0 + 600000 + 3390625);
	q = p;
	q.preempt = true;
	reload_at(&r, &q, T0 + 700000);
	CHECK(r.f.md_at == T0 + 600000 + 3390625);

	check_what = "reload link-down BACKUP keeps it timerless";
	p = defparams();
	setup(&r, SU_BACKUP_LD, &p);
	reload_at(&r, &p, T1);
	CHECK(r.f.md_at == 0 && r.f.link_down);

	check_what = "reload sets -S while the link is down";
	p = defparams();
	setup(&r, SU_BACKUP_LD, &p);
	q = p;
	q.ignoreifstate = true;
	reload_at(&r, &q, T1);
	check_none(&r.acts);
	CHECK(r.f.state == BACKUP && !r.f.link_down);
	CHECK(r.f.md_at == T1 + TMD);
	ev_at(&r, CARP_EV_TIMER, T1 + TMD, 0x9);
	CHECK(r.f.state == MASTER);
	/* From a master that lost its link: it has to hear or time out. */
	setup(&r, SU_MASTER_LD, &p);
	reload_at(&r, &q, EL);
	CHECK(r.f.state == BACKUP && !r.f.link_down && r.f.md_at == EL + TMD);
	adv_at(&r, EL + 10, 1, 0, ip_2_1, 5, 0);
	CHECK(r.f.state == BACKUP && r.f.md_at == EL + 10 + TMD);

	check_what = "reload clears -S while the link is down";
	p = defparams();
	p.ignoreifstate = true;
	setup(&r, SU_MASTER, &p);
	ev_at(&r, CARP_EV_LINK_DOWN, T1 + 100, 0);
	CHECK(r.f.state == MASTER);
	q = p;
	q.ignoreifstate = false;
	reload_at(&r, &q, T1 + 200);
	{
		const struct xact x[XMAX] = {
			X_TR(MASTER, BACKUP, CARP_CAUSE_LINK_DOWN),
			X_DOWN(CARP_CAUSE_LINK_DOWN),
		};
		check_acts(&r.acts, x);
	}
	CHECK(r.f.state == BACKUP && r.f.link_down);
	CHECK(carp_fsm_next_deadline(&r.f) == 0);
	/* The carrier comes back: a full down interval from then. */
	ev_at(&r, CARP_EV_LINK_UP, T1 + 300, 0);
	CHECK(r.f.state == BACKUP && !r.f.link_down &&
	    r.f.md_at == T1 + 300 + TMD);
	/* A backup: no timer while the link is down. */
	setup(&r, SU_BACKUP, &p);
	ev_at(&r, CARP_EV_LINK_DOWN, T0 + 100, 0);
	reload_at(&r, &q, T0 + 200);
	{
		const struct xact x[XMAX] = { X_NOTE(CARP_CAUSE_LINK_DOWN) };
		check_acts(&r.acts, x);
	}
	CHECK(r.f.state == BACKUP && r.f.link_down && r.f.md_at == 0);
	/* Carrier up again while ignored: the reload finds it up. */
	setup(&r, SU_BACKUP, &p);
	ev_at(&r, CARP_EV_LINK_DOWN, T0 + 100, 0);
	ev_at(&r, CARP_EV_LINK_UP, T0 + 150, 0);
	reload_at(&r, &q, T0 + 200);
	check_none(&r.acts);
	CHECK(r.f.state == BACKUP && !r.f.link_down && r.f.md_at == T1);

	check_what = "reload INIT";
	setup(&r, SU_INIT, &p);
	q = p;
	q.preempt = true;
	reload_at(&r, &q, T1);
	CHECK(r.f.state == INIT && r.f.p.preempt);
	CHECK(carp_fsm_next_deadline(&r.f) == 0);
}

/*
 * Every reload from every situation, -S on or off before and after, with
 * the carrier up or down: the machine acts on the real link unless told
 * to ignore it, and a running instance that is not link-down always has
 * a deadline (else it would wait forever).
 */
static void
test_set_params_link(void)
{
	struct carp_params	p, q;
	struct rig		r;
	int			su, from, to, down;
	bool			lost;

	check_what = "reload: link state and deadline";
	for (su = 0; su < SU_MAX; su++)
	for (from = 0; from < 2; from++)
	for (to = 0; to < 2; to++)
	for (down = 0; down < 3; down++) {
		p = defparams();
		p.ignoreifstate = from;
		setup(&r, (enum setup)su, &p);
		/* 0: as set up; 1: carrier lost; 2: lost and back. */
		if (down > 0)
			ev_at(&r, CARP_EV_LINK_DOWN, EL, 0);
		if (down > 1)
			ev_at(&r, CARP_EV_LINK_UP, EL + 10, 0);
		q = p;
		q.ignoreifstate = to;
		reload_at(&r, &q, EL + 20);
		CHECKF(r.acts.n <= CARP_ACTIONS_WORST, "%zu actions",
		    r.acts.n);
		if (r.f.state == INIT)
			continue;
		lost = r.f.carrier_down && !q.ignoreifstate;
		CHECKF(r.f.link_down == lost, "%s -S %d->%d link %d: "
		    "link_down %d", setup_names[su], from, to, down,
		    r.f.link_down);
		CHECKF(r.f.link_down || carp_fsm_next_deadline(&r.f) != 0,
		    "%s -S %d->%d link %d: no deadline", setup_names[su],
		    from, to, down);
		CHECK(!r.f.link_down || r.f.state == BACKUP);
	}
}

/* Reload with new addresses: a master re-announces, nothing else moves. */
static void
test_addrs_changed(void)
{
	struct carp_params	p = defparams();
	struct carp_fsm		before;
	struct rig		r;
	static const struct xact	garp[XMAX] = { X_GARP };
	int64_t			t;
	int			i, garps;

	check_what = "new addresses on a MASTER";
	setup(&r, SU_MASTER, &p);
	/* Past the takeover's delayed GARP. */
	for (i = 0; i < 3; i++)
		ev_at(&r, CARP_EV_TIMER, r.f.ad_at, 0);
	CHECK(r.f.garp_countdown == 0);
	before = r.f;
	r.acts.n = 0;
	carp_fsm_addrs_changed(&r.f, &r.acts);
	check_acts(&r.acts, garp);
	CHECK(r.f.state == MASTER && r.f.ad_at == before.ad_at &&
	    r.f.md_at == before.md_at && r.f.counter == before.counter);
	CHECK(r.f.garp_countdown == 2);
	/* The delayed GARP comes with the second advert from now. */
	for (i = 0, garps = 0; i < 3; i++) {
		t = r.f.ad_at;
		ev_at(&r, CARP_EV_TIMER, t, 0);
		CHECK(count_type(&r.acts, CARP_ACT_SEND_ADVERT) == 1);
		if (count_type(&r.acts, CARP_ACT_SEND_GARP) == 1) {
			CHECKF(i == 1, "delayed GARP with advert %d", i + 1);
			garps++;
		}
	}
	CHECK(garps == 1);

	check_what = "new addresses on a BACKUP, INIT, link-down BACKUP";
	setup(&r, SU_BACKUP, &p);
	before = r.f;
	carp_fsm_addrs_changed(&r.f, &r.acts);
	check_none(&r.acts);
	CHECK(memcmp(&before, &r.f, sizeof(before)) == 0);
	setup(&r, SU_INIT, &p);
	carp_fsm_addrs_changed(&r.f, &r.acts);
	check_none(&r.acts);
	setup(&r, SU_MASTER_LD, &p);
	carp_fsm_addrs_changed(&r.f, &r.acts);
	check_none(&r.acts);
}

/* The largest action list of one step from any setup, at any time. */
static size_t
most_actions(const struct carp_params *p)
{
	static const int64_t	when[] = { EB, T1, EM, T1 + TAD, EL,
				    T1 + HOLD + TMD };
	static const uint8_t	bases[] = { 0, 1, 255 };
	static const uint8_t	*srcs[] = { ip_2_1, ip_0_5 };
	struct carp_event	ev;
	struct rig		r;
	size_t			most = 0, t, b, k;
	int			su, e;

	for (su = 0; su < SU_MAX; su++)
	for (e = 0; e <= CARP_EV_MAX; e++)
	for (t = 0; t < sizeof(when) / sizeof(when[0]); t++)
	for (b = 0; b < sizeof(bases); b++)
	for (k = 0; k < 2; k++) {
		setup(&r, (enum setup)su, p);
		/* Demoted by two failures already: the third one acts. */
		ev_at(&r, CARP_EV_SEND_FAIL, EB, 0);
		ev_at(&r, CARP_EV_SEND_FAIL, EB, 0);
		memset(&ev, 0, sizeof(ev));
		ev.type = (enum carp_event_type)e;
		ev.now = when[t];
		ev.adv.advbase = bases[b];
		memcpy(ev.adv.src, srcs[k], 4);
		r.acts.n = 0;
		carp_fsm_step(&r.f, &ev, &r.acts);
		if (r.acts.n > most)
			most = r.acts.n;
	}
	return most;
}

/*
 * CARP_ACTIONS_WORST holds for every (state, event) pair, reload and
 * address change, so the list never overflows; and if it did, the core
 * would abort rather than drop an action.
 */
static void
test_bound(void)
{
	struct carp_params	p = defparams();
	struct carp_fsm		f;
	struct carp_actions	acts;
	struct carp_event	ev = { .type = CARP_EV_START, .now = T0 };
	size_t			most = 0, n;
	int			i, status = 0;
	pid_t			pid;

	check_what = "worst case per step";
	for (i = 0; i < 16; i++) {
		p = defparams();
		p.preempt = i & 1;
		p.bowout = i & 2;
		p.ignoreifstate = i & 4;
		p.advskew = i & 8 ? 100 : 0;
		n = most_actions(&p);
		if (n > most)
			most = n;
	}
	CHECKF(most == CARP_ACTIONS_WORST, "most actions in one step: %zu",
	    most);
	CHECK(CARP_ACTIONS_MAX >= 2 * CARP_ACTIONS_WORST);

	check_what = "overflow aborts";
	fflush(NULL);
	if ((pid = fork()) == 0) {
		carp_fsm_init(&f, &p);
		acts.n = CARP_ACTIONS_MAX - 1;
		carp_fsm_step(&f, &ev, &acts);	/* two actions: no room */
		_exit(0);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECKF(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
	    "status %#x", status);

	check_what = "appending after earlier actions";
	carp_fsm_init(&f, &p);
	acts.n = 2;
	carp_fsm_step(&f, &ev, &acts);
	CHECK(acts.n == 4 && acts.a[2].type == CARP_ACT_TRANSITION);
}

/* Name tables, including out-of-range values. */
static void
test_names(void)
{
	static const char *const states[] = { "INIT", "BACKUP", "MASTER" };
	static const char *const causes[] = {
		"none", "start-up", "master down", "preemption",
		"master too slow", "preferred master", "non-preferred master",
		"link down", "link up", "step-down", "shutdown",
		"demoted (send errors)", "promoted", "unexpected event",
		"held (health)", "maintenance", "startup hold",
	};
	int	i, j;

	check_what = "names";
	for (i = 0; i < CARP_STATE_MAX; i++)
		CHECK(strcmp(carp_state_name(i), states[i]) == 0);
	CHECK(sizeof(causes) / sizeof(causes[0]) == CARP_CAUSE_MAX);
	for (i = 0; i < CARP_CAUSE_MAX; i++)
		CHECK(strcmp(carp_cause_name(i), causes[i]) == 0);
	CHECK(strcmp(carp_event_name(CARP_EV_START), "start") == 0);
	CHECK(strcmp(carp_event_name(CARP_EV_SEND_FAIL), "send_fail") == 0);
	CHECK(strcmp(carp_action_name(CARP_ACT_TRANSITION),
	    "transition") == 0);
	CHECK(strcmp(carp_action_name(CARP_ACT_NOTICE), "notice") == 0);
	for (i = 0; i < CARP_EV_MAX; i++) {
		CHECK(carp_event_name(i) != NULL &&
		    strcmp(carp_event_name(i), "unknown") != 0);
		for (j = 0; j < i; j++)
			CHECK(strcmp(carp_event_name(i),
			    carp_event_name(j)) != 0);
	}
	for (i = 0; i < CARP_ACT_MAX; i++) {
		CHECK(carp_action_name(i) != NULL &&
		    strcmp(carp_action_name(i), "unknown") != 0);
		for (j = 0; j < i; j++)
			CHECK(strcmp(carp_action_name(i),
			    carp_action_name(j)) != 0);
	}
	CHECK(strcmp(carp_state_name(CARP_STATE_MAX), "unknown") == 0);
	CHECK(strcmp(carp_state_name((enum carp_state)-1), "unknown") == 0);
	CHECK(strcmp(carp_event_name(CARP_EV_MAX), "unknown") == 0);
	CHECK(strcmp(carp_event_name((enum carp_event_type)-1),
	    "unknown") == 0);
	CHECK(strcmp(carp_cause_name(CARP_CAUSE_MAX), "unknown") == 0);
	CHECK(strcmp(carp_action_name(CARP_ACT_MAX), "unknown") == 0);
	CHECK(strcmp(carp_action_name((enum carp_action_type)99),
	    "unknown") == 0);
}

/* splitmix64: a small reproducible generator for the random walk. */
static uint64_t
rnd_next(uint64_t *s)
{
	uint64_t	z;

	z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t
rnd_below(uint64_t *s, uint64_t n)
{
	return rnd_next(s) % n;
}

static void
random_params(uint64_t *s, struct carp_params *p)
{
	static const uint8_t	bases[] = { 0, 1, 1, 1, 2, 3 };

	memset(p, 0, sizeof(*p));
	p->advbase = bases[rnd_below(s, sizeof(bases))];
	p->advskew = rnd_below(s, 2) ? 0 : (uint8_t)rnd_below(s, 256);
	if (p->advbase == 0 && p->advskew == 0 && rnd_below(s, 2))
		p->advskew = 1;
	p->deadratio = 1 + (uint32_t)rnd_below(s, 4);
	p->preempt = rnd_below(s, 2);
	p->neutral = rnd_below(s, 4) == 0;
	p->bowout = rnd_below(s, 2);
	p->ignoreifstate = rnd_below(s, 5) == 0;
	p->srcip[0] = 198;
	p->srcip[1] = 18;
	p->srcip[2] = (uint8_t)rnd_below(s, 4);
	p->srcip[3] = (uint8_t)(1 + rnd_below(s, 4));
}

/* Check the invariants of one step; returns the number of violations. */
static int
walk_check(const struct carp_fsm *f, const struct carp_event *ev,
    const struct carp_fsm *old, const struct carp_actions *acts,
    int *last_script)
{
	const struct carp_action	*a;
	enum carp_state			 cur = old->state;
	uint64_t			 ctr;
	bool				 rnd, to_master = false;
	size_t				 i;
	int				 bad = 0;

#define WALK(cond) do {							\
	if (!(cond)) {							\
		bad++;							\
		fprintf(stderr, "walk: %s after %s in %s\n", #cond,	\
		    carp_event_name(ev->type),				\
		    carp_state_name(old->state));			\
	}								\
} while (0)

	WALK((unsigned)f->state < CARP_STATE_MAX);
	WALK(acts->n <= CARP_ACTIONS_WORST);
	if (f->state != INIT)
		WALK(f->link_down == (f->carrier_down &&
		    !f->p.ignoreifstate));
	if (f->state == MASTER)
		WALK(f->ad_at != 0 && f->md_at == 0 && !f->link_down);
	else
		WALK(f->ad_at == 0);
	if (f->state == BACKUP && !f->held)
		WALK(f->link_down ? f->md_at == 0 : f->md_at != 0);
	if (f->state == BACKUP && f->link_down)
		WALK(f->md_at == 0);
	if (f->state == INIT)
		WALK(f->md_at == 0);
	if (ev->type == CARP_EV_TIMER)
		WALK(carp_fsm_next_deadline(f) == 0 ||
		    carp_fsm_next_deadline(f) > ev->now);
	WALK(!f->demoted || carp_fsm_effective_skew(f) >= 240);
	WALK(f->demoted || f->demote != 0 ||
	    carp_fsm_effective_skew(f) == f->p.advskew);
	WALK(carp_fsm_effective_skew(f) >= f->p.advskew);
	WALK(carp_fsm_effective_skew(f) <= 240 || f->p.advskew > 240 ||
	    carp_fsm_effective_skew(f) == f->p.advskew);
	/* Held: never master, never a takeover. */
	WALK(!f->held || f->state != MASTER);

	/* Counter rule, in order through the list. */
	rnd = old->counter_random;
	ctr = old->counter;
	if (ev->type == CARP_EV_ADVERT && old->state != INIT &&
	    !old->link_down) {
		rnd = false;
		ctr = ev->adv.counter;
	}
	for (i = 0; i < acts->n; i++) {
		a = &acts->a[i];
		WALK((unsigned)a->type < CARP_ACT_MAX);
		switch (a->type) {
		case CARP_ACT_TRANSITION:
			WALK(a->from == cur && a->to != cur);
			cur = a->to;
			if (cur == MASTER)
				to_master = true;
			break;
		case CARP_ACT_SEND_ADVERT:
			/* Only a master (or one just leaving) advertises. */
			WALK(cur == MASTER);
			ctr = rnd ? ev->rand : ctr + 1;
			WALK(a->counter == ctr);
			WALK((a->advbase == 255 && a->advskew == 255) ||
			    (a->advbase == f->p.advbase &&
			    a->advskew == carp_fsm_effective_skew(f)));
			break;
		case CARP_ACT_SEND_GARP:
			WALK(cur == MASTER);
			break;
		case CARP_ACT_SCRIPT_UP:
			WALK(to_master && cur == MASTER);
			WALK(i > 0 && acts->a[0].type ==
			    CARP_ACT_TRANSITION &&
			    a->cause == acts->a[0].cause);
			WALK(*last_script != CARP_ACT_SCRIPT_UP);
			*last_script = CARP_ACT_SCRIPT_UP;
			break;
		case CARP_ACT_SCRIPT_DOWN:
			WALK(cur == BACKUP || cur == INIT);
			WALK(cur != old->state || (old->state == INIT &&
			    ev->type == CARP_EV_SHUTDOWN));
			/* Down twice only around a restart or an exit. */
			WALK(*last_script != CARP_ACT_SCRIPT_DOWN ||
			    a->cause == CARP_CAUSE_START ||
			    a->cause == CARP_CAUSE_SHUTDOWN);
			*last_script = CARP_ACT_SCRIPT_DOWN;
			break;
		default:
			break;
		}
	}
	WALK(cur == f->state);
	WALK(f->counter == ctr);
	WALK(f->counter_random == rnd);
#undef WALK
	return bad;
}

/*
 * carp_fsm_send_ok_quiet() on the machine before a SEND_OK step (old):
 * when it says true, it did what the step did (stepped), which made no
 * action; when false, it changed nothing (the step is left to do).
 */
static int
walk_quiet(const struct carp_fsm *old, const struct carp_fsm *stepped,
    const struct carp_actions *acts)
{
	struct carp_fsm	q = *old;

	if (carp_fsm_send_ok_quiet(&q)) {
		CHECK(acts->n == 0);
		CHECK(memcmp(&q, stepped, sizeof(q)) == 0);
		return acts->n != 0 || memcmp(&q, stepped, sizeof(q)) != 0;
	}
	CHECK(old->demoted);
	CHECK(memcmp(&q, old, sizeof(q)) == 0);
	return !old->demoted || memcmp(&q, old, sizeof(q)) != 0;
}

/* Thousands of random events with nondecreasing time; invariants hold. */
static void
test_random_walk(uint64_t seed)
{
	static const uint8_t	rbases[] = { 0, 1, 1, 1, 2, 4, 255 };
	struct carp_params	p;
	struct carp_event	ev;
	struct carp_actions	acts;
	struct carp_fsm		f, old;
	uint64_t		s = seed;
	int64_t			now, dl;
	unsigned		masters = 0, yields = 0, takeovers = 0;
	int			m, k, bad = 0, last_script;
	uint64_t		roll;

	check_what = "random walk";
	for (m = 0; m < 100 && bad < 20; m++) {
		random_params(&s, &p);
		carp_fsm_init(&f, &p);
		now = 1 + (int64_t)rnd_below(&s, 1000000);
		last_script = -1;
		for (k = 0; k < 500 && bad < 20; k++) {
			memset(&ev, 0, sizeof(ev));
			roll = rnd_below(&s, 100);
			if (roll < 5)
				ev.type = CARP_EV_START;
			else if (roll < 45)
				ev.type = CARP_EV_TIMER;
			else if (roll < 70)
				ev.type = CARP_EV_ADVERT;
			else if (roll < 74)
				ev.type = CARP_EV_LINK_DOWN;
			else if (roll < 79)
				ev.type = CARP_EV_LINK_UP;
			else if (roll < 82)
				ev.type = CARP_EV_STEPDOWN;
			else if (roll < 83)
				ev.type = CARP_EV_SHUTDOWN;
			else if (roll < 90)
				ev.type = CARP_EV_SEND_OK;
			else if (roll < 95)
				ev.type = CARP_EV_SEND_FAIL;
			else if (roll < 98) {
				ev.type = CARP_EV_HEALTH;
				ev.health.demote = (uint32_t)rnd_below(&s, 4) *
				    (uint32_t)rnd_below(&s, 120);
				ev.health.held = rnd_below(&s, 3) == 0;
			} else {
				/* A reload now and then. */
				old = f;
				random_params(&s, &p);
				ev.type = CARP_EV_MAX;	/* "unknown": a reload */
				ev.now = now;
				acts.n = 0;
				carp_fsm_set_params(&f, &p, now, &acts);
				bad += walk_check(&f, &ev, &old, &acts,
				    &last_script);
				/*
				 * A reload never postpones a takeover (the
				 * link lost by clearing -S stops the timer).
				 */
				if (old.state == BACKUP && old.md_at != 0 &&
				    !f.link_down &&
				    (f.md_at == 0 || f.md_at > old.md_at)) {
					CHECKF(false, "reload moved md_at %"
					    PRId64 " -> %" PRId64, old.md_at,
					    f.md_at);
					bad++;
				}
				continue;
			}
			dl = carp_fsm_next_deadline(&f);
			if (ev.type == CARP_EV_TIMER && dl > now &&
			    rnd_below(&s, 4) != 0)
				now = dl + (int64_t)rnd_below(&s, 3);
			else
				now += (int64_t)rnd_below(&s, 1500000);
			ev.now = now;
			ev.rand = rnd_next(&s);
			ev.adv.advbase = rbases[rnd_below(&s, sizeof(rbases))];
			ev.adv.advskew = rnd_below(&s, 2) ? p.advskew :
			    (uint8_t)rnd_below(&s, 256);
			ev.adv.src[0] = 198;
			ev.adv.src[1] = 18;
			ev.adv.src[2] = (uint8_t)rnd_below(&s, 4);
			ev.adv.src[3] = (uint8_t)(1 + rnd_below(&s, 4));
			ev.adv.counter = rnd_below(&s, 8) == 0 ? UINT64_MAX :
			    rnd_next(&s);

			old = f;
			acts.n = 0;
			carp_fsm_step(&f, &ev, &acts);
			bad += walk_check(&f, &ev, &old, &acts, &last_script);
			if (ev.type == CARP_EV_SEND_OK)
				bad += walk_quiet(&old, &f, &acts);
			if (f.state == MASTER && old.state != MASTER)
				takeovers++;
			if (f.state == BACKUP && old.state == MASTER)
				yields++;
			if (f.state == MASTER)
				masters++;
		}
	}
	CHECKF(bad == 0, "%d invariant violations (seed %" PRIu64 ")", bad,
	    seed);
	/* The walk must actually exercise the elections. */
	CHECKF(takeovers > 100 && yields > 100 && masters > 1000,
	    "takeovers %u yields %u master steps %u", takeovers, yields,
	    masters);
}

/* Replay protection: our own sequence, >= wall clock, never adopted. */
static void
test_monotonic(void)
{
	struct carp_params	p;
	struct carp_fsm		f;
	struct carp_actions	a;
	struct carp_event	ev;
	uint64_t		last = 0;
	int64_t			now = 1000000;
	int			i, sends = 0;

	check_what = "monotonic counters";
	p = defparams();
	p.monotonic = true;
	carp_fsm_init(&f, &p);
	memset(&ev, 0, sizeof(ev));
	ev.type = CARP_EV_START;
	ev.now = now;
	a.n = 0;
	carp_fsm_step(&f, &ev, &a);
	for (i = 0; i < 40; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = CARP_EV_TIMER;
		ev.now = carp_fsm_next_deadline(&f);
		ev.rand = 7;			/* must not be used */
		/* The wall clock jumps back half way: still rising. */
		ev.wall = i < 20 ? 5000000000ULL + (uint64_t)i * 1000 :
		    4000000000ULL;
		a.n = 0;
		carp_fsm_step(&f, &ev, &a);
		for (size_t k = 0; k < a.n; k++) {
			if (a.a[k].type != CARP_ACT_SEND_ADVERT)
				continue;
			sends++;
			CHECKF(a.a[k].counter > last, "counter %llu after %llu",
			    (unsigned long long)a.a[k].counter,
			    (unsigned long long)last);
			if (i < 20)
				CHECK(a.a[k].counter >= ev.wall);
			last = a.a[k].counter;
		}
	}
	CHECK(sends >= 39);
	CHECK(f.state == CARP_MASTER);
	/* A heard counter (lower, or higher) is not adopted. */
	memset(&ev, 0, sizeof(ev));
	ev.type = CARP_EV_ADVERT;
	ev.now = carp_fsm_next_deadline(&f) - 1;
	ev.adv.advbase = 1;
	ev.adv.advskew = 200;
	ev.adv.counter = last + 1000000;
	ev.adv.src[0] = 198; ev.adv.src[1] = 18; ev.adv.src[3] = 9;
	a.n = 0;
	carp_fsm_step(&f, &ev, &a);
	CHECK(f.counter == last);
	memset(&ev, 0, sizeof(ev));
	ev.type = CARP_EV_TIMER;
	ev.now = carp_fsm_next_deadline(&f);
	a.n = 0;
	carp_fsm_step(&f, &ev, &a);
	CHECK(a.n >= 1 && a.a[0].type == CARP_ACT_SEND_ADVERT &&
	    a.a[0].counter == last + 1);
}

int
main(int argc, char *argv[])
{
	uint64_t	seed = 20240611;

	if (argc > 1)
		seed = strtoull(argv[1], NULL, 0);
	printf("test_fsm: seed %" PRIu64 "\n", seed);

	test_setups();
	test_matrix();
	test_lone_start();
	test_drift();
	test_delayed_garp();
	test_receive_rules();
	test_tiebreak();
	test_tiebreak_key();
	test_counters();
	test_monotonic();
	test_demotion();
	test_health_demote();
	test_health_hold();
	test_neutral();
	test_shutdown();
	test_stepdown();
	test_link();
	test_set_params();
	test_set_params_link();
	test_addrs_changed();
	test_bound();
	test_names();
	test_random_walk(seed);
	return check_done();
}
