/*
 * instance.c: one CARP instance's life cycle and the driver of its state
 * machine: feeds it events (timer, link, signals), carries out the
 * actions it returns (transitions, adverts, GARPs, scripts, notices) and
 * arms its one timer.  Receiving is in instance_rx.c, scripts in
 * instance_script.c, reload in instance_reload.c (see instance_priv.h).
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
 * One HMAC work context for every key (carp_auth_share_work), and the
 * outer state of the last password keyed, for the next keys of that
 * password (carp_auth_share_outer: most have the defaults' one): made
 * with the first instance, freed with the last.
 */
static EVP_MD_CTX		*instance_hmac_work;
static struct carp_hmac_outer	*instance_hmac_outer;
static size_t			 instance_count;

void
instance_init(struct event_base *base, bool legacy)
{
	instance_base = base;
	instance_legacy = legacy;
}

struct event_base *
instance_event_base(void)
{
	return instance_base;
}

/* Arm the one timer at the machine's earliest deadline. */
void
instance_arm(struct instance *inst)
{
	struct timeval	tv;
	int64_t		d, now;

	d = carp_fsm_next_deadline(&inst->fsm);
	if (d == 0) {
		evtimer_del(inst->timer);
		return;
	}
	now = clock_mono_us();
	d = d > now ? d - now : 0;
	tv.tv_sec = (time_t)(d / 1000000);
	tv.tv_usec = (suseconds_t)(d % 1000000);
	evtimer_add(inst->timer, &tv);
}

static void
instance_timer_cb(int fd UNUSED, short what UNUSED, void *arg)
{
	instance_event(arg, CARP_EV_TIMER);
}

/* The rekey window closed: the old key is of no use any more. */
void
instance_rekey_close(struct instance *inst, int64_t now)
{
	if (carp_rekey_close(&inst->rekey, now) && inst->auth_old != NULL) {
		carp_auth_free(inst->auth_old);
		free(inst->auth_old);
		inst->auth_old = NULL;
	}
}

/* The key of cv, finished in the daemon's one work context. */
bool
instance_auth_init(struct carp_auth *auth, const struct cfg_instance *cv)
{
	if (!carp_auth_init(auth, cv->pass, cv->passlen, cv->vhid, cv->addrs,
	    cv->naddrs))
		return false;
	if (instance_hmac_work == NULL)
		instance_hmac_work = carp_hmac_work_new();
	carp_auth_share_work(auth, instance_hmac_work);
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
	carp_hmac_work_free(instance_hmac_work);
	instance_hmac_work = NULL;
	carp_hmac_outer_put(instance_hmac_outer);
	instance_hmac_outer = NULL;
}

/* The key adverts go out with now (carp_rekey.h). */
static const struct carp_auth *
instance_tx_auth(struct instance *inst)
{
	int64_t			now = clock_mono_us();
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

/* Send one frame; count it, or log what could not be sent. */
static int
instance_send_frame(struct instance *inst, const uint8_t *buf, size_t len,
    const char *what, const char *addr)
{
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
    uint8_t family, const char *what)
{
	const struct cfg_instance	*cv = inst->cfg;
	struct carp_addr		 src;
	char				 msg[128];
	size_t				 iplen, failed;
	int				 rc = 0, err = 0;

	if (cv->peer.n == 0 || cv->unicast_also_multicast)
		rc = instance_send_frame(inst, buf, len, what, NULL);
	if (cv->peer.n == 0)
		return rc;
	if (len == 0)		/* no source: say so once */
		return cv->unicast_also_multicast ? rc :
		    instance_send_frame(inst, buf, 0, what, NULL);
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
 * counter, as OpenBSD's.  Returns -1 if any of them failed.
 */
static int
instance_send_advert(struct instance *inst, const struct carp_action *a)
{
	const struct cfg_instance	*cv = inst->cfg;
	const struct carp_auth		*auth = instance_tx_auth(inst);
	static const char		 fail[] = "write() has failed: could "
					    "not send an advert";
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
		tx.ip_id = (uint16_t)clock_random64();
		memcpy(tx.src_ip, instance_src4(cv), 4);
		memcpy(tx.dst_ip, cv->mcast, 4);
		rc |= instance_send_family(inst, buf, carp_pkt_build(buf,
		    sizeof(buf), &tx, auth), CARP_AF_INET, fail);
	}
	if (instance_has(cv, CARP_AF_INET6)) {
		memcpy(tx.dst_ip6, carp_group6, 16);
		rc |= instance_send_family(inst, buf, instance_src6(inst,
		    tx.src_ip6) ? carp_pkt6_build(buf, sizeof(buf), &tx, auth) :
		    0, CARP_AF_INET6, "no IPv6 link-local address to send the "
		    "IPv6 advert from (or give an IPv6 srcip)");
	}
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
 * MAC, as ucarp does for IPv4.
 */
static void
instance_send_garp(struct instance *inst)
{
	const struct cfg_instance	*cv = inst->cfg;
	uint8_t				 buf[CARP_NA_LEN], src6[16];
	size_t				 i, len;
	bool				 v6, has_src6, router;

	inst->garps++;
	/* From the link-local address, as the BSDs; else an IPv6 srcip. */
	has_src6 = iface_ll6(inst->ifp, src6) || instance_src6(inst, src6);
	router = iface_forwarding6(inst->ifp);
	for (i = 0; i < cv->naddrs; i++) {
		v6 = cv->addrs[i].family == CARP_AF_INET6;
		if (v6)
			len = has_src6 ? carp_na_build(buf, sizeof(buf),
			    iface_mac(inst->ifp), src6, cv->addrs[i].a,
			    router) : 0;
		else
			len = carp_garp_build(buf, sizeof(buf),
			    iface_mac(inst->ifp), cv->addrs[i].a);
		instance_send_frame(inst, buf, len, v6 ? "could not send a "
		    "neighbour advertisement" : "could not send a gratuitous "
		    "ARP", cv->addr_strs[i]);
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

	ev->now = clock_mono_us();
	ev->rand = clock_random64();
	ev->wall = clock_wall_us();
	acts.n = 0;
	carp_fsm_step(&inst->fsm, ev, &acts);
	instance_exec(inst, &acts, depth);
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

void
instance_event(struct instance *inst, enum carp_event_type type)
{
	instance_event_at(inst, type, 0);
}

/* Carry out the machine's actions in order; send results go back in. */
void
instance_exec(struct instance *inst, const struct carp_actions *acts, int depth)
{
	const struct carp_action *a;
	size_t			 i;
	int			 sent[CARP_ACTIONS_MAX] = { 0 }, nsent = 0;

	for (i = 0; i < acts->n; i++) {
		a = &acts->a[i];
		switch (a->type) {
		case CARP_ACT_TRANSITION:
			instance_log_transition(inst, a);
			/* Before the GARPs and scripts that follow. */
			instance_addrs_transition(inst, a);
			break;
		case CARP_ACT_SEND_ADVERT:
			sent[nsent++] = instance_send_advert(inst, a);
			break;
		case CARP_ACT_SEND_GARP:
			instance_send_garp(inst);
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
	/* Each advert's result, in order, as SEND_OK or SEND_FAIL. */
	for (i = 0; i < (size_t)nsent && depth < INSTANCE_FEEDBACK_MAX; i++)
		instance_event_at(inst, sent[i] == 0 ? CARP_EV_SEND_OK :
		    CARP_EV_SEND_FAIL, depth + 1);
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
	inst->timer = evtimer_new(instance_base, instance_timer_cb, inst);
	inst->uc = ucast_new(cv->interface);
	ucast_set_peers(inst->uc, &cv->peer);
	inst->sq = script_q_new(inst->prefix);
	script_q_on_exit(inst->sq, instance_ctl_script_cb, inst);
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
	if (inst->timer != NULL)
		event_free(inst->timer);
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
	if (inst->auth_old != NULL)
		carp_auth_free(inst->auth_old);
	free(inst->auth_old);
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
		instance_send_garp(inst);
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
		evtimer_del(inst->timer);
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
