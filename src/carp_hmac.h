/*
 * carp_hmac.h: the CARP HMAC-SHA1 (pure core, libcrypto only).
 *
 * Message, as ucarp 1.5.2 and the BSD kernels hash it (carp-bsd-wire.md
 * section 2.2):
 *   0x02 (version) | 0x01 (type) | vhid | each distinct IPv4 address
 *   (4 bytes, ascending) | each distinct IPv6 address (16 bytes,
 *   ascending, fe80::/10 with bytes 2-3 zeroed) | the 8 counter bytes as
 *   on the wire (big-endian)
 * keyed with the password bytes (at most 19, as ucarp's 20-byte key with
 * its NUL).  With one IPv4 address this is exactly ucarp's layout.
 */
#ifndef CARP_HMAC_H
#define CARP_HMAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "carp_addr.h"

#define CARP_HMAC_LEN	20
#define CARP_PASS_MAX	19	/* bytes; ucarp's key is 20 bytes with the NUL */
#define CARP_ADDRS_MAX	64	/* addresses one vhid may carry */

struct carp_auth {
	uint8_t		pass[CARP_PASS_MAX];
	size_t		passlen;
	uint8_t		vhid;
	size_t		naddrs;
	/* Sorted (carp_addr_cmp), link-local scope zeroed, repeats kept. */
	struct carp_addr addrs[CARP_ADDRS_MAX];
	/*
	 * The HMAC's two SHA-1 states, precomputed by carp_auth_init: the
	 * inner one keyed and fed everything but the counter, the outer one
	 * keyed.  An advert then costs two SHA-1 blocks, each started by a
	 * copy of a state into work.  Owned: see carp_auth_free.
	 */
	EVP_MD_CTX	*inner;
	EVP_MD_CTX	*outer;
	EVP_MD_CTX	*work;
	bool		 ready;
};

/*
 * Fill *auth, which must not hold contexts (fresh, or freed); sorts the
 * addresses.  Returns false (and leaves *auth empty) if passlen >
 * CARP_PASS_MAX or naddrs is 0 or > CARP_ADDRS_MAX.  If libcrypto fails,
 * it returns true with an auth that verifies nothing.  Pair every call
 * with carp_auth_free.
 */
bool	carp_auth_init(struct carp_auth *auth, const uint8_t *pass,
	    size_t passlen, uint8_t vhid, const struct carp_addr *addrs,
	    size_t naddrs);

/* Free the contexts and wipe the key; *auth is then empty (all zero). */
void	carp_auth_free(struct carp_auth *auth);

/*
 * Move *src into *dst (whose old contents are freed); *src is left empty.
 * A struct carp_auth must never be copied by assignment: both copies
 * would own the same contexts.
 */
void	carp_auth_move(struct carp_auth *dst, struct carp_auth *src);

/* HMAC-SHA1 of the message for this counter into out. */
void	carp_hmac_compute(const struct carp_auth *auth, uint64_t counter,
	    uint8_t out[CARP_HMAC_LEN]);

/* Constant-time check of a received HMAC. */
bool	carp_hmac_verify(const struct carp_auth *auth, uint64_t counter,
	    const uint8_t mac[CARP_HMAC_LEN]);

#endif /* CARP_HMAC_H */
