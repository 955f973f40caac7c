/*
 * instance_rx.c: an instance's receive policy.  A frame iface.c has parsed
 * for our vhid, IPv4 or IPv6, is checked for our own source and our group
 * (ff02::12 for IPv6), verified (checksums, HMAC with the current key or,
 * inside a rekey window, the old one), checked against replays, counted
 * by verdict, and given to the state machine with its tie-break key;
 * rejections are logged at most once a second per cause.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carp_pkt6.h"
#include "clock.h"
#include "instance_priv.h"
#include "xmalloc.h"

/* What the first drop or the first replay check made. */
void
instance_rx_free(struct instance *inst)
{
	free(inst->drops);
	free(inst->replay);
	inst->drops = NULL;
	inst->replay = NULL;
}

/* The verdict counters: the adverts taken, and the drops if any. */
void
instance_counters(const struct instance *inst,
    uint64_t out[CARP_VERDICT_MAX])
{
	if (inst->drops != NULL)
		memcpy(out, inst->drops->count, sizeof(inst->drops->count));
	else
		memset(out, 0, CARP_VERDICT_MAX * sizeof(out[0]));
	out[CARP_OK] = inst->received;
}

/*
 * Count a frame of verdict v that we do not take; the first one makes
 * the drop bookkeeping.  Returns the count so far.
 */
static uint64_t
instance_rx_count(struct instance *inst, enum carp_verdict v)
{
	if (inst->drops == NULL)
		inst->drops = xcalloc(1, sizeof(*inst->drops));
	return ++inst->drops->count[v];
}

/*
 * Whether a drop of verdict v, counted (instance_rx_count), may be
 * logged now: once a second per verdict.
 */
static bool
instance_rx_drop_ok(struct instance *inst, enum carp_verdict v, int64_t now)
{
	unsigned	held;

	return log_rate_ok(&inst->drops->rate[v], now,
	    INSTANCE_WARN_PERIOD_US, &held);
}

/* The advert's source (or destination) address, either family. */
static void
instance_rx_addr(const struct carp_advert *adv, bool dst, struct carp_addr *a)
{
	if (adv->ip6)
		carp_addr_from6(a, dst ? adv->ip6_dst : adv->ip6_src);
	else
		carp_addr_from4(a, dst ? adv->ip_dst : adv->ip_src);
}

/* The same as text, for logs. */
static const char *
instance_rx_fmt(const struct carp_advert *adv, bool dst,
    char buf[CARP_ADDR_STRLEN])
{
	struct carp_addr	a;

	instance_rx_addr(adv, dst, &a);
	return carp_addr_fmt(&a, buf);
}

#define instance_rx_src(adv, buf)	instance_rx_fmt((adv), false, (buf))

/* Our own advert come back: our source address of its family. */
static bool
instance_rx_own(struct instance *inst, const struct carp_advert *adv)
{
	uint8_t	src6[16];

	if (!adv->ip6)
		return memcmp(adv->ip_src, instance_src4(inst->cfg), 4) == 0;
	return instance_src6(inst, src6) && memcmp(adv->ip6_src, src6, 16) == 0;
}

/* The advert went to our group: -m's for IPv4, ff02::12 for IPv6. */
static bool
instance_rx_group(const struct instance *inst, const struct carp_advert *adv)
{
	/* With peers, multicast only during a migration. */
	if (inst->cfg->peer.n > 0 && !inst->cfg->unicast_also_multicast)
		return false;
	if (adv->ip6)
		return memcmp(adv->ip6_dst, carp_group6, 16) == 0;
	return memcmp(adv->ip_dst, inst->cfg->mcast, 4) == 0;
}

/*
 * Checksums and HMAC.  Inside a rekey window an advert the current key
 * rejects may carry the old one: a peer not reloaded yet.
 */
static enum carp_verdict
instance_rx_verify(struct instance *inst, const uint8_t *frame, size_t len,
    const struct carp_advert *adv, int64_t now)
{
	enum carp_verdict	v;
	char			ip[CARP_ADDR_STRLEN];

	v = carp_pkt_verify(frame, len, adv, &inst->auth);
	instance_rekey_close(inst, now);
	if (v != CARP_BAD_HMAC || !carp_rekey_accepts_old(&inst->rekey, now) ||
	    inst->auth_old == NULL ||
	    carp_pkt_verify(frame, len, adv, inst->auth_old) != CARP_OK)
		return v;
	if (carp_rekey_heard_old(&inst->rekey))
		log_info("%speer %s still uses the previous password or "
		    "addresses (accepted for %d s after a reload)", inst->prefix,
		    instance_rx_src(adv, ip),
		    CARP_REKEY_ACCEPT_US / 1000000);
	return CARP_OK;
}

/*
 * "Bad digest" as ucarp logged it: the first bytes of the received HMAC
 * (md2) and of the one we expected (md), then the likely cause: the HMAC
 * covers the vhid, the password and every address, so a peer holding
 * another address set (one reloaded and not the other, an extra IPv6
 * address) fails it as a wrong password does.  The expected one is
 * computed again here, only for the lines the rate limit lets through:
 * the check compares in constant time and does not hand out its digest.
 */
static void
instance_rx_log_bad_digest(struct instance *inst, const struct carp_advert *adv)
{
	uint8_t	md[CARP_HMAC_LEN];
	char	ip[CARP_ADDR_STRLEN];

	carp_hmac_compute(&inst->auth, adv->counter, md);
	instance_rx_src(adv, ip);
	log_msg(LOG_WARNING, "%sBad digest - md2=[%02x%02x%02x%02x...] "
	    "md=[%02x%02x%02x%02x...] - address set or password differs from "
	    "%s's; check vhid, password and virtual addresses on both hosts "
	    "(from %s; %llu so far)", inst->prefix, adv->hmac[0],
	    adv->hmac[1], adv->hmac[2], adv->hmac[3], md[0], md[1], md[2],
	    md[3], ip, ip, (unsigned long long)inst->drops->count[CARP_BAD_HMAC]);
	explicit_bzero(md, sizeof(md));
}

/* Count a frame that failed verification; log it at most once a second. */
static void
instance_rx_reject(struct instance *inst, enum carp_verdict v,
    const struct carp_advert *adv, int64_t now)
{
	char		ip[CARP_ADDR_STRLEN];

	instance_rx_count(inst, v < CARP_VERDICT_MAX ? v : CARP_BAD_HMAC);
	if (v >= CARP_VERDICT_MAX || !instance_rx_drop_ok(inst, v, now))
		return;
	instance_ctl_drops(inst, v);
	if (v == CARP_BAD_HMAC)
		instance_rx_log_bad_digest(inst, adv);
	else
		log_msg(LOG_WARNING, "%s%s from %s (%llu so far)", inst->prefix,
		    v == CARP_BAD_IP_CKSUM ? "Bad IP checksum" :
		    "Bad CARP checksum", instance_rx_src(adv, ip),
		    (unsigned long long)inst->drops->count[v]);
}

/* Replay protection (opt-in): true if the advert's counter advances. */
static bool
instance_rx_fresh(struct instance *inst, const struct carp_advert *adv,
    const uint8_t key[4], int64_t now)
{
	char		ip[CARP_ADDR_STRLEN];

	/* Peers are told apart by their tie-break key (4 bytes). */
	if (!inst->cfg->replay_protect)
		return true;
	if (inst->replay == NULL)
		inst->replay = xcalloc(1, sizeof(*inst->replay));
	if (carp_replay_accept(inst->replay, key, adv->counter, now,
	    clock_wall_us(), carp_fsm_down_us(&inst->fsm)))
		return true;
	instance_rx_count(inst, CARP_REPLAY);
	if (!instance_rx_drop_ok(inst, CARP_REPLAY, now))
		return false;
	instance_ctl_drops(inst, CARP_REPLAY);
	log_msg(LOG_WARNING, "%sreplayed or stale advert from %s: its "
	    "counter does not advance, or lies over %d s from our clock "
	    "after a silence; dropped (%llu so far; check both clocks, NTP)",
	    inst->prefix, instance_rx_src(adv, ip),
	    (int)(CARP_REPLAY_SKEW_US / 1000000),
	    (unsigned long long)inst->drops->count[CARP_REPLAY]);
	return false;
}

/*
 * A unicast advert: its TTL (or hop limit) must be 255 unless
 * unicast_ttl_check is off for routed peers, and its source one of our
 * peers.  Returns the verdict; *peer is the peer it came from.
 */
static enum carp_verdict
instance_rx_unicast(struct instance *inst, const struct carp_advert *adv,
    struct ucast_peer **peer)
{
	struct carp_addr	src;

	*peer = NULL;
	if (adv->ttl != CARP_TTL && (inst->cfg->peer.n == 0 ||
	    inst->cfg->unicast_ttl_check))
		return adv->ip6 ? CARP_BAD_HLIM : CARP_BAD_TTL;
	if (inst->cfg->peer.n == 0)
		return CARP_BAD_GROUP;
	instance_rx_addr(adv, false, &src);
	if ((*peer = ucast_find(inst->uc, &src)) == NULL)
		return CARP_NOT_PEER;
	return CARP_OK;
}

/* Count and log (once a second) a unicast advert we do not take. */
static void
instance_rx_unicast_drop(struct instance *inst, enum carp_verdict v,
    const struct carp_advert *adv, int64_t now)
{
	char		ip[CARP_ADDR_STRLEN];

	instance_rx_count(inst, v);
	if (!instance_rx_drop_ok(inst, v, now))
		return;
	instance_ctl_drops(inst, v);
	if (v == CARP_BAD_GROUP)
		log_debug("%sIgnoring different multicast ip: [%s]",
		    inst->prefix, instance_rx_fmt(adv, true, ip));
	else
		log_msg(LOG_WARNING, "%s%s unicast advert from %s (TTL %u): "
		    "dropped (%llu so far%s)", inst->prefix, v == CARP_NOT_PEER ?
		    "not a peer's" : "bad TTL or hop limit in a",
		    instance_rx_src(adv, ip), adv->ttl,
		    (unsigned long long)inst->drops->count[v], v == CARP_NOT_PEER ?
		    "; list it in peer if it is one" : "; set "
		    "unicast_ttl_check = false for routed peers");
}

/* A frame for our vhid: group, checksums, HMAC, replay, then the machine. */
void
instance_rx_input(void *arg, const uint8_t *frame, size_t len,
    const struct carp_advert *adv)
{
	struct instance		*inst = arg;
	struct carp_event	 ev;
	struct carp_addr	 src;
	struct ucast_peer	*peer = NULL;
	enum carp_verdict	 v;
	char			 ip[CARP_ADDR_STRLEN];
	uint8_t			 key[4];
	int64_t			 now = clock_mono_us();

	if (instance_rx_own(inst, adv)) {
		instance_rx_count(inst, CARP_OWN);
		return;
	}
	if (adv->unicast) {
		if ((v = instance_rx_unicast(inst, adv, &peer)) != CARP_OK) {
			instance_rx_unicast_drop(inst, v, adv, now);
			return;
		}
	} else if (!instance_rx_group(inst, adv)) {
		instance_rx_count(inst, CARP_BAD_GROUP);
		if (instance_rx_drop_ok(inst, CARP_BAD_GROUP, now)) {
			instance_ctl_drops(inst, CARP_BAD_GROUP);
			log_debug("%sIgnoring different multicast ip: [%s]",
			    inst->prefix, instance_rx_fmt(adv, true, ip));
		}
		return;
	}
	if ((v = instance_rx_verify(inst, frame, len, adv, now)) != CARP_OK) {
		if (peer != NULL)
			peer->drops++;
		instance_rx_reject(inst, v, adv, now);
		return;
	}
	instance_rx_addr(adv, false, &src);
	carp_tiebreak_key(&inst->cfg->srcip, &src, key);
	if (!instance_rx_fresh(inst, adv, key, now)) {
		if (peer != NULL)
			peer->drops++;
		return;
	}
	if (peer != NULL) {
		peer->received++;
		peer->heard_us = (int64_t)clock_wall_us();
	}
	inst->received++;		/* CARP_OK's counter too */
	inst->heard = true;
	/*
	 * The last master heard (ctl_proto.h): its IPv4 source if the vhid
	 * advertises over IPv4, so that a dual-stack master shows as one
	 * address, not as two taking turns.
	 */
	if (!adv->ip6 || !instance_has(inst->cfg, CARP_AF_INET))
		inst->master = src;
	log_debug("%sadvert from %s: advbase %u advskew %u", inst->prefix,
	    instance_rx_src(adv, ip), adv->advbase, adv->advskew);
	memset(&ev, 0, sizeof(ev));
	ev.type = CARP_EV_ADVERT;
	ev.now = now;		/* the clock read once per advert */
	ev.adv.advbase = adv->advbase;
	ev.adv.advskew = adv->advskew;
	memcpy(ev.adv.src, key, 4);
	ev.adv.counter = adv->counter;
	ev.adv.yields_tie = carp_mac_is_bsd(adv->src_mac, adv->vhid);
	instance_step(inst, &ev, 0);
}
