/*
 * fuzz_pkt.c: libFuzzer target for the CARP codecs (carp_pkt.c,
 * carp_pkt6.c, carp_na.c, carp_hmac.c).
 *
 * The input is a frame from the wire, Ethernet header first.  It is
 * parsed as IPv4 and as IPv6, and verified against the captures' instance
 * (vhid 42, password "love", VIP 198.18.0.100) so that captured adverts
 * reach the HMAC.  The same bytes then drive the builders: an advert of
 * either family built from them must parse back to the same fields and
 * verify, and the gratuitous ARP and the NA must hold what they were
 * given.  Any disagreement aborts: it is a codec bug.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carp_hmac.h"
#include "carp_na.h"
#include "carp_pkt.h"
#include "carp_pkt6.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Input bytes handed out in order; zeros once they run out. */
struct reader {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
};

static struct carp_auth	capture_auth;
static bool		capture_auth_ready;

/* Print what disagreed and abort, so libFuzzer keeps the input. */
static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_pkt: %s\n", what);
	abort();
}

static uint8_t
rd8(struct reader *r)
{
	if (r->off >= r->len)
		return 0;
	return r->p[r->off++];
}

static void
rdn(struct reader *r, uint8_t *out, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		out[i] = rd8(r);
}

static uint64_t
rd64(struct reader *r)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++)
		v = v << 8 | rd8(r);
	return v;
}

/* The instance of tests/data/ucarp-1.5.2-*.pcap. */
static const struct carp_auth *
capture_auth_get(void)
{
	static const uint8_t	vip4[4] = { 198, 18, 0, 100 };
	struct carp_addr	vip;

	if (!capture_auth_ready) {
		carp_addr_from4(&vip, vip4);
		if (!carp_auth_init(&capture_auth, (const uint8_t *)"love", 4,
		    42, &vip, 1))
			fail("carp_auth_init refused the capture instance");
		capture_auth_ready = true;
	}
	return &capture_auth;
}

/*
 * The frame with both checksums made right, so that mutated adverts
 * (IP options, other fields) get past the sums to the HMAC.
 */
static void
check_fixed(const uint8_t *frame, size_t len, const struct carp_advert *adv)
{
	struct carp_advert	 fadv;
	enum carp_verdict	 v;
	uint8_t			*buf, *ip, *carp;
	uint16_t		 sum;

	if ((buf = malloc(len)) == NULL)
		fail("out of memory");
	memcpy(buf, frame, len);
	ip = buf + CARP_ETH_LEN;
	carp = ip + adv->ip_hlen;
	ip[10] = ip[11] = 0;
	sum = carp_cksum(ip, adv->ip_hlen);
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
	carp[6] = carp[7] = 0;
	sum = carp_cksum(carp, CARP_HDR_LEN);
	carp[6] = (uint8_t)(sum >> 8);
	carp[7] = (uint8_t)sum;
	if (carp_cksum(ip, adv->ip_hlen) != 0 ||
	    carp_cksum(carp, CARP_HDR_LEN) != 0)
		fail("carp_cksum: a stored checksum does not sum to 0");

	if (carp_pkt_parse(buf, len, &fadv) != CARP_OK)
		fail("carp_pkt_parse: refused the frame once its sums were fixed");
	if (fadv.vhid != adv->vhid || fadv.counter != adv->counter ||
	    fadv.ip_hlen != adv->ip_hlen ||
	    memcmp(fadv.hmac, adv->hmac, CARP_HMAC_LEN) != 0)
		fail("carp_pkt_parse: fixing the sums changed other fields");
	v = carp_pkt_verify(buf, len, &fadv, capture_auth_get());
	if (v != CARP_OK && v != CARP_BAD_HMAC) {
		fprintf(stderr, "verdict %s\n", carp_verdict_name(v));
		fail("carp_pkt_verify: bad checksum verdict after fixing them");
	}
	free(buf);
}

/* Parse and verify the frame as the receive path does. */
static void
check_rx(const uint8_t *frame, size_t len, struct carp_advert *adv)
{
	enum carp_verdict	v, vv;
	uint8_t			mac[CARP_HMAC_LEN];

	v = carp_pkt_parse(frame, len, adv);
	if ((unsigned int)v >= CARP_VERDICT_MAX)
		fail("carp_pkt_parse: verdict out of range");
	if (strcmp(carp_verdict_name(v), "unknown") == 0)
		fail("carp_pkt_parse: verdict without a name");
	/* IPv6 frames are check_rx6()'s. */
	if (v != CARP_OK || adv->ip6)
		return;
	if (len < CARP_FRAME_LEN || adv->ip_hlen < CARP_IP_LEN ||
	    adv->ip_hlen > 60 || CARP_ETH_LEN + adv->ip_hlen + CARP_HDR_LEN > len)
		fail("carp_pkt_parse: CARP_OK for a frame too short for it");

	vv = carp_pkt_verify(frame, len, adv, capture_auth_get());
	switch (vv) {
	case CARP_OK:
		/* An accepted HMAC is the one we would send. */
		carp_hmac_compute(capture_auth_get(), adv->counter, mac);
		if (memcmp(mac, adv->hmac, CARP_HMAC_LEN) != 0)
			fail("carp_pkt_verify: CARP_OK for a wrong HMAC");
		if (carp_cksum(frame + CARP_ETH_LEN, adv->ip_hlen) != 0)
			fail("carp_pkt_verify: CARP_OK with a bad IP checksum");
		break;
	case CARP_BAD_IP_CKSUM:
	case CARP_BAD_CARP_CKSUM:
	case CARP_BAD_HMAC:
		break;
	default:
		fail("carp_pkt_verify: unexpected verdict after CARP_OK");
	}
	check_fixed(frame, len, adv);
}

/* An auth from the input: password, vhid, 1 to 8 addresses, both families. */
static void
auth_from(struct reader *r, struct carp_auth *auth, uint8_t vhid)
{
	struct carp_addr	addrs[8];
	uint8_t			pass[CARP_PASS_MAX + 1];
	size_t			passlen, naddrs, i;

	passlen = 1 + rd8(r) % CARP_PASS_MAX;
	rdn(r, pass, passlen);
	naddrs = 1 + rd8(r) % 8;
	for (i = 0; i < naddrs; i++) {
		memset(&addrs[i], 0, sizeof(addrs[i]));
		addrs[i].family = rd8(r) & 1 ? CARP_AF_INET6 : CARP_AF_INET;
		addrs[i].prefix = CARP_PREFIX_NONE;
		rdn(r, addrs[i].a, carp_addr_len(&addrs[i]));
	}
	/* Out of range: an empty or 20-byte password, no address. */
	if (carp_auth_init(auth, pass, 0, vhid, addrs,
	    naddrs) ||
	    carp_auth_init(auth, pass, CARP_PASS_MAX + 1, vhid,
	    addrs, naddrs) ||
	    carp_auth_init(auth, pass, passlen, vhid,
	    addrs, 0))
		fail("carp_auth_init accepted an invalid auth");
	if (!carp_auth_init(auth, pass, passlen, vhid,
	    addrs, naddrs))
		fail("carp_auth_init refused a valid auth");
	if (auth->naddrs != naddrs || auth->passlen != passlen ||
	    memcmp(auth->pass, pass, passlen) != 0 || auth->vhid != vhid)
		fail("carp_auth_init: auth differs from its arguments");
	for (i = 1; i < auth->naddrs; i++)
		if (carp_addr_cmp(&auth->addrs[i - 1], &auth->addrs[i]) > 0)
			fail("carp_auth_init: addresses not sorted");
}

/* Build an advert, parse it back: every field must survive. */
static void
check_roundtrip(const struct carp_tx *tx, const struct carp_auth *auth)
{
	struct carp_advert	 adv;
	uint8_t			*buf, mac[CARP_HMAC_LEN];
	uint8_t			 dst[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t			 src[6] = { 0, 0, 0x5e, 0, 0, 0 };
	enum carp_verdict	 v;

	if ((buf = malloc(CARP_FRAME_LEN)) == NULL)
		fail("out of memory");
	if (carp_pkt_build(buf, CARP_FRAME_LEN - 1, tx, auth) != 0)
		fail("carp_pkt_build: built into a short buffer");
	if (carp_pkt_build(buf, CARP_FRAME_LEN, tx, auth) != CARP_FRAME_LEN)
		fail("carp_pkt_build: wrong length");

	if ((v = carp_pkt_parse(buf, CARP_FRAME_LEN, &adv)) != CARP_OK) {
		fprintf(stderr, "verdict %s\n", carp_verdict_name(v));
		fail("round trip: built advert does not parse");
	}
	if ((v = carp_pkt_verify(buf, CARP_FRAME_LEN, &adv, auth)) !=
	    CARP_OK) {
		fprintf(stderr, "verdict %s\n", carp_verdict_name(v));
		fail("round trip: built advert does not verify");
	}
	if (!tx->broadcast) {
		dst[0] = 0x01;
		dst[1] = 0x00;
		dst[2] = 0x5e;
		dst[3] = tx->dst_ip[1] & 0x7f;
		dst[4] = tx->dst_ip[2];
		dst[5] = tx->dst_ip[3];
	}
	src[5] = tx->vhid;
	carp_hmac_compute(auth, tx->counter, mac);
	if (memcmp(adv.dst_mac, dst, 6) != 0 ||
	    memcmp(adv.src_mac, src, 6) != 0 ||
	    memcmp(adv.ip_src, tx->src_ip, 4) != 0 ||
	    memcmp(adv.ip_dst, tx->dst_ip, 4) != 0 ||
	    adv.tos != CARP_TOS || adv.ttl != CARP_TTL ||
	    adv.ip_id != tx->ip_id || adv.ip_hlen != CARP_IP_LEN ||
	    adv.version != CARP_VERSION || adv.type != CARP_TYPE_ADVERT ||
	    adv.vhid != tx->vhid || adv.advskew != tx->advskew ||
	    adv.authlen != CARP_AUTHLEN || adv.demote != 0 ||
	    adv.advbase != tx->advbase || adv.counter != tx->counter ||
	    memcmp(adv.hmac, mac, CARP_HMAC_LEN) != 0)
		fail("round trip: a field changed");
	free(buf);
}

/* The gratuitous ARP holds the MAC and address it was given. */
static void
check_garp(const uint8_t mac[6], const uint8_t vip[4])
{
	struct carp_advert	 adv;
	uint8_t			*buf;

	if ((buf = malloc(CARP_GARP_LEN)) == NULL)
		fail("out of memory");
	if (carp_garp_build(buf, CARP_GARP_LEN - 1, mac, vip) != 0)
		fail("carp_garp_build: built into a short buffer");
	if (carp_garp_build(buf, CARP_GARP_LEN, mac, vip) != CARP_GARP_LEN)
		fail("carp_garp_build: wrong length");
	if (memcmp(buf + 6, mac, 6) != 0 || buf[12] != 0x08 ||
	    buf[13] != 0x06 || memcmp(buf + 22, mac, 6) != 0 ||
	    memcmp(buf + 28, vip, 4) != 0 || memcmp(buf + 32, mac, 6) != 0 ||
	    memcmp(buf + 38, vip, 4) != 0)
		fail("carp_garp_build: wrong contents");
	/* A frame that is not CARP is never accepted. */
	if (carp_pkt_parse(buf, CARP_GARP_LEN, &adv) == CARP_OK)
		fail("carp_pkt_parse: accepted a gratuitous ARP");
	free(buf);
}

/* The IPv6 frame with its CARP checksum made right: past it, the HMAC. */
static void
check_fixed6(const uint8_t *frame, size_t len, const struct carp_advert *adv)
{
	struct carp_advert	 fadv;
	enum carp_verdict	 v;
	uint8_t			*buf, *carp;
	uint16_t		 sum;

	if ((buf = malloc(len)) == NULL)
		fail("out of memory");
	memcpy(buf, frame, len);
	carp = buf + CARP_ETH_LEN + CARP_IP6_LEN;
	carp[6] = carp[7] = 0;
	sum = carp_cksum(carp, CARP_HDR_LEN);
	carp[6] = (uint8_t)(sum >> 8);
	carp[7] = (uint8_t)sum;
	if (carp_pkt6_parse(buf, len, &fadv) != CARP_OK ||
	    fadv.counter != adv->counter || fadv.vhid != adv->vhid)
		fail("carp_pkt6_parse: fixing the sum changed the verdict");
	v = carp_pkt_verify(buf, len, &fadv, capture_auth_get());
	if (v != CARP_OK && v != CARP_BAD_HMAC)
		fail("carp_pkt_verify (IPv6): bad checksum after fixing it");
	free(buf);
}

/* Parse and verify the frame as an IPv6 advert. */
static void
check_rx6(const uint8_t *frame, size_t len)
{
	struct carp_advert	adv;
	enum carp_verdict	v;

	v = carp_pkt6_parse(frame, len, &adv);
	if ((unsigned int)v >= CARP_VERDICT_MAX || !adv.ip6 ||
	    strcmp(carp_verdict_name(v), "unknown") == 0)
		fail("carp_pkt6_parse: verdict out of range or unnamed");
	if (v != CARP_OK)
		return;
	/*
	 * The hop limit of an advert to a unicast address (not ff00::/8) is
	 * left to the instance (unicast_ttl_check); to a group it must be 255.
	 */
	if (len < CARP_FRAME6_LEN || frame[12] != 0x86 || frame[13] != 0xdd ||
	    frame[20] != CARP_PROTO ||
	    (frame[21] != CARP_TTL && frame[38] == 0xff) ||
	    adv.unicast != (frame[38] != 0xff) || adv.ttl != frame[21] ||
	    (size_t)(frame[18] << 8 | frame[19]) + 54 > len)
		fail("carp_pkt6_parse: CARP_OK for a frame that is not one");
	v = carp_pkt_verify(frame, len, &adv, capture_auth_get());
	if (v != CARP_OK && v != CARP_BAD_CARP_CKSUM && v != CARP_BAD_HMAC)
		fail("carp_pkt_verify (IPv6): unexpected verdict");
	if (v == CARP_OK && carp_cksum(frame + 54, CARP_HDR_LEN) != 0)
		fail("carp_pkt_verify (IPv6): CARP_OK with a bad checksum");
	check_fixed6(frame, len, &adv);
}

/* Build an IPv6 advert, parse it back: every field must survive. */
static void
check_roundtrip6(const struct carp_tx *tx, const struct carp_auth *auth)
{
	struct carp_advert	 adv;
	uint8_t			*buf;

	if ((buf = malloc(CARP_FRAME6_LEN)) == NULL)
		fail("out of memory");
	if (carp_pkt6_build(buf, CARP_FRAME6_LEN - 1, tx, auth) != 0 ||
	    carp_pkt6_build(buf, CARP_FRAME6_LEN, tx, auth) != CARP_FRAME6_LEN)
		fail("carp_pkt6_build: wrong length");
	if (carp_pkt6_parse(buf, CARP_FRAME6_LEN, &adv) != CARP_OK ||
	    carp_pkt_verify(buf, CARP_FRAME6_LEN, &adv, auth) != CARP_OK)
		fail("round trip: built IPv6 advert refused");
	if (memcmp(adv.ip6_src, tx->src_ip6, 16) != 0 ||
	    memcmp(adv.ip6_dst, tx->dst_ip6, 16) != 0 ||
	    adv.vhid != tx->vhid || adv.advskew != tx->advskew ||
	    adv.advbase != tx->advbase || adv.counter != tx->counter ||
	    (tx->broadcast ? adv.dst_mac[0] != 0xff : adv.dst_mac[0] != 0x33))
		fail("round trip: an IPv6 field changed");
	/* The shell's entry hands it over; the IPv4 advert is no IPv6 one. */
	if (carp_pkt_parse(buf, CARP_FRAME6_LEN, &adv) != CARP_OK || !adv.ip6)
		fail("carp_pkt_parse: did not hand an IPv6 advert over");
	if (carp_pkt_build(buf, CARP_FRAME6_LEN, tx, auth) != CARP_FRAME_LEN ||
	    carp_pkt6_parse(buf, CARP_FRAME6_LEN, &adv) == CARP_OK)
		fail("carp_pkt6_parse: accepted an IPv4 advert");
	free(buf);
}

/* The NA holds what it was given, and its checksum sums to 0. */
static void
check_na(const uint8_t mac[6], const uint8_t src[16],
    const uint8_t target[16], bool router)
{
	uint8_t	*buf, sum[40 + 32];

	if ((buf = malloc(CARP_NA_LEN)) == NULL)
		fail("out of memory");
	if (carp_na_build(buf, CARP_NA_LEN - 1, mac, src, target, router) !=
	    0 || carp_na_build(buf, CARP_NA_LEN, mac, src, target, router) !=
	    CARP_NA_LEN)
		fail("carp_na_build: wrong length");
	if (memcmp(buf + 6, mac, 6) != 0 || memcmp(buf + 22, src, 16) != 0 ||
	    memcmp(buf + 62, target, 16) != 0 ||
	    memcmp(buf + 80, mac, 6) != 0 || buf[21] != 255 ||
	    buf[58] != (CARP_NA_OVERRIDE | (router ? CARP_NA_ROUTER : 0)))
		fail("carp_na_build: wrong contents");
	memcpy(sum, buf + 22, 32);
	memset(sum + 32, 0, 8);
	sum[35] = 32;
	sum[39] = 58;
	memcpy(sum + 40, buf + 54, 32);
	if (carp_cksum(sum, sizeof(sum)) != 0)
		fail("carp_na_build: bad ICMPv6 checksum");
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct carp_advert	 adv;
	struct carp_auth	 auth;
	struct carp_tx		 tx;
	struct reader		 r;
	uint8_t			*frame, mac[6], vip[4], ip6[16];
	uint8_t			 flags;

	/* An exactly sized copy: any read past the end is an ASan report. */
	if ((frame = malloc(size == 0 ? 1 : size)) == NULL)
		return 0;
	if (size > 0)
		memcpy(frame, data, size);
	check_rx(frame, size, &adv);

	/* The advert that was parsed, as far as it was, rebuilt. */
	memset(&tx, 0, sizeof(tx));
	tx.vhid = adv.vhid;
	tx.advbase = adv.advbase;
	tx.advskew = adv.advskew;
	tx.counter = adv.counter;
	tx.ip_id = adv.ip_id;
	memcpy(tx.src_ip, adv.ip_src, 4);
	memcpy(tx.dst_ip, adv.ip_dst, 4);
	check_roundtrip(&tx, capture_auth_get());

	/* Then every field, and the auth, from the input bytes. */
	r.p = frame;
	r.len = size;
	r.off = 0;
	flags = rd8(&r);
	tx.broadcast = flags & 1;
	tx.vhid = rd8(&r);
	tx.advbase = rd8(&r);
	tx.advskew = rd8(&r);
	tx.counter = rd64(&r);
	tx.ip_id = (uint16_t)(rd8(&r) << 8);
	tx.ip_id |= rd8(&r);
	rdn(&r, tx.src_ip, 4);
	rdn(&r, tx.dst_ip, 4);
	auth_from(&r, &auth, tx.vhid);
	check_roundtrip(&tx, &auth);

	rdn(&r, mac, 6);
	rdn(&r, vip, 4);
	check_garp(mac, vip);

	check_rx6(frame, size);
	rdn(&r, tx.src_ip6, 16);
	rdn(&r, tx.dst_ip6, 16);
	check_roundtrip6(&tx, &auth);
	rdn(&r, ip6, 16);
	check_na(mac, tx.src_ip6, ip6, (flags & 2) != 0);

	carp_auth_free(&auth);
	free(frame);
	return 0;
}
