/*
 * carp_hmac.c: the CARP HMAC-SHA1 over the BSD kernels' message layout
 * (ucarp 1.5.2's, for one IPv4 address).
 *
 * Pure core: no I/O; the keys' memory and wiping are libcrypto's, the
 * per-advert constant-time compare ours (hmac_equal).
 *
 * HMAC (RFC 2104) is built here on our SHA-1 (carp_sha1.c) with both
 * keyed states precomputed, as OpenBSD's carp does.  Per advert, each
 * state is finished on a copy of its last block (carp_sha1_final_copy).
 * Not libcrypto's SHA-1: through EVP each state is a context on the heap
 * (two allocations of 192 bytes) whose copy frees and allocates again
 * (3,500 instructions per HMAC), and the first EVP fetch starts the
 * default provider, which makes 1.9 MB more of libcrypto resident (issue
 * 20); the SHA1_* calls that copy by value are deprecated since OpenSSL
 * 3.0.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>

#include "carp_hmac.h"
#include "carp_sha1.h"
#include "carp_wire.h"

/* H(K ^ opad) and the password it was keyed with, counted references. */
struct carp_hmac_outer {
	struct carp_sha1 ctx;
	unsigned	 refs;
	uint8_t		 passlen;
	uint8_t		 pass[CARP_PASS_MAX];
};

/*
 * Sort the addresses in the BSD order (carp_addr_cmp); n is at most
 * CARP_ADDRS_MAX, so insertion sort is enough.
 */
static void
addrs_sort(struct carp_addr *addrs, size_t n)
{
	struct carp_addr	tmp;
	size_t			i, j;

	for (i = 1; i < n; i++) {
		tmp = addrs[i];
		for (j = i; j > 0 && carp_addr_cmp(&addrs[j - 1], &tmp) > 0; j--)
			addrs[j] = addrs[j - 1];
		addrs[j] = tmp;
	}
}

/*
 * Whether the kernels hash address i of the sorted set: each distinct
 * value once, and never all-zeros or all-ones (their sort's sentinels,
 * carp-bsd-wire.md section 2.3).
 */
static bool
addr_hashed(const struct carp_addr *addrs, size_t i)
{
	static const uint8_t	ones[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	const struct carp_addr	*a = &addrs[i];

	if (i > 0 && carp_addr_eq(&addrs[i - 1], a))
		return false;
	return !carp_addr_is_zero(a) &&
	    memcmp(a->a, ones, carp_addr_len(a)) != 0;
}

/*
 * Feed the sorted set to ctx in the kernels' order; link-local addresses
 * only for OpenBSD's HMAC_ORIG (ll).
 */
static void
addrs_update(struct carp_sha1 *ctx, const struct carp_addr *addrs, size_t n,
    bool ll)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if ((ll || !carp_addr_is_ll6(&addrs[i])) &&
		    addr_hashed(addrs, i))
			carp_sha1_update(ctx, addrs[i].a,
			    carp_addr_len(&addrs[i]));
}

/*
 * Whether OpenBSD's carpN would carry its link-local address: it makes
 * one when the carp has IPv6 addresses (carp_set_enaddr).
 */
static bool
ll6_hashed(const struct carp_auth *auth)
{
	size_t	i;

	if (auth->ll6.family != CARP_AF_INET6)
		return false;
	for (i = 0; i < auth->naddrs; i++)
		if (auth->addrs[i].family == CARP_AF_INET6)
			return true;
	return false;
}

/* Whether the message with link-local addresses differs from the one sent. */
static bool
ll_differs(const struct carp_auth *auth)
{
	size_t	i;

	for (i = 0; i < auth->naddrs; i++)
		if (carp_addr_is_ll6(&auth->addrs[i]))
			return true;
	return ll6_hashed(auth);
}

/* Start ctx with the key XORed into a block of pad bytes. */
static void
keyed_block(struct carp_sha1 *ctx, const struct carp_auth *auth,
    uint8_t padbyte)
{
	uint8_t	pad[CARP_SHA1_BLOCK];
	size_t	i;

	memset(pad, padbyte, sizeof(pad));
	for (i = 0; i < auth->passlen; i++)
		pad[i] ^= auth->pass[i];
	carp_sha1_init(ctx);
	carp_sha1_update(ctx, pad, sizeof(pad));
	OPENSSL_cleanse(pad, sizeof(pad));
}

/*
 * An inner state: H(K ^ ipad | version | type | [lladdr] | vhid |
 * addresses), up to the counter; with the link-local ones if ll.
 */
static void
inner_build(struct carp_sha1 *ctx, const struct carp_auth *auth, bool ll)
{
	static const uint8_t	head[2] = { 2, 1 };	/* version, type */
	struct carp_addr	set[CARP_ADDRS_MAX + 1];
	size_t			n = auth->naddrs;

	memcpy(set, auth->addrs, n * sizeof(set[0]));
	if (ll && ll6_hashed(auth)) {
		set[n++] = auth->ll6;
		addrs_sort(set, n);
	}
	keyed_block(ctx, auth, 0x36);
	carp_sha1_update(ctx, head, sizeof(head));
	if (auth->has_lladdr)
		carp_sha1_update(ctx, auth->lladdr, sizeof(auth->lladdr));
	carp_sha1_update(ctx, &auth->vhid, 1);
	addrs_update(ctx, set, n, ll);
}

void
carp_hmac_outer_put(struct carp_hmac_outer *o)
{
	if (o == NULL || --o->refs > 0)
		return;
	OPENSSL_clear_free(o, sizeof(*o));
}

/* A new outer state for auth's password, one reference; NULL on failure. */
static struct carp_hmac_outer *
outer_new(const struct carp_auth *auth)
{
	struct carp_hmac_outer	*o;

	if ((o = OPENSSL_zalloc(sizeof(*o))) == NULL)
		return NULL;
	o->refs = 1;
	o->passlen = auth->passlen;
	memcpy(o->pass, auth->pass, auth->passlen);
	keyed_block(&o->ctx, auth, 0x5c);
	return o;
}

/*
 * The keyed states: the inner ones up to the counter, H(K ^ opad ...) up
 * to the inner digest.  The key is at most 19 bytes, so it is used as is,
 * zero-padded to the block.
 */
static bool
hmac_prepare(struct carp_auth *auth)
{
	if (auth->passlen > CARP_PASS_MAX || auth->naddrs > CARP_ADDRS_MAX)
		return false;
	inner_build(&auth->inner, auth, false);
	if (ll_differs(auth)) {
		if ((auth->inner_ll = OPENSSL_malloc(sizeof(*auth->inner_ll))) ==
		    NULL)
			return false;
		inner_build(auth->inner_ll, auth, true);
	}
	return (auth->outer = outer_new(auth)) != NULL;
}

/* Wipe the states and free what is ours of them. */
static void
contexts_free(struct carp_auth *auth)
{
	OPENSSL_clear_free(auth->inner_ll, sizeof(*auth->inner_ll));
	carp_hmac_outer_put(auth->outer);
	OPENSSL_cleanse(&auth->inner, sizeof(auth->inner));
	auth->inner_ll = NULL;
	auth->outer = NULL;
	auth->ready = false;
}

/* The states again, after an input changed (an auth carp_auth_init made). */
static void
hmac_rebuild(struct carp_auth *auth)
{
	contexts_free(auth);
	if (auth->naddrs > 0)
		auth->ready = hmac_prepare(auth);
}

/*
 * The link-local address OpenBSD's carpN has with MAC mac: fe80::/64 and
 * the modified EUI-64 of the MAC (in6_ifattach_linklocal).
 */
static void
ll6_of_mac(const uint8_t mac[6], struct carp_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = CARP_AF_INET6;
	out->prefix = CARP_PREFIX_NONE;
	out->a[0] = 0xfe;
	out->a[1] = 0x80;
	out->a[8] = mac[0] ^ 0x02;
	out->a[9] = mac[1];
	out->a[10] = mac[2];
	out->a[11] = 0xff;
	out->a[12] = 0xfe;
	memcpy(&out->a[13], &mac[3], 3);
}

/* Copy the password and the addresses, sorted, into *auth. */
bool
carp_auth_init(struct carp_auth *auth, const uint8_t *pass, size_t passlen,
    uint8_t vhid, const struct carp_addr *addrs, size_t naddrs)
{
	size_t	i;

	memset(auth, 0, sizeof(*auth));
	/*
	 * ucarp refuses an empty password and keeps at most 19 bytes (its
	 * 20-byte key holds the NUL); a longer key would not interoperate.
	 */
	if (pass == NULL || passlen == 0 || passlen > CARP_PASS_MAX)
		return false;
	if (addrs == NULL || naddrs == 0 || naddrs > CARP_ADDRS_MAX)
		return false;
	for (i = 0; i < naddrs; i++)
		if (addrs[i].family != CARP_AF_INET &&
		    addrs[i].family != CARP_AF_INET6)
			return false;

	memcpy(auth->pass, pass, passlen);
	auth->passlen = (uint8_t)passlen;
	auth->vhid = vhid;
	/* Out of memory: an auth that verifies nothing, as documented. */
	if ((auth->addrs = OPENSSL_zalloc(naddrs * sizeof(*addrs))) == NULL)
		return true;
	for (i = 0; i < naddrs; i++) {
		auth->addrs[i] = addrs[i];
		auth->addrs[i].prefix = CARP_PREFIX_NONE;	/* not hashed */
		/* The kernels' embedded scope, zeroed before the sort. */
		if (carp_addr_is_ll6(&auth->addrs[i]))
			auth->addrs[i].a[2] = auth->addrs[i].a[3] = 0;
	}
	auth->naddrs = (uint8_t)naddrs;
	/* The BSDs hash the addresses sorted; ucarp 1.5.2 has only one. */
	addrs_sort(auth->addrs, naddrs);
	/* OpenBSD's default carpN: the virtual MAC, not hashed. */
	wire_vmac(auth->lladdr, vhid);
	ll6_of_mac(auth->lladdr, &auth->ll6);
	auth->ready = hmac_prepare(auth);
	return true;
}

bool
carp_auth_set_ll6(struct carp_auth *auth, const struct carp_addr *ll6)
{
	if (ll6 != NULL && !carp_addr_is_ll6(ll6))
		return false;
	memset(&auth->ll6, 0, sizeof(auth->ll6));
	if (ll6 != NULL) {
		auth->ll6 = *ll6;
		auth->ll6.prefix = CARP_PREFIX_NONE;
		auth->ll6.a[2] = auth->ll6.a[3] = 0;	/* the scope word */
	}
	hmac_rebuild(auth);
	return true;
}

void
carp_auth_set_lladdr(struct carp_auth *auth, const uint8_t lladdr[6])
{
	uint8_t	vmac[6];

	wire_vmac(vmac, auth->vhid);
	auth->has_lladdr = lladdr != NULL &&
	    memcmp(lladdr, vmac, sizeof(vmac)) != 0;
	memcpy(auth->lladdr, auth->has_lladdr ? lladdr : vmac,
	    sizeof(auth->lladdr));
	ll6_of_mac(auth->lladdr, &auth->ll6);
	hmac_rebuild(auth);
}

struct carp_hmac_outer *
carp_auth_outer_get(const struct carp_auth *auth)
{
	if (auth->outer != NULL)
		auth->outer->refs++;
	return auth->outer;
}

/* Use o, keyed with our password, instead of our own outer state. */
bool
carp_auth_share_outer(struct carp_auth *auth, struct carp_hmac_outer *o)
{
	if (o == NULL || !auth->ready || o->passlen != auth->passlen ||
	    CRYPTO_memcmp(o->pass, auth->pass, auth->passlen) != 0)
		return false;
	if (o == auth->outer)
		return true;
	o->refs++;
	carp_hmac_outer_put(auth->outer);
	auth->outer = o;
	return true;
}

/* Free the contexts, the addresses and the key. */
void
carp_auth_free(struct carp_auth *auth)
{
	contexts_free(auth);
	OPENSSL_free(auth->addrs);
	OPENSSL_cleanse(auth, sizeof(*auth));
}

/* Hand *src's key and contexts to *dst. */
void
carp_auth_move(struct carp_auth *dst, struct carp_auth *src)
{
	if (dst == src)
		return;
	carp_auth_free(dst);
	*dst = *src;
	OPENSSL_cleanse(src, sizeof(*src));
}

/*
 * HMAC-SHA1 of the message for counter from an inner state into out;
 * false if auth has no states (libcrypto had no memory for them).
 */
static bool
hmac_calc(const struct carp_auth *auth, const struct carp_sha1 *state,
    uint64_t counter, uint8_t out[CARP_HMAC_LEN])
{
	uint8_t		 ctr[8], inner[CARP_SHA1_LEN];
	int		 i;

	if (!auth->ready)
		return false;
	for (i = 0; i < 8; i++)
		ctr[i] = (uint8_t)(counter >> (56 - 8 * i));
	carp_sha1_final_copy(state, ctr, sizeof(ctr), inner);
	/*
	 * inner is not wiped, nor is the HMAC verify computes: as the MAC of
	 * a counter that went or came over the wire, neither helps a forger
	 * who could read them more than the keyed states kept beside them.
	 */
	carp_sha1_final_copy(&auth->outer->ctx, inner, sizeof(inner), out);
	return true;
}

/*
 * Whether two HMACs are equal, in constant time (a forger learns nothing
 * from how long we took): every word is compared whatever the first
 * difference, the empty asm keeping the compiler from stopping early.
 * CRYPTO_memcmp does the same a byte at a time, in 150 instructions per
 * advert received; this takes 5 words.
 */
static bool
hmac_equal(const uint8_t a[CARP_HMAC_LEN], const uint8_t b[CARP_HMAC_LEN])
{
	uint32_t	x, y, d = 0;
	size_t		i;

	for (i = 0; i < CARP_HMAC_LEN; i += sizeof(x)) {
		memcpy(&x, a + i, sizeof(x));
		memcpy(&y, b + i, sizeof(y));
		d |= x ^ y;
#if defined(__GNUC__)
		__asm__("" : "+r" (d));
#endif
	}
	return d == 0;
}

/* The HMAC to send with counter. */
void
carp_hmac_compute(const struct carp_auth *auth, uint64_t counter,
    uint8_t out[CARP_HMAC_LEN])
{
	/* No one to tell; an all-zero HMAC will not verify anywhere. */
	if (!hmac_calc(auth, &auth->inner, counter, out))
		memset(out, 0, CARP_HMAC_LEN);
}

/* Whether mac is the HMAC for counter under auth. */
bool
carp_hmac_verify(const struct carp_auth *auth, uint64_t counter,
    const uint8_t mac[CARP_HMAC_LEN])
{
	uint8_t	want[CARP_HMAC_LEN];
	bool	ok;

	if (!hmac_calc(auth, &auth->inner, counter, want))
		return false;
	ok = hmac_equal(want, mac);
	/* OpenBSD accepts HMAC_ORIG too (carp_hmac_verify): so do we. */
	if (!ok && auth->inner_ll != NULL &&
	    hmac_calc(auth, auth->inner_ll, counter, want))
		ok = hmac_equal(want, mac);
	return ok;
}
