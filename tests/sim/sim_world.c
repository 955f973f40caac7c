/*
 * sim_world.c: the simulated world: clock, event queue, the shared link
 * (delay, jitter, loss, duplication, reordering, corruption, partitions)
 * and the scenario's operations on nodes (crash, restart, SIGSTOP/CONT,
 * link down/up, signals, reloads).
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static const uint8_t	group_ip[4] = { 224, 0, 0, 18 };

/* splitmix64, to seed xoshiro256** from one number. */
static uint64_t
splitmix(uint64_t *x)
{
	uint64_t	z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void
sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	int	i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix(&seed);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256**: fast, and the same sequence on every platform. */
uint64_t
sim_rng_next(struct sim_rng *r)
{
	uint64_t	res = rotl(r->s[1] * 5, 7) * 9, t = r->s[1] << 17;

	r->s[2] ^= r->s[0];
	r->s[3] ^= r->s[1];
	r->s[1] ^= r->s[2];
	r->s[0] ^= r->s[3];
	r->s[2] ^= t;
	r->s[3] = rotl(r->s[3], 45);
	return res;
}

/* Uniform in [0, n), 0 if n is 0. */
uint32_t
sim_rng_below(struct sim_rng *r, uint32_t n)
{
	if (n == 0)
		return 0;
	return (uint32_t)(((sim_rng_next(r) >> 32) * n) >> 32);
}

static bool
ev_less(const struct sim_ev *a, const struct sim_ev *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

/* Queue an event; equal times keep the order they were queued in. */
void
sim_push(struct sim_world *w, const struct sim_ev *ev)
{
	struct sim_ev	tmp;
	size_t		i, p;

	if (w->nheap == w->capheap) {
		w->capheap = w->capheap ? 2 * w->capheap : 256;
		w->heap = realloc(w->heap, w->capheap * sizeof(*w->heap));
		if (w->heap == NULL)
			abort();
	}
	i = w->nheap++;
	w->heap[i] = *ev;
	w->heap[i].seq = w->seq++;
	while (i > 0 && ev_less(&w->heap[i], &w->heap[p = (i - 1) / 2])) {
		tmp = w->heap[p];
		w->heap[p] = w->heap[i];
		w->heap[i] = tmp;
		i = p;
	}
}

static void
pop(struct sim_world *w, struct sim_ev *out)
{
	struct sim_ev	tmp;
	size_t		i = 0, c;

	*out = w->heap[0];
	w->heap[0] = w->heap[--w->nheap];
	for (;;) {
		c = 2 * i + 1;
		if (c >= w->nheap)
			break;
		if (c + 1 < w->nheap && ev_less(&w->heap[c + 1], &w->heap[c]))
			c++;
		if (!ev_less(&w->heap[c], &w->heap[i]))
			break;
		tmp = w->heap[c];
		w->heap[c] = w->heap[i];
		w->heap[i] = tmp;
		i = c;
	}
}

/* (Re)arm an instance's one timer; 0 disarms.  Stale events are skipped. */
void
sim_arm(struct sim_world *w, int node, int vi, int64_t at)
{
	struct sim_inst	*in = &w->node[node].inst[vi];
	struct sim_ev	 ev;

	in->timer_gen++;
	in->timer_at = at;
	if (at == 0)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_TIMER;
	ev.at = at > w->now ? at : w->now;
	ev.node = (uint8_t)node;
	ev.vi = (uint8_t)vi;
	ev.gen = in->timer_gen;
	ev.epoch = w->node[node].epoch;
	sim_push(w, &ev);
}

int64_t
sim_wall(const struct sim_world *w, int node)
{
	return w->now + w->node[node].wall_off;
}

/* Whether a frame sent by from can reach to now. */
bool
sim_reaches(const struct sim_world *w, int from, int to)
{
	const struct sim_node	*a = &w->node[from], *b = &w->node[to];

	return from != to && a->link_up && b->link_up && a->group == b->group;
}

/* Put one copy of a frame on the way to node to. */
static void
deliver(struct sim_world *w, const struct sim_frame *f, int to)
{
	struct sim_ev	ev;
	int64_t		d;

	d = w->net[NET_DELAY] + sim_rng_below(&w->rng, w->net[NET_JITTER] + 1);
	if (sim_rng_below(&w->rng, 1000) < w->net[NET_REORDER])
		d += sim_rng_below(&w->rng, 1000000);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_FRAME;
	ev.at = w->now + d;
	ev.node = (uint8_t)to;
	ev.f = *f;
	if (sim_rng_below(&w->rng, 1000) < w->net[NET_CORRUPT])
		ev.f.b[sim_rng_below(&w->rng, f->len)] ^=
		    (uint8_t)(1 + sim_rng_below(&w->rng, 255));
	if (ev.at > w->ck.horizon)
		w->ck.horizon = ev.at;
	if (ev.at > w->ck.last_arrival[f->from])
		w->ck.last_arrival[f->from] = ev.at;
	sim_push(w, &ev);
}

/*
 * Carry out a SEND_ADVERT: the real codec builds the frame with the
 * vhid's key; every node the link reaches gets its copies.  *ok is what
 * write() would have said.
 */
void
sim_transmit(struct sim_world *w, int node, int vi,
    const struct carp_action *a, bool *ok)
{
	struct sim_node	*n = &w->node[node];
	struct carp_tx	 tx;
	struct sim_frame f;
	int		 j;

	memset(&tx, 0, sizeof(tx));
	tx.vhid = w->sc->vhid[vi];
	tx.advbase = a->advbase;
	tx.advskew = a->advskew;
	tx.counter = a->counter;
	tx.ip_id = (uint16_t)sim_rng_next(&w->rng);
	memcpy(tx.src_ip, n->ip, 4);
	memcpy(tx.dst_ip, group_ip, 4);
	f.from = (uint8_t)node;
	f.len = (uint8_t)carp_pkt_build(f.b, sizeof(f.b), &tx, &w->auth[vi]);
	if (f.len != CARP_FRAME_LEN)
		sim_fail(w, node, vi, "carp_pkt_build returned %u", f.len);
	sim_rec(w, REC_TX, node, vi, a->advbase, a->advskew, !n->send_fail, 0,
	    a->counter);
	*ok = !n->send_fail;
	if (!*ok)
		return;
	for (j = 0; j < w->nnodes; j++) {
		if (!sim_reaches(w, node, j) ||
		    sim_rng_below(&w->rng, 1000) < w->net[NET_LOSS])
			continue;
		deliver(w, &f, j);
		if (sim_rng_below(&w->rng, 1000) < w->net[NET_DUP])
			deliver(w, &f, j);
	}
}

/* A frame reaches a node: dropped, queued while stopped, or received. */
static void
on_frame(struct sim_world *w, const struct sim_ev *ev)
{
	struct sim_node	*n = &w->node[ev->node];

	/* A frame held for a process dies with it. */
	if (n->proc == SIM_DOWN || !n->link_up ||
	    (ev->gen != 0 && ev->epoch != n->epoch))
		return;
	if (n->proc == SIM_FROZEN) {
		if (n->nbacklog < SIM_BACKLOG_MAX)
			n->backlog[n->nbacklog++] = ev->f;
		return;
	}
	if (n->kind == SIM_OURS)
		ours_frame(w, ev->node, &ev->f);
	else
		ucarp_frame(w, ev->node, &ev->f, (int)ev->gen - 1);
}

static void
on_timer(struct sim_world *w, const struct sim_ev *ev)
{
	struct sim_node	*n = &w->node[ev->node];
	struct sim_inst	*in = &n->inst[ev->vi];

	if (n->proc != SIM_RUNNING || ev->epoch != n->epoch ||
	    ev->gen != in->timer_gen || !in->running)
		return;
	if (n->kind == SIM_OURS)
		ours_event(w, ev->node, ev->vi, CARP_EV_TIMER);
	else
		ucarp_wake(w, ev->node, ev->vi);
}

/* The daemon starts: a new process with the file's configuration. */
static void
proc_start(struct sim_world *w, int node)
{
	struct sim_node	*n = &w->node[node];
	int		 vi;

	if (n->proc != SIM_DOWN)
		return;
	n->proc = SIM_RUNNING;
	n->epoch++;
	n->nbacklog = 0;
	n->pend_usr2 = n->pend_term = n->pend_hup = false;
	for (vi = 0; vi < w->nvhids; vi++) {
		memset(&n->inst[vi], 0, sizeof(n->inst[vi]));
		n->inst[vi].cfg = w->cfg[node][vi];
		n->inst[vi].eligible = w->now;
	}
	if (n->kind == SIM_OURS)
		ours_start(w, node);
	else
		ucarp_start(w, node);
}

static void
proc_stop(struct sim_world *w, int node)
{
	struct sim_node	*n = &w->node[node];
	int		 vi;

	n->proc = SIM_DOWN;
	n->epoch++;
	for (vi = 0; vi < w->nvhids; vi++)
		n->inst[vi].running = false;
}

/* Signals: handled now, or when a stopped process continues. */
static void
sig_usr2(struct sim_world *w, int node)
{
	if (w->node[node].kind == SIM_OURS) {
		int	vi;

		for (vi = 0; vi < w->nvhids; vi++)
			if (w->node[node].inst[vi].running)
				ours_event(w, node, vi, CARP_EV_STEPDOWN);
	} else
		ucarp_stepdown(w, node);
}

static void
sig_term(struct sim_world *w, int node)
{
	if (w->node[node].kind == SIM_OURS)
		ours_shutdown(w, node);
	else
		ucarp_shutdown(w, node);
	proc_stop(w, node);
}

/* SIGHUP: every instance whose file entry changed is updated in place. */
static void
sig_hup(struct sim_world *w, int node)
{
	struct sim_node	*n = &w->node[node];
	int		 vi;

	for (vi = 0; vi < w->nvhids; vi++)
		if (n->inst[vi].running && memcmp(&n->inst[vi].cfg,
		    &w->cfg[node][vi], sizeof(struct sim_icfg)) != 0)
			ours_reload(w, node, vi, &w->cfg[node][vi]);
}

/* Our daemon hears of a link change from netlink (when it runs). */
static void
tell_link(struct sim_world *w, int node)
{
	struct sim_node	*n = &w->node[node];
	int		 vi;

	if (n->kind != SIM_OURS || n->proc != SIM_RUNNING ||
	    n->link_told == n->link_up)
		return;
	n->link_told = n->link_up;
	for (vi = 0; vi < w->nvhids; vi++)
		if (n->inst[vi].running)
			ours_event(w, node, vi, n->link_up ? CARP_EV_LINK_UP :
			    CARP_EV_LINK_DOWN);
}

/*
 * SIGCONT: what queued while stopped comes in, in an order the seed
 * picks: the overdue timers first or the frames first.
 */
static void
proc_resume(struct sim_world *w, int node)
{
	struct sim_node	*n = &w->node[node];
	struct sim_ev	 ev;
	bool		 frames_first = sim_rng_below(&w->rng, 2);
	int		 i, vi, pass;

	n->proc = SIM_RUNNING;
	tell_link(w, node);
	for (pass = 0; pass < 2; pass++) {
		if ((pass == 0) == frames_first) {
			memset(&ev, 0, sizeof(ev));
			ev.type = EV_FRAME;
			ev.at = w->now;
			ev.node = (uint8_t)node;
			for (i = 0; i < n->nbacklog; i++) {
				ev.f = n->backlog[i];
				sim_push(w, &ev);
			}
			n->nbacklog = 0;
			continue;
		}
		for (vi = 0; vi < w->nvhids; vi++)
			if (n->inst[vi].running && n->inst[vi].timer_at != 0)
				sim_arm(w, node, vi, n->inst[vi].timer_at);
	}
	if (n->pend_hup)
		sig_hup(w, node);
	if (n->pend_usr2)
		sig_usr2(w, node);
	n->pend_hup = n->pend_usr2 = false;
	if (n->pend_term)
		sig_term(w, node);
}

/* Operations on one node's process. */
static void
op_proc(struct sim_world *w, const struct sim_op *op)
{
	struct sim_node	*n = &w->node[op->node];

	switch (op->type) {
	case OP_START:
		proc_start(w, op->node);
		break;
	case OP_CRASH:
		proc_stop(w, op->node);
		break;
	case OP_FREEZE:
		if (n->proc == SIM_RUNNING)
			n->proc = SIM_FROZEN;
		break;
	case OP_RESUME:
		if (n->proc == SIM_FROZEN)
			proc_resume(w, op->node);
		break;
	case OP_STEPDOWN:
		if (n->proc == SIM_RUNNING)
			sig_usr2(w, op->node);
		else if (n->proc == SIM_FROZEN)
			n->pend_usr2 = true;
		break;
	case OP_SHUTDOWN:
		if (n->proc == SIM_RUNNING)
			sig_term(w, op->node);
		else if (n->proc == SIM_FROZEN)
			n->pend_term = true;
		break;
	default:
		break;
	}
}

/* A reload: the file changes; a running daemon of ours applies it. */
static void
op_reload(struct sim_world *w, const struct sim_op *op)
{
	struct sim_icfg	*c = &w->cfg[op->node][op->vi];
	struct sim_node	*n = &w->node[op->node];

	switch ((enum sim_key)op->field) {
	case KEY_ADVBASE:
		c->advbase = (uint8_t)op->value;
		break;
	case KEY_ADVSKEW:
		c->advskew = (uint8_t)op->value;
		break;
	case KEY_DEADRATIO:
		c->deadratio = op->value;
		break;
	case KEY_PREEMPT:
		c->preempt = op->value != 0;
		break;
	case KEY_IGNOREIFSTATE:
		c->ignoreifstate = op->value != 0;
		break;
	default:
		return;
	}
	if (n->kind != SIM_OURS)
		return;
	if (n->proc == SIM_RUNNING)
		sig_hup(w, op->node);
	else if (n->proc == SIM_FROZEN)
		n->pend_hup = true;
}

static void
apply_op(struct sim_world *w, const struct sim_op *op)
{
	int	i;

	sim_check_op(w, op);
	sim_rec(w, REC_OP, op->node, op->vi, op->type, op->field, 0, 0,
	    op->value);
	switch (op->type) {
	case OP_LINK_DOWN:
	case OP_LINK_UP:
		w->node[op->node].link_up = op->type == OP_LINK_UP;
		/* The switch forgets what it learnt on a port gone down. */
		for (i = 0; i < w->nvhids && op->type == OP_LINK_DOWN; i++)
			if (w->ck.garp_by[i] == op->node + 1)
				w->ck.garp_by[i] = 0;
		tell_link(w, op->node);
		break;
	case OP_RELOAD:
		op_reload(w, op);
		break;
	case OP_PARTITION:
	case OP_HEAL:
		for (i = 0; i < w->nnodes; i++)
			w->node[i].group = op->type == OP_HEAL ? 0 :
			    (int)(op->value >> (2 * i) & 3);
		break;
	case OP_NET:
		if (op->field < NET_MAX)
			w->net[op->field] = op->value;
		break;
	case OP_SENDFAIL:
		w->node[op->node].send_fail = op->value != 0;
		break;
	case OP_WALLJUMP:
		w->node[op->node].wall_off = w->node[op->node].wall_base +
		    ((int64_t)op->value - 900) * 1000;
		break;
	default:
		op_proc(w, op);
		break;
	}
}

/* The vhid index an event concerns, -1 for all. */
static int
touched(const struct sim_world *w, const struct sim_ev *ev)
{
	int	vi;

	if (ev->type == EV_TIMER)
		return ev->vi;
	if (ev->type != EV_FRAME || ev->f.len < CARP_FRAME_LEN)
		return -1;
	for (vi = 0; vi < w->nvhids; vi++)
		if (w->sc->vhid[vi] == ev->f.b[CARP_ETH_LEN + CARP_IP_LEN + 1])
			return vi;
	return -1;
}

/* Build the world of a scenario: nodes down, links up, keys per vhid. */
static void
world_init(struct sim_world *w, const struct sim_scen *sc)
{
	static const uint8_t	pass[] = "simulated";
	uint8_t			vip4[4] = { 198, 18, 200, 0 };
	struct carp_addr	vip;
	struct sim_ev		ev, *heap = w->heap;
	size_t			cap = w->capheap;
	int			i, vi;

	/* The queue's storage is reused from one scenario to the next. */
	for (vi = 0; vi < SIM_VHIDS_MAX; vi++)
		carp_auth_free(&w->auth[vi]);
	memset(w, 0, sizeof(*w));
	w->heap = heap;
	w->capheap = cap;
	w->sc = sc;
	sim_rng_seed(&w->rng, sc->seed ^ UINT64_C(0x51a1c0ffee));
	w->now = SIM_T0;
	w->nnodes = sc->nnodes;
	w->nvhids = sc->nvhids;
	memcpy(w->net, sc->net, sizeof(w->net));
	memcpy(w->cfg, sc->cfg, sizeof(w->cfg));
	for (vi = 0; vi < w->nvhids; vi++) {
		vip4[3] = sc->vhid[vi];
		carp_addr_from4(&vip, vip4);
		carp_auth_init(&w->auth[vi], pass, sizeof(pass) - 1,
		    sc->vhid[vi], &vip, 1);
	}
	for (i = 0; i < w->nnodes; i++) {
		w->node[i].kind = sc->kind[i];
		memcpy(w->node[i].ip, sc->ip[i], 4);
		w->node[i].link_up = true;
		w->node[i].link_told = true;
		/* Wall clocks in step to a few ms, as NTP keeps them. */
		w->node[i].wall_base = INT64_C(1700000000000000) +
		    (int64_t)sim_rng_below(&w->rng, 5000);
		w->node[i].wall_off = w->node[i].wall_base;
	}
	sim_check_init(w);
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_OP;
	for (i = 0; i < sc->nops; i++) {
		ev.at = SIM_T0 + sc->op[i].at;
		ev.gen = (uint32_t)i;
		sim_push(w, &ev);
	}
}

/*
 * Run a scenario to its end or to the first violated invariant.  Returns
 * true if every invariant held.  The world keeps its trace for printing.
 */
bool
sim_run(struct sim_world *w, const struct sim_scen *sc, int verbose,
    FILE *out)
{
	struct sim_ev	ev;
	int64_t		end = SIM_T0 + sc->duration;

	world_init(w, sc);
	w->verbose = verbose;
	w->out = out;
	while (w->nheap > 0 && !w->failed) {
		pop(w, &ev);
		if (ev.at > end)
			break;
		w->now = ev.at;
		w->events++;
		w->acted = false;
		switch (ev.type) {
		case EV_OP:
			apply_op(w, &sc->op[ev.gen]);
			break;
		case EV_FRAME:
			on_frame(w, &ev);
			break;
		case EV_TIMER:
			on_timer(w, &ev);
			break;
		}
		if (!w->failed)
			sim_check_event(w, touched(w, &ev));
	}
	if (!w->failed) {
		w->now = end;
		sim_check_end(w);
	}
	return !w->failed;
}

void
sim_world_free(struct sim_world *w)
{
	int	vi;

	for (vi = 0; vi < SIM_VHIDS_MAX; vi++)
		carp_auth_free(&w->auth[vi]);
	free(w->heap);
	w->heap = NULL;
	w->nheap = w->capheap = 0;
}
