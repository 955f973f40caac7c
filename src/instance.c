/*
 * instance.c: one CARP instance's life cycle and the driver of its state
 * machine: feeds it events (timer, link, signals), carries out the
 * actions it returns (transitions, adverts, GARPs, scripts, notices) and
 * puts its next wake-up in the timer all instances share (a heap; adverts
 * due in the same millisecond are sent together).  Receiving is in
 * instance_rx.c, scripts in instance_script.c, reload in
 * instance_reload.c (see instance_priv.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "carp_na.h"
#include "carp_pkt6.h"
#include "cfg_mem.h"
#include "clock.h"
#include "iface.h"
#include "instance.h"
#include "instance_health.h"
#include "instance_priv.h"
#include "xmalloc.h"

#define INSTANCE_FEEDBACK_MAX	4	/* send-result rounds per event */

static struct event_base	*instance_base;
static bool			 instance_legacy;
/*
 * Failed sends, all instances together: with ignoreifstate on a vanished
 * interface every advert of every instance on it fails.
 */
static struct log_rate		 instance_send_rate;
/*
 * The HMAC outer state of the last password keyed, for the next keys of
 * that password (carp_auth_share_outer: most have the defaults' one):
 * made with the first instance, freed with the last.
 */
static struct carp_hmac_outer	*instance_hmac_outer;
static size_t			 instance_count;
static const char		 instance_advert_fail[] = "write() has failed: "
				    "could not send an advert";

/*
 * Every instance's next wake-up, in one heap under one libevent timer
 * (instance_tick), armed for its earliest entry (tick_at, 0: not armed).
 * While the tick runs the instances due (in_tick), their adverts are
 * queued, sent together at its end, and their results fed back then to
 * the instances on the txq list.
 */
static struct dheap		 instance_heap;
static struct event		*instance_tick;
static int64_t			 instance_tick_at;
static int64_t			 instance_tick_now;
static uint64_t			 instance_tick_wall;
static bool			 instance_in_tick;
static int64_t			 instance_ev_now;	/* 0: no event */
static bool			 instance_tick_used;	/* by a step */
static bool			 instance_defer;	/* queue adverts */
static struct instance		*instance_txq;
/* In a tick, the actions left until its frames are sent (instance_act). */
static struct instance_post {
	struct instance		*inst;
	struct carp_action	 a;
}				*instance_posts;
static size_t			 instance_nposts, instance_capposts;

static void	instance_timer_cb(int, short, void *);
static void	instance_event_at(struct instance *, enum carp_event_type, int);
static void	instance_send_result(struct instance *, bool, int);
static void	instance_posts_run(void);

void
instance_init(struct event_base *base, bool legacy)
{
	instance_base = base;
	instance_legacy = legacy;
	instance_tick = evtimer_new(base, instance_timer_cb, NULL);
	if (instance_tick == NULL)
		fatalx("cannot create the instances' timer");
	/* Made and touched now, not at the first takeover (iface_init). */
	instance_capposts = 64;
	instance_posts = xreallocarray(NULL, instance_capposts,
	    sizeof(*instance_posts));
	memset(instance_posts, 0, instance_capposts * sizeof(*instance_posts));
}

struct event_base *
instance_event_base(void)
{
	return instance_base;
}

/*
 * When to wake the machine: at its earliest deadline, but an advert's
 * rounded up to the next millisecond, so that the instances due within
 * the same millisecond share one wake-up and one sendmmsg (an advert is
 * at most 1 ms late).  A master-down deadline is kept exact: a takeover
 * is never late.
 */
static int64_t
instance_wake_at(const struct carp_fsm *fsm)
{
	int64_t	d = carp_fsm_next_deadline(fsm), r;

	if (d == 0 || d != fsm->ad_at)
		return d;
	r = (d + 999) / 1000 * 1000;
	return fsm->md_at != 0 && fsm->md_at < r ? fsm->md_at : r;
}

/*
 * The time of the event being carried out (instance_step), for its
 * feedback, rekey check and re-arm too; between steps of a tick, the
 * tick's time (the clocks were read seven times per advert).
 */
static int64_t
instance_now(void)
{
	if (instance_ev_now != 0)
		return instance_ev_now;
	return instance_in_tick ? instance_tick_now : clock_mono_us();
}

/*
 * The time of a new event.  In a tick each machine steps at the time its
 * turn came, the first at the tick's own reading: machines that shared a
 * late wake-up would otherwise share their next deadlines for ever, a
 * clump that only grows (a storm of 10,000 takeovers doubled its longest
 * advert gap so).
 */
static int64_t
instance_step_now(void)
{
	if (instance_ev_now != 0)
		return instance_ev_now;
	if (instance_in_tick && !instance_tick_used) {
		instance_tick_used = true;
		return instance_tick_now;
	}
	return clock_mono_us();
}

/* Arm the libevent timer for the heap's earliest entry, if it moved. */
static void
instance_tick_sync(void)
{
	struct timeval	tv;
	int64_t		at, now;

	if (dheap_top(&instance_heap, &at) == NULL) {
		if (instance_tick_at != 0)
			evtimer_del(instance_tick);
		instance_tick_at = 0;
		return;
	}
	if (at == instance_tick_at)
		return;
	instance_tick_at = at;
	/*
	 * From the time of the event that moved the deadline, not read
	 * again: libevent adds the delay to its own time, read when the
	 * callback began, before ours; the timer is never late.
	 */
	now = instance_now();
	at = at > now ? at - now : 0;
	tv.tv_sec = (time_t)(at / 1000000);
	tv.tv_usec = (suseconds_t)(at % 1000000);
	evtimer_add(instance_tick, &tv);
}

/* Take the instance off the timer. */
static void
instance_disarm(struct instance *inst)
{
	dheap_del(&instance_heap, &inst->tnode);
	if (!instance_in_tick)
		instance_tick_sync();
}

/* Put the machine's next wake-up in the heap. */
void
instance_arm(struct instance *inst)
{
	struct dheap	*h = &instance_heap;
	int64_t		 at;

	if ((at = instance_wake_at(&inst->fsm)) == 0) {
		instance_disarm(inst);
		return;
	}
	/* Due again within this tick: the next one, as libevent would. */
	if (instance_in_tick && at <= instance_tick_now)
		at = instance_tick_now + 1;
	if (!dheap_queued(&inst->tnode) && h->n == h->cap) {
		h->cap = h->cap > 0 ? h->cap * 2 : 64;
		h->v = xreallocarray(h->v, h->cap, sizeof(*h->v));
	}
	inst->tnode.arg = inst;
	dheap_set(h, &inst->tnode, at);
	if (!instance_in_tick)
		instance_tick_sync();
}

/*
 * The adverts queued in this tick went out (or failed, instance_tx_fail):
 * count them and feed their results back in order, then re-arm.
 */
static void
instance_tx_done(struct instance *inst)
{
	unsigned	i, n = inst->txq_n, fail = inst->txq_fail;

	inst->txq_n = 0;
	inst->txq_fail = 0;
	for (i = 0; i < n; i++) {
		if (fail & (1u << i))
			inst->send_errors++;
		else
			inst->sent++;
	}
	for (i = 0; i < n && inst->txq_depth < INSTANCE_FEEDBACK_MAX; i++)
		instance_send_result(inst, (fail & (1u << i)) == 0,
		    inst->txq_depth + 1);
	instance_arm(inst);
}

/*
 * Run every machine whose wake-up has come, then send their adverts with
 * one sendmmsg and hand each machine its results.
 */
static void
instance_timer_cb(int fd UNUSED, short what UNUSED, void *arg UNUSED)
{
	struct dheap_node	*node;
	struct instance		*inst;
	int64_t			 at;

	instance_tick_at = 0;
	instance_tick_now = clock_mono_us();
	instance_tick_wall = clock_wall_us();
	instance_tick_used = false;
	instance_in_tick = instance_defer = true;
	while ((node = dheap_top(&instance_heap, &at)) != NULL &&
	    at <= instance_tick_now) {
		dheap_del(&instance_heap, node);
		instance_event(node->arg, CARP_EV_TIMER);
	}
	instance_defer = false;
	iface_flush();
	instance_posts_run();
	while ((inst = instance_txq) != NULL) {
		instance_txq = inst->txq_next;
		inst->txq_next = NULL;
		instance_tx_done(inst);
	}
	instance_tick_sync();
	instance_in_tick = false;
}

/* The key before a reload's, kept while the rekey window was open. */
static void
instance_auth_old_free(struct instance *inst)
{
	if (inst->auth_old == NULL)
		return;
	carp_auth_free(inst->auth_old);
	free(inst->auth_old);
	inst->auth_old = NULL;
}

/* The rekey window closed: the old key is of no use any more. */
void
instance_rekey_close(struct instance *inst, int64_t now)
{
	if (carp_rekey_close(&inst->rekey, now))
		instance_auth_old_free(inst);
}

/* The key of cv, with the outer state of the last key of its password. */
bool
instance_auth_init(struct carp_auth *auth, const struct cfg_instance *cv)
{
	if (!carp_auth_init(auth, cv->pass, cv->passlen, cv->vhid, cv->addrs,
	    cv->naddrs))
		return false;
	if (!carp_auth_share_outer(auth, instance_hmac_outer)) {
		carp_hmac_outer_put(instance_hmac_outer);
		instance_hmac_outer = carp_auth_outer_get(auth);
	}
	return true;
}

/* An instance is gone: the last one takes the shared HMAC states along. */
static void
instance_count_down(void)
{
	if (--instance_count > 0)
		return;
	carp_hmac_outer_put(instance_hmac_outer);
	instance_hmac_outer = NULL;
}

/* The key adverts go out with now (carp_rekey.h). */
static const struct carp_auth *
instance_tx_auth(struct instance *inst)
{
	int64_t			now = instance_now();
	enum carp_rekey_key	k;
	bool			switched;

	k = carp_rekey_tx(&inst->rekey, now, &switched);
	if (switched)
		log_info("%snow advertising with the new password and "
		    "addresses", inst->prefix);
	instance_rekey_close(inst, now);
	return k == CARP_REKEY_OLD && inst->auth_old != NULL ? inst->auth_old :
	    &inst->auth;
}

/*
 * A send failed: log it at most once a second over all instances, saying
 * how many failures were not logged since the last line.
 */
static void
instance_send_failed(struct instance *inst, const char *what, const char *addr)
{
	unsigned	held;
	char		more[64] = "";

	if (!log_rate_ok(&instance_send_rate, clock_mono_us(),
	    INSTANCE_WARN_PERIOD_US, &held))
		return;
	if (held > 0)
		snprintf(more, sizeof(more), " (%u more failed sends since the "
		    "last report)", held);
	log_msg(LOG_WARNING, "%s%s%s%s on %s%s", inst->prefix, what,
	    addr != NULL ? " for " : "", addr != NULL ? addr : "",
	    inst->cfg->interface, more);
}

static const char	instance_no_ll6[] = "no IPv6 link-local address to "
			    "send the IPv6 advert from (or give an IPv6 srcip)";

/*
 * A queued advert frame failed: tag is the advert's index in the tick
 * times two, plus one for the IPv6 one.
 */
static void
instance_tx_fail(void *arg, unsigned tag, int err UNUSED)
{
	struct instance	*inst = arg;

	inst->txq_fail |= 1u << (tag / 2);
	instance_send_failed(inst, tag % 2 ? instance_no_ll6 :
	    instance_advert_fail, NULL);
}

static const char	instance_garp_fail4[] = "could not send a gratuitous ARP";
static const char	instance_garp_fail6[] = "could not send a neighbour "
			    "advertisement";

/* A queued GARP or NA failed: tag is the index of its address. */
static void
instance_garp_fail(void *arg, unsigned tag, int err UNUSED)
{
	struct instance			*inst = arg;
	const struct cfg_instance	*cv = inst->cfg;

	instance_send_failed(inst, cv->addrs[tag].family == CARP_AF_INET6 ?
	    instance_garp_fail6 : instance_garp_fail4, cv->addr_strs[tag]);
}

/*
 * Send one frame, or queue it with fail and tag if fail is set (a frame
 * of a tick: iface_flush() sends it, in order); log what could not be
 * sent.  Returns -1 if it failed (not known yet if queued).
 */
static int
instance_send_frame(struct instance *inst, const uint8_t *buf, size_t len,
    const char *what, const char *addr, iface_fail_cb fail, int tag)
{
	if (len != 0 && fail != NULL) {
		iface_queue(inst->ifp, buf, len, fail, inst, (unsigned)tag);
		return 0;
	}
	if (len == 0 || iface_send(inst->ifp, buf, len) == -1) {
		instance_send_failed(inst, what, addr);
		return -1;
	}
	return 0;
}

/*
 * The advert of one family built in buf (len bytes, 0: could not be
 * built) goes to the group unless peers are listed (and to both during a
 * migration, unicast_also_multicast), and its CARP part to every peer of
 * that family.  Returns -1 if any send failed.
 */
static int
instance_send_family(struct instance *inst, const uint8_t *buf, size_t len,
    uint8_t family, const char *what, int tag)
{
	const struct cfg_instance	*cv = inst->cfg;
	struct carp_addr		 src;
	char				 msg[128];
	size_t				 iplen, failed;
	int				 rc = 0, err = 0;

	if (cv->peer.n == 0 || cv->unicast_also_multicast)
		rc = instance_send_frame(inst, buf, len, what, NULL,
		    tag >= 0 ? instance_tx_fail : NULL, tag);
	if (cv->peer.n == 0)
		return rc;
	if (len == 0)		/* no source: say so once */
		return cv->unicast_also_multicast ? rc :
		    instance_send_frame(inst, buf, 0, what, NULL, NULL, 0);
	memset(&src, 0, sizeof(src));
	src.family = family;
	iplen = family == CARP_AF_INET ? CARP_IP_LEN : CARP_IP6_LEN;
	memcpy(src.a, buf + CARP_ETH_LEN + (family == CARP_AF_INET ? 12 : 8),
	    family == CARP_AF_INET ? 4 : 16);
	if ((failed = ucast_send(inst->uc, &src, buf + CARP_ETH_LEN + iplen,
	    len - CARP_ETH_LEN - iplen, &err)) > 0) {
		snprintf(msg, sizeof(msg), "could not send a unicast advert to "
		    "%zu peer(s) (%s; see their send_errors in the status)",
		    failed, strerror(err));
		instance_send_failed(inst, msg, NULL);
		rc = -1;
	}
	return rc;
}

/*
 * Send one advert per family the instance has addresses of: the BSD
 * backups keep one master-down timer per family.  Both carry the same
 * counter, as OpenBSD's.  Returns -1 if any of them failed.  With idx >= 0
 * (the advert's index in a tick) the frames are queued and counted when
 * they have gone out (instance_tx_done).
 */
static int
instance_send_advert(struct instance *inst, const struct carp_action *a,
    int idx)
{
	const struct cfg_instance	*cv = inst->cfg;
	const struct carp_auth		*auth = instance_tx_auth(inst);
	struct carp_tx			 tx;
	uint8_t				 buf[CARP_FRAME6_LEN];
	int				 rc = 0;

	memset(&tx, 0, sizeof(tx));
	tx.vhid = cv->vhid;
	tx.advbase = a->advbase;
	tx.advskew = a->advskew;
	tx.counter = a->counter;
	tx.broadcast = cv->nomcast;
	if (instance_has(cv, CARP_AF_INET)) {
		tx.ip_id = clock_ip_id();
		memcpy(tx.src_ip, instance_src4(cv), 4);
		memcpy(tx.dst_ip, cv->mcast, 4);
		rc |= instance_send_family(inst, buf, carp_pkt_build(buf,
		    sizeof(buf), &tx, auth), CARP_AF_INET, instance_advert_fail,
		    idx < 0 ? -1 : 2 * idx);
	}
	if (instance_has(cv, CARP_AF_INET6)) {
		memcpy(tx.dst_ip6, carp_group6, 16);
		rc |= instance_send_family(inst, buf, instance_src6(inst,
		    tx.src_ip6) ? carp_pkt6_build(buf, sizeof(buf), &tx, auth) :
		    0, CARP_AF_INET6, instance_no_ll6, idx < 0 ? -1 : 2 * idx + 1);
	}
	if (idx >= 0)
		return rc;
	if (rc != 0) {
		inst->send_errors++;
		return -1;
	}
	inst->sent++;
	return 0;
}

/*
 * At takeover: a gratuitous ARP for every IPv4 address and an unsolicited
 * neighbour advertisement for every IPv6 one, with the interface's real
 * MAC, as ucarp does for IPv4.  In a tick they are queued (queue), behind
 * the advert before them.
 */
static void
instance_send_garp(struct instance *inst, bool queue)
{
	const struct cfg_instance	*cv = inst->cfg;
	uint8_t				 buf[CARP_NA_LEN], src6[16];
	size_t				 i, len;
	bool				 v6, has_src6 = false, router = false;

	inst->garps++;
	/*
	 * For NAs only: from the link-local address, as the BSDs, else an
	 * IPv6 srcip; the Router flag from /proc.  An IPv4-only instance
	 * reads neither: the first getifaddrs() and the /proc read held a
	 * takeover's advert back 0.3 ms, and 10,000 at once much longer.
	 */
	if (instance_has(cv, CARP_AF_INET6)) {
		has_src6 = iface_ll6(inst->ifp, src6) ||
		    instance_src6(inst, src6);
		router = iface_forwarding6(inst->ifp);
	}
	for (i = 0; i < cv->naddrs; i++) {
		v6 = cv->addrs[i].family == CARP_AF_INET6;
		if (v6)
			len = has_src6 ? carp_na_build(buf, sizeof(buf),
			    iface_mac(inst->ifp), src6, cv->addrs[i].a,
			    router) : 0;
		else
			len = carp_garp_build(buf, sizeof(buf),
			    iface_mac(inst->ifp), cv->addrs[i].a);
		instance_send_frame(inst, buf, len, v6 ? instance_garp_fail6 :
		    instance_garp_fail4, cv->addr_strs[i], queue ?
		    instance_garp_fail : NULL, (int)i);
	}
}

/* Log a transition as ucarp did, plus why. */
static void
instance_log_transition(struct instance *inst, const struct carp_action *a)
{
	inst->transitions++;
	inst->last_from = a->from;
	inst->last_cause = a->cause;
	instance_ctl_transition(inst, a);
	log_msg(LOG_WARNING, "%sSwitching to state: %s (%s)", inst->prefix,
	    carp_state_name(a->to), carp_cause_name(a->cause));
	switch (a->cause) {
	case CARP_CAUSE_PREEMPT:
		log_msg(LOG_WARNING, "%sPutting MASTER down - preemption",
		    inst->prefix);
		break;
	case CARP_CAUSE_SLOW_MASTER:
		log_msg(LOG_WARNING, "%sPutting MASTER DOWN (going to time "
		    "out)", inst->prefix);
		break;
	case CARP_CAUSE_PREFERRED_MASTER:
		log_msg(LOG_WARNING, "%sPreferred master advertised: going "
		    "back to BACKUP state", inst->prefix);
		break;
	default:
		break;
	}
}

static void
instance_notice(struct instance *inst, const struct carp_action *a)
{
	unsigned	held;

	switch (a->cause) {
	case CARP_CAUSE_NONPREFERRED_MASTER:
		if (log_rate_ok(&inst->rate_nonpref, clock_mono_us(),
		    INSTANCE_WARN_PERIOD_US, &held))
			log_msg(LOG_WARNING, "%sNon-preferred master "
			    "advertising: reasserting control of VIP with "
			    "another gratuitous arp", inst->prefix);
		break;
	case CARP_CAUSE_DEMOTED:
		log_msg(LOG_ERR, "%sthree adverts in a row could not be sent: "
		    "advertising with advskew 240 until sends work again",
		    inst->prefix);
		break;
	case CARP_CAUSE_UNEXPECTED:
		log_debug("%sevent %s not expected in state %s: ignored",
		    inst->prefix, carp_event_name(a->event),
		    carp_state_name(a->from));
		break;
	default:
		log_info("%s%s: %s", inst->prefix, inst->cfg->interface,
		    carp_cause_name(a->cause));
		break;
	}
}

/*
 * Feed one event to the machine and carry out its actions in order.  Send
 * results go back in as events (bounded: demotion can add one advert).
 */
void
instance_step(struct instance *inst, struct carp_event *ev, int depth)
{
	struct carp_actions	 acts;
	bool			 outer = instance_ev_now == 0;

	if (ev->now == 0)
		ev->now = instance_step_now();
	ev->rand = clock_random64();
	ev->wall = instance_in_tick ? instance_tick_wall : clock_wall_us();
	if (outer)
		instance_ev_now = ev->now;
	acts.n = 0;
	carp_fsm_step(&inst->fsm, ev, &acts);
	instance_exec(inst, &acts, depth);
	if (outer)
		instance_ev_now = 0;
}

/* An event that carries nothing but its type, at a feedback depth. */
static void
instance_event_at(struct instance *inst, enum carp_event_type type, int depth)
{
	struct carp_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	instance_step(inst, &ev, depth);
}

/*
 * An advert's result, as SEND_OK or SEND_FAIL; a SEND_OK that makes no
 * action (the machine says so) costs no step: one per advert sent.
 */
static void
instance_send_result(struct instance *inst, bool ok, int depth)
{
	if (ok && carp_fsm_send_ok_quiet(&inst->fsm))
		return;
	instance_event_at(inst, ok ? CARP_EV_SEND_OK : CARP_EV_SEND_FAIL,
	    depth);
}

void
instance_event(struct instance *inst, enum carp_event_type type)
{
	instance_event_at(inst, type, 0);
}

/*
 * The adverts of a tick are queued: their results go back in once they
 * have been sent (instance_tx_done), the known failures with them, and
 * the machine is armed then, once, after its results.
 */
static void
instance_tx_later(struct instance *inst, const int *sent, int nsent,
    int depth)
{
	int	i;

	for (i = 0; i < nsent; i++)
		if (sent[i] != 0)
			inst->txq_fail |= 1u << i;
	inst->txq_n = (unsigned)nsent;
	inst->txq_depth = depth;
	inst->txq_next = instance_txq;
	instance_txq = inst;
}

/* An action other than a send. */
static void
instance_act(struct instance *inst, const struct carp_action *a)
{
	switch (a->type) {
	case CARP_ACT_TRANSITION:
		instance_log_transition(inst, a);
		/* Before the GARPs and scripts that follow. */
		instance_addrs_transition(inst, a);
		break;
	case CARP_ACT_SCRIPT_UP:
	case CARP_ACT_SCRIPT_DOWN:
		instance_script_transition(inst, a);
		break;
	case CARP_ACT_NOTICE:
		instance_notice(inst, a);
		break;
	default:
		log_debug("%sunknown action %d ignored", inst->prefix,
		    (int)a->type);
		break;
	}
}

/*
 * Whether an action waits until the step's frames are on the wire.  Its
 * log line, script queueing (an allocation) and monitor event took 150
 * us ahead of a takeover's first advert, and in a tick every machine's
 * sends waited for all of them.  A transition of managed addresses goes
 * first still: the addresses must be in place before the GARPs.
 */
static bool
instance_act_after_send(const struct instance *inst,
    const struct carp_action *a)
{
	switch (a->type) {
	case CARP_ACT_TRANSITION:
		return !instance_addrs_managed(inst);
	case CARP_ACT_SEND_ADVERT:
	case CARP_ACT_SEND_GARP:
		return false;
	default:
		return true;
	}
}

static void
instance_post(struct instance *inst, const struct carp_action *a)
{
	if (instance_nposts == instance_capposts) {
		instance_capposts *= 2;		/* 64 from instance_init */
		instance_posts = xreallocarray(instance_posts,
		    instance_capposts, sizeof(*instance_posts));
	}
	instance_posts[instance_nposts].inst = inst;
	instance_posts[instance_nposts].a = *a;
	instance_nposts++;
}

static void
instance_posts_run(void)
{
	size_t	i;

	for (i = 0; i < instance_nposts; i++)
		instance_act(instance_posts[i].inst, &instance_posts[i].a);
	instance_nposts = 0;
}

/*
 * Carry out the machine's actions: the sends first, in order, then the
 * rest in order (in a tick, once the tick's frames are out); send
 * results go back in last.
 */
void
instance_exec(struct instance *inst, const struct carp_actions *acts, int depth)
{
	const struct carp_action *a;
	size_t			 i;
	int			 sent[CARP_ACTIONS_MAX] = { 0 }, nsent = 0;
	bool			 defer = instance_defer && inst->txq_n == 0;

	for (i = 0; i < acts->n; i++) {
		a = &acts->a[i];
		switch (a->type) {
		case CARP_ACT_SEND_ADVERT:
			sent[nsent] = instance_send_advert(inst, a,
			    defer ? nsent : -1);
			nsent++;
			break;
		case CARP_ACT_SEND_GARP:
			instance_send_garp(inst, defer);
			break;
		default:
			if (!instance_act_after_send(inst, a))
				instance_act(inst, a);
			break;
		}
	}
	for (i = 0; i < acts->n; i++) {
		a = &acts->a[i];
		if (!instance_act_after_send(inst, a))
			continue;
		/* Queued even when this machine's sends were not. */
		if (instance_defer)
			instance_post(inst, a);
		else
			instance_act(inst, a);
	}
	if (defer && nsent > 0) {
		instance_tx_later(inst, sent, nsent, depth);
		return;
	}
	/* Each advert's result, in order, as SEND_OK or SEND_FAIL. */
	for (i = 0; i < (size_t)nsent && depth < INSTANCE_FEEDBACK_MAX; i++)
		instance_send_result(inst, sent[i] == 0, depth + 1);
	if (depth == 0)
		instance_arm(inst);
}

static void
instance_link(void *arg, bool up)
{
	instance_event(arg, up ? CARP_EV_LINK_UP : CARP_EV_LINK_DOWN);
}

void
instance_params(const struct cfg_instance *cv, struct carp_params *p)
{
	memset(p, 0, sizeof(*p));
	p->advbase = cv->advbase;
	p->advskew = cv->advskew;
	p->deadratio = cv->deadratio;
	p->preempt = cv->preempt;
	p->neutral = cv->neutral;
	p->bowout = cv->shutdown;
	p->ignoreifstate = cv->ignoreifstate;
	p->monotonic = cv->replay_protect;
	carp_tiebreak_key(&cv->srcip, NULL, p->srcip);
}

/* True if the instance has an address of family (CARP_AF_INET...). */
bool
instance_has(const struct cfg_instance *cv, uint8_t family)
{
	size_t	i;

	for (i = 0; i < cv->naddrs; i++)
		if (cv->addrs[i].family == family)
			return true;
	return false;
}

/* ff02::12 is joined for instances with IPv6 addresses, unless -M. */
bool
instance_joins6(const struct cfg_instance *cv)
{
	return !cv->nomcast && instance_has(cv, CARP_AF_INET6);
}

/*
 * The source of IPv6 adverts and NAs: srcip if it is IPv6, else the
 * interface's link-local address; false if there is none.
 */
bool
instance_src6(struct instance *inst, uint8_t out[16])
{
	if (inst->cfg->srcip.family == CARP_AF_INET6) {
		memcpy(out, inst->cfg->srcip.a, 16);
		return true;
	}
	return iface_ll6(inst->ifp, out);
}

/*
 * The source of IPv4 adverts: srcip if it is IPv4, else 0.0.0.0 (an IPv6
 * srcip is the IPv6 adverts' own; the IPv4 path never uses its bytes).
 */
const uint8_t *
instance_src4(const struct cfg_instance *cv)
{
	static const uint8_t	none[4];

	return cv->srcip.family == CARP_AF_INET ? cv->srcip.a : none;
}

struct instance *
instance_new(struct cfg_instance *cv)
{
	struct instance		*inst;
	struct carp_params	 p;

	inst = xcalloc(1, sizeof(*inst));
	instance_count++;
	inst->cfg = cv;
	inst->prefix = instance_make_prefix(cv);
	if (!instance_auth_init(&inst->auth, cv)) {
		log_msg(LOG_ERR, "%sPassword too long (at most %d bytes)",
		    inst->prefix, CARP_PASS_MAX);
		goto fail;
	}
	if ((inst->ifp = iface_get(cv->interface, !instance_legacy)) == NULL)
		goto fail;
	if (!iface_attach(inst->ifp, cv->vhid, instance_rx_input, instance_link,
	    inst)) {
		log_msg(LOG_ERR, "%svhid %u is already used on %s", inst->prefix,
		    cv->vhid, cv->interface);
		iface_put(inst->ifp);
		goto fail;
	}
	if (!cv->nomcast)
		iface_join(inst->ifp, cv->mcast);
	if (instance_joins6(cv))
		iface_join6(inst->ifp);
	instance_params(cv, &p);
	carp_fsm_init(&inst->fsm, &p);
	inst->uc = ucast_new(cv->interface);
	ucast_set_peers(inst->uc, &cv->peer);
	inst->since_us = (int64_t)clock_wall_us();
	instance_addrs_new(inst);
	return inst;
fail:
	carp_auth_free(&inst->auth);
	free(inst->prefix);
	free(inst);
	instance_count_down();
	return NULL;
}

void
instance_free(struct instance *inst)
{
	if (inst == NULL)
		return;
	instance_disarm(inst);
	instance_addrs_free(inst);
	iface_detach(inst->ifp, inst->cfg->vhid);
	if (!inst->cfg->nomcast)
		iface_leave(inst->ifp, inst->cfg->mcast);
	if (instance_joins6(inst->cfg))
		iface_leave6(inst->ifp);
	iface_put(inst->ifp);
	ucast_free(inst->uc);
	script_q_free(inst->sq);
	instance_script_rec_clear(&inst->queued);
	free(inst->prefix);
	carp_auth_free(&inst->auth);
	instance_auth_old_free(inst);
	instance_rx_free(inst);
	cfg_instance_free(inst->cfg);
	free(inst);
	instance_count_down();
}

void
instance_start(struct instance *inst)
{
	instance_event(inst, CARP_EV_START);
	if (!iface_running(inst->ifp))
		instance_link(inst, false);
}

void
instance_stepdown(struct instance *inst)
{
	instance_event(inst, CARP_EV_STEPDOWN);
}

void
instance_garp(struct instance *inst)
{
	if (inst->fsm.state == CARP_MASTER)
		instance_send_garp(inst, false);
}

void
instance_shutdown(struct instance *inst)
{
	/* Whatever scripts run at exit, our addresses go. */
	instance_addrs_release(inst);
	if (!inst->cfg->shutdown) {
		/*
		 * Without -z ucarp ran no script on exit; neither do we.  The
		 * instance stops cold: no more adverts, packets or link events
		 * while the daemon waits for scripts already started.
		 */
		instance_disarm(inst);
		iface_detach(inst->ifp, inst->cfg->vhid);
		return;
	}
	instance_event(inst, CARP_EV_SHUTDOWN);
}

void
instance_log_status(const struct instance *inst)
{
	struct health_level	lv;
	char			ifc[384], why[1024], peers[1024];
	uint64_t		c[CARP_VERDICT_MAX];

	/* ucarp printed MASTER for INIT too; we name the real state. */
	log_info("%s%s on %s id %u", inst->prefix,
	    carp_state_name(inst->fsm.state), inst->cfg->interface, inst->cfg->vhid);
	/* A unicast advert's TTL is judged here, not in iface.c: added. */
	instance_counters(inst, c);
	iface_format_counters(inst->ifp, c, ifc, sizeof(ifc));
	log_info("%scounters: sent=%llu send_errors=%llu received=%llu "
	    "transitions=%llu own=%llu bad_group=%llu bad_ip_cksum=%llu "
	    "bad_carp_cksum=%llu bad_hmac=%llu replay=%llu not_peer=%llu %s",
	    inst->prefix,
	    (unsigned long long)inst->sent,
	    (unsigned long long)inst->send_errors,
	    (unsigned long long)inst->received,
	    (unsigned long long)inst->transitions,
	    (unsigned long long)c[CARP_OWN],
	    (unsigned long long)c[CARP_BAD_GROUP],
	    (unsigned long long)c[CARP_BAD_IP_CKSUM],
	    (unsigned long long)c[CARP_BAD_CARP_CKSUM],
	    (unsigned long long)c[CARP_BAD_HMAC],
	    (unsigned long long)c[CARP_REPLAY],
	    (unsigned long long)c[CARP_NOT_PEER], ifc);
	health_describe(inst, &lv, why, sizeof(why));
	if (lv.demote != 0 || lv.held)
		log_info("%shealth: demotion %u%s: %s", inst->prefix, lv.demote,
		    lv.held ? ", held (may not be master)" : "", why);
	if (inst->cfg->peer.n == 0)
		return;
	ucast_format(inst->uc, (int64_t)clock_wall_us(), peers, sizeof(peers));
	log_info("%speers: %s", inst->prefix, peers);
}

/* The log prefix: "eth0 vhid 42 (web): ", empty on the command line. */
char *
instance_make_prefix(const struct cfg_instance *cv)
{
	char	*p;

	if (instance_legacy)
		p = xstrdup("");
	else if (cv->name != NULL)
		xasprintf(&p, "%s vhid %u (%s): ", cv->interface, cv->vhid,
		    cv->name);
	else
		xasprintf(&p, "%s vhid %u: ", cv->interface, cv->vhid);
	return p;
}

enum carp_state
instance_state(const struct instance *inst)
{
	return inst->fsm.state;
}

const struct cfg_instance *
instance_cfg(const struct instance *inst)
{
	return inst->cfg;
}
