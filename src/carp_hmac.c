/*
 * carp_hmac.c: the CARP HMAC-SHA1 over the BSD kernels' message layout
 * (ucarp 1.5.2's, for one IPv4 address).
 *
 * Pure core: libcrypto only, no I/O; the contexts are libcrypto's.
 *
 * HMAC (RFC 2104) is built here on libcrypto's EVP SHA-1 with both keyed
 * states precomputed, as OpenBSD's carp does.  Per advert, each state is
 * copied into a preallocated context and finished: measured with
 * callgrind (OpenSSL 3.0) that costs about 3,500 instructions per HMAC,
 * against 2,400 for the deprecated SHA1_* calls (whose states could be
 * copied by value), 3,900 for EVP_MD_CTX_copy, 4,100 for EVP_MAC (which
 * copies the same states, with more layers), 4,600 for copying the inner
 * state only and 5,750 for hashing the keyed blocks again each time.  The
 * difference is the copy: OpenSSL 3.0 frees the destination's state and
 * allocates a new one, and EVP_DigestInit_ex2 on a used context does the
 * same, so no EVP call starts a hash without an allocation.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "carp_hmac.h"

#define SHA1_BLOCK	64
#define SHA1_LEN	20

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

/* Feed the address set to ctx in the kernels' order. */
static bool
addrs_update(EVP_MD_CTX *ctx, const struct carp_auth *auth)
{
	size_t	i;

	for (i = 0; i < auth->naddrs; i++)
		if (addr_hashed(auth->addrs, i) &&
		    !EVP_DigestUpdate(ctx, auth->addrs[i].a,
		    carp_addr_len(&auth->addrs[i])))
			return false;
	return true;
}

/* Start ctx with the key XORed into a block of pad bytes. */
static bool
keyed_block(EVP_MD_CTX *ctx, const EVP_MD *md, const struct carp_auth *auth,
    uint8_t padbyte)
{
	uint8_t	pad[SHA1_BLOCK];
	size_t	i;
	bool	ok;

	memset(pad, padbyte, sizeof(pad));
	for (i = 0; i < auth->passlen; i++)
		pad[i] ^= auth->pass[i];
	ok = EVP_DigestInit_ex2(ctx, md, NULL) &&
	    EVP_DigestUpdate(ctx, pad, sizeof(pad));
	OPENSSL_cleanse(pad, sizeof(pad));
	return ok;
}

/*
 * The keyed states: H(K ^ ipad | version | type | vhid | addresses) up to
 * the counter, and H(K ^ opad ...) up to the inner digest.  The key is at
 * most 19 bytes, so it is used as is, zero-padded to the block.  The
 * algorithm is fetched once here; the contexts keep their reference.
 */
static bool
hmac_prepare(struct carp_auth *auth)
{
	uint8_t		 head[3];
	EVP_MD		*md;
	bool		 ok;

	if (auth->passlen > CARP_PASS_MAX || auth->naddrs > CARP_ADDRS_MAX)
		return false;
	auth->inner = EVP_MD_CTX_new();
	auth->outer = EVP_MD_CTX_new();
	auth->work = EVP_MD_CTX_new();
	if ((md = EVP_MD_fetch(NULL, "SHA1", NULL)) == NULL)
		return false;
	head[0] = 2;		/* CARP version */
	head[1] = 1;		/* type: advertisement */
	head[2] = auth->vhid;
	ok = auth->inner != NULL && auth->outer != NULL &&
	    auth->work != NULL && keyed_block(auth->inner, md, auth, 0x36) &&
	    EVP_DigestUpdate(auth->inner, head, sizeof(head)) &&
	    addrs_update(auth->inner, auth) &&
	    keyed_block(auth->outer, md, auth, 0x5c) &&
	    EVP_MD_get_size(md) == SHA1_LEN;
	EVP_MD_free(md);
	return ok;
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
	auth->passlen = passlen;
	auth->vhid = vhid;
	for (i = 0; i < naddrs; i++) {
		auth->addrs[i] = addrs[i];
		auth->addrs[i].prefix = CARP_PREFIX_NONE;	/* not hashed */
		/* The kernels' embedded scope, zeroed before the sort. */
		if (carp_addr_is_ll6(&auth->addrs[i]))
			auth->addrs[i].a[2] = auth->addrs[i].a[3] = 0;
	}
	auth->naddrs = naddrs;
	/* The BSDs hash the addresses sorted; ucarp 1.5.2 has only one. */
	addrs_sort(auth->addrs, naddrs);
	auth->ready = hmac_prepare(auth);
	return true;
}

/* Free the contexts (libcrypto wipes their states) and the key. */
void
carp_auth_free(struct carp_auth *auth)
{
	EVP_MD_CTX_free(auth->inner);
	EVP_MD_CTX_free(auth->outer);
	EVP_MD_CTX_free(auth->work);
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

/* Finish a copy of state with len bytes of data into out. */
static bool
hmac_finish(const struct carp_auth *auth, const EVP_MD_CTX *state,
    const uint8_t *data, size_t len, uint8_t out[SHA1_LEN])
{
	return EVP_MD_CTX_copy_ex(auth->work, state) &&
	    EVP_DigestUpdate(auth->work, data, len) &&
	    EVP_DigestFinal_ex(auth->work, out, NULL);
}

/* HMAC-SHA1 of the message for counter into out; false if libcrypto fails. */
static bool
hmac_calc(const struct carp_auth *auth, uint64_t counter,
    uint8_t out[CARP_HMAC_LEN])
{
	uint8_t		 ctr[8], inner[SHA1_LEN];
	int		 shift;
	size_t		 len = 0;
	bool		 ok;

	if (!auth->ready)
		return false;
	for (shift = 56; shift >= 0; shift -= 8)
		ctr[len++] = (uint8_t)(counter >> shift);
	ok = hmac_finish(auth, auth->inner, ctr, sizeof(ctr), inner) &&
	    hmac_finish(auth, auth->outer, inner, sizeof(inner), out);
	OPENSSL_cleanse(inner, sizeof(inner));
	return ok;
}

/* The HMAC to send with counter. */
void
carp_hmac_compute(const struct carp_auth *auth, uint64_t counter,
    uint8_t out[CARP_HMAC_LEN])
{
	/* No one to tell; an all-zero HMAC will not verify anywhere. */
	if (!hmac_calc(auth, counter, out))
		memset(out, 0, CARP_HMAC_LEN);
}

/* Whether mac is the HMAC for counter under auth. */
bool
carp_hmac_verify(const struct carp_auth *auth, uint64_t counter,
    const uint8_t mac[CARP_HMAC_LEN])
{
	uint8_t	want[CARP_HMAC_LEN];
	bool	ok;

	if (!hmac_calc(auth, counter, want))
		return false;
	/* Constant time, so a forger learns nothing from how long we took. */
	ok = CRYPTO_memcmp(want, mac, CARP_HMAC_LEN) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}
