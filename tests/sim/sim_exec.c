/*
 * sim_exec.c: carry out one step's actions (ours or the ucarp model's)
 * and check that they hang together: the list did not overflow; every
 * transition starts from the state the instance was in; leaving MASTER
 * queues a down script in the same step, a takeover an up script; our
 * takeover sends a gratuitous ARP before any script; the scripts of one
 * process alternate up and down.
 */
#include "sim.h"

/* Index of the first action of type t at or after i, or acts->n. */
static size_t
find(const struct carp_actions *acts, size_t i, enum carp_action_type t)
{
	for (; i < acts->n; i++)
		if (acts->a[i].type == t)
			return i;
	return acts->n;
}

/* The first script of either kind at or after i. */
static size_t
find_script(const struct carp_actions *acts, size_t i)
{
	size_t	up = find(acts, i, CARP_ACT_SCRIPT_UP);
	size_t	down = find(acts, i, CARP_ACT_SCRIPT_DOWN);

	return up < down ? up : down;
}

/* A transition: its start state, and what must follow it in the step. */
static void
check_transition(struct sim_world *w, int node, int vi,
    const struct carp_actions *acts, size_t i)
{
	const struct carp_action *a = &acts->a[i];
	struct sim_inst		*in = &w->node[node].inst[vi];
	size_t			 g, s;

	if (a->from != in->view)
		sim_fail(w, node, vi, "transition %s -> %s but the instance "
		    "was %s", carp_state_name(a->from),
		    carp_state_name(a->to), carp_state_name(in->view));
	in->view = a->to;
	if (a->from == CARP_MASTER && a->to != CARP_MASTER &&
	    find(acts, i + 1, CARP_ACT_SCRIPT_DOWN) == acts->n)
		sim_fail(w, node, vi, "MASTER -> %s (%s) queued no down script",
		    carp_state_name(a->to), carp_cause_name(a->cause));
	if (a->to == CARP_MASTER)
		sim_check_takeover(w, node, vi);
	if (a->to == CARP_MASTER && a->from != CARP_MASTER &&
	    find(acts, i + 1, CARP_ACT_SCRIPT_UP) == acts->n)
		sim_fail(w, node, vi, "%s -> MASTER (%s) queued no up script",
		    carp_state_name(a->from), carp_cause_name(a->cause));
	if (a->to != CARP_MASTER || w->node[node].kind != SIM_OURS)
		return;
	/* ucarp 1.5.2 runs the up script first; we must not. */
	g = find(acts, i + 1, CARP_ACT_SEND_GARP);
	s = find_script(acts, i + 1);
	if (g == acts->n || g > s)
		sim_fail(w, node, vi, "takeover (%s) without a gratuitous ARP "
		    "before its script", carp_cause_name(a->cause));
}

static void
check_script(struct sim_world *w, int node, int vi,
    const struct carp_action *a)
{
	struct sim_inst	*in = &w->node[node].inst[vi];

	if (in->last_script == (int)a->type)
		sim_fail(w, node, vi, "two %s scripts in a row (%s)",
		    a->type == CARP_ACT_SCRIPT_UP ? "up" : "down",
		    carp_cause_name(a->cause));
	in->last_script = (int)a->type;
}

/*
 * Promotion shortens the down interval, but a master-down timer armed
 * while demoted keeps its deadline (up to a step-down hold later): the
 * checks allow the demoted interval until then.
 */
static void
promoted(struct sim_world *w, int node, int vi)
{
	const struct sim_icfg	*c = &w->node[node].inst[vi].cfg;
	int64_t			 skew = c->advskew > 240 ? c->advskew : 240;

	w->node[node].inst[vi].slow_until = w->now + CARP_STEPDOWN_HOLD_US +
	    (int64_t)c->advbase * c->deadratio * SIM_US + skew * SIM_US / 256;
}

/*
 * Carry out the actions in order.  Adverts go on the wire; res[] gets
 * whether each write() succeeded, for the caller to feed back.
 */
void
sim_exec(struct sim_world *w, int node, int vi, enum carp_event_type type,
    const struct carp_actions *acts, bool res[CARP_ACTIONS_MAX], int *nres)
{
	const struct carp_action *a;
	size_t			 i;

	if (acts->n > 0)
		w->acted = true;
	/* push() drops what does not fit: a full list may have lost some. */
	if (acts->n >= CARP_ACTIONS_MAX)
		sim_fail(w, node, vi, "the action list is full (%zu actions "
		    "after %s): actions may have been dropped", acts->n,
		    sim_event_name(type));
	for (i = 0; i < acts->n && !w->failed; i++) {
		a = &acts->a[i];
		switch (a->type) {
		case CARP_ACT_TRANSITION:
			sim_rec(w, REC_TRANS, node, vi, a->from, a->to,
			    a->cause, type, 0);
			check_transition(w, node, vi, acts, i);
			break;
		case CARP_ACT_SEND_ADVERT:
			sim_transmit(w, node, vi, a, &res[(*nres)++]);
			break;
		case CARP_ACT_SEND_GARP:
			sim_rec(w, REC_GARP, node, vi, 0, 0, 0, 0, 0);
			if (w->node[node].link_up)
				w->ck.garp_by[vi] = node + 1;
			break;
		case CARP_ACT_SCRIPT_UP:
		case CARP_ACT_SCRIPT_DOWN:
			sim_rec(w, REC_SCRIPT, node, vi, a->type, 0, a->cause,
			    0, 0);
			check_script(w, node, vi, a);
			break;
		case CARP_ACT_NOTICE:
			sim_rec(w, REC_NOTICE, node, vi, 0, 0, a->cause, 0, 0);
			if (a->cause == CARP_CAUSE_PROMOTED)
				promoted(w, node, vi);
			if (a->cause == CARP_CAUSE_PROMOTED ||
			    a->cause == CARP_CAUSE_DEMOTED)
				sim_check_unsettle(w);
			break;
		default:
			sim_fail(w, node, vi, "unknown action %d", (int)a->type);
			break;
		}
	}
}
