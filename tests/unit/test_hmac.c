/*
 * test_hmac.c: the HMAC over address sets of both families, pinned to
 * every vector of carp-bsd-wire.md section 2.8 (computed there from the
 * OpenBSD and FreeBSD sources with Python's hmac; V1 is a real ucarp 1.5.2
 * capture), each with one field mutated that must change the result.
 */
#include <stdio.h>
#include <string.h>

#include "carp_hmac.h"
#include "check.h"

#define CTR	"20ac0903b44a6a74"	/* the vectors' counter */

enum mutate {
	M_COUNTER, M_ADDR, M_DROP, M_PASS, M_VHID, M_LL6, M_LLADDR
};

struct vec {
	const char	*what;
	const char	*pass;		/* "" is the empty key: one NUL byte */
	unsigned	 vhid;
	const char	*addrs[5];
	const char	*ll6;		/* OpenBSD's carpN link-local */
	const char	*lladdr;	/* OpenBSD's custom lladdr, hex */
	const char	*ctr;
	const char	*sent;		/* what we send */
	const char	*accepted;	/* another HMAC we accept, or NULL */
	enum mutate	 mutate;
};

static const struct vec	vecs[] = {
	{ "V1 one IPv4 (ucarp 1.5.2 capture)", "love", 42,
	    { "198.18.0.100" }, NULL, NULL, CTR,
	    "847f4237b1d2cdbd096eac1b20854483dca75c26", NULL, M_COUNTER },
	{ "V2 three IPv4", "love", 42,
	    { "198.18.0.100", "10.0.0.1", "198.18.0.20" }, NULL, NULL, CTR,
	    "a6409ea82b72edc2486c39e2ff74fcd8abf954f8", NULL, M_ADDR },
	{ "V2 three IPv4, another order", "love", 42,
	    { "198.18.0.20", "198.18.0.100", "10.0.0.1" }, NULL, NULL, CTR,
	    "a6409ea82b72edc2486c39e2ff74fcd8abf954f8", NULL, M_DROP },
	{ "V3 one IPv6", "love", 42, { "2001:db8::100/64" }, NULL, NULL, CTR,
	    "19da3ca6746c93f37bba4e4085bb70c13f2c925e", NULL, M_ADDR },
	{ "V4 dual stack", "love", 42,
	    { "2001:db8::100", "198.18.0.100/24", "2001:db8::2" }, NULL, NULL,
	    CTR, "8db281512d78f0c656a273fbe219659efb51ea08", NULL, M_DROP },
	{ "V5/V6 OpenBSD carpN link-local: send NOV6LL, accept ORIG", "love",
	    42, { "198.18.0.100", "2001:db8::100", "2001:db8::2" },
	    "fe80::200:5eff:fe00:12a", NULL, CTR,
	    "8db281512d78f0c656a273fbe219659efb51ea08",
	    "4e0bc11105d1b4619b0a76badf5694ef109509a6", M_LL6 },
	{ "V5/V6 link-local with a scope word (zeroed)", "love", 42,
	    { "2001:db8::2", "198.18.0.100", "2001:db8::100" },
	    "fe80:7::200:5eff:fe00:12a", NULL, CTR,
	    "8db281512d78f0c656a273fbe219659efb51ea08",
	    "4e0bc11105d1b4619b0a76badf5694ef109509a6", M_PASS },
	{ "V5/V6 link-local VIP given as an address", "love", 42,
	    { "198.18.0.100", "fe80::200:5eff:fe00:12a", "2001:db8::100",
	    "2001:db8::2" }, NULL, NULL, CTR,
	    "8db281512d78f0c656a273fbe219659efb51ea08",
	    "4e0bc11105d1b4619b0a76badf5694ef109509a6", M_VHID },
	{ "V5/V6 by default: carpN's link-local of the virtual MAC", "love",
	    42, { "2001:db8::100", "2001:db8::2", "198.18.0.100" }, NULL,
	    NULL, CTR, "8db281512d78f0c656a273fbe219659efb51ea08",
	    "4e0bc11105d1b4619b0a76badf5694ef109509a6", M_VHID },
	{ "V7 OpenBSD custom lladdr", "love", 42, { "198.18.0.100" }, NULL,
	    "020000aabbcc", CTR,
	    "680b132ebb7cdd7abfb48b95af1f166b766fdb81", NULL, M_LLADDR },
	/* Python's hmac and tests/integ/bsdpeer.py agree on these two. */
	{ "V4 with V7's lladdr: carpN's link-local of that MAC", "love", 42,
	    { "198.18.0.100", "2001:db8::100", "2001:db8::2" }, NULL,
	    "020000aabbcc", CTR, "b7daa0b78c08b0dfd91b2755211aa176db066727",
	    "46ec29417ec44f4faa83d10ead67ab8b7b96183e", M_LLADDR },
	{ "V8 no password (a NUL key is the empty key)", "", 1,
	    { "192.0.2.1" }, NULL, NULL, "0000000000000000",
	    "bbe88f01caf95b48d25fe8f2a7166f4d7a474ff0", NULL, M_VHID },
};

static void
unhex(const char *s, uint8_t *out, size_t n)
{
	size_t		i;
	unsigned	b;

	for (i = 0; i < n; i++) {
		CHECK(sscanf(s + 2 * i, "%2x", &b) == 1);
		out[i] = (uint8_t)b;
	}
}

static uint64_t
ctr_of(const char *s)
{
	uint8_t		b[8];
	uint64_t	c = 0;
	size_t		i;

	unhex(s, b, 8);
	for (i = 0; i < 8; i++)
		c = c << 8 | b[i];
	return c;
}

/* The auth a vector describes; mutated as m if mutate. */
static bool
vec_auth(struct carp_auth *auth, const struct vec *v, bool mutate)
{
	struct carp_addr	a[5], ll6;
	uint8_t			lladdr[6], vhid = (uint8_t)v->vhid;
	const char		*pass = v->pass;
	size_t			n, passlen = *pass != '\0' ? strlen(pass) : 1;

	for (n = 0; n < 5 && v->addrs[n] != NULL; n++)
		CHECK(carp_addr_parse(v->addrs[n], &a[n]));
	if (mutate && v->mutate == M_ADDR)
		a[n - 1].a[carp_addr_len(&a[n - 1]) - 1] ^= 0x01;
	if (mutate && v->mutate == M_DROP)
		n--;
	if (mutate && v->mutate == M_PASS)
		pass = "lovf";
	if (mutate && v->mutate == M_VHID)
		vhid++;
	carp_auth_free(auth);
	if (!carp_auth_init(auth, (const uint8_t *)pass, passlen, vhid, a, n))
		return false;
	if (v->ll6 != NULL) {
		CHECK(carp_addr_parse(v->ll6, &ll6));
		if (mutate && v->mutate == M_LL6)
			ll6.a[15] ^= 0x01;
		CHECK(carp_auth_set_ll6(auth, &ll6));
	}
	if (v->lladdr != NULL) {
		unhex(v->lladdr, lladdr, 6);
		if (mutate && v->mutate == M_LLADDR)
			lladdr[5] ^= 0x01;
		carp_auth_set_lladdr(auth, lladdr);
	}
	return true;
}

static void
test_vectors(void)
{
	struct carp_auth	auth = { 0 };
	uint8_t			mac[CARP_HMAC_LEN], sent[CARP_HMAC_LEN];
	uint8_t			acc[CARP_HMAC_LEN];
	char			hex[2 * CARP_HMAC_LEN + 1];
	uint64_t		ctr;
	size_t			i, j;

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec	*v = &vecs[i];

		check_what = v->what;
		ctr = ctr_of(v->ctr);
		unhex(v->sent, sent, CARP_HMAC_LEN);
		if (v->accepted != NULL)
			unhex(v->accepted, acc, CARP_HMAC_LEN);
		CHECK(vec_auth(&auth, v, false));
		carp_hmac_compute(&auth, ctr, mac);
		for (j = 0; j < CARP_HMAC_LEN; j++)
			snprintf(hex + 2 * j, 3, "%02x", mac[j]);
		CHECKF(strcmp(hex, v->sent) == 0, "sent %s", hex);
		CHECK(carp_hmac_verify(&auth, ctr, sent));
		/* Any one bit of the MAC wrong, in any of its words: refused. */
		for (j = 0; j < 8 * CARP_HMAC_LEN; j++) {
			sent[j / 8] ^= (uint8_t)(1u << (j % 8));
			CHECKF(!carp_hmac_verify(&auth, ctr, sent),
			    "bit %zu flipped", j);
			sent[j / 8] ^= (uint8_t)(1u << (j % 8));
		}
		CHECK(v->accepted == NULL || carp_hmac_verify(&auth, ctr, acc));
		CHECK(v->mutate == M_COUNTER ||
		    !carp_hmac_verify(&auth, ctr + 1, sent));

		/* One field changed: neither HMAC is ours any more. */
		CHECK(vec_auth(&auth, v, true));
		if (v->mutate == M_COUNTER)
			ctr++;
		carp_hmac_compute(&auth, ctr, mac);
		if (v->mutate == M_LL6) {
			/* In the context we accept, not in the one sent. */
			CHECK(memcmp(mac, sent, CARP_HMAC_LEN) == 0);
			CHECK(!carp_hmac_verify(&auth, ctr, acc));
			continue;
		}
		CHECK(memcmp(mac, sent, CARP_HMAC_LEN) != 0);
		CHECK(!carp_hmac_verify(&auth, ctr, sent));
		CHECK(v->accepted == NULL ||
		    !carp_hmac_verify(&auth, ctr, acc));
	}
	carp_auth_free(&auth);
}

/* What current BSDs do not send must not pass. */
static void
test_rejected(void)
{
	static const struct {
		const char	*what;
		const char	*addrs[3];
		const char	*ll6;
		const char	*mac;
	} cases[] = {
		/* FreeBSD <= 9 hashed in list order. */
		{ "V2-unsorted", { "198.18.0.100", "10.0.0.1", "198.18.0.20" },
		    NULL, "886593131bb159d81f2dd92944647bf233e8ae35" },
		/* scapy 2.5.0's build_hmac_sha1 (no 0x02 0x01, no counter). */
		{ "X scapy", { "198.18.0.100" }, NULL,
		    "544c93a6e174880d764bdbc3120ad58565e54af1" },
		/* Without carpN's link-local, V5 is a stranger's HMAC. */
		{ "V5 without the link-local", { "198.18.0.100",
		    "2001:db8::100", "2001:db8::2" }, "none",
		    "4e0bc11105d1b4619b0a76badf5694ef109509a6" },
		/* Our own interface's is not carpN's. */
		{ "V5 with another link-local", { "198.18.0.100",
		    "2001:db8::100", "2001:db8::2" }, "fe80::1",
		    "4e0bc11105d1b4619b0a76badf5694ef109509a6" },
	};
	struct carp_auth	auth = { 0 };
	struct carp_addr	a[3], ll6;
	uint8_t			mac[CARP_HMAC_LEN];
	size_t			i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_what = cases[i].what;
		for (n = 0; n < 3 && cases[i].addrs[n] != NULL; n++)
			CHECK(carp_addr_parse(cases[i].addrs[n], &a[n]));
		carp_auth_free(&auth);
		CHECK(carp_auth_init(&auth, (const uint8_t *)"love", 4, 42, a,
		    n));
		if (cases[i].ll6 != NULL && strcmp(cases[i].ll6, "none") == 0)
			CHECK(carp_auth_set_ll6(&auth, NULL));
		else if (cases[i].ll6 != NULL) {
			CHECK(carp_addr_parse(cases[i].ll6, &ll6));
			CHECK(carp_auth_set_ll6(&auth, &ll6));
		}
		unhex(cases[i].mac, mac, CARP_HMAC_LEN);
		CHECK(!carp_hmac_verify(&auth, ctr_of(CTR), mac));
	}
	carp_auth_free(&auth);
}

/* The "with link-local" context: when there is one, what changes it. */
static void
test_ll6(void)
{
	static const uint8_t	vmac[6] = { 0, 0, 0x5e, 0, 1, 42 };
	struct carp_auth	auth = { 0 }, moved = { 0 };
	struct carp_addr	a[3], ll6;
	uint8_t			v1[CARP_HMAC_LEN], v5[CARP_HMAC_LEN];

	unhex("847f4237b1d2cdbd096eac1b20854483dca75c26", v1, CARP_HMAC_LEN);
	unhex("4e0bc11105d1b4619b0a76badf5694ef109509a6", v5, CARP_HMAC_LEN);
	check_what = "ll6: only a link-local address";
	CHECK(carp_addr_parse("198.18.0.100", &a[0]));
	CHECK(carp_auth_init(&auth, (const uint8_t *)"love", 4, 42, a, 1));
	CHECK(carp_addr_parse("2001:db8::1", &ll6));
	CHECK(!carp_auth_set_ll6(&auth, &ll6));
	CHECK(!carp_auth_set_ll6(&auth, &a[0]));
	check_what = "ll6: no IPv6 address, no second context (OpenBSD "
	    "makes no carpN link-local then)";
	CHECK(auth.ready && auth.inner_ll == NULL);
	check_what = "lladdr: the virtual MAC is not hashed (V1)";
	carp_auth_set_lladdr(&auth, vmac);
	CHECK(!auth.has_lladdr && carp_hmac_verify(&auth, ctr_of(CTR), v1));
	check_what = "ll6: with an IPv6 address, a second context";
	CHECK(carp_addr_parse("2001:db8::2", &a[1]));
	CHECK(carp_addr_parse("2001:db8::100", &a[2]));
	carp_auth_free(&auth);
	CHECK(carp_auth_init(&auth, (const uint8_t *)"love", 4, 42, a, 3));
	CHECK(auth.ready && auth.inner_ll != NULL);
	check_what = "ll6: kept by carp_auth_move";
	carp_auth_move(&moved, &auth);
	CHECK(carp_hmac_verify(&moved, ctr_of(CTR), v5));
	check_what = "ll6: NULL removes it";
	CHECK(carp_auth_set_ll6(&moved, NULL));
	CHECK(moved.inner_ll == NULL && moved.ready);
	CHECK(!carp_hmac_verify(&moved, ctr_of(CTR), v5));
	check_what = "lladdr NULL: the virtual MAC's link-local again";
	carp_auth_set_lladdr(&moved, NULL);
	CHECK(moved.inner_ll != NULL && carp_hmac_verify(&moved, ctr_of(CTR),
	    v5));
	carp_auth_free(&auth);
	carp_auth_free(&moved);
}

/*
 * One outer state shared by many keys (issue 20): the HMACs are V1's
 * whoever shares it, it outlives the key that handed it out, and a key
 * of another password keeps its own.
 */
static void
test_shared(void)
{
	struct carp_auth	 k[3];
	struct carp_hmac_outer	*o;
	struct carp_addr	 a;
	uint8_t			 v1[CARP_HMAC_LEN], mac[CARP_HMAC_LEN];
	int			 i;

	unhex("847f4237b1d2cdbd096eac1b20854483dca75c26", v1, CARP_HMAC_LEN);
	CHECK(carp_addr_parse("198.18.0.100", &a));
	for (i = 0; i < 3; i++)
		CHECK(carp_auth_init(&k[i], (const uint8_t *)(i < 2 ? "love" :
		    "hate"), 4, 42, &a, 1));
	check_what = "shared: an outer state of the same password only";
	o = carp_auth_outer_get(&k[0]);
	CHECK(o != NULL && o == k[0].outer);
	CHECK(carp_auth_share_outer(&k[1], o) && k[1].outer == o);
	CHECK(!carp_auth_share_outer(&k[2], o) && k[2].outer != o);
	CHECK(!carp_auth_share_outer(&k[2], NULL) && k[2].outer != NULL);
	check_what = "shared: every key still makes V1's HMAC, in turn";
	for (i = 0; i < 2; i++) {
		carp_hmac_compute(&k[i], ctr_of(CTR), mac);
		CHECK(memcmp(mac, v1, CARP_HMAC_LEN) == 0);
		CHECK(carp_hmac_verify(&k[i], ctr_of(CTR), v1));
		CHECK(!carp_hmac_verify(&k[2], ctr_of(CTR), v1));
	}
	check_what = "shared: the states outlive the key they came from";
	carp_auth_free(&k[0]);
	carp_hmac_outer_put(o);
	CHECK(k[1].outer == o);
	CHECK(carp_hmac_verify(&k[1], ctr_of(CTR), v1));
	check_what = "shared: moved with the key";
	carp_auth_move(&k[0], &k[1]);
	CHECK(k[0].outer == o);
	CHECK(carp_auth_set_ll6(&k[0], NULL));
	CHECK(carp_hmac_verify(&k[0], ctr_of(CTR), v1));
	carp_auth_free(&k[0]);
	carp_auth_free(&k[1]);
	carp_auth_free(&k[2]);
}

int
main(void)
{
	test_vectors();
	test_rejected();
	test_ll6();
	test_shared();
	return check_done();
}
