/*
 * vhost.c: one CARP instance: glue between the pure state machine and the
 * world (interface, timer, scripts, logs).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "carp_fsm.h"
#include "carp_pkt.h"
#include "carp_replay.h"
#include "cfg_diff.h"
#include "cfg_mem.h"
#include "clock.h"
#include "iface.h"
#include "log.h"
#include "script.h"
#include "vhost.h"
#include "xmalloc.h"

#define VHOST_WARN_PERIOD_US	1000000
#define VHOST_FEEDBACK_MAX	4	/* send-result rounds per event */
#define VHOST_REKEY_GRACE_US	60000000	/* see vhost_update() */
#define VHOST_REASON_ADDRS	"addresses changed (reload)"

/*
 * What the script queued last was queued for, so that a reload can
 * rebuild it while it waits to start (vhost_update).
 */
struct vhost_pend {
	enum script_kind	 kind;
	enum carp_state		 state;		/* UCARP_STATE */
	enum carp_state		 prev;		/* UCARP_PREV_STATE */
	const char		*reason;	/* static */
	char			**addrs;	/* the addresses it was given */
	size_t			 naddrs;
};

/* How vhost_queue() hands a script to the queue. */
enum vhost_qop {
	VQ_PUSH,	/* a transition's script */
	VQ_UNDO,	/* a down script later transitions do not replace */
	VQ_REPOINT	/* rebuild the script waiting to start */
};

struct vhost {
	struct cfg_vhost	*cfg;
	struct carp_fsm		 fsm;
	struct carp_auth	 auth;
	struct carp_auth	 auth_prev;	/* before a reload changed it */
	int64_t			 prev_send_until; /* adverts use auth_prev */
	int64_t			 prev_until;	/* auth_prev accepted, 0 = none */
	bool			 prev_heard;	/* logged a peer on the old key */
	struct carp_replay	 replay;	/* per-peer counters (opt-in) */
	struct iface		*ifp;
	struct event		*timer;
	struct script_q		*sq;
	struct vhost_pend	 pend;
	char			*prefix;	/* "eth0 vhid 42 (web): " */
	enum carp_state		 last_from;	/* of the last transition */
	enum carp_cause		 last_cause;
	uint64_t		 sent;
	uint64_t		 send_errors;
	uint64_t		 received;
	uint64_t		 transitions;
	uint64_t		 counters[CARP_VERDICT_MAX];
	struct log_rate		 rate[CARP_VERDICT_MAX];
	struct log_rate		 rate_nonpref;
};

static struct event_base	*vhost_base;
static bool			 vhost_legacy;

static char	*vhost_make_prefix(const struct cfg_vhost *);

static void	vhost_step(struct vhost *, struct carp_event *, int depth);
static void	vhost_exec(struct vhost *, const struct carp_actions *,
		    int depth);

void
vhost_init(struct event_base *base, bool legacy)
{
	vhost_base = base;
	vhost_legacy = legacy;
}

/* Arm the one timer at the machine's earliest deadline. */
static void
vhost_arm(struct vhost *vh)
{
	struct timeval	tv;
	int64_t		d, now;

	d = carp_fsm_next_deadline(&vh->fsm);
	if (d == 0) {
		evtimer_del(vh->timer);
		return;
	}
	now = clock_mono_us();
	d = d > now ? d - now : 0;
	tv.tv_sec = (time_t)(d / 1000000);
	tv.tv_usec = (suseconds_t)(d % 1000000);
	evtimer_add(vh->timer, &tv);
}

static void
vhost_timer_cb(int fd UNUSED, short what UNUSED, void *arg)
{
	struct vhost		*vh = arg;
	struct carp_event	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = CARP_EV_TIMER;
	vhost_step(vh, &ev, 0);
}

/*
 * The key adverts go out with: the old one for the first half of a rekey
 * grace.  The old key is still accepted for the second half, because a
 * peer reloaded up to one half later still sends it until then.
 */
static const struct carp_auth *
vhost_tx_auth(struct vhost *vh)
{
	int64_t	now = clock_mono_us();

	if (vh->prev_send_until != 0 && now >= vh->prev_send_until) {
		vh->prev_send_until = 0;
		log_info("%snow advertising with the new password and "
		    "addresses", vh->prefix);
	}
	if (vh->prev_until != 0 && now >= vh->prev_until) {
		vh->prev_until = 0;
		carp_auth_free(&vh->auth_prev);
	}
	return vh->prev_send_until != 0 ? &vh->auth_prev : &vh->auth;
}

/* Send one advert; returns 0 or -1. */
static int
vhost_send_advert(struct vhost *vh, const struct carp_action *a)
{
	struct carp_tx	tx;
	uint8_t		buf[CARP_FRAME_LEN];
	size_t		len;

	memset(&tx, 0, sizeof(tx));
	tx.vhid = vh->cfg->vhid;
	tx.advbase = a->advbase;
	tx.advskew = a->advskew;
	tx.counter = a->counter;
	tx.ip_id = (uint16_t)clock_random64();
	memcpy(tx.src_ip, vh->cfg->srcip, 4);
	memcpy(tx.dst_ip, vh->cfg->mcast, 4);
	tx.broadcast = vh->cfg->nomcast;
	len = carp_pkt_build(buf, sizeof(buf), &tx, vhost_tx_auth(vh));
	if (len == 0 || iface_send(vh->ifp, buf, len) == -1) {
		vh->send_errors++;
		log_msg(LOG_WARNING, "%swrite() has failed: could not send an "
		    "advert on %s", vh->prefix, vh->cfg->interface);
		return -1;
	}
	vh->sent++;
	return 0;
}

/* Gratuitous ARP for every address, with the interface's real MAC. */
static void
vhost_send_garp(struct vhost *vh)
{
	uint8_t	buf[CARP_GARP_LEN];
	size_t	i, len;

	for (i = 0; i < vh->cfg->naddrs; i++) {
		len = carp_garp_build(buf, sizeof(buf), iface_mac(vh->ifp),
		    vh->cfg->addrs[i]);
		if (len == 0 || iface_send(vh->ifp, buf, len) == -1)
			log_msg(LOG_WARNING, "%scould not send a gratuitous ARP "
			    "for %s on %s", vh->prefix, vh->cfg->addr_strs[i],
			    vh->cfg->interface);
	}
}

/* Forget the record of the last queued script. */
static void
vhost_pend_clear(struct vhost_pend *p)
{
	size_t	i;

	for (i = 0; i < p->naddrs; i++)
		free(p->addrs[i]);
	free(p->addrs);
	p->addrs = NULL;
	p->naddrs = 0;
}

/* The addresses as scripts get them in UCARP_ADDRS: "a b c". */
static char *
vhost_addrs_str(char *const *addrs, size_t naddrs)
{
	char	*s;
	size_t	 i, n, len;

	for (i = 0, len = 1; i < naddrs; i++)
		len += strlen(addrs[i]) + 1;
	s = xcalloc(1, len);
	for (i = 0, n = 0; i < naddrs; i++)
		n += (size_t)snprintf(s + n, len - n, "%s%s", i ? " " : "",
		    addrs[i]);
	return s;
}

/*
 * Hand a script to the queue with ucarp's argv and our environment: path,
 * xparam and name from cv, the addresses from addrs (the first one is the
 * second argument, as in ucarp).
 */
static void
vhost_queue(struct vhost *vh, const struct cfg_vhost *cv,
    char *const *addrs, size_t naddrs, enum script_kind kind,
    enum carp_state state, enum carp_state prev, const char *reason,
    enum vhost_qop op)
{
	struct vhost_pend	 np;
	const char		*path;
	char			*argv[5], *env[8], *as;
	size_t			 i;
	int			 k = 0;

	path = kind == SCRIPT_UP ? cv->upscript : cv->downscript;
	argv[0] = (char *)(path != NULL ? path : "");
	argv[1] = cv->interface;
	argv[2] = addrs[0];
	argv[3] = cv->xparam;
	argv[4] = NULL;

	as = vhost_addrs_str(addrs, naddrs);
	xasprintf(&env[k++], "UCARP_INSTANCE=%s", cv->name != NULL ?
	    cv->name : "");
	xasprintf(&env[k++], "UCARP_VHID=%u", cv->vhid);
	xasprintf(&env[k++], "UCARP_INTERFACE=%s", cv->interface);
	xasprintf(&env[k++], "UCARP_ADDRS=%s", as);
	xasprintf(&env[k++], "UCARP_STATE=%s", carp_state_name(state));
	xasprintf(&env[k++], "UCARP_PREV_STATE=%s", carp_state_name(prev));
	xasprintf(&env[k++], "UCARP_REASON=%s", reason);
	env[k] = NULL;
	switch (op) {
	case VQ_PUSH:
		script_q_push(vh->sq, kind, path, argv, env);
		break;
	case VQ_UNDO:
		script_q_push_undo(vh->sq, path, argv, env);
		break;
	case VQ_REPOINT:
		script_q_repoint(vh->sq, path, argv, env);
		break;
	}
	while (k > 0)
		free(env[--k]);
	free(as);
	if (op == VQ_UNDO)
		return;
	/* Copy first: addrs may be the record being replaced. */
	np = (struct vhost_pend){ kind, state, prev, reason, NULL, naddrs };
	np.addrs = xcalloc(naddrs, sizeof(*np.addrs));
	for (i = 0; i < naddrs; i++)
		np.addrs[i] = xstrdup(addrs[i]);
	vhost_pend_clear(&vh->pend);
	vh->pend = np;
}

/* Queue a transition's up or down script. */
static void
vhost_script(struct vhost *vh, const struct carp_action *a)
{
	vhost_queue(vh, vh->cfg, vh->cfg->addr_strs, vh->cfg->naddrs,
	    a->type == CARP_ACT_SCRIPT_UP ? SCRIPT_UP : SCRIPT_DOWN,
	    a->to, vh->last_from, carp_cause_name(a->cause), VQ_PUSH);
}

/* Log a transition as ucarp did, plus why. */
static void
vhost_log_transition(struct vhost *vh, const struct carp_action *a)
{
	vh->transitions++;
	vh->last_from = a->from;
	vh->last_cause = a->cause;
	log_msg(LOG_WARNING, "%sSwitching to state: %s (%s)", vh->prefix,
	    carp_state_name(a->to), carp_cause_name(a->cause));
	switch (a->cause) {
	case CARP_CAUSE_PREEMPT:
		log_msg(LOG_WARNING, "%sPutting MASTER down - preemption",
		    vh->prefix);
		break;
	case CARP_CAUSE_SLOW_MASTER:
		log_msg(LOG_WARNING, "%sPutting MASTER DOWN (going to time "
		    "out)", vh->prefix);
		break;
	case CARP_CAUSE_PREFERRED_MASTER:
		log_msg(LOG_WARNING, "%sPreferred master advertised: going "
		    "back to BACKUP state", vh->prefix);
		break;
	default:
		break;
	}
}

static void
vhost_notice(struct vhost *vh, const struct carp_action *a)
{
	unsigned	held;

	switch (a->cause) {
	case CARP_CAUSE_NONPREFERRED_MASTER:
		if (log_rate_ok(&vh->rate_nonpref, clock_mono_us(),
		    VHOST_WARN_PERIOD_US, &held))
			log_msg(LOG_WARNING, "%sNon-preferred master "
			    "advertising: reasserting control of VIP with "
			    "another gratuitous arp", vh->prefix);
		break;
	case CARP_CAUSE_DEMOTED:
		log_msg(LOG_ERR, "%sthree adverts in a row could not be sent: "
		    "advertising with advskew 240 until sends work again",
		    vh->prefix);
		break;
	case CARP_CAUSE_UNEXPECTED:
		log_debug("%sevent %s not expected in state %s: ignored",
		    vh->prefix, carp_event_name(a->event),
		    carp_state_name(a->from));
		break;
	default:
		log_info("%s%s: %s", vh->prefix, vh->cfg->interface,
		    carp_cause_name(a->cause));
		break;
	}
}

/*
 * Feed one event to the machine and carry out its actions in order.  Send
 * results go back in as events (bounded: demotion can add one advert).
 */
static void
vhost_step(struct vhost *vh, struct carp_event *ev, int depth)
{
	struct carp_actions	 acts;

	ev->now = clock_mono_us();
	ev->rand = clock_random64();
	ev->wall = clock_wall_us();
	acts.n = 0;
	carp_fsm_step(&vh->fsm, ev, &acts);
	vhost_exec(vh, &acts, depth);
}

/* Carry out the machine's actions in order; send results go back in. */
static void
vhost_exec(struct vhost *vh, const struct carp_actions *acts, int depth)
{
	struct carp_event	 fb;
	const struct carp_action *a;
	size_t			 i;
	int			 results[CARP_ACTIONS_MAX] = { 0 }, nres = 0;

	for (i = 0; i < acts->n; i++) {
		a = &acts->a[i];
		switch (a->type) {
		case CARP_ACT_TRANSITION:
			vhost_log_transition(vh, a);
			break;
		case CARP_ACT_SEND_ADVERT:
			results[nres++] = vhost_send_advert(vh, a);
			break;
		case CARP_ACT_SEND_GARP:
			vhost_send_garp(vh);
			break;
		case CARP_ACT_SCRIPT_UP:
		case CARP_ACT_SCRIPT_DOWN:
			vhost_script(vh, a);
			break;
		case CARP_ACT_NOTICE:
			vhost_notice(vh, a);
			break;
		default:
			log_debug("%sunknown action %d ignored", vh->prefix,
			    (int)a->type);
			break;
		}
	}
	for (i = 0; i < (size_t)nres && depth < VHOST_FEEDBACK_MAX; i++) {
		memset(&fb, 0, sizeof(fb));
		fb.type = results[i] == 0 ? CARP_EV_SEND_OK : CARP_EV_SEND_FAIL;
		vhost_step(vh, &fb, depth + 1);
	}
	if (depth == 0)
		vhost_arm(vh);
}

/* A frame for our vhid: group, checksums, HMAC, then the machine. */
static void
vhost_input(void *arg, const uint8_t *frame, size_t len,
    const struct carp_advert *adv)
{
	struct vhost		*vh = arg;
	struct carp_event	 ev;
	enum carp_verdict	 v;
	uint8_t			 md[CARP_HMAC_LEN];
	unsigned		 held;

	if (memcmp(adv->ip_src, vh->cfg->srcip, 4) == 0) {
		vh->counters[CARP_OWN]++;
		return;
	}
	if (memcmp(adv->ip_dst, vh->cfg->mcast, 4) != 0) {
		vh->counters[CARP_BAD_GROUP]++;
		if (log_rate_ok(&vh->rate[CARP_BAD_GROUP], clock_mono_us(),
		    VHOST_WARN_PERIOD_US, &held))
			log_debug("%sIgnoring different multicast ip: "
			    "[%u.%u.%u.%u]", vh->prefix, adv->ip_dst[0],
			    adv->ip_dst[1], adv->ip_dst[2], adv->ip_dst[3]);
		return;
	}
	v = carp_pkt_verify(frame, len, adv, &vh->auth);
	if (v == CARP_BAD_HMAC && vh->prev_until != 0 &&
	    clock_mono_us() < vh->prev_until &&
	    carp_pkt_verify(frame, len, adv, &vh->auth_prev) == CARP_OK) {
		/* A peer not reloaded yet: accepted during the grace. */
		if (!vh->prev_heard)
			log_info("%speer %u.%u.%u.%u still uses the previous "
			    "password or addresses (accepted for %d s after a "
			    "reload)", vh->prefix, adv->ip_src[0],
			    adv->ip_src[1], adv->ip_src[2], adv->ip_src[3],
			    2 * VHOST_REKEY_GRACE_US / 1000000);
		vh->prev_heard = true;
		v = CARP_OK;
	}
	if (v != CARP_OK) {
		vh->counters[v < CARP_VERDICT_MAX ? v : CARP_BAD_HMAC]++;
		if (v >= CARP_VERDICT_MAX || !log_rate_ok(&vh->rate[v],
		    clock_mono_us(), VHOST_WARN_PERIOD_US, &held))
			return;
		if (v == CARP_BAD_HMAC) {
			carp_hmac_compute(&vh->auth, adv->counter, md);
			log_msg(LOG_WARNING, "%sBad digest - md2=[%02x%02x%02x%02x"
			    "...] md=[%02x%02x%02x%02x...] - Check vhid, password "
			    "and virtual IP address (from %u.%u.%u.%u; %llu so far)",
			    vh->prefix, adv->hmac[0], adv->hmac[1], adv->hmac[2],
			    adv->hmac[3], md[0], md[1], md[2], md[3],
			    adv->ip_src[0], adv->ip_src[1], adv->ip_src[2],
			    adv->ip_src[3],
			    (unsigned long long)vh->counters[v]);
		} else
			log_msg(LOG_WARNING, "%s%s from %u.%u.%u.%u (%llu so far)",
			    vh->prefix, v == CARP_BAD_IP_CKSUM ?
			    "Bad IP checksum" : "Bad CARP checksum",
			    adv->ip_src[0], adv->ip_src[1], adv->ip_src[2],
			    adv->ip_src[3],
			    (unsigned long long)vh->counters[v]);
		return;
	}
	if (vh->cfg->replay_protect && !carp_replay_accept(&vh->replay,
	    adv->ip_src, adv->counter, clock_mono_us(), clock_wall_us(),
	    carp_fsm_down_us(&vh->fsm))) {
		vh->counters[CARP_REPLAY]++;
		if (log_rate_ok(&vh->rate[CARP_REPLAY], clock_mono_us(),
		    VHOST_WARN_PERIOD_US, &held))
			log_msg(LOG_WARNING, "%sreplayed or stale advert from "
			    "%u.%u.%u.%u: its counter does not advance, or "
			    "lies over %d s from our clock after a silence; "
			    "dropped (%llu so far; check both clocks, NTP)",
			    vh->prefix, adv->ip_src[0], adv->ip_src[1],
			    adv->ip_src[2], adv->ip_src[3],
			    (int)(CARP_REPLAY_SKEW_US / 1000000),
			    (unsigned long long)vh->counters[CARP_REPLAY]);
		return;
	}
	vh->received++;
	vh->counters[CARP_OK]++;
	log_debug("%sadvert from %u.%u.%u.%u: advbase %u advskew %u",
	    vh->prefix, adv->ip_src[0], adv->ip_src[1], adv->ip_src[2],
	    adv->ip_src[3], adv->advbase, adv->advskew);
	memset(&ev, 0, sizeof(ev));
	ev.type = CARP_EV_ADVERT;
	ev.adv.advbase = adv->advbase;
	ev.adv.advskew = adv->advskew;
	memcpy(ev.adv.src, adv->ip_src, 4);
	ev.adv.counter = adv->counter;
	vhost_step(vh, &ev, 0);
}

static void
vhost_link(void *arg, bool up)
{
	struct vhost		*vh = arg;
	struct carp_event	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = up ? CARP_EV_LINK_UP : CARP_EV_LINK_DOWN;
	vhost_step(vh, &ev, 0);
}

static void
vhost_params(const struct cfg_vhost *cv, struct carp_params *p)
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
	memcpy(p->srcip, cv->srcip, 4);
}

struct vhost *
vhost_new(struct cfg_vhost *cv)
{
	struct vhost		*vh;
	struct carp_params	 p;

	vh = xcalloc(1, sizeof(*vh));
	vh->cfg = cv;
	vh->prefix = vhost_make_prefix(cv);
	if (!carp_auth_init(&vh->auth, cv->pass, cv->passlen, cv->vhid,
	    (const uint8_t (*)[4])cv->addrs, cv->naddrs)) {
		log_msg(LOG_ERR, "%sPassword too long (at most %d bytes)",
		    vh->prefix, CARP_PASS_MAX);
		goto fail;
	}
	if ((vh->ifp = iface_get(cv->interface, !vhost_legacy)) == NULL)
		goto fail;
	if (!iface_attach(vh->ifp, cv->vhid, vhost_input, vhost_link, vh)) {
		log_msg(LOG_ERR, "%svhid %u is already used on %s", vh->prefix,
		    cv->vhid, cv->interface);
		iface_put(vh->ifp);
		goto fail;
	}
	if (!cv->nomcast)
		iface_join(vh->ifp, cv->mcast);
	vhost_params(cv, &p);
	carp_fsm_init(&vh->fsm, &p);
	vh->timer = evtimer_new(vhost_base, vhost_timer_cb, vh);
	vh->sq = script_q_new(vh->prefix);
	return vh;
fail:
	carp_auth_free(&vh->auth);
	free(vh->prefix);
	free(vh);
	return NULL;
}

void
vhost_free(struct vhost *vh)
{
	if (vh == NULL)
		return;
	if (vh->timer != NULL)
		event_free(vh->timer);
	iface_detach(vh->ifp, vh->cfg->vhid);
	if (!vh->cfg->nomcast)
		iface_leave(vh->ifp, vh->cfg->mcast);
	iface_put(vh->ifp);
	script_q_free(vh->sq);
	vhost_pend_clear(&vh->pend);
	free(vh->prefix);
	carp_auth_free(&vh->auth);
	carp_auth_free(&vh->auth_prev);
	cfg_vhost_free(vh->cfg);
	free(vh);
}

void
vhost_start(struct vhost *vh)
{
	struct carp_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = CARP_EV_START;
	vhost_step(vh, &ev, 0);
	if (!iface_running(vh->ifp))
		vhost_link(vh, false);
}

void
vhost_stepdown(struct vhost *vh)
{
	struct carp_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = CARP_EV_STEPDOWN;
	vhost_step(vh, &ev, 0);
}

void
vhost_shutdown(struct vhost *vh)
{
	struct carp_event	ev;

	if (!vh->cfg->shutdown) {
		/*
		 * Without -z ucarp ran no script on exit; neither do we.  The
		 * instance stops cold: no more adverts, packets or link events
		 * while the daemon waits for scripts already started.
		 */
		evtimer_del(vh->timer);
		iface_detach(vh->ifp, vh->cfg->vhid);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = CARP_EV_SHUTDOWN;
	vhost_step(vh, &ev, 0);
}

void
vhost_log_status(const struct vhost *vh)
{
	char	ifc[256];

	/* ucarp printed MASTER for INIT too; we name the real state. */
	log_info("%s%s on %s id %u", vh->prefix,
	    carp_state_name(vh->fsm.state), vh->cfg->interface, vh->cfg->vhid);
	iface_format_counters(vh->ifp, ifc, sizeof(ifc));
	log_info("%scounters: sent=%llu send_errors=%llu received=%llu "
	    "transitions=%llu own=%llu bad_group=%llu bad_ip_cksum=%llu "
	    "bad_carp_cksum=%llu bad_hmac=%llu replay=%llu %s", vh->prefix,
	    (unsigned long long)vh->sent,
	    (unsigned long long)vh->send_errors,
	    (unsigned long long)vh->received,
	    (unsigned long long)vh->transitions,
	    (unsigned long long)vh->counters[CARP_OWN],
	    (unsigned long long)vh->counters[CARP_BAD_GROUP],
	    (unsigned long long)vh->counters[CARP_BAD_IP_CKSUM],
	    (unsigned long long)vh->counters[CARP_BAD_CARP_CKSUM],
	    (unsigned long long)vh->counters[CARP_BAD_HMAC],
	    (unsigned long long)vh->counters[CARP_REPLAY], ifc);
}

/* The log prefix: "eth0 vhid 42 (web): ", empty on the command line. */
static char *
vhost_make_prefix(const struct cfg_vhost *cv)
{
	char	*p;

	if (vhost_legacy)
		p = xstrdup("");
	else if (cv->name != NULL)
		xasprintf(&p, "%s vhid %u (%s): ", cv->interface, cv->vhid,
		    cv->name);
	else
		xasprintf(&p, "%s vhid %u: ", cv->interface, cv->vhid);
	return p;
}

/* The virtual addresses differ, in value or order (the first is argv[2]). */
static bool
vhost_addrs_differ(const struct cfg_vhost *a, const struct cfg_vhost *b)
{
	return a->naddrs != b->naddrs ||
	    memcmp(a->addrs, b->addrs, a->naddrs * sizeof(*a->addrs)) != 0;
}

/*
 * A reload moved the addresses.  A master's old ones may be set up (its
 * up script started): the down script runs for them exactly as the old
 * configuration would have run it, then the up script for the new ones,
 * and gratuitous ARPs announce them; the state, timers and adverts do
 * not change.  If its up script is still waiting to start, nothing was
 * set up yet: that script just gets the new addresses (vhost_update).
 * A backup has nothing set up and takes the new set as it is.
 */
static void
vhost_move_addrs(struct vhost *vh, const struct cfg_vhost *old,
    bool undo_queued)
{
	struct carp_actions	 acts;
	char			*from, *to;

	from = vhost_addrs_str(old->addr_strs, old->naddrs);
	to = vhost_addrs_str(vh->cfg->addr_strs, vh->cfg->naddrs);
	if (vh->fsm.state != CARP_MASTER)
		log_info("%saddresses changed by the reload (%s -> %s); the "
		    "new ones are set up at the next takeover", vh->prefix,
		    from, to);
	else if (undo_queued) {
		log_info("%saddresses changed by the reload (%s -> %s): down "
		    "script for the old ones, then up script for the new "
		    "ones", vh->prefix, from, to);
		vhost_queue(vh, vh->cfg, vh->cfg->addr_strs, vh->cfg->naddrs,
		    SCRIPT_UP, CARP_MASTER, CARP_MASTER, VHOST_REASON_ADDRS,
		    VQ_PUSH);
	} else
		log_info("%saddresses changed by the reload (%s -> %s): the "
		    "waiting up script gets the new ones", vh->prefix, from,
		    to);
	free(from);
	free(to);
	acts.n = 0;
	carp_fsm_addrs_changed(&vh->fsm, &acts);
	vhost_exec(vh, &acts, 0);
}

/*
 * Apply a reloaded configuration of the same (interface, vhid) in place:
 * state, timers, counter, capture and script queue stay.  A new password
 * or address set changes the HMAC, so peers not reloaded yet would reject
 * our adverts (and take over) while we rejected theirs: for 60 s we go on
 * advertising with the old key, and for 120 s we accept both, so hosts
 * reloaded one at a time, up to 60 s apart, never see each other as
 * forged.  New addresses also move a master's scripts (vhost_move_addrs).
 * A script still waiting to start runs what the new configuration says
 * (path, xparam, name); a down script keeps the addresses it was queued
 * with, because it undoes what the up script before it set up.  Returns
 * false (nothing changed, cv not taken) if the new settings cannot be
 * used.
 */
bool
vhost_update(struct vhost *vh, struct cfg_vhost *cv, unsigned changed)
{
	struct carp_auth	 na;
	struct carp_params	 p;
	struct carp_actions	 acts;
	struct cfg_vhost	*old = vh->cfg;
	struct vhost_pend	*pd = &vh->pend;
	enum script_kind	 waiting;
	bool			 moved, undo = false;

	if ((changed & CFG_CH_AUTH) && !carp_auth_init(&na, cv->pass,
	    cv->passlen, cv->vhid, (const uint8_t (*)[4])cv->addrs,
	    cv->naddrs)) {
		log_msg(LOG_ERR, "%sreload: unusable password or addresses; "
		    "kept the old ones", vh->prefix);
		return false;
	}
	if (changed & CFG_CH_AUTH) {
		/* Keep the key peers accept now: the one we send. */
		if (vh->prev_send_until == 0)
			carp_auth_move(&vh->auth_prev, &vh->auth);
		carp_auth_move(&vh->auth, &na);
		vh->prev_send_until = clock_mono_us() + VHOST_REKEY_GRACE_US;
		vh->prev_until = vh->prev_send_until + VHOST_REKEY_GRACE_US;
		vh->prev_heard = false;
	}
	moved = vhost_addrs_differ(old, cv);
	waiting = script_q_waiting(vh->sq);
	if (moved && vh->fsm.state == CARP_MASTER && waiting != SCRIPT_UP) {
		/* Before anything changes: the old script, label, addresses. */
		vhost_queue(vh, old, old->addr_strs, old->naddrs, SCRIPT_DOWN,
		    CARP_BACKUP, CARP_MASTER, VHOST_REASON_ADDRS, VQ_UNDO);
		undo = true;
	}
	if (changed & CFG_CH_GROUP) {
		if (!old->nomcast)
			iface_leave(vh->ifp, old->mcast);
		if (!cv->nomcast)
			iface_join(vh->ifp, cv->mcast);
	}
	vh->cfg = cv;
	if (changed & CFG_CH_NAME) {
		free(vh->prefix);
		vh->prefix = vhost_make_prefix(cv);
		script_q_set_label(vh->sq, vh->prefix);
	}
	if (changed & CFG_CH_PROTO) {
		vhost_params(cv, &p);
		acts.n = 0;
		carp_fsm_set_params(&vh->fsm, &p, clock_mono_us(), &acts);
		vhost_exec(vh, &acts, 0);
	}
	if (!undo && waiting != SCRIPT_NONE &&
	    (moved || (changed & (CFG_CH_SCRIPTS | CFG_CH_NAME)))) {
		if (waiting == SCRIPT_DOWN)
			vhost_queue(vh, cv, pd->addrs, pd->naddrs, waiting,
			    pd->state, pd->prev, pd->reason, VQ_REPOINT);
		else
			vhost_queue(vh, cv, cv->addr_strs, cv->naddrs, waiting,
			    pd->state, pd->prev, pd->reason, VQ_REPOINT);
	}
	if (moved)
		vhost_move_addrs(vh, old, undo);
	cfg_vhost_free(old);
	return true;
}

/*
 * Removed by a reload: a master bows out (advbase 255, advskew 255) so a
 * peer takes over at once, and runs its down script; the script queue
 * outlives the instance until that script has run.
 */
void
vhost_remove(struct vhost *vh)
{
	struct carp_params	p;
	struct carp_actions	acts;
	struct carp_event	ev;

	if (vh->fsm.state == CARP_MASTER) {
		vhost_params(vh->cfg, &p);
		p.bowout = true;
		acts.n = 0;
		carp_fsm_set_params(&vh->fsm, &p, clock_mono_us(), &acts);
		vhost_exec(vh, &acts, 0);
		memset(&ev, 0, sizeof(ev));
		ev.type = CARP_EV_SHUTDOWN;
		vhost_step(vh, &ev, 0);
	}
	log_info("%sremoved by the reload", vh->prefix);
	script_q_release(vh->sq);
	vh->sq = NULL;
	vhost_free(vh);
}

enum carp_state
vhost_state(const struct vhost *vh)
{
	return vh->fsm.state;
}

const struct cfg_vhost *
vhost_cfg(const struct vhost *vh)
{
	return vh->cfg;
}
