/*
 * carp_sha1.c: SHA-1 (FIPS 180-4) in portable C; see carp_sha1.h for why
 * it is ours.  tests/unit/test_sha1.c checks it against FIPS 180's and
 * RFC 3174's vectors and against libcrypto on random inputs of every
 * length up to a few blocks.  Measured: a keyed state copied, 16 bytes
 * hashed and finished takes 99 ns here (-O2), libcrypto's EVP 76 ns
 * (SHA-NI), so an advert's two finishes cost 50 ns more: 1 ms a second
 * for 10,000 adverts sent and 10,000 received.  Under callgrind (which
 * hides SHA-NI) a block is 1,330 instructions: bench/cost.sh counts two
 * per advert.
 */
#include <arpa/inet.h>
#include <string.h>

#include "carp_sha1.h"

#define ROL(x, n)	(((x) << (n)) | ((x) >> (32 - (n))))

/* Big-endian words through htonl: gcc does not merge the byte stores. */
static uint32_t
be32(const uint8_t *p)
{
	uint32_t	v;

	memcpy(&v, p, sizeof(v));
	return ntohl(v);
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, sizeof(v));
}

/*
 * Store schedule word v and return it.  The empty asm makes the store
 * happen where it is written: left alone, gcc tries to keep the 16 words
 * in registers x86-64 does not have and spills them around every round
 * (as Linux's lib/crypto/sha1.c found), 10 % more instructions.
 */
static inline uint32_t
w_set(uint32_t *w, uint32_t v)
{
	*w = v;
#if defined(__GNUC__)
	__asm__("" : "+m" (*w));
#endif
	return v;
}

/*
 * The schedule's word i (i >= 16), kept in a ring of 16.  The rounds are
 * spelt out (Steve Reid's public-domain layout, as OpenBSD's sha1.c),
 * every one: with a loop, or the index a variable, the ring's indices
 * are computed at run time (a fifth more instructions).
 */
#define W(i)	w_set(&w[(i) & 15], ROL(w[((i) + 13) & 15] ^ \
		    w[((i) + 8) & 15] ^ w[((i) + 2) & 15] ^ w[(i) & 15], 1))
#define R0(v, x, y, z, u, i)	do { u += ((x & (y ^ z)) ^ z) + w[i] + \
		    0x5a827999 + ROL(v, 5); x = ROL(x, 30); } while (0)
#define R1(v, x, y, z, u, i)	do { u += ((x & (y ^ z)) ^ z) + W(i) + \
		    0x5a827999 + ROL(v, 5); x = ROL(x, 30); } while (0)
#define R2(v, x, y, z, u, i)	do { u += (x ^ y ^ z) + W(i) + \
		    0x6ed9eba1 + ROL(v, 5); x = ROL(x, 30); } while (0)
#define R3(v, x, y, z, u, i)	do { u += (((x | y) & z) | (x & y)) + \
		    W(i) + 0x8f1bbcdc + ROL(v, 5); x = ROL(x, 30); } while (0)
#define R4(v, x, y, z, u, i)	do { u += (x ^ y ^ z) + W(i) + \
		    0xca62c1d6 + ROL(v, 5); x = ROL(x, 30); } while (0)
/* Five rounds, the variables rotating through their roles. */
#define R5(R, i)	do {			\
		R(a, b, c, d, e, (i));		\
		R(e, a, b, c, d, (i) + 1);	\
		R(d, e, a, b, c, (i) + 2);	\
		R(c, d, e, a, b, (i) + 3);	\
		R(b, c, d, e, a, (i) + 4);	\
	} while (0)

static void
sha1_block(uint32_t h[5], const uint8_t *p)
{
	uint32_t	w[16], a, b, c, d, e;
	int		i;

	for (i = 0; i < 16; i++)
		w[i] = be32(p + 4 * i);
	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	R5(R0, 0);
	R5(R0, 5);
	R5(R0, 10);
	R0(a, b, c, d, e, 15);
	R1(e, a, b, c, d, 16);
	R1(d, e, a, b, c, 17);
	R1(c, d, e, a, b, 18);
	R1(b, c, d, e, a, 19);
	R5(R2, 20);
	R5(R2, 25);
	R5(R2, 30);
	R5(R2, 35);
	R5(R3, 40);
	R5(R3, 45);
	R5(R3, 50);
	R5(R3, 55);
	R5(R4, 60);
	R5(R4, 65);
	R5(R4, 70);
	R5(R4, 75);
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

void
carp_sha1_init(struct carp_sha1 *s)
{
	static const uint32_t	iv[5] = {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0
	};

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
}

void
carp_sha1_update(struct carp_sha1 *s, const void *data, size_t len)
{
	const uint8_t	*p = data;
	size_t		 have = (size_t)(s->len % CARP_SHA1_BLOCK), n;

	s->len += len;
	if (have > 0) {
		n = CARP_SHA1_BLOCK - have;
		if (n > len)
			n = len;
		memcpy(s->buf + have, p, n);
		p += n;
		len -= n;
		if (have + n < CARP_SHA1_BLOCK)
			return;
		sha1_block(s->h, s->buf);
	}
	for (; len >= CARP_SHA1_BLOCK; p += CARP_SHA1_BLOCK,
	    len -= CARP_SHA1_BLOCK)
		sha1_block(s->h, p);
	if (len > 0)
		memcpy(s->buf, p, len);
}

/* The padded last block(s) of len bytes whose have pending are in buf. */
static void
sha1_pad(uint32_t h[5], uint8_t buf[CARP_SHA1_BLOCK], size_t have,
    uint64_t len)
{
	buf[have++] = 0x80;
	if (have > CARP_SHA1_BLOCK - 8) {
		memset(buf + have, 0, CARP_SHA1_BLOCK - have);
		sha1_block(h, buf);
		have = 0;
	}
	memset(buf + have, 0, CARP_SHA1_BLOCK - 8 - have);
	put_be32(buf + CARP_SHA1_BLOCK - 8, (uint32_t)(len >> 29));
	put_be32(buf + CARP_SHA1_BLOCK - 4, (uint32_t)(len << 3));
	sha1_block(h, buf);
}

static void
sha1_out(const uint32_t h[5], uint8_t out[CARP_SHA1_LEN])
{
	put_be32(out, h[0]);
	put_be32(out + 4, h[1]);
	put_be32(out + 8, h[2]);
	put_be32(out + 12, h[3]);
	put_be32(out + 16, h[4]);
}

void
carp_sha1_final(struct carp_sha1 *s, uint8_t out[CARP_SHA1_LEN])
{
	sha1_pad(s->h, s->buf, (size_t)(s->len % CARP_SHA1_BLOCK), s->len);
	sha1_out(s->h, out);
}

void
carp_sha1_final_copy(const struct carp_sha1 *s, const void *data,
    size_t len, uint8_t out[CARP_SHA1_LEN])
{
	struct carp_sha1	c;
	size_t			have = (size_t)(s->len % CARP_SHA1_BLOCK);

	/*
	 * What an HMAC finish has (a counter or a digest after a keyed
	 * state) fits the last block: build it here rather than copy the
	 * whole state and append to its buffer.
	 */
	if (len <= CARP_SHA1_BLOCK - 9 && have <= CARP_SHA1_BLOCK - 9 - len) {
		/* Zeroed whole, a fixed size: no call, unlike the tail's. */
		memset(c.buf, 0, sizeof(c.buf));
		memcpy(c.buf, s->buf, have);
		memcpy(c.buf + have, data, len);
		c.buf[have + len] = 0x80;
		put_be32(c.buf + CARP_SHA1_BLOCK - 8,
		    (uint32_t)((s->len + len) >> 29));
		put_be32(c.buf + CARP_SHA1_BLOCK - 4,
		    (uint32_t)((s->len + len) << 3));
		memcpy(c.h, s->h, sizeof(c.h));
		sha1_block(c.h, c.buf);
	} else {
		c = *s;
		carp_sha1_update(&c, data, len);
		sha1_pad(c.h, c.buf, (size_t)(c.len % CARP_SHA1_BLOCK), c.len);
	}
	sha1_out(c.h, out);
	/* A keyed state's copy is as secret as the key. */
	explicit_bzero(&c, sizeof(c));
}
