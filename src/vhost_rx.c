/*
 * vhost_rx.c: an instance's receive policy.  A frame iface.c has parsed
 * for our vhid is checked for our own source and our group, verified
 * (checksums, HMAC with the current key or, inside a rekey window, the
 * old one), checked against replays, counted by verdict, and given to the
 * state machine; rejections are logged at most once a second per cause.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "vhost_priv.h"

#define VHOST_IP4_LEN	16	/* "255.255.255.255" */

/* An IPv4 address as text into buf; returns buf. */
static const char *
vhost_ip4(char buf[VHOST_IP4_LEN], const uint8_t a[4])
{
	snprintf(buf, VHOST_IP4_LEN, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	return buf;
}

/*
 * Checksums and HMAC.  Inside a rekey window an advert the current key
 * rejects may carry the old one: a peer not reloaded yet.
 */
static enum carp_verdict
vhost_rx_verify(struct vhost *vh, const uint8_t *frame, size_t len,
    const struct carp_advert *adv, int64_t now)
{
	enum carp_verdict	v;
	char			ip[VHOST_IP4_LEN];

	v = carp_pkt_verify(frame, len, adv, &vh->auth);
	vhost_rekey_close(vh, now);
	if (v != CARP_BAD_HMAC || !carp_rekey_accepts_old(&vh->rekey, now) ||
	    carp_pkt_verify(frame, len, adv, &vh->auth_old) != CARP_OK)
		return v;
	if (carp_rekey_heard_old(&vh->rekey))
		log_info("%speer %s still uses the previous password or "
		    "addresses (accepted for %d s after a reload)", vh->prefix,
		    vhost_ip4(ip, adv->ip_src),
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
vhost_rx_log_bad_digest(struct vhost *vh, const struct carp_advert *adv)
{
	uint8_t	md[CARP_HMAC_LEN];
	char	ip[VHOST_IP4_LEN];

	carp_hmac_compute(&vh->auth, adv->counter, md);
	log_msg(LOG_WARNING, "%sBad digest - md2=[%02x%02x%02x%02x...] "
	    "md=[%02x%02x%02x%02x...] - Check vhid, password and virtual IP "
	    "address (from %s; %llu so far)", vh->prefix, adv->hmac[0],
	    adv->hmac[1], adv->hmac[2], adv->hmac[3], md[0], md[1], md[2],
	    md[3], vhost_ip4(ip, adv->ip_src),
	    (unsigned long long)vh->counters[CARP_BAD_HMAC]);
	explicit_bzero(md, sizeof(md));
}

/* Count a frame that failed verification; log it at most once a second. */
static void
vhost_rx_reject(struct vhost *vh, enum carp_verdict v,
    const struct carp_advert *adv, int64_t now)
{
	char		ip[VHOST_IP4_LEN];
	unsigned	held;

	vh->counters[v < CARP_VERDICT_MAX ? v : CARP_BAD_HMAC]++;
	if (v >= CARP_VERDICT_MAX || !log_rate_ok(&vh->rate[v], now,
	    VHOST_WARN_PERIOD_US, &held))
		return;
	if (v == CARP_BAD_HMAC)
		vhost_rx_log_bad_digest(vh, adv);
	else
		log_msg(LOG_WARNING, "%s%s from %s (%llu so far)", vh->prefix,
		    v == CARP_BAD_IP_CKSUM ? "Bad IP checksum" :
		    "Bad CARP checksum", vhost_ip4(ip, adv->ip_src),
		    (unsigned long long)vh->counters[v]);
}

/* Replay protection (opt-in): true if the advert's counter advances. */
static bool
vhost_rx_fresh(struct vhost *vh, const struct carp_advert *adv, int64_t now)
{
	char		ip[VHOST_IP4_LEN];
	unsigned	held;

	if (!vh->cfg->replay_protect || carp_replay_accept(&vh->replay,
	    adv->ip_src, adv->counter, now, clock_wall_us(),
	    carp_fsm_down_us(&vh->fsm)))
		return true;
	vh->counters[CARP_REPLAY]++;
	if (log_rate_ok(&vh->rate[CARP_REPLAY], now, VHOST_WARN_PERIOD_US,
	    &held))
		log_msg(LOG_WARNING, "%sreplayed or stale advert from %s: its "
		    "counter does not advance, or lies over %d s from our "
		    "clock after a silence; dropped (%llu so far; check both "
		    "clocks, NTP)", vh->prefix, vhost_ip4(ip, adv->ip_src),
		    (int)(CARP_REPLAY_SKEW_US / 1000000),
		    (unsigned long long)vh->counters[CARP_REPLAY]);
	return false;
}

/* A frame for our vhid: group, checksums, HMAC, replay, then the machine. */
void
vhost_rx_input(void *arg, const uint8_t *frame, size_t len,
    const struct carp_advert *adv)
{
	struct vhost		*vh = arg;
	struct carp_event	 ev;
	enum carp_verdict	 v;
	char			 ip[VHOST_IP4_LEN];
	unsigned		 held;
	int64_t			 now = clock_mono_us();

	if (memcmp(adv->ip_src, vh->cfg->srcip, 4) == 0) {
		vh->counters[CARP_OWN]++;
		return;
	}
	if (memcmp(adv->ip_dst, vh->cfg->mcast, 4) != 0) {
		vh->counters[CARP_BAD_GROUP]++;
		if (log_rate_ok(&vh->rate[CARP_BAD_GROUP], now,
		    VHOST_WARN_PERIOD_US, &held))
			log_debug("%sIgnoring different multicast ip: [%s]",
			    vh->prefix, vhost_ip4(ip, adv->ip_dst));
		return;
	}
	if ((v = vhost_rx_verify(vh, frame, len, adv, now)) != CARP_OK) {
		vhost_rx_reject(vh, v, adv, now);
		return;
	}
	if (!vhost_rx_fresh(vh, adv, now))
		return;
	vh->received++;
	vh->counters[CARP_OK]++;
	log_debug("%sadvert from %s: advbase %u advskew %u", vh->prefix,
	    vhost_ip4(ip, adv->ip_src), adv->advbase, adv->advskew);
	memset(&ev, 0, sizeof(ev));
	ev.type = CARP_EV_ADVERT;
	ev.adv.advbase = adv->advbase;
	ev.adv.advskew = adv->advskew;
	memcpy(ev.adv.src, adv->ip_src, 4);
	ev.adv.counter = adv->counter;
	vhost_step(vh, &ev, 0);
}
