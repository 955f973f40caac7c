/*
 * instance_rx.c: an instance's receive policy.  A frame iface.c has parsed
 * for our vhid is checked for our own source and our group, verified
 * (checksums, HMAC with the current key or, inside a rekey window, the
 * old one), checked against replays, counted by verdict, and given to the
 * state machine; rejections are logged at most once a second per cause.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "instance_priv.h"

/*
 * Checksums and HMAC.  Inside a rekey window an advert the current key
 * rejects may carry the old one: a peer not reloaded yet.
 */
static enum carp_verdict
instance_rx_verify(struct instance *inst, const uint8_t *frame, size_t len,
    const struct carp_advert *adv, int64_t now)
{
	enum carp_verdict	v;
	char			ip[CARP_ADDR4_STRLEN];

	v = carp_pkt_verify(frame, len, adv, &inst->auth);
	instance_rekey_close(inst, now);
	if (v != CARP_BAD_HMAC || !carp_rekey_accepts_old(&inst->rekey, now) ||
	    carp_pkt_verify(frame, len, adv, &inst->auth_old) != CARP_OK)
		return v;
	if (carp_rekey_heard_old(&inst->rekey))
		log_info("%speer %s still uses the previous password or "
		    "addresses (accepted for %d s after a reload)", inst->prefix,
		    carp_addr_fmt4(adv->ip_src, ip),
		    CARP_REKEY_ACCEPT_US / 1000000);
	return CARP_OK;
}

/*
 * "Bad digest" as ucarp logged it: the first bytes of the received HMAC
 * (md2) and of the one we expected (md).  The expected one is computed
 * again here, only for the lines the rate limit lets through: the check
 * compares in constant time and does not hand out its digest.
 */
static void
instance_rx_log_bad_digest(struct instance *inst, const struct carp_advert *adv)
{
	uint8_t	md[CARP_HMAC_LEN];
	char	ip[CARP_ADDR4_STRLEN];

	carp_hmac_compute(&inst->auth, adv->counter, md);
	log_msg(LOG_WARNING, "%sBad digest - md2=[%02x%02x%02x%02x...] "
	    "md=[%02x%02x%02x%02x...] - Check vhid, password and virtual IP "
	    "address (from %s; %llu so far)", inst->prefix, adv->hmac[0],
	    adv->hmac[1], adv->hmac[2], adv->hmac[3], md[0], md[1], md[2],
	    md[3], carp_addr_fmt4(adv->ip_src, ip),
	    (unsigned long long)inst->counters[CARP_BAD_HMAC]);
	explicit_bzero(md, sizeof(md));
}

/* Count a frame that failed verification; log it at most once a second. */
static void
instance_rx_reject(struct instance *inst, enum carp_verdict v,
    const struct carp_advert *adv, int64_t now)
{
	char		ip[CARP_ADDR4_STRLEN];
	unsigned	held;

	inst->counters[v < CARP_VERDICT_MAX ? v : CARP_BAD_HMAC]++;
	if (v >= CARP_VERDICT_MAX || !log_rate_ok(&inst->rate[v], now,
	    INSTANCE_WARN_PERIOD_US, &held))
		return;
	instance_ctl_drops(inst, v);
	if (v == CARP_BAD_HMAC)
		instance_rx_log_bad_digest(inst, adv);
	else
		log_msg(LOG_WARNING, "%s%s from %s (%llu so far)", inst->prefix,
		    v == CARP_BAD_IP_CKSUM ? "Bad IP checksum" :
		    "Bad CARP checksum", carp_addr_fmt4(adv->ip_src, ip),
		    (unsigned long long)inst->counters[v]);
}

/* Replay protection (opt-in): true if the advert's counter advances. */
static bool
instance_rx_fresh(struct instance *inst, const struct carp_advert *adv, int64_t now)
{
	char		ip[CARP_ADDR4_STRLEN];
	unsigned	held;

	if (!inst->cfg->replay_protect || carp_replay_accept(&inst->replay,
	    adv->ip_src, adv->counter, now, clock_wall_us(),
	    carp_fsm_down_us(&inst->fsm)))
		return true;
	inst->counters[CARP_REPLAY]++;
	if (!log_rate_ok(&inst->rate[CARP_REPLAY], now,
	    INSTANCE_WARN_PERIOD_US, &held))
		return false;
	instance_ctl_drops(inst, CARP_REPLAY);
	log_msg(LOG_WARNING, "%sreplayed or stale advert from %s: its "
	    "counter does not advance, or lies over %d s from our clock "
	    "after a silence; dropped (%llu so far; check both clocks, NTP)",
	    inst->prefix, carp_addr_fmt4(adv->ip_src, ip),
	    (int)(CARP_REPLAY_SKEW_US / 1000000),
	    (unsigned long long)inst->counters[CARP_REPLAY]);
	return false;
}

/* A frame for our vhid: group, checksums, HMAC, replay, then the machine. */
void
instance_rx_input(void *arg, const uint8_t *frame, size_t len,
    const struct carp_advert *adv)
{
	struct instance		*inst = arg;
	struct carp_event	 ev;
	enum carp_verdict	 v;
	char			 ip[CARP_ADDR4_STRLEN];
	unsigned		 held;
	int64_t			 now = clock_mono_us();

	if (memcmp(adv->ip_src, instance_src4(inst->cfg), 4) == 0) {
		inst->counters[CARP_OWN]++;
		return;
	}
	if (memcmp(adv->ip_dst, inst->cfg->mcast, 4) != 0) {
		inst->counters[CARP_BAD_GROUP]++;
		if (log_rate_ok(&inst->rate[CARP_BAD_GROUP], now,
		    INSTANCE_WARN_PERIOD_US, &held)) {
			instance_ctl_drops(inst, CARP_BAD_GROUP);
			log_debug("%sIgnoring different multicast ip: [%s]",
			    inst->prefix, carp_addr_fmt4(adv->ip_dst, ip));
		}
		return;
	}
	if ((v = instance_rx_verify(inst, frame, len, adv, now)) != CARP_OK) {
		instance_rx_reject(inst, v, adv, now);
		return;
	}
	if (!instance_rx_fresh(inst, adv, now))
		return;
	inst->received++;
	inst->counters[CARP_OK]++;
	inst->heard = true;
	memcpy(inst->master, adv->ip_src, 4);
	log_debug("%sadvert from %s: advbase %u advskew %u", inst->prefix,
	    carp_addr_fmt4(adv->ip_src, ip), adv->advbase, adv->advskew);
	memset(&ev, 0, sizeof(ev));
	ev.type = CARP_EV_ADVERT;
	ev.adv.advbase = adv->advbase;
	ev.adv.advskew = adv->advskew;
	memcpy(ev.adv.src, adv->ip_src, 4);
	ev.adv.counter = adv->counter;
	instance_step(inst, &ev, 0);
}
