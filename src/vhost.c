/*
 * vhost.c: one CARP instance's life cycle and the driver of its state
 * machine: feeds it events (timer, link, signals), carries out the
 * actions it returns (transitions, adverts, GARPs, scripts, notices) and
 * arms its one timer.  Receiving is in vhost_rx.c, scripts in
 * vhost_script.c, reload in vhost_reload.c (see vhost_priv.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cfg_mem.h"
#include "clock.h"
#include "iface.h"
#include "vhost.h"
#include "vhost_priv.h"
#include "xmalloc.h"

#define VHOST_FEEDBACK_MAX	4	/* send-result rounds per event */

static struct event_base	*vhost_base;
static bool			 vhost_legacy;
/*
 * Failed sends, all instances together: with ignoreifstate on a vanished
 * interface every advert of every instance on it fails.
 */
static struct log_rate		 vhost_send_rate;

void
vhost_init(struct event_base *base, bool legacy)
{
	vhost_base = base;
	vhost_legacy = legacy;
}

/* Arm the one timer at the machine's earliest deadline. */
void
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
	vhost_event(arg, CARP_EV_TIMER);
}

/* The rekey window closed: the old key is of no use any more. */
void
vhost_rekey_close(struct vhost *vh, int64_t now)
{
	if (carp_rekey_close(&vh->rekey, now))
		carp_auth_free(&vh->auth_old);
}

/* The key adverts go out with now (carp_rekey.h). */
static const struct carp_auth *
vhost_tx_auth(struct vhost *vh)
{
	int64_t			now = clock_mono_us();
	enum carp_rekey_key	k;
	bool			switched;

	k = carp_rekey_tx(&vh->rekey, now, &switched);
	if (switched)
		log_info("%snow advertising with the new password and "
		    "addresses", vh->prefix);
	vhost_rekey_close(vh, now);
	return k == CARP_REKEY_OLD ? &vh->auth_old : &vh->auth;
}

/*
 * A send failed: log it at most once a second over all instances, saying
 * how many failures were not logged since the last line.
 */
static void
vhost_send_failed(struct vhost *vh, const char *what, const char *addr)
{
	unsigned	held;
	char		more[64] = "";

	if (!log_rate_ok(&vhost_send_rate, clock_mono_us(),
	    VHOST_WARN_PERIOD_US, &held))
		return;
	if (held > 0)
		snprintf(more, sizeof(more), " (%u more failed sends since the "
		    "last report)", held);
	log_msg(LOG_WARNING, "%s%s%s%s on %s%s", vh->prefix, what,
	    addr != NULL ? " for " : "", addr != NULL ? addr : "",
	    vh->cfg->interface, more);
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
		vhost_send_failed(vh, "write() has failed: could not send an "
		    "advert", NULL);
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
			vhost_send_failed(vh, "could not send a gratuitous ARP",
			    vh->cfg->addr_strs[i]);
	}
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
void
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

/* An event that carries nothing but its type, at a feedback depth. */
static void
vhost_event_at(struct vhost *vh, enum carp_event_type type, int depth)
{
	struct carp_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	vhost_step(vh, &ev, depth);
}

void
vhost_event(struct vhost *vh, enum carp_event_type type)
{
	vhost_event_at(vh, type, 0);
}

/* Carry out the machine's actions in order; send results go back in. */
void
vhost_exec(struct vhost *vh, const struct carp_actions *acts, int depth)
{
	const struct carp_action *a;
	size_t			 i;
	int			 sent[CARP_ACTIONS_MAX] = { 0 }, nsent = 0;

	for (i = 0; i < acts->n; i++) {
		a = &acts->a[i];
		switch (a->type) {
		case CARP_ACT_TRANSITION:
			vhost_log_transition(vh, a);
			break;
		case CARP_ACT_SEND_ADVERT:
			sent[nsent++] = vhost_send_advert(vh, a);
			break;
		case CARP_ACT_SEND_GARP:
			vhost_send_garp(vh);
			break;
		case CARP_ACT_SCRIPT_UP:
		case CARP_ACT_SCRIPT_DOWN:
			vhost_script_transition(vh, a);
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
	/* Each advert's result, in order, as SEND_OK or SEND_FAIL. */
	for (i = 0; i < (size_t)nsent && depth < VHOST_FEEDBACK_MAX; i++)
		vhost_event_at(vh, sent[i] == 0 ? CARP_EV_SEND_OK :
		    CARP_EV_SEND_FAIL, depth + 1);
	if (depth == 0)
		vhost_arm(vh);
}

static void
vhost_link(void *arg, bool up)
{
	vhost_event(arg, up ? CARP_EV_LINK_UP : CARP_EV_LINK_DOWN);
}

void
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
	if (!iface_attach(vh->ifp, cv->vhid, vhost_rx_input, vhost_link,
	    vh)) {
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
	vhost_script_rec_clear(&vh->queued);
	free(vh->prefix);
	carp_auth_free(&vh->auth);
	carp_auth_free(&vh->auth_old);
	cfg_vhost_free(vh->cfg);
	free(vh);
}

void
vhost_start(struct vhost *vh)
{
	vhost_event(vh, CARP_EV_START);
	if (!iface_running(vh->ifp))
		vhost_link(vh, false);
}

void
vhost_stepdown(struct vhost *vh)
{
	vhost_event(vh, CARP_EV_STEPDOWN);
}

void
vhost_shutdown(struct vhost *vh)
{
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
	vhost_event(vh, CARP_EV_SHUTDOWN);
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
char *
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
