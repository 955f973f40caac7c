/*
 * carp_sha1.h: SHA-1 (FIPS 180-4), the hash of CARP's HMAC (pure core).
 *
 * Our own, as ucarp 1.5.2 (crypto-sha1.c) and OpenBSD's carp (sys/crypto)
 * have theirs: a state is a plain value (96 bytes) that can be copied
 * with =, so a precomputed keyed state costs no allocation to keep or to
 * start from.  libcrypto's SHA-1 would need an EVP context per state
 * (heap, plus the default provider, about 1.9 MB resident) or the SHA1_*
 * calls deprecated since OpenSSL 3.0.
 */
#ifndef CARP_SHA1_H
#define CARP_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define CARP_SHA1_LEN	20
#define CARP_SHA1_BLOCK	64

struct carp_sha1 {
	uint32_t	h[5];
	uint64_t	len;		/* bytes hashed so far */
	uint8_t		buf[CARP_SHA1_BLOCK];	/* len % 64 of them pending */
};

void	carp_sha1_init(struct carp_sha1 *);
void	carp_sha1_update(struct carp_sha1 *, const void *data, size_t len);
/* Finish and write the digest; the state is spent (init it again). */
void	carp_sha1_final(struct carp_sha1 *, uint8_t out[CARP_SHA1_LEN]);
/*
 * The digest of what s has hashed followed by len bytes of data; s is
 * left as it was (an HMAC's precomputed keyed state finished per advert).
 */
void	carp_sha1_final_copy(const struct carp_sha1 *s, const void *data,
	    size_t len, uint8_t out[CARP_SHA1_LEN]);

#endif /* CARP_SHA1_H */
