/*
 * sim_ucarp.c: a model of ucarp 1.5.2 (shared/docs/carp-protocol.md,
 * sections 2.4, 3 and 5), one process per vhid, for mixed clusters.
 * Written from that description, not from our state machine: its loop
 * only looks at the master-down deadline when it wakes (every advert
 * interval, or on a frame), strictly after it; it sleeps 3 s after
 * SIGUSR2 and 10 s at a time while the carrier is down; the up script
 * runs before the gratuitous ARP; no bow-out advert; the x86 tie-break
 * (addresses compared last octet first).  Frames go through the real
 * codec, as everything on the simulated wire does.
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define UC_DEMOTED_SKEW		240
#define UC_SLEEP_USR2		(3 * SIM_US)
#define UC_SLEEP_IFDOWN		(10 * SIM_US)
#define UC_WAKE_LATENCY_US	100	/* poll() returns a little late */

static const uint8_t	group_ip[4] = { 224, 0, 0, 18 };

int64_t
ucarp_interval_us(uint8_t advbase, uint8_t advskew)
{
	return (int64_t)advbase * SIM_US + (int64_t)advskew * SIM_US / 256;
}

/* The advskew it advertises and compares with (3.7). */
uint8_t
ucarp_skew(const struct sim_inst *in)
{
	if (in->u.demoted && in->cfg.advskew < UC_DEMOTED_SKEW)
		return UC_DEMOTED_SKEW;
	return in->cfg.advskew;
}

int64_t
ucarp_down_us(const struct sim_inst *in)
{
	return (int64_t)in->cfg.advbase * in->cfg.deadratio * SIM_US +
	    (int64_t)ucarp_skew(in) * SIM_US / 256;
}

/* sc_advbase*1000 + sc_advskew*1000/256: its poll timeout in BACKUP. */
static int64_t
poll_ms(const struct sim_inst *in)
{
	return (int64_t)in->cfg.advbase * 1000 +
	    (int64_t)ucarp_skew(in) * 1000 / 256;
}

/* The raw in_addr comparison on a little-endian host (3.5). */
static bool
remote_lower(const uint8_t r[4], const uint8_t own[4])
{
	uint32_t	a, b;

	a = (uint32_t)r[3] << 24 | (uint32_t)r[2] << 16 | r[1] << 8 | r[0];
	b = (uint32_t)own[3] << 24 | (uint32_t)own[2] << 16 |
	    own[1] << 8 | own[0];
	return a < b;
}

static struct carp_action *
act(struct carp_actions *acts, enum carp_action_type t,
    enum carp_cause cause, const struct sim_inst *in)
{
	struct carp_action	*a;

	if (acts->n >= CARP_ACTIONS_MAX)
		abort();	/* the model never needs that many */
	a = &acts->a[acts->n++];
	*a = (struct carp_action){ .type = t, .cause = cause,
	    .from = in->u.state, .to = in->u.state };
	return a;
}

static void
transition(struct sim_inst *in, struct carp_actions *acts,
    enum carp_state to, enum carp_cause cause)
{
	struct carp_action	*a = act(acts, CARP_ACT_TRANSITION, cause, in);

	a->to = to;
	in->u.state = to;
}

/* One advert: a fresh random counter until a peer was heard (2.4). */
static void
advert(struct sim_world *w, struct sim_inst *in, struct carp_actions *acts)
{
	struct carp_action	*a = act(acts, CARP_ACT_SEND_ADVERT, 0, in);

	if (in->u.init_counter)
		in->u.counter = sim_rng_next(&w->rng);
	else
		in->u.counter++;
	a->advbase = in->cfg.advbase;
	a->advskew = ucarp_skew(in);
	a->counter = in->u.counter;
}

/* Carry out the actions; write() results drive demotion (3.7). */
static void
run(struct sim_world *w, int node, int vi, enum carp_event_type type,
    struct carp_actions *acts)
{
	struct sim_inst	*in = &w->node[node].inst[vi];
	bool		 res[CARP_ACTIONS_MAX];
	int		 i, nres = 0;

	sim_exec(w, node, vi, type, acts, res, &nres);
	for (i = 0; i < nres; i++) {
		if (res[i]) {
			in->u.write_err = 0;
			if (++in->u.write_ok >= 3 && in->u.demoted)
				in->u.demoted = false;
			continue;
		}
		in->u.write_ok = 0;
		if (++in->u.write_err == 3 && !in->u.demoted) {
			struct carp_actions	more = { 0 };

			in->u.demoted = true;
			act(&more, CARP_ACT_NOTICE, CARP_CAUSE_DEMOTED, in);
			advert(w, in, &more);
			run(w, node, vi, type, &more);
		}
	}
}

/* BACKUP -> MASTER: up script (blocking), then GARP, then the advert. */
static void
become_master(struct sim_world *w, struct sim_inst *in,
    struct carp_actions *acts, enum carp_cause cause)
{
	transition(in, acts, CARP_MASTER, cause);
	act(acts, CARP_ACT_SCRIPT_UP, cause, in);
	act(acts, CARP_ACT_SEND_GARP, 0, in);
	advert(w, in, acts);
	in->u.delayed_arp = 2;
	in->u.md_tmo = 0;
	in->u.ad_tmo = w->now + ucarp_interval_us(in->cfg.advbase,
	    ucarp_skew(in));
}

/* The next wake-up of poll(): the advert deadline, or one interval. */
static void
schedule(struct sim_world *w, int node, int vi)
{
	struct sim_inst	*in = &w->node[node].inst[vi];
	int64_t		 ms;

	if (in->u.sleep_until > w->now) {
		sim_arm(w, node, vi, in->u.sleep_until);
		return;
	}
	if (in->u.ad_tmo != 0) {
		ms = (in->u.ad_tmo - w->now) / 1000;
		if (ms < 1)
			ms = 1;
	} else
		ms = poll_ms(in);
	sim_arm(w, node, vi, w->now + ms * 1000 + UC_WAKE_LATENCY_US);
}

/* Steps 6 and 7 of its loop: master down (strictly after), advert due. */
static void
deadlines(struct sim_world *w, struct sim_inst *in,
    struct carp_actions *acts)
{
	if (in->u.state == CARP_BACKUP && in->u.md_tmo != 0 &&
	    w->now > in->u.md_tmo) {
		become_master(w, in, acts, CARP_CAUSE_MASTER_DOWN);
		return;
	}
	if (in->u.state != CARP_MASTER || in->u.ad_tmo == 0 ||
	    w->now < in->u.ad_tmo - 1000)
		return;
	advert(w, in, acts);
	if (in->u.delayed_arp > 0 && --in->u.delayed_arp == 0)
		act(acts, CARP_ACT_SEND_GARP, 0, in);
	if (in->cfg.advbase == 255 && ucarp_skew(in) == 255)
		in->u.ad_tmo = 0;
	else
		in->u.ad_tmo = w->now + ucarp_interval_us(in->cfg.advbase,
		    ucarp_skew(in));
}

/*
 * Step 1 of its loop: without -S a lost carrier forces BACKUP, clears
 * the timers and sleeps 10 s at a time; the carrier back restarts the
 * down timer.  Returns false while it sleeps.
 */
static bool
carrier(struct sim_world *w, int node, struct sim_inst *in,
    struct carp_actions *acts)
{
	if (!w->node[node].link_up && !in->cfg.ignoreifstate) {
		if (!in->u.ifdown && in->u.state == CARP_MASTER) {
			transition(in, acts, CARP_BACKUP, CARP_CAUSE_LINK_DOWN);
			act(acts, CARP_ACT_SCRIPT_DOWN, CARP_CAUSE_LINK_DOWN,
			    in);
		}
		in->u.ifdown = true;
		in->u.ad_tmo = in->u.md_tmo = 0;
		in->u.sleep_until = w->now + UC_SLEEP_IFDOWN;
		return false;
	}
	if (in->u.ifdown) {
		in->u.ifdown = false;
		in->u.md_tmo = w->now + ucarp_down_us(in);
		in->eligible = w->now;
	}
	return true;
}

/* A wake-up of one process's loop: timeout or end of a sleep. */
void
ucarp_wake(struct sim_world *w, int node, int vi)
{
	struct sim_inst		*in = &w->node[node].inst[vi];
	struct carp_actions	 acts = { 0 };

	if (carrier(w, node, in, &acts))
		deadlines(w, in, &acts);
	run(w, node, vi, CARP_EV_TIMER, &acts);
	schedule(w, node, vi);
}

/* Receiving a valid advert (3.4), counter adopted first. */
static void
receive(struct sim_world *w, struct sim_inst *in, const uint8_t own[4],
    const struct carp_advert *adv, struct carp_actions *acts)
{
	int64_t	local, remote;

	in->u.counter = adv->counter;
	in->u.init_counter = false;
	local = ucarp_interval_us(in->cfg.advbase, ucarp_skew(in));
	remote = ucarp_interval_us(adv->advbase, adv->advskew);
	if (in->u.state == CARP_MASTER) {
		if (remote < local || (remote == local &&
		    remote_lower(adv->ip_src, own))) {
			advert(w, in, acts);
			transition(in, acts, CARP_BACKUP,
			    CARP_CAUSE_PREFERRED_MASTER);
			act(acts, CARP_ACT_SCRIPT_DOWN,
			    CARP_CAUSE_PREFERRED_MASTER, in);
			in->u.ad_tmo = 0;
			in->u.md_tmo = w->now + ucarp_down_us(in);
		} else {
			act(acts, CARP_ACT_SEND_GARP, 0, in);
			act(acts, CARP_ACT_NOTICE,
			    CARP_CAUSE_NONPREFERRED_MASTER, in);
			in->u.delayed_arp = 2;
		}
	} else if (in->u.state == CARP_BACKUP) {
		if (in->cfg.preempt && local < remote)
			become_master(w, in, acts, CARP_CAUSE_PREEMPT);
		else if (ucarp_down_us(in) < remote)
			become_master(w, in, acts, CARP_CAUSE_SLOW_MASTER);
		else
			in->u.md_tmo = w->now + ucarp_down_us(in);
	}
}

/* One process's receive checks (2.5), then its loop's steps 6 and 7. */
static void
frame_one(struct sim_world *w, int node, int vi, const struct sim_frame *f,
    const struct carp_advert *adv)
{
	struct sim_inst		*in = &w->node[node].inst[vi];
	struct carp_actions	 acts = { 0 };
	enum carp_verdict	 v = CARP_OK;

	if (in->u.sleep_until > w->now) {
		/* Blocked in sleep(): the frame waits in the capture. */
		struct sim_ev	ev = { .type = EV_FRAME,
		    .at = in->u.sleep_until, .node = (uint8_t)node,
		    .gen = (uint32_t)vi + 1, .epoch = w->node[node].epoch,
		    .f = *f };

		sim_push(w, &ev);
		return;
	}
	if (!carrier(w, node, in, &acts)) {
		run(w, node, vi, CARP_EV_ADVERT, &acts);
		schedule(w, node, vi);
		return;
	}
	if (memcmp(adv->ip_dst, group_ip, 4) != 0)
		v = CARP_BAD_GROUP;
	else
		v = carp_pkt_verify(f->b, f->len, adv, &w->auth[vi]);
	sim_rec(w, REC_RX, node, vi, f->from, v, 0, 0, adv->counter);
	if (v == CARP_OK)
		receive(w, in, w->node[node].ip, adv, &acts);
	deadlines(w, in, &acts);
	run(w, node, vi, CARP_EV_ADVERT, &acts);
	schedule(w, node, vi);
}

/*
 * A frame reaches the node: each process captures it (its filter drops
 * its own adverts), or only process only_vi when it was held for it.
 */
void
ucarp_frame(struct sim_world *w, int node, const struct sim_frame *f,
    int only_vi)
{
	struct carp_advert	adv;
	int			vi;

	if (carp_pkt_parse(f->b, f->len, &adv) != CARP_OK ||
	    memcmp(adv.ip_src, w->node[node].ip, 4) == 0)
		return;
	for (vi = 0; vi < w->nvhids; vi++)
		if (w->node[node].inst[vi].running &&
		    adv.vhid == w->sc->vhid[vi] &&
		    (only_vi < 0 || only_vi == vi))
			frame_one(w, node, vi, f, &adv);
}

/* Start-up: INIT -> BACKUP with the down script unless -n (3.3). */
void
ucarp_start(struct sim_world *w, int node)
{
	int	vi;

	for (vi = 0; vi < w->nvhids; vi++) {
		struct sim_inst		*in = &w->node[node].inst[vi];
		struct carp_actions	 acts = { 0 };

		if (!in->cfg.present)
			continue;
		in->running = true;
		in->view = CARP_INIT;
		in->u = (struct sim_ucarp){ .state = CARP_INIT,
		    .init_counter = true };
		transition(in, &acts, CARP_BACKUP, CARP_CAUSE_START);
		if (!in->cfg.neutral)
			act(&acts, CARP_ACT_SCRIPT_DOWN, CARP_CAUSE_START, in);
		in->u.md_tmo = w->now + ucarp_down_us(in);
		run(w, node, vi, CARP_EV_START, &acts);
		/* The first turn of the loop looks at the carrier at once. */
		sim_arm(w, node, vi, w->now);
	}
}

/* SIGUSR2: a master goes BACKUP, sleeps 3 s, restarts its down timer. */
void
ucarp_stepdown(struct sim_world *w, int node)
{
	int	vi;

	for (vi = 0; vi < w->nvhids; vi++) {
		struct sim_inst		*in = &w->node[node].inst[vi];
		struct carp_actions	 acts = { 0 };

		if (!in->running || in->u.state != CARP_MASTER ||
		    in->u.sleep_until > w->now)
			continue;
		transition(in, &acts, CARP_BACKUP, CARP_CAUSE_STEPDOWN);
		act(&acts, CARP_ACT_SCRIPT_DOWN, CARP_CAUSE_STEPDOWN, in);
		in->u.ad_tmo = 0;
		in->u.sleep_until = w->now + UC_SLEEP_USR2;
		in->u.md_tmo = in->u.sleep_until + ucarp_down_us(in);
		in->eligible = in->u.sleep_until;
		run(w, node, vi, CARP_EV_STEPDOWN, &acts);
		schedule(w, node, vi);
	}
}

/* SIGTERM: with -z the down script if not BACKUP, then exit; no bow-out. */
void
ucarp_shutdown(struct sim_world *w, int node)
{
	int	vi;

	for (vi = 0; vi < w->nvhids; vi++) {
		struct sim_inst		*in = &w->node[node].inst[vi];
		struct carp_actions	 acts = { 0 };

		if (!in->running || !in->cfg.bowout ||
		    in->u.state == CARP_BACKUP)
			continue;
		act(&acts, CARP_ACT_SCRIPT_DOWN, CARP_CAUSE_SHUTDOWN, in);
		run(w, node, vi, CARP_EV_SHUTDOWN, &acts);
	}
}
