/*
 * test_pkt.c: the CARP codec and HMAC against frames captured from the
 * real ucarp 1.5.2 (the pcap files in tests/data), then one mutation per
 * case.
 *
 * The captures are the single source of truth: the builder must rebuild
 * them byte for byte and the parser must classify every captured frame.
 * Exit 77 (skip) when the captures cannot be found.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "carp_hmac.h"
#include "carp_pkt.h"
#include "check.h"

#define FRAMES_MAX	128
#define NONE		((size_t)-1)
/* Before C23, adding const to a pointer to arrays needs a cast. */
#define CADDRS(a)	((const uint8_t (*)[4])(a))

#define F_ADVERT	"ucarp-1.5.2-advert.pcap"
#define F_INJECT	"ucarp-1.5.2-rx-validation-injections.pcap"
#define F_TIEBREAK	"ucarp-1.5.2-tiebreak-splitbrain.pcap"
#define F_VRRP2		"keepalived-vrrp.pcap"
#define F_VRRP3		"keepalived-vrrp3.pcap"

/* The frames of one classic pcap file, numbered from 1 as in tshark. */
struct capture {
	uint8_t		*data;
	size_t		 n;
	const uint8_t	*frame[FRAMES_MAX + 1];
	size_t		 len[FRAMES_MAX + 1];
};

static char datadir[1024];

/* Parse an IPv4 address literal; aborts on a typo in the test itself. */
static void
ip4(const char *s, uint8_t out[4])
{
	if (inet_pton(AF_INET, s, out) != 1) {
		fprintf(stderr, "bad address literal in test: %s\n", s);
		exit(2);
	}
}

/* A 32-bit pcap header field in the file's byte order. */
static uint32_t
pcap32(const uint8_t *p, bool swap)
{
	if (swap)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

/* Read a whole file; NULL with errno set on failure. */
static uint8_t *
slurp(const char *path, size_t *lenp)
{
	FILE	*f;
	uint8_t	*buf = NULL, *nbuf;
	size_t	 len = 0, cap = 0, got;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nbuf;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	*lenp = len;
	return buf;
}

static bool	capture_index(struct capture *, size_t, const char *, char *,
		    size_t);

/* Load a classic pcap (either byte order, µs or ns) of Ethernet frames. */
static bool
capture_load(struct capture *cap, const char *name, char *why, size_t whylen)
{
	char		 path[1200];
	size_t		 len;

	memset(cap, 0, sizeof(*cap));
	snprintf(path, sizeof(path), "%s/%s", datadir, name);
	if ((cap->data = slurp(path, &len)) == NULL) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return false;
	}
	if (!capture_index(cap, len, path, why, whylen)) {
		free(cap->data);
		cap->data = NULL;
		return false;
	}
	return true;
}

/* Index the records of the pcap file in cap->data. */
static bool
capture_index(struct capture *cap, size_t len, const char *path, char *why,
    size_t whylen)
{
	uint32_t	 magic, incl;
	size_t		 off;
	bool		 swap;

	if (len < 24) {
		snprintf(why, whylen, "%s: shorter than a pcap header", path);
		return false;
	}
	magic = pcap32(cap->data, false);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		swap = false;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		swap = true;
	else {
		snprintf(why, whylen, "%s: not a classic pcap file", path);
		return false;
	}
	if (pcap32(cap->data + 20, swap) != 1) {
		snprintf(why, whylen, "%s: link type is not Ethernet", path);
		return false;
	}
	for (off = 24; off < len; off += incl) {
		if (len - off < 16 || cap->n == FRAMES_MAX) {
			snprintf(why, whylen,
			    "%s: truncated or too many frames", path);
			return false;
		}
		incl = pcap32(cap->data + off + 8, swap);
		off += 16;
		if (incl > len - off) {
			snprintf(why, whylen, "%s: truncated record", path);
			return false;
		}
		cap->n++;
		cap->frame[cap->n] = cap->data + off;
		cap->len[cap->n] = incl;
	}
	return true;
}

/*
 * carp_auth_init on an auth that may hold contexts (free them first), for
 * IPv4 addresses.
 */
static bool
auth_set(struct carp_auth *auth, const uint8_t *pass, size_t passlen,
    uint8_t vhid, const uint8_t (*addrs)[4], size_t naddrs)
{
	struct carp_addr	ca[CARP_ADDRS_MAX + 1];
	size_t			i;

	for (i = 0; i < naddrs && i < CARP_ADDRS_MAX + 1; i++)
		carp_addr_from4(&ca[i], addrs[i]);
	carp_auth_free(auth);
	return carp_auth_init(auth, pass, passlen, vhid, ca, naddrs);
}

/* Fill *auth for one address; the test fails if carp_auth_init() refuses. */
static void
auth_make(struct carp_auth *auth, const char *pass, uint8_t vhid,
    const char *vip)
{
	uint8_t	addr[1][4];

	ip4(vip, addr[0]);
	CHECKF(auth_set(auth, (const uint8_t *)pass, strlen(pass), vhid,
	    CADDRS(addr), 1), "auth_init(%s, %u, %s)", pass, vhid, vip);
}

/* Offset of the first difference, or NONE if equal. */
static size_t
first_diff(const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			return i;
	return NONE;
}

/* What the shell does with a frame for one instance (vhid, group, auth). */
static enum carp_verdict
classify(const uint8_t *f, size_t len, uint8_t vhid, const char *group,
    const struct carp_auth *auth, struct carp_advert *adv)
{
	enum carp_verdict	v;
	uint8_t			g[4];

	ip4(group, g);
	if ((v = carp_pkt_parse(f, len, adv)) != CARP_OK)
		return v;
	if (adv->vhid != vhid)
		return CARP_BAD_VHID;
	if (memcmp(adv->ip_dst, g, 4) != 0)
		return CARP_BAD_GROUP;
	return carp_pkt_verify(f, len, adv, auth);
}

/* RFC 1071 spelt out, 16 bits at a time: what carp_cksum must agree with. */
static uint16_t
cksum_ref(const uint8_t *p, size_t len)
{
	uint32_t	sum = 0;
	size_t		i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1) {
		sum += (uint32_t)p[len - 1] << 8;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)~sum;
}

/*
 * Every length up to 200 from every alignment, random bytes and runs of
 * 0xff (the carries' worst case), against the reference.
 */
static void
cksum_random(void)
{
	uint8_t	buf[204];
	size_t	len, off, i;
	int	round;

	check_what = "cksum: random data against RFC 1071 by 16-bit words";
	srand(1071);
	for (round = 0; round < 3; round++)
		for (off = 0; off < 4; off++)
			for (len = 0; len + off <= sizeof(buf); len++) {
				for (i = 0; i < sizeof(buf); i++)
					buf[i] = round == 2 ? 0xff :
					    (uint8_t)rand();
				CHECKF(carp_cksum(buf + off, len) ==
				    cksum_ref(buf + off, len),
				    "length %zu at offset %zu, round %d", len,
				    off, round);
			}
}

/* RFC 1071 basics: known sums, odd length, a self-checking block. */
static void
test_cksum(void)
{
	static const struct {
		const char	*what;
		uint8_t		 data[8];
		size_t		 len;
		uint16_t	 sum;
	} cases[] = {
		{ "empty", { 0 }, 0, 0xffff },
		{ "one word", { 0x12, 0x34 }, 2, 0xedcb },
		{ "odd length pads low byte", { 0x12, 0x34, 0x56 }, 3, 0x97cb },
		{ "carry folds", { 0xff, 0xff, 0x00, 0x01 }, 4, 0xfffe },
		{ "all zero", { 0 }, 8, 0xffff },
		{ "all ones", { 0xff, 0xff, 0xff, 0xff }, 4, 0x0000 },
	};
	/* The IPv4 header of the advert in protocol doc 2.6. */
	static const uint8_t iphdr[20] = {
		0x45, 0x10, 0x00, 0x38, 0xd0, 0x33, 0x40, 0x00, 0xff, 0x70,
		0x03, 0xeb, 0xc6, 0x12, 0x01, 0x02, 0xe0, 0x00, 0x00, 0x12,
	};
	uint8_t	hdr[20];
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].what;
		CHECKF(carp_cksum(cases[i].data, cases[i].len) == cases[i].sum,
		    "got %04x want %04x",
		    carp_cksum(cases[i].data, cases[i].len), cases[i].sum);
	}
	check_what = "cksum: captured IP header verifies";
	CHECK(carp_cksum(iphdr, sizeof(iphdr)) == 0);
	check_what = "cksum: recomputes the captured field";
	memcpy(hdr, iphdr, sizeof(hdr));
	hdr[10] = hdr[11] = 0;
	CHECKF(carp_cksum(hdr, sizeof(hdr)) == 0x03eb, "got %04x",
	    carp_cksum(hdr, sizeof(hdr)));
	cksum_random();
}

/* Verdict names are the counter names the logs use. */
static void
test_names(void)
{
	static const struct {
		enum carp_verdict	 v;
		const char		*name;
	} cases[] = {
		{ CARP_OK, "ok" },
		{ CARP_TOO_SHORT, "too_short" },
		{ CARP_NOT_CARP, "not_carp" },
		{ CARP_BAD_TTL, "bad_ttl" },
		{ CARP_BAD_VERSION, "bad_version" },
		{ CARP_BAD_TYPE, "bad_type" },
		{ CARP_BAD_VHID, "bad_vhid" },
		{ CARP_BAD_GROUP, "bad_group" },
		{ CARP_BAD_IP_CKSUM, "bad_ip_cksum" },
		{ CARP_BAD_CARP_CKSUM, "bad_carp_cksum" },
		{ CARP_BAD_HMAC, "bad_hmac" },
		{ CARP_REPLAY, "replay" },
		{ CARP_OWN, "own" },
		{ CARP_BAD_HLIM, "bad_hlim" },
		{ CARP_EXT_HDR, "ext_header" },
		{ CARP_BAD_PLEN, "bad_plen" },
		{ CARP_NOT_PEER, "not_peer" },
	};
	size_t	i;

	check_what = "names: one per verdict";
	CHECK(sizeof(cases) / sizeof(cases[0]) == CARP_VERDICT_MAX);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].name;
		CHECKF(strcmp(carp_verdict_name(cases[i].v),
		    cases[i].name) == 0, "got %s",
		    carp_verdict_name(cases[i].v));
	}
	check_what = "names: out of range";
	CHECK(strcmp(carp_verdict_name(CARP_VERDICT_MAX), "unknown") == 0);
	CHECK(strcmp(carp_verdict_name((enum carp_verdict)-1), "unknown") == 0);
}

/* carp_auth_init: limits, copies, sorting. */
static void
test_auth_init(void)
{
	static const char pass20[] = "01234567890123456789";
	static const struct {
		const char	*what;
		const char	*in[5];
		const char	*out[5];
	} sorts[] = {
		{ "sort: two swapped", { "198.18.0.200", "198.18.0.100" },
		    { "198.18.0.100", "198.18.0.200" } },
		{ "sort: numeric, not textual",
		    { "198.18.0.100", "10.0.0.2", "9.255.255.255", "10.0.0.1" },
		    { "9.255.255.255", "10.0.0.1", "10.0.0.2",
		    "198.18.0.100" } },
		{ "sort: high octet decides", { "1.2.4.3", "1.2.3.4", "2.0.0.0",
		    "1.255.255.255", "0.0.0.1" },
		    { "0.0.0.1", "1.2.3.4", "1.2.4.3", "1.255.255.255",
		    "2.0.0.0" } },
		{ "sort: duplicates kept", { "198.18.0.1", "198.18.0.1",
		    "198.18.0.0" },
		    { "198.18.0.0", "198.18.0.1", "198.18.0.1" } },
	};
	struct carp_auth	 auth = { 0 };
	uint8_t			 addrs[CARP_ADDRS_MAX + 1][4], want[4];
	const uint8_t		(*ca)[4], *love;
	size_t			 i, j, n;

	memset(addrs, 0, sizeof(addrs));
	ip4("198.18.0.100", addrs[0]);
	ca = CADDRS(addrs);
	love = (const uint8_t *)"love";

	check_what = "auth: 19-byte password accepted";
	CHECK(auth_set(&auth, (const uint8_t *)pass20, 19, 42, ca, 1));
	CHECK(auth.passlen == 19 && memcmp(auth.pass, pass20, 19) == 0);
	CHECK(auth.vhid == 42 && auth.naddrs == 1);
	CHECK(memcmp(auth.addrs[0].a, addrs[0], 4) == 0);
	check_what = "auth: 20-byte password rejected";
	CHECK(!auth_set(&auth, (const uint8_t *)pass20, 20, 42, ca, 1));
	check_what = "auth: empty password rejected (ucarp needs one)";
	CHECK(!auth_set(&auth, love, 0, 42, ca, 1));
	check_what = "auth: no address rejected";
	CHECK(!auth_set(&auth, love, 4, 42, ca, 0));
	check_what = "auth: CARP_ADDRS_MAX accepted";
	CHECK(auth_set(&auth, love, 4, 42, ca, CARP_ADDRS_MAX));
	CHECK(auth.naddrs == CARP_ADDRS_MAX);
	check_what = "auth: CARP_ADDRS_MAX + 1 rejected";
	CHECK(!auth_set(&auth, love, 4, 42, ca, CARP_ADDRS_MAX + 1));

	for (i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++) {
		check_what = sorts[i].what;
		for (n = 0; n < 5 && sorts[i].in[n] != NULL; n++)
			ip4(sorts[i].in[n], addrs[n]);
		CHECK(auth_set(&auth, love, 4, 1, ca, n));
		CHECK(auth.naddrs == n);
		for (j = 0; j < n; j++) {
			ip4(sorts[i].out[j], want);
			CHECKF(memcmp(auth.addrs[j].a, want, 4) == 0,
			    "position %zu is not %s", j, sorts[i].out[j]);
		}
	}
	carp_auth_free(&auth);
}

/* HMAC vectors pinned from the capture and from Python's hmac module. */
static void
test_hmac(void)
{
	static const struct {
		const char	*what;
		const char	*pass;
		uint8_t		 vhid;
		const char	*addrs[3];
		uint64_t	 counter;
		const char	*hex;
	} cases[] = {
		{ "hmac: protocol doc 2.4 worked example", "love", 42,
		    { "198.18.0.100" }, 0x20ac0903b44a6a74ULL,
		    "847f4237b1d2cdbd096eac1b20854483dca75c26" },
		{ "hmac: two addresses, sorted", "secret", 1,
		    { "198.18.0.200", "198.18.0.100" }, 0x0102030405060708ULL,
		    "7cb4bc854590278882693ecab64157d4ff8425ce" },
		{ "hmac: two addresses, other order", "secret", 1,
		    { "198.18.0.100", "198.18.0.200" }, 0x0102030405060708ULL,
		    "7cb4bc854590278882693ecab64157d4ff8425ce" },
		{ "hmac: 19-byte key, vhid 255, counter 0",
		    "AAAAAAAAAAAAAAAAAAA", 255, { "10.0.0.1" }, 0,
		    "28bdbdda678c354878a0f877c370d8a3d8d2c8b1" },
	};
	struct carp_auth	auth = { 0 }, auth2 = { 0 };
	uint8_t			addrs[3][4], mac[CARP_HMAC_LEN];
	uint8_t			want[CARP_HMAC_LEN], other[CARP_HMAC_LEN];
	unsigned int		i, j, n;
	char			hex[2 * CARP_HMAC_LEN + 1];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].what;
		for (n = 0; n < 3 && cases[i].addrs[n] != NULL; n++)
			ip4(cases[i].addrs[n], addrs[n]);
		CHECK(auth_set(&auth, (const uint8_t *)cases[i].pass,
		    strlen(cases[i].pass), cases[i].vhid, CADDRS(addrs), n));
		carp_hmac_compute(&auth, cases[i].counter, mac);
		for (j = 0; j < CARP_HMAC_LEN; j++)
			snprintf(hex + 2 * j, 3, "%02x", mac[j]);
		CHECKF(strcmp(hex, cases[i].hex) == 0, "got %s", hex);
		CHECK(carp_hmac_verify(&auth, cases[i].counter, mac));
		CHECK(!carp_hmac_verify(&auth, cases[i].counter + 1, mac));
		mac[CARP_HMAC_LEN - 1] ^= 0x01;
		CHECK(!carp_hmac_verify(&auth, cases[i].counter, mac));
	}

	/* libcrypto's HMAC over the message laid out by hand. */
	check_what = "hmac: matches an independent HMAC-SHA1";
	{
		static const uint8_t msg[] = { 0x02, 0x01, 0x07, 198, 18, 0,
		    1, 198, 18, 0, 2, 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa,
		    0x99, 0x88 };
		unsigned int	outlen = 0;

		ip4("198.18.0.2", addrs[0]);
		ip4("198.18.0.1", addrs[1]);
		CHECK(auth_set(&auth, (const uint8_t *)"pw", 2, 7,
		    CADDRS(addrs), 2));
		CHECK(HMAC(EVP_sha1(), "pw", 2, msg, sizeof(msg), want,
		    &outlen) != NULL && outlen == CARP_HMAC_LEN);
		carp_hmac_compute(&auth, 0xffeeddccbbaa9988ULL, mac);
		CHECK(memcmp(mac, want, CARP_HMAC_LEN) == 0);
	}

	/* Every input changes the result. */
	auth_make(&auth, "love", 42, "198.18.0.100");
	carp_hmac_compute(&auth, 1, want);
	check_what = "hmac: password matters";
	auth_make(&auth2, "lovf", 42, "198.18.0.100");
	carp_hmac_compute(&auth2, 1, other);
	CHECK(memcmp(want, other, CARP_HMAC_LEN) != 0);
	check_what = "hmac: vhid matters";
	auth_make(&auth2, "love", 43, "198.18.0.100");
	carp_hmac_compute(&auth2, 1, other);
	CHECK(memcmp(want, other, CARP_HMAC_LEN) != 0);
	check_what = "hmac: address matters";
	auth_make(&auth2, "love", 42, "198.18.0.101");
	carp_hmac_compute(&auth2, 1, other);
	CHECK(memcmp(want, other, CARP_HMAC_LEN) != 0);
	/*
	 * ucarp's key is the password plus NUL padding; HMAC pads short keys
	 * with zeros anyway, so a trailing NUL gives the same key.
	 */
	check_what = "hmac: trailing NUL in the key is the same key";
	CHECK(auth_set(&auth2, (const uint8_t *)"love\0", 5, 42,
	    CADDRS(auth.addrs[0].a), 1));
	carp_hmac_compute(&auth2, 1, other);
	CHECK(memcmp(want, other, CARP_HMAC_LEN) == 0);
	carp_auth_free(&auth);
	carp_auth_free(&auth2);
}

/*
 * An auth owns its libcrypto contexts: moving hands them over (the rekey
 * grace keeps the old key that way), freeing twice or a moved-from auth
 * is harmless, and the HMAC is the same whichever struct holds it.
 */
static void
test_auth_lifetime(void)
{
	static const uint8_t	zero[CARP_HMAC_LEN];
	struct carp_auth	a = { 0 }, b = { 0 }, empty = { 0 };
	uint8_t			want[CARP_HMAC_LEN], got[CARP_HMAC_LEN];

	check_what = "auth: move";
	auth_make(&a, "love", 42, "198.18.0.100");
	carp_hmac_compute(&a, 77, want);
	auth_make(&b, "other", 1, "198.18.0.1");
	carp_auth_move(&b, &a);		/* b's old contexts are freed */
	CHECK(memcmp(&a, &empty, sizeof(a)) == 0);
	carp_hmac_compute(&b, 77, got);
	CHECK(memcmp(want, got, CARP_HMAC_LEN) == 0);
	CHECK(carp_hmac_verify(&b, 77, want));
	check_what = "auth: an empty auth verifies nothing";
	CHECK(!carp_hmac_verify(&a, 77, want));
	carp_hmac_compute(&a, 77, got);
	CHECK(memcmp(got, zero, CARP_HMAC_LEN) == 0);
	check_what = "auth: move onto itself, free twice";
	carp_auth_move(&b, &b);
	CHECK(carp_hmac_verify(&b, 77, want));
	carp_auth_free(&b);
	carp_auth_free(&b);
	CHECK(memcmp(&b, &empty, sizeof(b)) == 0);
	carp_auth_free(&a);
}

/* Advert capture: GARPs, decode, verify, rebuild byte for byte. */
static void
test_advert(const struct capture *cap)
{
	static const struct {
		const char		*what;
		const char		*pass;
		uint8_t			 vhid;
		const char		*vip;
		enum carp_verdict	 want;
	} auths[] = {
		{ "right password, vip and vhid", "love", 42, "198.18.0.100",
		    CARP_OK },
		{ "password lovf", "lovf", 42, "198.18.0.100", CARP_BAD_HMAC },
		{ "password lov", "lov", 42, "198.18.0.100", CARP_BAD_HMAC },
		{ "vip .101", "love", 42, "198.18.0.101", CARP_BAD_HMAC },
		{ "vhid 43 in the HMAC", "love", 43, "198.18.0.100",
		    CARP_BAD_HMAC },
	};
	struct carp_advert	 adv;
	struct carp_auth	 auth = { 0 };
	struct carp_tx		 tx;
	uint8_t			 buf[128], mac[6], vip[4], want[4];
	enum carp_verdict	 v;
	size_t			 i, j, d;
	char			 what[128];

	check_what = "advert: 11 frames";
	CHECK(cap->n == 11);
	if (cap->n < 11)
		return;

	/* Frame 1: the GARP; sender MAC and IP come from the frame. */
	check_what = "advert: frame 1 is ucarp's GARP";
	CHECK(cap->len[1] == CARP_GARP_LEN);
	memcpy(mac, cap->frame[1] + 6, 6);
	memcpy(vip, cap->frame[1] + 28, 4);
	ip4("198.18.0.100", want);
	CHECK(memcmp(vip, want, 4) == 0);
	memset(buf, 0xaa, sizeof(buf));
	CHECK(carp_garp_build(buf, sizeof(buf), mac, vip) == CARP_GARP_LEN);
	d = first_diff(buf, cap->frame[1], CARP_GARP_LEN);
	CHECKF(d == NONE, "differs at byte %zu", d);
	CHECK(buf[CARP_GARP_LEN] == 0xaa);	/* nothing written past 42 */
	check_what = "garp: buffer of 41 refused";
	CHECK(carp_garp_build(buf, CARP_GARP_LEN - 1, mac, vip) == 0);

	/* Frame 5 is the delayed GARP (protocol doc 4), the same bytes. */
	check_what = "advert: frame 5 is the delayed GARP";
	CHECK(cap->len[5] == CARP_GARP_LEN &&
	    memcmp(cap->frame[5], buf, CARP_GARP_LEN) == 0);
	v = carp_pkt_parse(cap->frame[5], cap->len[5], &adv);
	CHECKF(v == CARP_TOO_SHORT, "got %s", carp_verdict_name(v));

	for (i = 2; i <= 11; i++) {
		if (i == 5)
			continue;
		snprintf(what, sizeof(what), "advert: frame %zu parses", i);
		check_what = what;
		CHECK(cap->len[i] == CARP_FRAME_LEN);
		v = carp_pkt_parse(cap->frame[i], cap->len[i], &adv);
		CHECKF(v == CARP_OK, "got %s", carp_verdict_name(v));
		CHECK(adv.vhid == 42 && adv.advbase == 1 && adv.advskew == 0);
		CHECK(adv.version == 2 && adv.type == 1 && adv.authlen == 7);
		CHECK(adv.demote == 0 && adv.ttl == 255 && adv.ip_hlen == 20);
		CHECK(adv.tos == CARP_TOS);
		ip4("198.18.1.2", want);
		CHECK(memcmp(adv.ip_src, want, 4) == 0);
		ip4("224.0.0.18", want);
		CHECK(memcmp(adv.ip_dst, want, 4) == 0);

		for (j = 0; j < sizeof(auths) / sizeof(auths[0]); j++) {
			snprintf(what, sizeof(what), "advert: frame %zu, %s",
			    i, auths[j].what);
			auth_make(&auth, auths[j].pass, auths[j].vhid,
			    auths[j].vip);
			v = carp_pkt_verify(cap->frame[i], cap->len[i], &adv,
			    &auth);
			CHECKF(v == auths[j].want, "got %s",
			    carp_verdict_name(v));
		}

		/* Counter and IP id are the only random parts: take them. */
		snprintf(what, sizeof(what), "advert: frame %zu rebuilt", i);
		auth_make(&auth, "love", 42, "198.18.0.100");
		memset(&tx, 0, sizeof(tx));
		tx.vhid = 42;
		tx.advbase = 1;
		tx.advskew = 0;
		tx.counter = adv.counter;
		tx.ip_id = adv.ip_id;
		ip4("198.18.1.2", tx.src_ip);
		ip4("224.0.0.18", tx.dst_ip);
		memset(buf, 0xaa, sizeof(buf));
		CHECK(carp_pkt_build(buf, sizeof(buf), &tx, &auth) ==
		    CARP_FRAME_LEN);
		d = first_diff(buf, cap->frame[i], CARP_FRAME_LEN);
		CHECKF(d == NONE, "differs at byte %zu", d);
		CHECK(buf[CARP_FRAME_LEN] == 0xaa);
	}

	/* Frame 2 field by field, as in protocol doc 2.6. */
	check_what = "advert: frame 2 decoded fields";
	CHECK(carp_pkt_parse(cap->frame[2], cap->len[2], &adv) == CARP_OK);
	CHECK(adv.counter == 0x20ac0903b44a6a74ULL);
	CHECK(adv.ip_id == 0xd033 && adv.cksum == 0xfcb7);
	CHECK(memcmp(adv.dst_mac, "\x01\x00\x5e\x00\x00\x12", 6) == 0);
	CHECK(memcmp(adv.src_mac, "\x00\x00\x5e\x00\x00\x2a", 6) == 0);
	CHECK(!carp_mac_is_bsd(adv.src_mac, adv.vhid));	/* ucarp 1.5.2 */
	CHECK(memcmp(adv.hmac, cap->frame[2] + 50, CARP_HMAC_LEN) == 0);
	CHECK(adv.hmac[0] == 0x84 && adv.hmac[19] == 0x26);
	carp_auth_free(&auth);
}

/*
 * A BSD kernel's adverts come from the virtual MAC 00:00:5e:00:01:<vhid>
 * (carp-bsd-wire.md, "L2 source"); ucarp's from 00:00:5e:00:00:<vhid>.
 */
static void
test_bsd_mac(void)
{
	static const uint8_t	bsd42[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 42 };
	uint8_t			mac[6];
	unsigned		vhid, i;

	check_what = "BSD MAC";
	CHECK(carp_mac_is_bsd(bsd42, 42));
	CHECK(!carp_mac_is_bsd(bsd42, 41));	/* another vhid's */
	for (vhid = 1; vhid <= 255; vhid++) {
		carp_src_mac(mac, (uint8_t)vhid);	/* what we send */
		CHECK(!carp_mac_is_bsd(mac, (uint8_t)vhid));
		mac[4] = 0x01;
		CHECK(carp_mac_is_bsd(mac, (uint8_t)vhid));
	}
	for (i = 0; i < 5; i++) {		/* each prefix byte counts */
		memcpy(mac, bsd42, sizeof(mac));
		mac[i] ^= 0x02;
		CHECK(!carp_mac_is_bsd(mac, 42));
	}
}

/* Builder details the captures cannot show: MAC mapping, limits, range. */
static void
test_build(void)
{
	static const struct {
		const char	*what;
		uint8_t		 vhid, base, skew;
		uint64_t	 counter;
		const char	*group;
		bool		 bcast;
		uint8_t		 dmac[6];
	} cases[] = {
		{ "build: default group", 42, 1, 0, 1, "224.0.0.18", false,
		    { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x12 } },
		{ "build: 239.192.0.1 drops the 24th bit", 1, 1, 0, 0,
		    "239.192.0.1", false,
		    { 0x01, 0x00, 0x5e, 0x40, 0x00, 0x01 } },
		{ "build: 239.255.255.255", 255, 255, 255, UINT64_MAX,
		    "239.255.255.255", false,
		    { 0x01, 0x00, 0x5e, 0x7f, 0xff, 0xff } },
		{ "build: -M broadcast keeps the IP group", 7, 0, 240,
		    0x8000000000000001ULL, "224.0.0.18", true,
		    { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
	};
	struct carp_advert	 adv;
	struct carp_auth	 auth = { 0 };
	struct carp_tx		 tx;
	uint8_t			 buf[CARP_FRAME_LEN], g[4];
	enum carp_verdict	 v;
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].what;
		memset(&tx, 0, sizeof(tx));
		tx.vhid = cases[i].vhid;
		tx.advbase = cases[i].base;
		tx.advskew = cases[i].skew;
		tx.counter = cases[i].counter;
		tx.ip_id = (uint16_t)(0x1234 + i);
		tx.broadcast = cases[i].bcast;
		ip4("198.18.2.1", tx.src_ip);
		ip4(cases[i].group, tx.dst_ip);
		auth_make(&auth, "pw", cases[i].vhid, "198.18.0.7");

		CHECK(carp_pkt_build(buf, CARP_FRAME_LEN - 1, &tx, &auth) == 0);
		CHECK(carp_pkt_build(buf, sizeof(buf), &tx, &auth) ==
		    CARP_FRAME_LEN);
		CHECK(memcmp(buf, cases[i].dmac, 6) == 0);
		CHECK(memcmp(buf + 6, "\x00\x00\x5e\x00\x00", 5) == 0 &&
		    buf[11] == cases[i].vhid);
		CHECK(buf[20] == 0x40 && buf[21] == 0x00);	/* DF only */
		CHECK(buf[16] == 0 && buf[17] == 56);

		v = carp_pkt_parse(buf, sizeof(buf), &adv);
		CHECKF(v == CARP_OK, "parse: %s", carp_verdict_name(v));
		CHECK(adv.vhid == cases[i].vhid);
		CHECK(adv.advbase == cases[i].base);
		CHECK(adv.advskew == cases[i].skew);
		CHECK(adv.counter == cases[i].counter);
		CHECK(adv.ip_id == tx.ip_id && adv.authlen == CARP_AUTHLEN);
		ip4(cases[i].group, g);
		CHECK(memcmp(adv.ip_dst, g, 4) == 0);
		v = carp_pkt_verify(buf, sizeof(buf), &adv, &auth);
		CHECKF(v == CARP_OK, "verify: %s", carp_verdict_name(v));
	}
	carp_auth_free(&auth);
}

/*
 * A unicast advert's TTL is the receiving instance's to judge (routed
 * peers, unicast_ttl_check): parse passes it on, flagged unicast; to the
 * group or broadcast the TTL stays a parse error (issue 18).
 */
static void
test_unicast_ttl(void)
{
	static const struct {
		const char		*dst;
		uint8_t			 ttl;
		bool			 unicast;
		enum carp_verdict	 parse;
	} cases[] = {
		{ "198.18.0.12", 64, true, CARP_OK },
		{ "198.18.0.12", 255, true, CARP_OK },
		{ "224.0.0.18", 64, false, CARP_BAD_TTL },
		{ "239.1.2.3", 1, false, CARP_BAD_TTL },
		{ "255.255.255.255", 64, false, CARP_BAD_TTL },
		{ "224.0.0.18", 255, false, CARP_OK },
	};
	struct carp_advert	 adv;
	struct carp_auth	 auth = { 0 };
	struct carp_tx		 tx;
	uint8_t			 buf[CARP_FRAME_LEN];
	enum carp_verdict	 v;
	size_t			 i;

	auth_make(&auth, "pw", 9, "198.18.0.7");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].dst;
		memset(&tx, 0, sizeof(tx));
		tx.vhid = 9;
		tx.advbase = 1;
		ip4("198.18.2.1", tx.src_ip);
		ip4(cases[i].dst, tx.dst_ip);
		CHECK(carp_pkt_build(buf, sizeof(buf), &tx, &auth) ==
		    CARP_FRAME_LEN);
		buf[CARP_ETH_LEN + 8] = cases[i].ttl;
		memset(&adv, 0, sizeof(adv));
		v = carp_pkt_parse(buf, sizeof(buf), &adv);
		CHECKF(v == cases[i].parse, "ttl %u: %s", cases[i].ttl,
		    carp_verdict_name(v));
		CHECK(adv.unicast == cases[i].unicast);
		CHECK(adv.ttl == cases[i].ttl);
	}
	carp_auth_free(&auth);
}

/* One change to a valid frame, and what parse and verify must say. */
struct mutation {
	const char		*what;
	size_t			 optlen;	/* IP option bytes to insert */
	size_t			 off;		/* byte to change, or NONE */
	bool			 carp_rel;	/* off counts from CARP start */
	uint8_t			 val;
	bool			 two;		/* also set off2 (frame) */
	size_t			 off2;
	uint8_t			 val2;
	bool			 fix_ip, fix_carp; /* recompute checksums */
	size_t			 newlen;	/* truncate/pad to, or NONE */
	enum carp_verdict	 parse;
	enum carp_verdict	 verify;	/* when parse is CARP_OK */
};

#define M_SET(o, v)		.off = (o), .val = (v)
#define M_CARP(o, v)		.off = (o), .carp_rel = true, .val = (v)
#define M_NONE			.off = NONE
#define M_LEN(n)		.newlen = (n)
#define M_FULL			.newlen = NONE

static const struct mutation mutations[] = {
	{ "unchanged", M_NONE, M_FULL, .parse = CARP_OK, .verify = CARP_OK },
	{ "ttl 254", M_SET(22, 254), .fix_ip = true, M_FULL,
	    .parse = CARP_BAD_TTL },
	{ "ttl 64", M_SET(22, 64), .fix_ip = true, M_FULL,
	    .parse = CARP_BAD_TTL },
	{ "ttl 0", M_SET(22, 0), .fix_ip = true, M_FULL,
	    .parse = CARP_BAD_TTL },
	{ "carp version 3", M_CARP(0, 0x31), .fix_carp = true, M_FULL,
	    .parse = CARP_BAD_VERSION },
	{ "carp version 1", M_CARP(0, 0x11), .fix_carp = true, M_FULL,
	    .parse = CARP_BAD_VERSION },
	{ "carp type 2", M_CARP(0, 0x22), .fix_carp = true, M_FULL,
	    .parse = CARP_BAD_TYPE },
	{ "carp type 0", M_CARP(0, 0x20), .fix_carp = true, M_FULL,
	    .parse = CARP_BAD_TYPE },
	{ "truncated to 0", M_NONE, M_LEN(0), .parse = CARP_TOO_SHORT },
	{ "truncated to 1", M_NONE, M_LEN(1), .parse = CARP_TOO_SHORT },
	{ "truncated to 14", M_NONE, M_LEN(14), .parse = CARP_TOO_SHORT },
	{ "truncated to 34", M_NONE, M_LEN(34), .parse = CARP_TOO_SHORT },
	{ "truncated to 42", M_NONE, M_LEN(42), .parse = CARP_TOO_SHORT },
	{ "truncated to 54", M_NONE, M_LEN(54), .parse = CARP_TOO_SHORT },
	{ "truncated to 69", M_NONE, M_LEN(69), .parse = CARP_TOO_SHORT },
	{ "ethernet padding after 70", M_NONE, M_LEN(96), .parse = CARP_OK,
	    .verify = CARP_OK },
	{ "ethertype 0x0806", M_SET(13, 0x06), M_FULL,
	    .parse = CARP_NOT_CARP },
	{ "ethertype 0x8600", M_SET(12, 0x86), M_FULL,
	    .parse = CARP_NOT_CARP },
	{ "ip version 6", M_SET(14, 0x65), .fix_ip = true, M_FULL,
	    .parse = CARP_NOT_CARP },
	{ "protocol 6", M_SET(23, 6), .fix_ip = true, M_FULL,
	    .parse = CARP_NOT_CARP },
	{ "protocol 113", M_SET(23, 113), .fix_ip = true, M_FULL,
	    .parse = CARP_NOT_CARP },
	{ "fragment: MF set", M_SET(20, 0x60), .fix_ip = true, M_FULL,
	    .parse = CARP_NOT_CARP },
	{ "fragment: offset 8", M_SET(21, 0x01), .fix_ip = true, M_FULL,
	    .parse = CARP_NOT_CARP },
	{ "fragment: no DF is fine", M_SET(20, 0x00), .fix_ip = true, M_FULL,
	    .parse = CARP_OK, .verify = CARP_OK },
	{ "ihl 4", M_SET(14, 0x44), .fix_ip = true, M_FULL,
	    .parse = CARP_TOO_SHORT },
	{ "ihl 0", M_SET(14, 0x40), M_FULL, .parse = CARP_TOO_SHORT },
	{ "ihl 6 without the option bytes", M_SET(14, 0x46), .fix_ip = true,
	    M_FULL, .parse = CARP_TOO_SHORT },
	{ "ip options: router alert, valid", .optlen = 4, M_NONE,
	    .fix_ip = true, M_FULL, .parse = CARP_OK, .verify = CARP_OK },
	{ "ip options: 40 bytes (ihl 15), valid", .optlen = 40, M_NONE,
	    .fix_ip = true, M_FULL, .parse = CARP_OK, .verify = CARP_OK },
	{ "ip options: one byte short", .optlen = 4, M_NONE, .fix_ip = true,
	    M_LEN(73), .parse = CARP_TOO_SHORT },
	{ "ip options: ttl 254", .optlen = 8, M_SET(22, 254), .fix_ip = true,
	    M_FULL, .parse = CARP_BAD_TTL },
	{ "ip options: bad carp checksum", .optlen = 4, M_CARP(7, 0x00),
	    .fix_ip = true, M_FULL, .parse = CARP_OK,
	    .verify = CARP_BAD_CARP_CKSUM },
	{ "ip options: router alert value 1, valid", .optlen = 4,
	    M_SET(37, 0x01), .fix_ip = true, M_FULL, .parse = CARP_OK,
	    .verify = CARP_OK },
	{ "ip options: option byte changed, checksum stale", .optlen = 4,
	    M_SET(37, 0x01), M_FULL, .parse = CARP_OK,
	    .verify = CARP_BAD_IP_CKSUM },
	{ "ip checksum byte", M_SET(24, 0x04), M_FULL, .parse = CARP_OK,
	    .verify = CARP_BAD_IP_CKSUM },
	{ "ip src changed, checksum stale", M_SET(29, 0x03), M_FULL,
	    .parse = CARP_OK, .verify = CARP_BAD_IP_CKSUM },
	{ "carp checksum byte", M_CARP(6, 0xfd), M_FULL, .parse = CARP_OK,
	    .verify = CARP_BAD_CARP_CKSUM },
	{ "carp skew changed, checksum stale", M_CARP(2, 1), M_FULL,
	    .parse = CARP_OK, .verify = CARP_BAD_CARP_CKSUM },
	{ "both checksums stale: ip reported first", M_SET(15, 0),
	    .two = true, .off2 = 34 + 2, .val2 = 1, M_FULL, .parse = CARP_OK,
	    .verify = CARP_BAD_IP_CKSUM },
	{ "hmac byte", M_CARP(16, 0x85), .fix_carp = true, M_FULL,
	    .parse = CARP_OK, .verify = CARP_BAD_HMAC },
	{ "hmac last byte", M_CARP(35, 0x27), .fix_carp = true, M_FULL,
	    .parse = CARP_OK, .verify = CARP_BAD_HMAC },
	{ "counter byte, hmac not redone", M_CARP(15, 0x75), .fix_carp = true,
	    M_FULL, .parse = CARP_OK, .verify = CARP_BAD_HMAC },
	/*
	 * The HMAC covers the receiver's vhid, not the packet's: a vhid
	 * mismatch is the dispatcher's CARP_BAD_VHID, before verify.
	 */
	{ "vhid 43, hmac over our vhid 42", M_CARP(1, 43), .fix_carp = true,
	    M_FULL, .parse = CARP_OK, .verify = CARP_OK },
	/* ucarp ignores these fields, and they are not in the HMAC. */
	{ "authlen 0 accepted", M_CARP(3, 0), .fix_carp = true, M_FULL,
	    .parse = CARP_OK, .verify = CARP_OK },
	{ "demote 5 accepted", M_CARP(4, 5), .fix_carp = true, M_FULL,
	    .parse = CARP_OK, .verify = CARP_OK },
	{ "advskew 240", M_CARP(2, 240), .fix_carp = true, M_FULL,
	    .parse = CARP_OK, .verify = CARP_OK },
	{ "advbase 0", M_CARP(5, 0), .fix_carp = true, M_FULL,
	    .parse = CARP_OK, .verify = CARP_OK },
	{ "ip src 198.18.3.1", M_SET(28, 0xc6), .fix_ip = true, M_FULL,
	    .parse = CARP_OK, .verify = CARP_OK },
	{ "tos 0", M_SET(15, 0), .fix_ip = true, M_FULL, .parse = CARP_OK,
	    .verify = CARP_OK },
	{ "ip total length wrong (unchecked, as ucarp)", M_SET(17, 0x20),
	    .fix_ip = true, M_FULL, .parse = CARP_OK, .verify = CARP_OK },
	{ "dst mac changed (unchecked)", M_SET(5, 0x13), M_FULL,
	    .parse = CARP_OK, .verify = CARP_OK },
	{ "src mac changed (unchecked)", M_SET(11, 0x2b), M_FULL,
	    .parse = CARP_OK, .verify = CARP_OK },
};

/* Apply m to the 70-byte frame base; returns the new length. */
static size_t
mutate(const struct mutation *m, const uint8_t *base, uint8_t *out,
    size_t outsize)
{
	size_t	hlen, len, i;
	uint8_t	*ip;

	memset(out, 0, outsize);
	/* Ethernet + fixed IP header, options, then the CARP header. */
	memcpy(out, base, CARP_ETH_LEN + CARP_IP_LEN);
	ip = out + CARP_ETH_LEN;
	for (i = 0; i < m->optlen; i++)
		ip[CARP_IP_LEN + i] = 0x01;	/* NOP */
	if (m->optlen >= 4)
		memcpy(ip + CARP_IP_LEN, "\x94\x04\x00\x00", 4);
	hlen = CARP_IP_LEN + m->optlen;
	memcpy(ip + hlen, base + CARP_ETH_LEN + CARP_IP_LEN, CARP_HDR_LEN);
	len = CARP_ETH_LEN + hlen + CARP_HDR_LEN;
	if (m->optlen > 0) {
		ip[0] = (uint8_t)(0x40 | hlen / 4);
		ip[3] = (uint8_t)(hlen + CARP_HDR_LEN);
		ip[10] = ip[11] = 0;
		ip[10] = (uint8_t)(carp_cksum(ip, hlen) >> 8);
		ip[11] = (uint8_t)carp_cksum(ip, hlen);
	}

	if (m->off != NONE)
		out[(m->carp_rel ? CARP_ETH_LEN + hlen : 0) + m->off] = m->val;
	if (m->two)
		out[m->off2] = m->val2;
	if (m->fix_carp) {
		ip[hlen + 6] = ip[hlen + 7] = 0;
		ip[hlen + 6] = (uint8_t)(carp_cksum(ip + hlen, 36) >> 8);
		ip[hlen + 7] = (uint8_t)carp_cksum(ip + hlen, 36);
	}
	if (m->fix_ip) {
		/* The IHL as mutated decides what a receiver sums. */
		size_t	sumlen = (size_t)(ip[0] & 0x0f) * 4;

		if (sumlen < CARP_IP_LEN)
			sumlen = CARP_IP_LEN;
		ip[10] = ip[11] = 0;
		ip[10] = (uint8_t)(carp_cksum(ip, sumlen) >> 8);
		ip[11] = (uint8_t)carp_cksum(ip, sumlen);
	}
	if (m->newlen != NONE)
		len = m->newlen;	/* padding is already zero */
	return len;
}

/* The mutation table against frame 2 of the advert capture. */
static void
test_mutations(const struct capture *cap)
{
	struct carp_advert	 adv;
	struct carp_auth	 auth = { 0 };
	uint8_t			 buf[160], *copy;
	enum carp_verdict	 v;
	size_t			 i, len;

	auth_make(&auth, "love", 42, "198.18.0.100");
	for (i = 0; i < sizeof(mutations) / sizeof(mutations[0]); i++) {
		const struct mutation *m = &mutations[i];

		check_what = m->what;
		len = mutate(m, cap->frame[2], buf, sizeof(buf));
		/* An exact-size heap copy lets ASan/valgrind see overreads. */
		if ((copy = malloc(len ? len : 1)) == NULL) {
			CHECKF(0, "out of memory");
			carp_auth_free(&auth);
			return;
		}
		memcpy(copy, buf, len);
		v = carp_pkt_parse(copy, len, &adv);
		CHECKF(v == m->parse, "parse: got %s want %s",
		    carp_verdict_name(v), carp_verdict_name(m->parse));
		if (v == CARP_OK) {
			const uint8_t *carp = copy + CARP_ETH_LEN + adv.ip_hlen;

			/* The decoded fields are the bytes at their place. */
			CHECK(adv.ip_hlen == CARP_IP_LEN + m->optlen);
			CHECK(adv.vhid == carp[1] && adv.advskew == carp[2]);
			CHECK(adv.authlen == carp[3] && adv.demote == carp[4]);
			CHECK(adv.advbase == carp[5]);
			CHECK(adv.cksum == (carp[6] << 8 | carp[7]));
			CHECK(memcmp(adv.hmac, carp + 16, CARP_HMAC_LEN) == 0);
			CHECK(memcmp(adv.ip_src, copy + 26, 4) == 0);
			CHECK(memcmp(adv.ip_dst, copy + 30, 4) == 0);
			CHECK(adv.counter == 0x20ac0903b44a6a74ULL ||
			    (m->carp_rel && m->off >= 8 && m->off < 16));
			v = carp_pkt_verify(copy, len, &adv, &auth);
			CHECKF(v == m->verify, "verify: got %s want %s",
			    carp_verdict_name(v), carp_verdict_name(m->verify));
		} else if (len < CARP_FRAME_LEN) {
			CHECK(carp_pkt_verify(copy, len, &adv, &auth) ==
			    CARP_TOO_SHORT);
		}
		free(copy);
	}
	carp_auth_free(&auth);
}

/*
 * Random damage to a valid frame, in exact-size heap buffers so ASan and
 * valgrind see any overread: the verdicts stay in range and an accepted
 * frame really holds its IP header and CARP header.  Deterministic.
 */
static void
test_random(const struct capture *cap)
{
	struct carp_advert	 adv;
	struct carp_auth	 auth = { 0 };
	enum carp_verdict	 v;
	uint8_t			*f;
	uint32_t		 x = 0x2a2a2a2a;
	unsigned int		 round, k, flips, bad = 0, ok = 0;
	size_t			 len;

	check_what = "random: damaged frames";
	auth_make(&auth, "love", 42, "198.18.0.100");
	for (round = 0; round < 20000; round++) {
		x = x * 1103515245 + 12345;
		len = (x >> 16) % 140;
		if ((f = malloc(len ? len : 1)) == NULL)
			break;
		for (k = 0; k < len; k++)
			f[k] = k < CARP_FRAME_LEN ? cap->frame[2][k] : 0;
		x = x * 1103515245 + 12345;
		flips = (x >> 16) % 4;
		for (k = 0; k < flips && len > 0; k++) {
			x = x * 1103515245 + 12345;
			f[(x >> 8) % len] = (uint8_t)(x >> 24);
		}
		/* Sometimes a random IHL, to exercise the options path. */
		if (len > 14 && (round & 7) == 0)
			f[14] = (uint8_t)(0x40 | (round >> 3 & 0x0f));
		v = carp_pkt_parse(f, len, &adv);
		if ((unsigned int)v >= CARP_VERDICT_MAX)
			bad++;
		if (v == CARP_OK) {
			if (adv.ip_hlen < CARP_IP_LEN ||
			    len < CARP_ETH_LEN + adv.ip_hlen + CARP_HDR_LEN)
				bad++;
			v = carp_pkt_verify(f, len, &adv, &auth);
			if ((unsigned int)v >= CARP_VERDICT_MAX)
				bad++;
			if (v == CARP_OK)
				ok++;
		}
		free(f);
	}
	CHECKF(bad == 0, "%u bad results", bad);
	/* Untouched full-length frames are among the inputs. */
	CHECKF(ok > 0, "no frame survived");
	carp_auth_free(&auth);
}

/* What one captured frame must turn into. */
struct expect {
	unsigned		 frame;
	const char		*what;
	enum carp_verdict	 parse;	/* carp_pkt_parse() alone */
	enum carp_verdict	 final;	/* after vhid, group and verify */
	const char		*src;	/* IP source, or NULL for a GARP */
};

/*
 * rx-validation-injections, receiving as vhid 42 / "love" / 198.18.0.100
 * on 224.0.0.18.  198.18.1.2 is the real ucarp master; the rest are
 * hand-made (IP id 0x1234).
 */
static const struct expect injections[] = {
	{ 1, "garp", CARP_TOO_SHORT, CARP_TOO_SHORT, NULL },
	{ 2, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 3, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 4, "ttl 64", CARP_BAD_TTL, CARP_BAD_TTL, "198.18.3.1" },
	{ 5, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 6, "garp", CARP_TOO_SHORT, CARP_TOO_SHORT, NULL },
	{ 7, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 8, "version 3", CARP_BAD_VERSION, CARP_BAD_VERSION, "198.18.3.1" },
	{ 9, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 10, "vhid 43", CARP_OK, CARP_BAD_VHID, "198.18.3.1" },
	{ 11, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 12, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 13, "group 224.0.0.19", CARP_OK, CARP_BAD_GROUP, "198.18.3.1" },
	{ 14, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 15, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 16, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 17, "bad carp checksum", CARP_OK, CARP_BAD_CARP_CKSUM,
	    "198.18.3.1" },
	{ 18, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 19, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 20, "password 'wrong'", CARP_OK, CARP_BAD_HMAC, "198.18.3.1" },
	{ 21, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 22, "vip 198.18.0.101", CARP_OK, CARP_BAD_HMAC, "198.18.3.1" },
	{ 23, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 24, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 25, "spoofed own source, advbase 0", CARP_OK, CARP_OK,
	    "198.18.1.2" },
	{ 26, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 27, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	/* ucarp accepted this one (it adopted the counter, frame 30). */
	{ 28, "type 2, authlen 0, demote 5", CARP_BAD_TYPE, CARP_BAD_TYPE,
	    "198.18.0.5" },
	{ 29, "garp", CARP_TOO_SHORT, CARP_TOO_SHORT, NULL },
	{ 30, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 31, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 32, "garp", CARP_TOO_SHORT, CARP_TOO_SHORT, NULL },
	{ 33, "equal-interval peer", CARP_OK, CARP_OK, "198.18.3.1" },
	{ 34, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 35, "slower peer, advbase 4", CARP_OK, CARP_OK, "198.18.0.5" },
	{ 36, "garp", CARP_TOO_SHORT, CARP_TOO_SHORT, NULL },
	{ 37, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 38, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 39, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 40, "garp", CARP_TOO_SHORT, CARP_TOO_SHORT, NULL },
	{ 41, "faster peer, base 0 skew 1", CARP_OK, CARP_OK, "198.18.9.9" },
	{ 42, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 43, "master", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 44, "replayed counter", CARP_OK, CARP_OK, "198.18.9.9" },
	{ 45, "replayed counter again", CARP_OK, CARP_OK, "198.18.9.9" },
	{ 46, "peer skew 10", CARP_OK, CARP_OK, "198.18.9.9" },
	{ 47, "peer skew 10", CARP_OK, CARP_OK, "198.18.9.9" },
	{ 48, "peer skew 10", CARP_OK, CARP_OK, "198.18.9.9" },
};

/* Split brain: two ucarp masters, all adverts valid. */
static const struct expect tiebreak[] = {
	{ 1, "garp", CARP_TOO_SHORT, CARP_TOO_SHORT, NULL },
	{ 2, "2.1", CARP_OK, CARP_OK, "198.18.2.1" },
	{ 3, "2.1", CARP_OK, CARP_OK, "198.18.2.1" },
	{ 4, "2.1", CARP_OK, CARP_OK, "198.18.2.1" },
	{ 5, "garp", CARP_TOO_SHORT, CARP_TOO_SHORT, NULL },
	{ 6, "1.2", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 7, "garp", CARP_TOO_SHORT, CARP_TOO_SHORT, NULL },
	{ 8, "1.2", CARP_OK, CARP_OK, "198.18.1.2" },
	{ 9, "garp", CARP_TOO_SHORT, CARP_TOO_SHORT, NULL },
	{ 10, "2.1", CARP_OK, CARP_OK, "198.18.2.1" },
	{ 11, "garp", CARP_TOO_SHORT, CARP_TOO_SHORT, NULL },
	{ 12, "2.1", CARP_OK, CARP_OK, "198.18.2.1" },
	{ 13, "2.1", CARP_OK, CARP_OK, "198.18.2.1" },
	{ 14, "garp", CARP_TOO_SHORT, CARP_TOO_SHORT, NULL },
	{ 15, "2.1", CARP_OK, CARP_OK, "198.18.2.1" },
};

/* Classify every frame of a capture against its expectation table. */
static void
check_table(const struct capture *cap, const char *name,
    const struct expect *tab, size_t n)
{
	struct carp_advert	 adv;
	struct carp_auth	 auth = { 0 };
	uint8_t			 buf[CARP_GARP_LEN], src[4];
	enum carp_verdict	 v;
	size_t			 i, d;
	char			 what[160];

	auth_make(&auth, "love", 42, "198.18.0.100");
	snprintf(what, sizeof(what), "%s: every frame has an expectation",
	    name);
	check_what = what;
	CHECKF(cap->n == n, "%zu frames, %zu expected", cap->n, n);
	for (i = 0; i < n && tab[i].frame <= cap->n; i++) {
		const uint8_t	*f = cap->frame[tab[i].frame];
		size_t		 len = cap->len[tab[i].frame];

		snprintf(what, sizeof(what), "%s frame %u: %s", name,
		    tab[i].frame, tab[i].what);
		check_what = what;
		v = carp_pkt_parse(f, len, &adv);
		CHECKF(v == tab[i].parse, "parse: got %s want %s",
		    carp_verdict_name(v), carp_verdict_name(tab[i].parse));
		v = classify(f, len, 42, "224.0.0.18", &auth, &adv);
		CHECKF(v == tab[i].final, "final: got %s want %s",
		    carp_verdict_name(v), carp_verdict_name(tab[i].final));
		if (tab[i].src == NULL) {
			/* ucarp's GARP, rebuilt from its own MAC and VIP. */
			CHECK(len == CARP_GARP_LEN);
			if (len != CARP_GARP_LEN)
				continue;
			CHECK(carp_garp_build(buf, sizeof(buf), f + 6,
			    f + 28) == CARP_GARP_LEN);
			d = first_diff(buf, f, CARP_GARP_LEN);
			CHECKF(d == NONE, "garp differs at byte %zu", d);
			continue;
		}
		ip4(tab[i].src, src);
		CHECK(memcmp(adv.ip_src, src, 4) == 0);
	}
	carp_auth_free(&auth);
}

/* The injection frames, field by field where the verdict alone is thin. */
static void
test_injections(const struct capture *cap)
{
	struct carp_advert	 adv, adv2;
	struct carp_auth	 auth = { 0 };
	uint8_t			 g[4];

	check_table(cap, "inject", injections,
	    sizeof(injections) / sizeof(injections[0]));
	if (cap->n < 48)
		return;

	check_what = "inject 4: ttl decoded";
	CHECK(carp_pkt_parse(cap->frame[4], cap->len[4], &adv) == CARP_BAD_TTL);
	CHECK(adv.ttl == 64);
	check_what = "inject 8: version decoded";
	CHECK(carp_pkt_parse(cap->frame[8], cap->len[8], &adv) ==
	    CARP_BAD_VERSION);
	CHECK(adv.version == 3 && adv.vhid == 42);

	/* Right for its own vhid: only the dispatch turns it away. */
	check_what = "inject 10: valid for a vhid 43 instance";
	CHECK(carp_pkt_parse(cap->frame[10], cap->len[10], &adv) == CARP_OK);
	CHECK(adv.vhid == 43);
	auth_make(&auth, "love", 43, "198.18.0.100");
	CHECK(carp_pkt_verify(cap->frame[10], cap->len[10], &adv, &auth) ==
	    CARP_OK);

	check_what = "inject 13: valid except for the group";
	CHECK(carp_pkt_parse(cap->frame[13], cap->len[13], &adv) == CARP_OK);
	ip4("224.0.0.19", g);
	CHECK(memcmp(adv.ip_dst, g, 4) == 0);
	auth_make(&auth, "love", 42, "198.18.0.100");
	CHECK(classify(cap->frame[13], cap->len[13], 42, "224.0.0.19", &auth,
	    &adv) == CARP_OK);

	check_what = "inject 17: ip checksum good, carp checksum bad";
	CHECK(carp_pkt_parse(cap->frame[17], cap->len[17], &adv) == CARP_OK);
	CHECK(carp_cksum(cap->frame[17] + 14, 20) == 0);
	CHECK(carp_cksum(cap->frame[17] + 34, 36) != 0);

	check_what = "inject 20: made with password 'wrong'";
	CHECK(carp_pkt_parse(cap->frame[20], cap->len[20], &adv) == CARP_OK);
	auth_make(&auth, "wrong", 42, "198.18.0.100");
	CHECK(carp_pkt_verify(cap->frame[20], cap->len[20], &adv, &auth) ==
	    CARP_OK);

	check_what = "inject 22: made for vip 198.18.0.101";
	CHECK(carp_pkt_parse(cap->frame[22], cap->len[22], &adv) == CARP_OK);
	auth_make(&auth, "love", 42, "198.18.0.101");
	CHECK(carp_pkt_verify(cap->frame[22], cap->len[22], &adv, &auth) ==
	    CARP_OK);

	check_what = "inject 25: advbase 0 skew 0 with our source";
	CHECK(carp_pkt_parse(cap->frame[25], cap->len[25], &adv) == CARP_OK);
	CHECK(adv.advbase == 0 && adv.advskew == 0 && adv.ip_id == 0x1234);

	/* ucarp never checks the type, so this one reached its FSM. */
	check_what = "inject 28: type 2 rejected, rest decoded";
	CHECK(carp_pkt_parse(cap->frame[28], cap->len[28], &adv) ==
	    CARP_BAD_TYPE);
	CHECK(adv.type == 2 && adv.authlen == 0 && adv.demote == 5);
	CHECK(adv.advbase == 1 && adv.vhid == 42);
	auth_make(&auth, "love", 42, "198.18.0.100");
	CHECK(carp_pkt_verify(cap->frame[28], cap->len[28], &adv, &auth) ==
	    CARP_OK);
	CHECK(carp_pkt_parse(cap->frame[30], cap->len[30], &adv2) == CARP_OK);
	CHECK(adv2.counter == adv.counter + 1);

	check_what = "inject 35: slower peer";
	CHECK(carp_pkt_parse(cap->frame[35], cap->len[35], &adv) == CARP_OK);
	CHECK(adv.advbase == 4 && adv.advskew == 0);
	check_what = "inject 41: faster peer";
	CHECK(carp_pkt_parse(cap->frame[41], cap->len[41], &adv) == CARP_OK);
	CHECK(adv.advbase == 0 && adv.advskew == 1);

	check_what = "inject 44/45: the same bytes twice";
	CHECK(cap->len[44] == cap->len[45] &&
	    memcmp(cap->frame[44], cap->frame[45], cap->len[44]) == 0);
	CHECK(carp_pkt_parse(cap->frame[44], cap->len[44], &adv) == CARP_OK);
	CHECK(adv.counter == 0x1111222233334444ULL);
	check_what = "inject 46: skew 10";
	CHECK(carp_pkt_parse(cap->frame[46], cap->len[46], &adv) == CARP_OK);
	CHECK(adv.advbase == 1 && adv.advskew == 10);
	carp_auth_free(&auth);
}

/*
 * keepalived shares protocol 112 and 224.0.0.18.  Its frames are shorter
 * than a CARP advert (54 and 46 bytes on a veth), so parse stops at the
 * length; padded to 70 they show what the later checks would say.
 */
static void
test_vrrp(const struct capture *v2, const struct capture *v3)
{
	struct carp_advert	 adv;
	struct carp_auth	 auth = { 0 };
	uint8_t			 buf[CARP_FRAME_LEN];
	enum carp_verdict	 v;
	size_t			 i;
	char			 what[96];

	auth_make(&auth, "love", 1, "198.18.0.100");
	check_what = "vrrp2: 5 frames";
	CHECK(v2->n == 5);
	for (i = 1; i <= v2->n; i++) {
		snprintf(what, sizeof(what), "vrrp2 frame %zu", i);
		check_what = what;
		CHECK(v2->len[i] == 54);
		v = carp_pkt_parse(v2->frame[i], v2->len[i], &adv);
		CHECKF(v == CARP_TOO_SHORT, "got %s", carp_verdict_name(v));
		CHECK(v2->frame[i][34] == 0x21);	/* same first byte */

		/* Zero-padded, VRRPv2 passes parse as vhid 1. */
		snprintf(what, sizeof(what), "vrrp2 frame %zu padded to 70", i);
		memset(buf, 0, sizeof(buf));
		memcpy(buf, v2->frame[i], v2->len[i]);
		v = carp_pkt_parse(buf, sizeof(buf), &adv);
		CHECKF(v == CARP_OK, "got %s", carp_verdict_name(v));
		CHECK(adv.vhid == 1 && adv.advskew == 150 && adv.authlen == 1);
		/* Zeros do not change its checksum; only the HMAC stops it. */
		v = carp_pkt_verify(buf, sizeof(buf), &adv, &auth);
		CHECKF(v == CARP_BAD_HMAC, "got %s", carp_verdict_name(v));
	}

	check_what = "vrrp3: 5 frames";
	CHECK(v3->n == 5);
	for (i = 1; i <= v3->n; i++) {
		snprintf(what, sizeof(what), "vrrp3 frame %zu", i);
		check_what = what;
		CHECK(v3->len[i] == 46);
		v = carp_pkt_parse(v3->frame[i], v3->len[i], &adv);
		CHECKF(v == CARP_TOO_SHORT, "got %s", carp_verdict_name(v));

		snprintf(what, sizeof(what), "vrrp3 frame %zu padded to 70", i);
		memset(buf, 0, sizeof(buf));
		memcpy(buf, v3->frame[i], v3->len[i]);
		v = carp_pkt_parse(buf, sizeof(buf), &adv);
		CHECKF(v == CARP_BAD_VERSION, "got %s", carp_verdict_name(v));
		CHECK(adv.version == 3 && adv.vhid == 1);
	}
	carp_auth_free(&auth);
}

/* Find the captures: $TESTDATA, tests/data, ../tests/data, $srcdir. */
static bool
find_datadir(void)
{
	const char	*env, *dirs[4];
	char		 path[1200];
	FILE		*f;
	size_t		 i, n = 0;

	if ((env = getenv("TESTDATA")) != NULL && *env != '\0')
		dirs[n++] = env;
	dirs[n++] = "tests/data";
	dirs[n++] = "../tests/data";
	if ((env = getenv("srcdir")) != NULL && *env != '\0') {
		static char	 sd[1024];

		snprintf(sd, sizeof(sd), "%s/tests/data", env);
		dirs[n++] = sd;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], F_ADVERT);
		if ((f = fopen(path, "rb")) != NULL) {
			fclose(f);
			snprintf(datadir, sizeof(datadir), "%s", dirs[i]);
			return true;
		}
	}
	return false;
}

int
main(void)
{
	static const char *const names[5] = { F_ADVERT, F_INJECT, F_TIEBREAK,
	    F_VRRP2, F_VRRP3 };
	struct capture	caps[5];
	char		why[1400];
	size_t		i;
	int		rc;

	test_cksum();
	test_names();
	test_auth_init();
	test_hmac();
	test_auth_lifetime();
	test_build();
	test_bsd_mac();
	test_unicast_ttl();

	/* Without the captures, report what ran; skip only if it passed. */
	if (!find_datadir()) {
		printf("SKIP: %s not found in $TESTDATA, tests/data, "
		    "../tests/data or $srcdir/tests/data\n", F_ADVERT);
		return check_done() ? 1 : 77;
	}
	for (i = 0; i < 5; i++) {
		if (!capture_load(&caps[i], names[i], why, sizeof(why))) {
			printf("SKIP: %s\n", why);
			while (i-- > 0)
				free(caps[i].data);
			return check_done() ? 1 : 77;
		}
	}
	test_advert(&caps[0]);
	if (caps[0].n >= 2) {
		test_mutations(&caps[0]);
		test_random(&caps[0]);
	}
	test_injections(&caps[1]);
	check_table(&caps[2], "tiebreak", tiebreak,
	    sizeof(tiebreak) / sizeof(tiebreak[0]));
	test_vrrp(&caps[3], &caps[4]);

	rc = check_done();
	for (i = 0; i < 5; i++)
		free(caps[i].data);
	return rc;
}
