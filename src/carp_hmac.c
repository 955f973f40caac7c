/*
 * carp_hmac.c: the CARP HMAC-SHA1 over ucarp 1.5.2's message layout.
 *
 * Pure core: libcrypto only, no I/O, no allocation.
 *
 * HMAC (RFC 2104) is built here on libcrypto's SHA-1 with both keyed
 * states precomputed, as OpenBSD's carp does.  OpenSSL 3 marks the SHA1_*
 * calls deprecated in favour of EVP, but EVP needs allocated contexts,
 * and its one-shot HMAC() fetches the algorithm on every call: about 16,000
 * instructions and several locks per advert (bench/cost.sh), against about
 * 2,000 for the two SHA-1 blocks this needs.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "carp_hmac.h"

#define SHA1_BLOCK	64

/* Order two IPv4 addresses as numbers (network bytes compare as such). */
static int
addr_cmp(const uint8_t a[4], const uint8_t b[4])
{
	return memcmp(a, b, 4);
}

/* Sort the addresses ascending; n is at most CARP_ADDRS_MAX. */
static void
addrs_sort(uint8_t (*addrs)[4], size_t n)
{
	uint8_t	tmp[4];
	size_t	i, j;

	for (i = 1; i < n; i++) {
		memcpy(tmp, addrs[i], 4);
		for (j = i; j > 0 && addr_cmp(addrs[j - 1], tmp) > 0; j--)
			memcpy(addrs[j], addrs[j - 1], 4);
		memcpy(addrs[j], tmp, 4);
	}
}

/*
 * The keyed states: H(K ^ ipad | version | type | vhid | addresses) up to
 * the counter, and H(K ^ opad ...) up to the inner digest.  The key is at
 * most 19 bytes, so it is used as is, zero-padded to the block.
 */
static bool
hmac_prepare(struct carp_auth *auth)
{
	uint8_t		 pad[SHA1_BLOCK], head[3];
	size_t		 i;
	int		 ok;

	if (auth->passlen > CARP_PASS_MAX || auth->naddrs > CARP_ADDRS_MAX)
		return false;
	head[0] = 2;		/* CARP version */
	head[1] = 1;		/* type: advertisement */
	head[2] = auth->vhid;
	memset(pad, 0x36, sizeof(pad));
	for (i = 0; i < auth->passlen; i++)
		pad[i] ^= auth->pass[i];
	ok = SHA1_Init(&auth->inner) && SHA1_Update(&auth->inner, pad, sizeof(pad)) &&
	    SHA1_Update(&auth->inner, head, sizeof(head)) &&
	    SHA1_Update(&auth->inner, auth->addrs, 4 * auth->naddrs);
	memset(pad, 0x5c, sizeof(pad));
	for (i = 0; i < auth->passlen; i++)
		pad[i] ^= auth->pass[i];
	ok = ok && SHA1_Init(&auth->outer) &&
	    SHA1_Update(&auth->outer, pad, sizeof(pad));
	OPENSSL_cleanse(pad, sizeof(pad));
	return ok;
}

/* Copy the password and the addresses, sorted, into *auth. */
bool
carp_auth_init(struct carp_auth *auth, const uint8_t *pass, size_t passlen,
    uint8_t vhid, const uint8_t (*addrs)[4], size_t naddrs)
{
	memset(auth, 0, sizeof(*auth));
	/*
	 * ucarp refuses an empty password and keeps at most 19 bytes (its
	 * 20-byte key holds the NUL); a longer key would not interoperate.
	 */
	if (pass == NULL || passlen == 0 || passlen > CARP_PASS_MAX)
		return false;
	if (addrs == NULL || naddrs == 0 || naddrs > CARP_ADDRS_MAX)
		return false;

	memcpy(auth->pass, pass, passlen);
	auth->passlen = passlen;
	auth->vhid = vhid;
	memcpy(auth->addrs, addrs, naddrs * sizeof(auth->addrs[0]));
	auth->naddrs = naddrs;
	/* OpenBSD hashes the addresses sorted; ucarp has only one. */
	addrs_sort(auth->addrs, naddrs);
	auth->ready = hmac_prepare(auth);
	return true;
}

/* HMAC-SHA1 of the message for counter into out; false if libcrypto fails. */
static bool
hmac_calc(const struct carp_auth *auth, uint64_t counter,
    uint8_t out[CARP_HMAC_LEN])
{
	uint8_t		 ctr[8], inner[SHA_DIGEST_LENGTH];
	SHA_CTX		 c;
	int		 shift, ok;
	size_t		 len = 0;

	if (!auth->ready)
		return false;
	for (shift = 56; shift >= 0; shift -= 8)
		ctr[len++] = (uint8_t)(counter >> shift);
	c = auth->inner;
	ok = SHA1_Update(&c, ctr, sizeof(ctr)) && SHA1_Final(inner, &c);
	c = auth->outer;
	ok = ok && SHA1_Update(&c, inner, sizeof(inner)) && SHA1_Final(out, &c);
	OPENSSL_cleanse(&c, sizeof(c));
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
