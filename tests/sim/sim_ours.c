/*
 * sim_ours.c: our daemon in the simulator.  The real state machine
 * (carp_fsm) is driven as src/instance.c drives it: the clock, a random
 * number and the wall clock go in with each event, the actions are
 * carried out in order, send results go back in as events, and one timer
 * is armed at carp_fsm_next_deadline().  Frames pass the real receive
 * checks (carp_pkt_parse, vhid, own source, group, carp_pkt_verify, the
 * opt-in replay check) before they become CARP_EV_ADVERT.
 */
#include <string.h>

#include "sim.h"

#define OURS_FEEDBACK_MAX	4	/* as INSTANCE_FEEDBACK_MAX */

static const uint8_t	group_ip[4] = { 224, 0, 0, 18 };

static void	ours_step(struct sim_world *, int, int, struct carp_event *,
		    int depth);

/* As instance_params(). */
static void
params(const struct sim_world *w, int node, const struct sim_icfg *c,
    struct carp_params *p)
{
	memset(p, 0, sizeof(*p));
	p->advbase = c->advbase;
	p->advskew = c->advskew;
	p->deadratio = c->deadratio;
	p->preempt = c->preempt;
	p->neutral = c->neutral;
	p->bowout = c->bowout;
	p->ignoreifstate = c->ignoreifstate;
	p->monotonic = c->replay;
	memcpy(p->srcip, w->node[node].ip, 4);
}

/* As instance_arm(): one timer at the earliest deadline. */
static void
ours_arm(struct sim_world *w, int node, int vi)
{
	sim_arm(w, node, vi,
	    carp_fsm_next_deadline(&w->node[node].inst[vi].fsm));
}

/* As instance_exec(): actions in order, then the send results go back in. */
static void
ours_exec(struct sim_world *w, int node, int vi, enum carp_event_type type,
    const struct carp_actions *acts, int depth)
{
	struct sim_inst		*in = &w->node[node].inst[vi];
	struct carp_event	 fb;
	bool			 res[CARP_ACTIONS_MAX];
	int			 i, nres = 0;

	sim_exec(w, node, vi, type, acts, res, &nres);
	if (in->view != in->fsm.state)
		sim_fail(w, node, vi, "state changed from %s to %s with no "
		    "transition action (after %s)", carp_state_name(in->view),
		    carp_state_name(in->fsm.state), sim_event_name(type));
	for (i = 0; i < nres && depth < OURS_FEEDBACK_MAX; i++) {
		memset(&fb, 0, sizeof(fb));
		fb.type = res[i] ? CARP_EV_SEND_OK : CARP_EV_SEND_FAIL;
		ours_step(w, node, vi, &fb, depth + 1);
	}
	if (depth == 0)
		ours_arm(w, node, vi);
}

/* As instance_step(). */
static void
ours_step(struct sim_world *w, int node, int vi, struct carp_event *ev,
    int depth)
{
	struct sim_inst		*in = &w->node[node].inst[vi];
	struct carp_actions	 acts;
	bool			 bowing;

	ev->now = w->now;
	ev->rand = sim_rng_next(&w->rng);
	ev->wall = (uint64_t)sim_wall(w, node);
	bowing = in->fsm.state == CARP_MASTER && in->fsm.p.bowout &&
	    (ev->type == CARP_EV_STEPDOWN || ev->type == CARP_EV_SHUTDOWN);
	acts.n = 0;
	carp_fsm_step(&in->fsm, ev, &acts);
	if (bowing)
		sim_check_bowout(w, node, vi);
	ours_exec(w, node, vi, ev->type, &acts, depth);
	/* The timer fired: a deadline that did not move would spin. */
	if (ev->type == CARP_EV_TIMER && depth == 0 && !w->failed &&
	    in->timer_at != 0 && in->timer_at <= w->now)
		sim_fail(w, node, vi, "the timer fired at its deadline but "
		    "the next deadline is still %lld µs: the loop would spin",
		    (long long)(in->timer_at - SIM_T0));
}

/* An event without data for one instance. */
void
ours_event(struct sim_world *w, int node, int vi, enum carp_event_type t)
{
	struct carp_event	ev;
	struct sim_inst		*in = &w->node[node].inst[vi];

	memset(&ev, 0, sizeof(ev));
	ev.type = t;
	if (t == CARP_EV_LINK_UP)
		in->eligible = w->now;
	ours_step(w, node, vi, &ev, 0);
}

/* As instance_start(): START, then LINK_DOWN if the interface is not up. */
void
ours_start(struct sim_world *w, int node)
{
	struct sim_node		*n = &w->node[node];
	struct carp_params	 p;
	int			 vi;

	n->link_told = n->link_up;
	for (vi = 0; vi < w->nvhids; vi++) {
		struct sim_inst	*in = &n->inst[vi];

		if (!in->cfg.present)
			continue;
		params(w, node, &in->cfg, &p);
		carp_fsm_init(&in->fsm, &p);
		in->view = CARP_INIT;
		in->running = true;
		ours_event(w, node, vi, CARP_EV_START);
		if (!n->link_up)
			ours_event(w, node, vi, CARP_EV_LINK_DOWN);
	}
}

/*
 * As iface dispatch plus instance_input(): parse, find the vhid, drop our
 * own adverts and other groups, verify checksums and HMAC, then the
 * replay check when the instance has it.
 */
void
ours_frame(struct sim_world *w, int node, const struct sim_frame *f)
{
	struct sim_node		*n = &w->node[node];
	struct carp_advert	 adv;
	struct carp_event	 ev;
	enum carp_verdict	 v;
	struct sim_inst		*in = NULL;
	int			 vi;

	v = carp_pkt_parse(f->b, f->len, &adv);
	for (vi = 0; v == CARP_OK && vi < w->nvhids; vi++)
		if (n->inst[vi].running && adv.vhid == w->sc->vhid[vi])
			break;
	if (v == CARP_OK && vi == w->nvhids)
		v = CARP_BAD_VHID;
	if (v == CARP_OK) {
		in = &n->inst[vi];
		if (memcmp(adv.ip_src, n->ip, 4) == 0)
			v = CARP_OWN;
		else if (memcmp(adv.ip_dst, group_ip, 4) != 0)
			v = CARP_BAD_GROUP;
		else
			v = carp_pkt_verify(f->b, f->len, &adv, &w->auth[vi]);
	}
	if (v == CARP_OK && in->cfg.replay && !carp_replay_accept(&in->replay,
	    adv.ip_src, adv.counter, w->now, (uint64_t)sim_wall(w, node),
	    carp_fsm_down_us(&in->fsm)))
		v = CARP_REPLAY;
	sim_rec(w, REC_RX, node, v == CARP_OK || v == CARP_REPLAY ? vi : 0xff,
	    f->from, v, 0, 0, adv.counter);
	if (v != CARP_OK)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = CARP_EV_ADVERT;
	ev.adv.advbase = adv.advbase;
	ev.adv.advskew = adv.advskew;
	memcpy(ev.adv.src, adv.ip_src, 4);
	ev.adv.counter = adv.counter;
	ours_step(w, node, vi, &ev, 0);
}

/*
 * As instance_update() with CFG_CH_PROTO: new parameters, then what any
 * step gets: the actions carried out and the timer re-armed.
 */
void
ours_reload(struct sim_world *w, int node, int vi, const struct sim_icfg *c)
{
	struct sim_inst		*in = &w->node[node].inst[vi];
	struct carp_params	 p;
	struct carp_actions	 acts;

	in->cfg = *c;
	params(w, node, c, &p);
	acts.n = 0;
	carp_fsm_set_params(&in->fsm, &p, w->now, &acts);
	ours_exec(w, node, vi, CARP_EV_MAX, &acts, 0);
}

/*
 * As instance_shutdown() on SIGTERM: with -z the machine bows out and runs
 * the down script; without, the instance stops cold.
 */
void
ours_shutdown(struct sim_world *w, int node)
{
	struct sim_node	*n = &w->node[node];
	int		 vi;

	for (vi = 0; vi < w->nvhids; vi++) {
		if (!n->inst[vi].running)
			continue;
		if (n->inst[vi].cfg.bowout)
			ours_event(w, node, vi, CARP_EV_SHUTDOWN);
		sim_arm(w, node, vi, 0);
	}
}
