/*
 * carp_hmac.c: the CARP HMAC-SHA1 over ucarp 1.5.2's message layout.
 *
 * Pure core: libcrypto only, no I/O, no allocation.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "carp_hmac.h"

/* version | type | vhid, every address, the 8 counter bytes */
#define CARP_HMAC_MSG_MAX	(3 + 4 * CARP_ADDRS_MAX + 8)

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
	return true;
}

/* HMAC-SHA1 of the message for counter into out; false if libcrypto fails. */
static bool
hmac_calc(const struct carp_auth *auth, uint64_t counter,
    uint8_t out[CARP_HMAC_LEN])
{
	uint8_t		 msg[CARP_HMAC_MSG_MAX];
	size_t		 len = 0, i, naddrs;
	unsigned int	 outlen = 0;
	int		 shift;

	naddrs = auth->naddrs;
	if (naddrs > CARP_ADDRS_MAX || auth->passlen > CARP_PASS_MAX)
		return false;

	msg[len++] = 2;		/* CARP version */
	msg[len++] = 1;		/* type: advertisement */
	msg[len++] = auth->vhid;
	for (i = 0; i < naddrs; i++) {
		memcpy(msg + len, auth->addrs[i], 4);
		len += 4;
	}
	for (shift = 56; shift >= 0; shift -= 8)
		msg[len++] = (uint8_t)(counter >> shift);

	if (HMAC(EVP_sha1(), auth->pass, (int)auth->passlen, msg, len, out,
	    &outlen) == NULL || outlen != CARP_HMAC_LEN)
		return false;
	return true;
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
