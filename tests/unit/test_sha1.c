/*
 * test_sha1.c: our SHA-1 against FIPS 180's and RFC 3174's vectors, and
 * against libcrypto's on random messages of every length from 0 to 300
 * bytes, fed in random pieces (so every way a block boundary can fall
 * between two updates is met); carp_sha1_final_copy at every split of
 * such messages (both of its ways: the rest fitting the last block or
 * not), and the state it was given left as it was.  Built twice: test_sha1
 * on the core's carp_sha1.c (on x86-64 its SSE2 and asm path), and
 * test_sha1_portable on it compiled with -DCARP_SHA1_PORTABLE.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "carp_sha1.h"
#include "check.h"

static void
hex(const uint8_t *d, char *out)
{
	int	i;

	for (i = 0; i < CARP_SHA1_LEN; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void
vector(const char *what, const char *msg, size_t repeat, const char *want)
{
	struct carp_sha1	s;
	uint8_t			d[CARP_SHA1_LEN];
	char			got[2 * CARP_SHA1_LEN + 1];
	size_t			i;

	carp_sha1_init(&s);
	for (i = 0; i < repeat; i++)
		carp_sha1_update(&s, msg, strlen(msg));
	carp_sha1_final(&s, d);
	hex(d, got);
	check_what = what;
	CHECKF(strcmp(got, want) == 0, "got %s", got);
}

static void
test_vectors(void)
{
	vector("empty", "", 1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	vector("abc", "abc", 1, "a9993e364706816aba3e25717850c26c9cd0d89d");
	vector("448 bits",
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	    "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	vector("a million a", "aaaaaaaaaa", 100000,
	    "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	vector("RFC 3174 test 4",
	    "0123456701234567012345670123456701234567012345670123456701234567",
	    10, "dea356a2cddd90c7a7ecedc5ebb563934f460452");
}

static void
test_random(void)
{
	uint8_t		 msg[300], want[CARP_SHA1_LEN], got[CARP_SHA1_LEN];
	struct carp_sha1 s, copy;
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
	size_t		 len, off, n;
	unsigned	 wl;
	int		 round;

	check_what = "random messages against libcrypto";
	srand(20261207);
	for (round = 0; round < 4; round++) {
		for (len = 0; len <= sizeof(msg); len++) {
			for (off = 0; off < len; off++)
				msg[off] = (uint8_t)rand();
			CHECK(EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) &&
			    EVP_DigestUpdate(ctx, msg, len) &&
			    EVP_DigestFinal_ex(ctx, want, &wl));
			carp_sha1_init(&s);
			for (off = 0; off < len; off += n) {
				n = (size_t)rand() % (len - off + 1);
				carp_sha1_update(&s, msg + off, n);
				/* A state is a value: a copy goes on alike. */
				copy = s;
				s = copy;
			}
			carp_sha1_final(&s, got);
			CHECKF(memcmp(got, want, sizeof(got)) == 0,
			    "length %zu, round %d", len, round);
		}
	}
	EVP_MD_CTX_free(ctx);
}

static void
libcrypto_sha1(const uint8_t *msg, size_t len, uint8_t out[CARP_SHA1_LEN])
{
	unsigned	wl;

	CHECK(EVP_Digest(msg, len, out, &wl, EVP_sha1(), NULL) &&
	    wl == CARP_SHA1_LEN);
}

static void
test_final_copy(void)
{
	uint8_t		 msg[200], want[CARP_SHA1_LEN], head[CARP_SHA1_LEN];
	uint8_t		 got[CARP_SHA1_LEN];
	struct carp_sha1 s, before;
	size_t		 len, k, off;

	check_what = "carp_sha1_final_copy at every split";
	for (len = 0; len <= sizeof(msg); len++) {
		for (off = 0; off < len; off++)
			msg[off] = (uint8_t)rand();
		libcrypto_sha1(msg, len, want);
		for (k = 0; k <= len; k++) {
			carp_sha1_init(&s);
			carp_sha1_update(&s, msg, k);
			before = s;
			carp_sha1_final_copy(&s, msg + k, len - k, got);
			CHECKF(memcmp(got, want, sizeof(got)) == 0,
			    "length %zu split at %zu", len, k);
			CHECKF(memcmp(&s, &before, sizeof(s)) == 0,
			    "length %zu split at %zu: state changed", len, k);
			/* The state still finishes as the first k bytes'. */
			libcrypto_sha1(msg, k, head);
			carp_sha1_final(&s, got);
			CHECKF(memcmp(got, head, sizeof(got)) == 0,
			    "length %zu split at %zu: state spent", len, k);
		}
	}
}

int
main(void)
{
	test_vectors();
	test_random();
	test_final_copy();
	return check_done();
}
