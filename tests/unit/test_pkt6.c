/*
 * test_pkt6.c: CARP over IPv6 (carp_pkt6.c) and the neighbour
 * advertisement at takeover (carp_na.c).
 *
 * The truth is outside the code under test: the IPv6 advert of
 * carp-bsd-wire.md section 2.8 (what a BSD master sends for vector V3),
 * frames whose checksums tshark validated once and that are pinned here,
 * and checksums recomputed by a second, naive sum written below.  Then
 * every verdict is reached by one mutation of a good frame.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carp_addr.h"
#include "carp_hmac.h"
#include "carp_na.h"
#include "carp_pkt.h"
#include "carp_pkt6.h"
#include "check.h"

#define FRAME_MAX	256

/*
 * carp-bsd-wire.md section 2.8: the V3 advert (vhid 42, advbase 1,
 * advskew 0, counter 20ac0903b44a6a74, key "love", {2001:db8::100}) from
 * fe80::1, CARP checksum a57c.
 */
static const char v3_frame[] =
    "333300000012 00005e00012a 86dd"
    "60000000 0024 70 ff fe800000000000000000000000000001"
    "ff020000000000000000000000000012"
    "212a0007 0001 a57c 20ac0903b44a6a74"
    "19da3ca6746c93f37bba4e4085bb70c13f2c925e";

/*
 * Our advert for vhid 42, advbase 1, advskew 0, counter 20ac0903b44a6a74,
 * key "love" over {198.18.0.100} (vector V1's HMAC), from fe80::1:
 * "tshark -d ip.proto==112,carp -V" (Wireshark 4.0) decoded it as CARP
 * over IPv6, "Checksum: 0xfcb7 [correct]", and this HMAC.
 */
static const char our_frame[] =
    "333300000012 00005e00002a 86dd"
    "60000000 0024 70 ff fe800000000000000000000000000001"
    "ff020000000000000000000000000012"
    "212a0007 0001 fcb7 20ac0903b44a6a74"
    "847f4237b1d2cdbd096eac1b20854483dca75c26";

/*
 * The NA for 2001:db8::100 at 02:00:00:aa:bb:cc from fe80::1, Override
 * only: tshark decoded it as a Neighbor Advertisement, "Checksum: 0x6aee
 * [correct]", flags 0x20000000 (Override), target 2001:db8::100 and a
 * target link-layer address option 02:00:00:aa:bb:cc.
 */
static const char our_na[] =
    "333300000001 020000aabbcc 86dd"
    "60000000 0020 3a ff fe800000000000000000000000000001"
    "ff020000000000000000000000000001"
    "88 00 6aee 20000000 20010db8000000000000000000000100"
    "02 01 020000aabbcc";

/* Hex with spaces into out; returns the length, exits on a typo. */
static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t		n = 0;
	unsigned	b;

	while (*s != '\0') {
		if (*s == ' ') {
			s++;
			continue;
		}
		if (n == max || sscanf(s, "%2x", &b) != 1) {
			fprintf(stderr, "bad hex literal in test at %s\n", s);
			exit(2);
		}
		out[n++] = (uint8_t)b;
		s += 2;
	}
	return n;
}

/*
 * A second Internet checksum, written apart from carp_cksum: the plain
 * 32-bit sum of 16-bit words of a list of pieces, folded once at the end.
 */
static uint16_t
naive_sum(const uint8_t *const *piece, const size_t *len, size_t n)
{
	uint32_t	sum = 0;
	size_t		i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < len[i]; j += 2)
			sum += (uint32_t)piece[i][j] << 8 |
			    (j + 1 < len[i] ? piece[i][j + 1] : 0);
	while (sum > 0xffff)
		sum = (sum >> 16) + (sum & 0xffff);
	return (uint16_t)(0xffff - sum);
}

/* Key "love", vhid 42, one address: vector V1 or V3 by its family. */
static void
auth_make(struct carp_auth *auth, const char *vip)
{
	struct carp_addr	a;

	memset(auth, 0, sizeof(*auth));
	CHECK(carp_addr_parse(vip, &a));
	CHECK(carp_auth_init(auth, (const uint8_t *)"love", 4, 42, &a, 1));
}

/* Vector V1's auth: {198.18.0.100}. */
static void
auth_v1(struct carp_auth *auth)
{
	auth_make(auth, "198.18.0.100");
}

/* What our_frame says. */
static void
tx_v1(struct carp_tx *tx)
{
	memset(tx, 0, sizeof(*tx));
	tx->vhid = 42;
	tx->advbase = 1;
	tx->advskew = 0;
	tx->counter = 0x20ac0903b44a6a74ULL;
	/* fe80::1 */
	unhex("fe800000000000000000000000000001", tx->src_ip6, 16);
	memcpy(tx->dst_ip6, carp_group6, 16);
}

/* The reference frame parses to its fields and verifies; we build it. */
static void
test_reference(void)
{
	struct carp_advert	 adv;
	struct carp_auth	 auth;
	struct carp_tx		 tx;
	uint8_t			 f[FRAME_MAX], b[FRAME_MAX], a[16];
	uint8_t			 hdr[CARP_HDR_LEN];
	const uint8_t		*p[1];
	size_t			 len, l[1];

	check_what = "reference V3 frame";
	len = unhex(v3_frame, f, sizeof(f));
	CHECK(len == CARP_FRAME6_LEN);
	CHECK(carp_pkt6_parse(f, len, &adv) == CARP_OK);
	CHECK(adv.ip6 && adv.vhid == 42 && adv.advbase == 1 &&
	    adv.advskew == 0 && adv.ttl == 255 && adv.tos == 0);
	CHECK(adv.authlen == 7 && adv.demote == 0 && adv.cksum == 0xa57c);
	CHECK(adv.counter == 0x20ac0903b44a6a74ULL);
	CHECK(adv.ip_hlen == 40);
	unhex("fe800000000000000000000000000001", a, 16);
	CHECK(memcmp(adv.ip6_src, a, 16) == 0);
	CHECK(memcmp(adv.ip6_dst, carp_group6, 16) == 0);
	CHECK(memcmp(adv.hmac, f + 70, CARP_HMAC_LEN) == 0);

	/* It verifies with V3's set, and not with V1's. */
	auth_make(&auth, "2001:db8::100");
	CHECK(carp_pkt_verify(f, len, &adv, &auth) == CARP_OK);
	carp_auth_free(&auth);
	auth_v1(&auth);
	CHECK(carp_pkt_verify(f, len, &adv, &auth) == CARP_BAD_HMAC);
	carp_auth_free(&auth);

	/*
	 * Our builder writes the same frame but for the Ethernet source:
	 * ucarp's 00:00:5e:00:00:<vhid>, where the BSDs put the virtual MAC
	 * 00:00:5e:00:01:<vhid>.
	 */
	check_what = "reference V3 frame, built";
	auth_make(&auth, "2001:db8::100");
	tx_v1(&tx);
	CHECK(carp_pkt6_build(b, sizeof(b), &tx, &auth) == CARP_FRAME6_LEN);
	CHECK(memcmp(b, f, 6) == 0);
	CHECK(memcmp(b + 6, "\x00\x00\x5e\x00\x00\x2a", 6) == 0);
	CHECK(memcmp(b + 12, f + 12, CARP_FRAME6_LEN - 12) == 0);
	carp_auth_free(&auth);

	/* carp_cksum and the naive sum both give a57c with the field zeroed. */
	memcpy(hdr, f + 54, CARP_HDR_LEN);
	hdr[6] = hdr[7] = 0;
	p[0] = hdr;
	l[0] = CARP_HDR_LEN;
	CHECK(carp_cksum(hdr, CARP_HDR_LEN) == 0xa57c);
	CHECK(naive_sum(p, l, 1) == 0xa57c);
}

/* Our builder against the pinned frame, then round trips. */
static void
test_build(void)
{
	struct carp_advert	 adv;
	struct carp_auth	 auth;
	struct carp_tx		 tx;
	uint8_t			 want[FRAME_MAX], got[FRAME_MAX];
	size_t			 len, i;

	check_what = "build: pinned frame";
	auth_v1(&auth);
	tx_v1(&tx);
	len = unhex(our_frame, want, sizeof(want));
	memset(got, 0xee, sizeof(got));
	CHECK(carp_pkt6_build(got, CARP_FRAME6_LEN - 1, &tx, &auth) == 0);
	CHECK(carp_pkt6_build(NULL, sizeof(got), &tx, &auth) == 0);
	CHECK(carp_pkt6_build(got, sizeof(got), &tx, &auth) ==
	    CARP_FRAME6_LEN);
	CHECK(len == CARP_FRAME6_LEN);
	for (i = 0; i < len; i++)
		CHECKF(got[i] == want[i], "byte %zu: %02x, want %02x", i,
		    got[i], want[i]);
	CHECK(got[CARP_FRAME6_LEN] == 0xee);	/* nothing written past */

	check_what = "build: -M broadcast";
	tx.broadcast = true;
	carp_pkt6_build(got, sizeof(got), &tx, &auth);
	CHECK(memcmp(got, "\xff\xff\xff\xff\xff\xff", 6) == 0);
	CHECK(memcmp(got + 6, want + 6, len - 6) == 0);

	/* Every field survives build, parse and verify. */
	for (i = 0; i < 64; i++) {
		check_what = "build: round trip";
		tx.broadcast = (i & 1) != 0;
		tx.vhid = (uint8_t)(1 + i * 4);
		tx.advbase = (uint8_t)(i * 3);
		tx.advskew = (uint8_t)(255 - i);
		tx.counter = 0x0123456789abcdefULL * (i + 1);
		tx.src_ip6[15] = (uint8_t)i;
		carp_pkt6_build(got, sizeof(got), &tx, &auth);
		CHECK(carp_pkt6_parse(got, CARP_FRAME6_LEN, &adv) == CARP_OK);
		CHECK(carp_pkt_verify(got, CARP_FRAME6_LEN, &adv, &auth) ==
		    CARP_OK);
		CHECK(adv.ip6 && adv.vhid == tx.vhid &&
		    adv.advbase == tx.advbase && adv.advskew == tx.advskew &&
		    adv.counter == tx.counter && adv.ttl == 255);
		CHECK(memcmp(adv.ip6_src, tx.src_ip6, 16) == 0);
		CHECK(memcmp(adv.src_mac, "\x00\x00\x5e\x00\x00", 5) == 0 &&
		    adv.src_mac[5] == tx.vhid);
		CHECK(carp_cksum(got + 54, CARP_HDR_LEN) == 0);
	}
	carp_auth_free(&auth);
}

/* One mutation of a good frame and the verdict it must get. */
struct mutation {
	const char		*what;
	size_t			 off;		/* byte to set */
	int			 val;		/* -1: leave the frame */
	size_t			 len;		/* frame length given */
	bool			 fix_sum;	/* recompute CARP checksum */
	enum carp_verdict	 parse;
	enum carp_verdict	 verify;	/* if parse is CARP_OK */
};

#define L	CARP_FRAME6_LEN
static const struct mutation mutations[] = {
	{ "good", 0, -1, L, false, CARP_OK, CARP_OK },
	{ "padded to 100", 0, -1, 100, false, CARP_OK, CARP_OK },
	{ "one short", 0, -1, L - 1, false, CARP_TOO_SHORT, 0 },
	{ "empty", 0, -1, 0, false, CARP_TOO_SHORT, 0 },
	{ "ethertype IPv4", 12, 0x08, L, false, CARP_NOT_CARP, 0 },
	{ "ethertype ARP", 13, 0x06, L, false, CARP_NOT_CARP, 0 },
	{ "IP version 4", 14, 0x45, L, false, CARP_NOT_CARP, 0 },
	{ "IP version 7", 14, 0x70, L, false, CARP_NOT_CARP, 0 },
	{ "next header UDP", 20, 17, L, false, CARP_NOT_CARP, 0 },
	{ "next header ICMPv6", 20, 58, L, false, CARP_NOT_CARP, 0 },
	{ "next header 113", 20, 113, L, false, CARP_NOT_CARP, 0 },
	{ "hop-by-hop header", 20, 0, L, false, CARP_EXT_HDR, 0 },
	{ "routing header", 20, 43, L, false, CARP_EXT_HDR, 0 },
	{ "fragment header", 20, 44, L, false, CARP_EXT_HDR, 0 },
	{ "ESP", 20, 50, L, false, CARP_EXT_HDR, 0 },
	{ "AH", 20, 51, L, false, CARP_EXT_HDR, 0 },
	{ "destination options", 20, 60, L, false, CARP_EXT_HDR, 0 },
	{ "payload length 35", 19, 35, L, false, CARP_BAD_PLEN, 0 },
	{ "payload length 0", 19, 0, L, false, CARP_BAD_PLEN, 0 },
	{ "payload length 37, frame 90", 19, 37, L, false, CARP_BAD_PLEN, 0 },
	{ "payload length 256", 18, 1, L, false, CARP_BAD_PLEN, 0 },
	{ "payload length 46, frame 100", 19, 46, 100, false, CARP_OK,
	    CARP_OK },
	{ "hop limit 254", 21, 254, L, false, CARP_BAD_HLIM, 0 },
	{ "hop limit 1", 21, 1, L, false, CARP_BAD_HLIM, 0 },
	{ "hop limit 0", 21, 0, L, false, CARP_BAD_HLIM, 0 },
	{ "CARP version 3 (VRRPv3)", 54, 0x31, L, true, CARP_BAD_VERSION, 0 },
	{ "CARP version 1", 54, 0x11, L, true, CARP_BAD_VERSION, 0 },
	{ "CARP type 2", 54, 0x22, L, true, CARP_BAD_TYPE, 0 },
	{ "checksum off by one", 61, 0x63, L, false, CARP_OK,
	    CARP_BAD_CARP_CKSUM },
	{ "counter changed, sum not", 69, 0x75, L, false, CARP_OK,
	    CARP_BAD_CARP_CKSUM },
	{ "counter changed, sum fixed", 69, 0x75, L, true, CARP_OK,
	    CARP_BAD_HMAC },
	{ "HMAC changed, sum fixed", 89, 0x27, L, true, CARP_OK,
	    CARP_BAD_HMAC },
	{ "advskew changed, sum fixed (not signed)", 56, 100, L, true,
	    CARP_OK, CARP_OK },
	{ "source changed (not checked)", 37, 0x02, L, false, CARP_OK,
	    CARP_OK },
	{ "traffic class 0xe0 (FreeBSD)", 14, 0x6e, L, false, CARP_OK,
	    CARP_OK },
};
#undef L

/* Every verdict of the IPv6 path from one mutated frame each. */
static void
test_mutations(void)
{
	const struct mutation	*m;
	struct carp_advert	 adv;
	struct carp_auth	 auth;
	struct carp_tx		 tx;
	enum carp_verdict	 v;
	uint8_t			 base[FRAME_MAX], f[FRAME_MAX];
	uint16_t		 sum;
	size_t			 i;

	auth_v1(&auth);
	tx_v1(&tx);
	memset(base, 0, sizeof(base));
	carp_pkt6_build(base, sizeof(base), &tx, &auth);
	for (i = 0; i < sizeof(mutations) / sizeof(mutations[0]); i++) {
		m = &mutations[i];
		check_what = m->what;
		memcpy(f, base, sizeof(f));
		if (m->val >= 0)
			f[m->off] = (uint8_t)m->val;
		if (m->fix_sum) {
			f[60] = f[61] = 0;
			sum = carp_cksum(f + 54, CARP_HDR_LEN);
			f[60] = (uint8_t)(sum >> 8);
			f[61] = (uint8_t)sum;
		}
		v = carp_pkt6_parse(m->len == 0 ? NULL : f, m->len, &adv);
		CHECKF(v == m->parse, "parse: %s, want %s",
		    carp_verdict_name(v), carp_verdict_name(m->parse));
		CHECK(adv.ip6);
		/* What the shell calls hands every IPv6 frame over. */
		if (m->len >= 14 && f[12] == 0x86 && f[13] == 0xdd)
			CHECK(carp_pkt_parse(f, m->len, &adv) == v && adv.ip6);
		if (v != CARP_OK || m->parse != CARP_OK)
			continue;
		v = carp_pkt_verify(f, m->len, &adv, &auth);
		CHECKF(v == m->verify, "verify: %s, want %s",
		    carp_verdict_name(v), carp_verdict_name(m->verify));
	}

	/*
	 * A checksum with the IPv6 pseudo-header (what IPV6_CHECKSUM or
	 * VRRPv3 would compute) is not CARP's: dropped.
	 */
	check_what = "pseudo-header checksum";
	memcpy(f, base, sizeof(f));
	f[60] = f[61] = 0;
	{
		static const uint8_t	upper[8] = { 0, 0, 0, 36, 0, 0, 0,
		    112 };
		const uint8_t	*p[3] = { f + 22, upper, f + 54 };
		size_t		 l[3] = { 32, 8, CARP_HDR_LEN };

		sum = naive_sum(p, l, 3);
	}
	f[60] = (uint8_t)(sum >> 8);
	f[61] = (uint8_t)sum;
	CHECK(sum != ((uint16_t)base[60] << 8 | base[61]));
	CHECK(carp_pkt6_parse(f, CARP_FRAME6_LEN, &adv) == CARP_OK);
	CHECK(carp_pkt_verify(f, CARP_FRAME6_LEN, &adv, &auth) ==
	    CARP_BAD_CARP_CKSUM);

	/* Each family's frame goes its own way. */
	check_what = "families apart";
	CHECK(carp_pkt_parse(base, CARP_FRAME6_LEN, &adv) == CARP_OK &&
	    adv.ip6 && adv.vhid == 42);
	CHECK(carp_pkt_verify(base, CARP_FRAME6_LEN - 1, &adv, &auth) ==
	    CARP_TOO_SHORT);
	CHECK(carp_pkt_build(f, sizeof(f), &tx, &auth) == CARP_FRAME_LEN);
	memset(f + CARP_FRAME_LEN, 0, sizeof(f) - CARP_FRAME_LEN);
	CHECK(carp_pkt6_parse(f, CARP_FRAME6_LEN, &adv) == CARP_NOT_CARP);
	CHECK(carp_pkt_parse(f, CARP_FRAME_LEN, &adv) == CARP_OK && !adv.ip6);
	carp_auth_free(&auth);
}

/*
 * A capture keeps the first IFACE_SNAPLEN (112) bytes of a frame: the
 * payload length is checked against the frame on the wire, so a longer
 * payload (accepted, as the BSDs do) stays accepted however little the
 * capture keeps, and one past the wire's frame stays truncated.
 */
static void
test_capture(void)
{
	struct carp_advert	 adv;
	uint8_t			 f[FRAME_MAX];
	size_t			 len;

	check_what = "capture shorter than the frame";
	memset(f, 0, sizeof(f));
	len = unhex(v3_frame, f, sizeof(f));
	CHECK(len == CARP_FRAME6_LEN);
	f[CARP_ETH_LEN + 4] = 0;
	f[CARP_ETH_LEN + 5] = 100;	/* payload 100: a frame of 154 */
	CHECK(carp_pkt_parse(f, 154, &adv) == CARP_OK && adv.vhid == 42);
	CHECK(carp_pkt_parse(f, 112, &adv) == CARP_BAD_PLEN);
	CHECK(carp_pkt_parse_cap(f, 112, 154, &adv) == CARP_OK &&
	    adv.ip6 && adv.vhid == 42);
	CHECK(carp_pkt6_parse_cap(f, 112, 154, &adv) == CARP_OK);
	CHECK(carp_pkt_parse_cap(f, 112, 153, &adv) == CARP_BAD_PLEN);
	/* A wire length below the capture's is the capture's. */
	CHECK(carp_pkt_parse_cap(f, 154, 0, &adv) == CARP_OK);
	CHECK(carp_pkt_parse_cap(f, 112, 0, &adv) == CARP_BAD_PLEN);
	/* Nothing else looks past the capture. */
	f[CARP_ETH_LEN + 5] = 36;
	CHECK(carp_pkt_parse_cap(f, CARP_FRAME6_LEN, 1500, &adv) == CARP_OK);
	CHECK(carp_pkt_parse_cap(f, CARP_FRAME6_LEN - 1, 1500, &adv) ==
	    CARP_TOO_SHORT);
}

/* The NA: pinned bytes, each field, the checksum by the naive sum. */
static void
test_na(void)
{
	static const uint8_t	mac[6] = { 0x02, 0, 0, 0xaa, 0xbb, 0xcc };
	static const uint8_t	upper[8] = { 0, 0, 0, 32, 0, 0, 0, 58 };
	uint8_t			want[FRAME_MAX], f[FRAME_MAX], src[16];
	uint8_t			target[16], dst[16];
	const uint8_t		*p[3];
	size_t			 l[3], len, i;
	uint16_t		 sum;

	check_what = "NA: pinned frame";
	unhex("fe800000000000000000000000000001", src, 16);	/* fe80::1 */
	/* 2001:db8::100 */
	unhex("20010db8000000000000000000000100", target, 16);
	unhex("ff020000000000000000000000000001", dst, 16);	/* ff02::1 */
	len = unhex(our_na, want, sizeof(want));
	CHECK(len == CARP_NA_LEN);
	memset(f, 0xee, sizeof(f));
	CHECK(carp_na_build(f, CARP_NA_LEN - 1, mac, src, target, false) ==
	    0);
	CHECK(carp_na_build(NULL, sizeof(f), mac, src, target, false) == 0);
	CHECK(carp_na_build(f, sizeof(f), mac, src, target, false) ==
	    CARP_NA_LEN);
	for (i = 0; i < len; i++)
		CHECKF(f[i] == want[i], "byte %zu: %02x, want %02x", i, f[i],
		    want[i]);
	CHECK(f[CARP_NA_LEN] == 0xee);

	check_what = "NA: Ethernet";
	CHECK(memcmp(f, "\x33\x33\x00\x00\x00\x01", 6) == 0);
	CHECK(memcmp(f + 6, mac, 6) == 0);
	CHECK(f[12] == 0x86 && f[13] == 0xdd);
	check_what = "NA: IPv6";
	CHECK(f[14] == 0x60 && f[15] == 0 && f[16] == 0 && f[17] == 0);
	CHECK(f[18] == 0 && f[19] == 32);	/* payload length */
	CHECK(f[20] == 58);			/* ICMPv6 */
	CHECK(f[21] == 255);			/* hop limit */
	CHECK(memcmp(f + 22, src, 16) == 0);
	CHECK(memcmp(f + 38, dst, 16) == 0);
	check_what = "NA: ICMPv6";
	CHECK(f[54] == 136 && f[55] == 0);	/* type, code */
	CHECK(f[58] == CARP_NA_OVERRIDE);	/* O=1, S=0, R=0 */
	CHECK(f[59] == 0 && f[60] == 0 && f[61] == 0);
	CHECK(memcmp(f + 62, target, 16) == 0);
	check_what = "NA: target link-layer option";
	CHECK(f[78] == 2 && f[79] == 1);
	CHECK(memcmp(f + 80, mac, 6) == 0);

	/* Pseudo-header + message sums to 0 with the stored checksum. */
	check_what = "NA: checksum";
	p[0] = f + 22;
	l[0] = 32;
	p[1] = upper;
	l[1] = 8;
	p[2] = f + 54;
	l[2] = 32;
	CHECK(naive_sum(p, l, 3) == 0);

	check_what = "NA: router";
	CHECK(carp_na_build(f, sizeof(f), mac, src, target, true) ==
	    CARP_NA_LEN);
	CHECK(f[58] == (CARP_NA_ROUTER | CARP_NA_OVERRIDE));
	CHECK(naive_sum(p, l, 3) == 0);
	sum = (uint16_t)(f[56] << 8 | f[57]);
	CHECK(sum != (uint16_t)(want[56] << 8 | want[57]));
	CHECK(memcmp(f, want, 56) == 0 && memcmp(f + 59, want + 59, 27) == 0);
}

int
main(void)
{
	test_reference();
	test_build();
	test_mutations();
	test_na();
	test_capture();
	return check_done();
}
