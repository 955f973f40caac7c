/*
 * sim_check.c: the protocol's promises, checked after every event.
 *
 * - No wedge: a running instance of ours that may need to act (its link
 *   is up, or it ignores the link) always has a deadline.
 * - The link is obeyed: without ignoreifstate, no instance of ours is
 *   MASTER while its link is down.
 * - Election: once the network has been calm (no loss, corruption or
 *   reordering, no operation) for the master-down interval plus a few
 *   advert intervals, each vhid has exactly one master per connected
 *   part of the link, and no backup there would by the election rules
 *   take over from it (preemption, or a master slower than the backup's
 *   down interval).
 * - No masterless gap longer than the fastest eligible backup's
 *   master-down interval (plus its poll step for ucarp 1.5.2), counted
 *   from when the last frame sent before the gap has arrived.
 * - A bow-out hands over within the fastest backup's bow-out delay plus
 *   the link delay.
 * The action checks are in sim_exec.c.
 */
#include <stdarg.h>

#include "sim.h"

#define EPS_US		1
#define UCARP_EXTRA_US	2000	/* its millisecond poll arithmetic */

void
sim_fail(struct sim_world *w, int node, int vi, const char *fmt, ...)
{
	va_list	ap;

	if (w->failed)
		return;
	w->failed = true;
	va_start(ap, fmt);
	vsnprintf(w->why, sizeof(w->why), fmt, ap);
	va_end(ap);
	sim_rec(w, REC_FAIL, node, vi, 0, 0, 0, 0, 0);
}

static enum carp_state
state(const struct sim_world *w, int n, int vi)
{
	const struct sim_inst	*in = &w->node[n].inst[vi];

	return w->node[n].kind == SIM_OURS ? in->fsm.state : in->u.state;
}

/* The interval an instance advertises (demotion applied). */
static int64_t
ad_us(const struct sim_world *w, int n, int vi)
{
	const struct sim_inst	*in = &w->node[n].inst[vi];

	if (w->node[n].kind == SIM_OURS)
		return carp_fsm_advert_us(&in->fsm);
	return ucarp_interval_us(in->cfg.advbase, ucarp_skew(in));
}

/*
 * The master-down interval; with slow, the demoted one while a timer
 * armed with it may still run.
 */
static int64_t
down_us(const struct sim_world *w, int n, int vi, bool slow)
{
	const struct sim_inst	*in = &w->node[n].inst[vi];
	int64_t			 skew;

	if (slow && w->now <= in->slow_until) {
		skew = in->cfg.advskew > 240 ? in->cfg.advskew : 240;
		return (int64_t)in->cfg.advbase * in->cfg.deadratio * SIM_US +
		    skew * SIM_US / 256;
	}
	if (w->node[n].kind == SIM_OURS)
		return carp_fsm_down_us(&in->fsm);
	return ucarp_down_us(in);
}

/* How late after its deadline a backup notices it: ucarp's poll step. */
static int64_t
slack_us(const struct sim_world *w, int n, int vi)
{
	if (w->node[n].kind == SIM_OURS)
		return 0;
	return ad_us(w, n, vi) + UCARP_EXTRA_US;
}

/* A running instance that takes part in the election. */
static bool
candidate(const struct sim_world *w, int n, int vi)
{
	const struct sim_node	*nd = &w->node[n];

	return nd->proc == SIM_RUNNING && nd->inst[vi].running &&
	    (nd->link_up || nd->inst[vi].cfg.ignoreifstate);
}

/* Which connected part of the link a node is in. */
static int
comp(const struct sim_world *w, int n)
{
	return w->node[n].link_up ? w->node[n].group : SIM_GROUPS + n;
}

/* Since when a backup may take over (after a hold or a sleep). */
static int64_t
eligible(const struct sim_world *w, int n, int vi)
{
	const struct sim_inst	*in = &w->node[n].inst[vi];

	if (w->node[n].kind == SIM_OURS)
		return in->eligible > in->fsm.hold_until ? in->eligible :
		    in->fsm.hold_until;
	if (in->u.ifdown || in->u.sleep_until > w->now)
		return INT64_MAX;
	return in->eligible;
}

static bool
net_calm(const struct sim_world *w)
{
	return w->net[NET_LOSS] == 0 && w->net[NET_CORRUPT] == 0 &&
	    w->net[NET_REORDER] == 0;
}

static int64_t
max_delay(const struct sim_world *w)
{
	return (int64_t)w->net[NET_DELAY] + w->net[NET_JITTER];
}

void
sim_check_init(struct sim_world *w)
{
	w->ck.calm_from = SIM_T0;
	w->ck.epoch = 1;
}

/*
 * A node's advertised interval changed (demotion, promotion): the
 * election settles again, from when what it sent so far has arrived.
 */
void
sim_check_unsettle(struct sim_world *w)
{
	int64_t	t = w->now > w->ck.horizon ? w->now : w->ck.horizon;

	w->ck.epoch++;
	if (t > w->ck.calm_from)
		w->ck.calm_from = t;
}

/* An operation disrupts: the clocks of the election checks restart. */
void
sim_check_op(struct sim_world *w, const struct sim_op *op)
{
	int64_t	t = w->now;
	int	vi, c, k;

	if (op->type == OP_STEPDOWN || (op->type == OP_RESUME &&
	    w->node[op->node].proc == SIM_FROZEN && w->node[op->node].pend_usr2))
		t += 3 * SIM_US;	/* ours' hold, ucarp's sleep(3) */
	if (op->type == OP_LINK_UP && w->node[op->node].kind == SIM_UCARP)
		t += 10 * SIM_US;	/* its sleep(10) while the link is down */
	if (t < w->ck.horizon)
		t = w->ck.horizon;
	if (t > w->ck.calm_from)
		w->ck.calm_from = t;
	w->ck.epoch++;
	for (vi = 0; vi < SIM_VHIDS_MAX; vi++) {
		/*
		 * Which gratuitous ARP the switches saw last is known only
		 * from here on: one lost in bad weather, or a master that was
		 * stopped while another took over, can leave them pointing
		 * elsewhere (see check_election).  A heal keeps it if it came
		 * from a master: joining the link, the masters sort it out.
		 */
		k = w->ck.garp_by[vi] - 1;
		if (op->type != OP_HEAL || k < 0 || vi >= w->nvhids ||
		    !candidate(w, k, vi) || state(w, k, vi) != CARP_MASTER)
			w->ck.garp_by[vi] = 0;
		w->ck.bow_at[vi] = 0;
		for (c = 0; c < SIM_COMP_MAX; c++)
			w->ck.gap_from[vi][c] = 0;
	}
}

/*
 * A master of ours bows out: the fastest taker's delay bounds the gap.
 * Not when an earlier advert of its may still arrive after the bow-out
 * (jitter reorders them): it restarts the backups' down timers.
 */
void
sim_check_bowout(struct sim_world *w, int node, int vi)
{
	const int64_t	 r = carp_interval_us(255, 255);
	const struct sim_inst *in;
	int64_t		 best = INT64_MAX, d;
	int		 b;

	if (!net_calm(w) || w->node[node].send_fail ||
	    w->ck.last_arrival[node] > w->now)
		return;
	for (b = 0; b < w->nnodes; b++) {
		if (!candidate(w, b, vi) || !sim_reaches(w, node, b) ||
		    state(w, b, vi) != CARP_BACKUP ||
		    eligible(w, b, vi) == INT64_MAX)
			continue;
		in = &w->node[b].inst[vi];
		if (w->node[b].kind == SIM_UCARP)
			d = (in->cfg.preempt && ad_us(w, b, vi) < r) ||
			    down_us(w, b, vi, false) < r ? 0 : -1;
		else if (in->fsm.link_down)
			d = -1;
		else if (in->cfg.preempt && ad_us(w, b, vi) < r &&
		    w->now >= in->fsm.hold_until &&
		    (r <= down_us(w, b, vi, false) ||
		    carp_fsm_effective_skew(&in->fsm) == 0))
			d = 0;
		else if (down_us(w, b, vi, false) < r)
			d = (int64_t)carp_fsm_effective_skew(&in->fsm) *
			    SIM_US / CARP_BOWOUT_SKEW_DIV;
		else
			d = -1;
		if (d >= 0 && d < best)
			best = d;
	}
	if (best == INT64_MAX)
		return;
	w->ck.bow_at[vi] = w->now + max_delay(w) + best + EPS_US;
	w->ck.bow_node[vi] = node;
}

/* One vhid's candidates in one part of the link, as the checks see them. */
struct part {
	int		 n;
	int		 node[SIM_NODES_MAX];
	enum carp_state	 st[SIM_NODES_MAX];
	int64_t		 ad[SIM_NODES_MAX];
	int64_t		 down[SIM_NODES_MAX];	/* the longer one */
	int64_t		 down_now[SIM_NODES_MAX];	/* the current one */
	int64_t		 slack[SIM_NODES_MAX];
	int64_t		 elig[SIM_NODES_MAX];
	bool		 preempt[SIM_NODES_MAX];
	bool		 send_fail;
	bool		 ucarp;		/* a ucarp 1.5.2 node takes part */
	int64_t		 slow_until;	/* the first of them to end */
	int		 nmasters;
	int		 master;	/* one of them, -1 if none */
};

/* Sort one vhid's candidates into the parts of the link. */
static void
parts(const struct sim_world *w, int vi, struct part p[SIM_COMP_MAX])
{
	struct part	*q;
	int		 n, k, c;

	for (c = 0; c < SIM_COMP_MAX; c++) {
		p[c].n = p[c].nmasters = 0;
		p[c].master = -1;
		p[c].send_fail = p[c].ucarp = false;
		p[c].slow_until = INT64_MAX;
	}
	for (n = 0; n < w->nnodes; n++) {
		if (!candidate(w, n, vi))
			continue;
		q = &p[comp(w, n)];
		k = q->n++;
		q->node[k] = n;
		q->st[k] = state(w, n, vi);
		q->ad[k] = ad_us(w, n, vi);
		q->down[k] = down_us(w, n, vi, true);
		q->down_now[k] = down_us(w, n, vi, false);
		q->slack[k] = slack_us(w, n, vi);
		q->elig[k] = eligible(w, n, vi);
		q->preempt[k] = w->node[n].inst[vi].cfg.preempt;
		q->send_fail = q->send_fail || w->node[n].send_fail;
		q->ucarp = q->ucarp || w->node[n].kind == SIM_UCARP;
		if (w->now <= w->node[n].inst[vi].slow_until &&
		    w->node[n].inst[vi].slow_until < q->slow_until)
			q->slow_until = w->node[n].inst[vi].slow_until;
		if (q->st[k] == CARP_MASTER) {
			q->nmasters++;
			q->master = k;
		}
	}
}

/*
 * Whether the election's outcome is timing-dependent: some backup's
 * down interval is within the link's jitter (and ucarp's millisecond
 * rounding) of some node's advert interval: it may or may not time out
 * between two adverts.  With advbase 0 the down interval is the advert
 * interval whatever the dead ratio, so equal settings always are.
 */
static bool
ambiguous(const struct sim_world *w, const struct part *p)
{
	int64_t	margin = (int64_t)w->net[NET_JITTER] +
	    (p->ucarp ? 3 * UCARP_EXTRA_US : 0);
	int64_t	d, e;
	int	a, b;

	for (a = 0; a < p->n; a++)
		for (b = 0; b < p->n; b++) {
			d = p->down[b] - p->ad[a];
			e = p->down_now[b] - p->ad[a];
			if (a != b && ((d >= -margin && d <= margin) ||
			    (e >= -margin && e <= margin)))
				return true;
		}
	return false;
}

/* The settling time of one part: down interval plus advert intervals. */
static int64_t
settle_us(const struct sim_world *w, const struct part *p)
{
	int64_t	md = 0, ad = 0;
	int	k;

	for (k = 0; k < p->n; k++) {
		if (p->down[k] + p->slack[k] > md)
			md = p->down[k] + p->slack[k];
		if (p->ad[k] > ad)
			ad = p->ad[k];
	}
	return md + 3 * ad + max_delay(w) + 5000;
}

/* ambiguous(), computed again only when the values may have changed. */
static bool
ambiguous_cached(struct sim_world *w, int vi, int c, const struct part *p)
{
	struct sim_check	*ck = &w->ck;

	if (ck->amb_epoch[vi][c] != ck->epoch || w->now > ck->amb_until[vi][c]) {
		ck->amb_epoch[vi][c] = ck->epoch;
		ck->amb_until[vi][c] = p->slow_until;
		ck->amb[vi][c] = ambiguous(w, p);
	}
	return ck->amb[vi][c];
}

/*
 * Exactly one master, and the one the rules allow, once settled; on a
 * link in one piece, the last gratuitous ARP came from it too, unless
 * that came from a node now stopped (else the switches send its traffic
 * elsewhere).
 */
static void
check_election(struct sim_world *w, int vi, int c, const struct part *p,
    bool whole)
{
	int	m = p->master, k;
	int64_t	r;

	if (p->send_fail || w->now < w->ck.calm_from + settle_us(w, p))
		return;
	if (ambiguous_cached(w, vi, c, p)) {
		w->ck.skipped++;
		return;
	}
	w->ck.checks++;
	if (p->nmasters != 1) {
		sim_fail(w, m < 0 ? -1 : p->node[m], vi, "%d masters among %d "
		    "running nodes after the network was calm for %.3f s",
		    p->nmasters, p->n,
		    (double)(w->now - w->ck.calm_from) / SIM_US);
		return;
	}
	k = w->ck.garp_by[vi] - 1;
	if (whole && c < SIM_GROUPS && k >= 0 && k != p->node[m] &&
	    candidate(w, k, vi) && comp(w, k) == c)
		sim_fail(w, p->node[m], vi, "n%d is master but the last "
		    "gratuitous ARP on the link came from n%d", p->node[m], k);
	/* A backup takes over by preemption or from a too slow master. */
	r = p->ad[m];
	for (k = 0; k < p->n; k++)
		if (k != m && ((p->preempt[k] && p->ad[k] < r) ||
		    p->down[k] < r))
			sim_fail(w, p->node[k], vi, "n%d is master (advert "
			    "interval %lld µs) but n%d should have taken over "
			    "(preempt %d, advert interval %lld µs, down "
			    "interval %lld µs)", p->node[m], (long long)r,
			    p->node[k], p->preempt[k], (long long)p->ad[k],
			    (long long)p->down[k]);
}

/* A part without a master must get one within the protocol bound. */
static void
check_gap(struct sim_world *w, int vi, int c, const struct part *p)
{
	int64_t	*from = &w->ck.gap_from[vi][c], start, bound = INT64_MAX;
	int	 k;

	if (p->nmasters > 0 || p->n == 0) {
		*from = 0;
		return;
	}
	if (*from == 0) {
		*from = w->now;
		w->ck.gap_horizon[vi][c] = w->ck.horizon;
	}
	for (k = 0; k < p->n; k++) {
		if (p->elig[k] == INT64_MAX)
			continue;
		start = *from;
		if (w->ck.gap_horizon[vi][c] > start)
			start = w->ck.gap_horizon[vi][c];
		if (p->elig[k] > start)
			start = p->elig[k];
		start += p->down[k] + p->slack[k] + EPS_US;
		if (start < bound)
			bound = start;
	}
	if (w->now > bound)
		sim_fail(w, -1, vi, "no master for %.6f s since %.6f: the "
		    "fastest backup should have taken over by %.6f",
		    (double)(w->now - *from) / SIM_US,
		    (double)(*from - SIM_T0) / SIM_US,
		    (double)(bound - SIM_T0) / SIM_US);
}

/* The instance-level promises of our daemon: deadlines and the link. */
static void
check_ours(struct sim_world *w, int n, int vi)
{
	const struct sim_node	*nd = &w->node[n];
	const struct sim_inst	*in = &nd->inst[vi];

	if (nd->kind != SIM_OURS || nd->proc != SIM_RUNNING || !in->running ||
	    in->fsm.state == CARP_INIT)
		return;
	if ((nd->link_up || in->cfg.ignoreifstate) &&
	    carp_fsm_next_deadline(&in->fsm) == 0)
		sim_fail(w, n, vi, "wedged: %s with no deadline (link %s, "
		    "ignoreifstate %d, machine's link_down %d): it will never "
		    "take over or advertise again",
		    carp_state_name(in->fsm.state), nd->link_up ? "up" : "down",
		    in->cfg.ignoreifstate, in->fsm.link_down);
	else if (!nd->link_up && !in->cfg.ignoreifstate &&
	    in->fsm.state == CARP_MASTER)
		sim_fail(w, n, vi, "MASTER while its link is down and "
		    "ignoreifstate is off (machine's link_down %d)",
		    in->fsm.link_down);
}

/*
 * After every event that changed something: the vhid it touched
 * (only_vi), or all of them after an operation.  Every vhid is also
 * checked at least every SIM_FULL_CHECK_US of simulated time, so that a
 * deadline missed in silence is still seen.
 */
void
sim_check_event(struct sim_world *w, int only_vi)
{
	struct part	p[SIM_COMP_MAX];
	int		vi, n, c;
	unsigned	nparts;

	if (only_vi < 0 || w->now >= w->ck.full_at) {
		only_vi = -1;
		w->ck.full_at = w->now + SIM_FULL_CHECK_US;
	} else if (!w->acted)
		return;
	for (vi = 0; vi < w->nvhids && !w->failed; vi++) {
		if (only_vi >= 0 && vi != only_vi)
			continue;
		for (n = 0; n < w->nnodes && !w->failed; n++)
			check_ours(w, n, vi);
		parts(w, vi, p);
		for (n = 0, nparts = 0; n < w->nnodes; n++)
			nparts |= w->node[n].link_up ? 1u << w->node[n].group : 0;
		for (c = 0; c < SIM_COMP_MAX && !w->failed; c++) {
			check_gap(w, vi, c, &p[c]);
			if (!w->failed && p[c].n > 0 && net_calm(w))
				check_election(w, vi, c, &p[c],
				    (nparts & (nparts - 1)) == 0);
		}
		if (w->failed || w->ck.bow_at[vi] == 0)
			continue;
		if (p[comp(w, w->ck.bow_node[vi])].nmasters > 0)
			w->ck.bow_at[vi] = 0;
		else if (w->now > w->ck.bow_at[vi])
			sim_fail(w, w->ck.bow_node[vi], vi, "bow-out not "
			    "taken over by %.6f s (fastest backup's bow-out "
			    "delay plus the link delay)",
			    (double)(w->ck.bow_at[vi] - SIM_T0) / SIM_US);
	}
}

/* A scripted scenario's expected first takeover: who, and when. */
void
sim_check_takeover(struct sim_world *w, int node, int vi)
{
	int64_t	t = w->now - SIM_T0, want = w->sc->expect_at;

	if (want == 0 || vi != 0 || w->ck.first_seen)
		return;
	w->ck.first_seen = true;
	if (node != w->sc->expect_first || t < want - 2000 || t > want + 2000)
		sim_fail(w, node, vi, "first takeover by n%d at %.6f s; "
		    "expected n%d at %.3f s", node, (double)t / SIM_US,
		    w->sc->expect_first, (double)want / SIM_US);
}

/* The scripted scenarios' expected masters at the end. */
void
sim_check_end(struct sim_world *w)
{
	int	vi, n, k;

	for (vi = 0; vi < w->nvhids && !w->failed; vi++) {
		if (w->sc->expect_master[vi] < 0)
			continue;
		for (n = 0, k = 0; n < w->nnodes; n++)
			if (candidate(w, n, vi) &&
			    state(w, n, vi) == CARP_MASTER)
				k++;
		n = w->sc->expect_master[vi];
		if (k != 1 || !candidate(w, n, vi) ||
		    state(w, n, vi) != CARP_MASTER)
			sim_fail(w, n, vi, "at the end n%d should be the only "
			    "master; %d masters, n%d %s", n, k, n,
			    candidate(w, n, vi) ? carp_state_name(state(w, n,
			    vi)) : "not running or without link");
	}
}
