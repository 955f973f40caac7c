/*
 * carp_hmac.h: the CARP HMAC-SHA1 (pure core, libcrypto only).
 *
 * Message, as ucarp 1.5.2 and the BSD kernels hash it:
 *   0x02 (version) | 0x01 (type) | vhid | each IPv4 address (4 bytes,
 *   sorted ascending) | the 8 counter bytes as on the wire (big-endian)
 * keyed with the password bytes (at most 19, as ucarp's 20-byte key with
 * its NUL).  With one address this is exactly ucarp's layout.
 */
#ifndef CARP_HMAC_H
#define CARP_HMAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/sha.h>

#define CARP_HMAC_LEN	20
#define CARP_PASS_MAX	19	/* bytes; ucarp's key is 20 bytes with the NUL */
#define CARP_ADDRS_MAX	64	/* addresses one vhid may carry */

struct carp_auth {
	uint8_t		pass[CARP_PASS_MAX];
	size_t		passlen;
	uint8_t		vhid;
	size_t		naddrs;
	uint8_t		addrs[CARP_ADDRS_MAX][4];	/* sorted ascending */
	/*
	 * The HMAC's two SHA-1 states, precomputed by carp_auth_init: the
	 * inner one keyed and fed everything but the counter, the outer one
	 * keyed.  An advert then costs two SHA-1 blocks.
	 */
	SHA_CTX		inner;
	SHA_CTX		outer;
	bool		ready;
};

/*
 * Fill *auth; sorts the addresses.  Returns false (and leaves *auth
 * unusable) if passlen > CARP_PASS_MAX or naddrs is 0 or > CARP_ADDRS_MAX.
 */
bool	carp_auth_init(struct carp_auth *auth, const uint8_t *pass,
	    size_t passlen, uint8_t vhid, const uint8_t (*addrs)[4],
	    size_t naddrs);

/* HMAC-SHA1 of the message for this counter into out. */
void	carp_hmac_compute(const struct carp_auth *auth, uint64_t counter,
	    uint8_t out[CARP_HMAC_LEN]);

/* Constant-time check of a received HMAC. */
bool	carp_hmac_verify(const struct carp_auth *auth, uint64_t counter,
	    const uint8_t mac[CARP_HMAC_LEN]);

#endif /* CARP_HMAC_H */
