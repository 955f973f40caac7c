/*
 * carp_sha1.c: SHA-1 (FIPS 180-4); see carp_sha1.h for why it is ours.
 * tests/unit/test_sha1.c checks it against FIPS 180's and RFC 3174's
 * vectors and against libcrypto on random inputs of every length up to a
 * few blocks; make check runs it on both paths below.
 *
 * Two ways to hash a block, chosen at compile time.  On x86-64 (gcc or
 * clang) the schedule is computed four words at a time in SSE2, which
 * every x86-64 CPU has (no run-time check), and each round is one asm
 * statement spelt as libcrypto's sha1-x86_64 does; elsewhere, and with
 * -DCARP_SHA1_PORTABLE, plain C.  Why: an advert sent or received takes
 * two blocks (its HMAC's inner and outer finishes), more than half of
 * the instructions bench/cost.sh counts per advert.  Measured under
 * callgrind, gcc -O2, per block: plain C 1,326 instructions, the x86-64
 * path 991 (clang 982; libcrypto's SSSE3/AVX code is about 900 to 1,000);
 * bench/cost.sh -w 10 1: 4,681 / 4,649 instructions per advert sent /
 * received before, 4,011 / 3,978 after.  In time it is a wash (89 ns per
 * 40-byte message, plain C 88 ns, on a Xeon with AVX2): the rounds are a
 * chain of dependent adds either way.
 */
#include <arpa/inet.h>
#include <string.h>

#include "carp_sha1.h"

#define ROL(x, n)	(((x) << (n)) | ((x) >> (32 - (n))))
#define K0	0x5a827999
#define K1	0x6ed9eba1
#define K2	0x8f1bbcdc
#define K3	0xca62c1d6

/* Five rounds, the variables rotating through their roles; RL the last. */
#define R5(R, RL, i)	do {			\
		R(a, b, c, d, e, (i));		\
		R(e, a, b, c, d, (i) + 1);	\
		R(d, e, a, b, c, (i) + 2);	\
		R(c, d, e, a, b, (i) + 3);	\
		RL(b, c, d, e, a, (i) + 4);	\
	} while (0)

#if defined(__x86_64__) && defined(__SSE2__) && defined(__GNUC__) && \
    !defined(CARP_SHA1_PORTABLE)
#include <emmintrin.h>

/*
 * The schedule four words at a time (Locktyukhin, "Improving the
 * performance of SHA-1", Intel 2010; libcrypto's SSSE3 code, without
 * pshufb and palignr), stored whole in w[80] for the rounds to add from
 * memory.
 */
#define V_ROL(x, n)	_mm_or_si128(_mm_slli_epi32((x), (n)), \
		    _mm_srli_epi32((x), 32 - (n)))
/* Words 2, 3 of u then 0, 1 of v: W[t-6..t-3] from W[t-8..t-1]. */
#define V_MID(u, v)	_mm_castpd_si128(_mm_shuffle_pd(_mm_castsi128_pd(u), \
		    _mm_castsi128_pd(v), 1))

/* Four big-endian words: no pshufb in SSE2, so halves then bytes swap. */
static inline __m128i
v_load_be(const uint8_t *p)
{
	__m128i	v = _mm_loadu_si128((const __m128i *)(const void *)p);

	v = _mm_shufflehi_epi16(_mm_shufflelo_epi16(v, 0xb1), 0xb1);
	return _mm_or_si128(_mm_slli_epi16(v, 8), _mm_srli_epi16(v, 8));
}

/*
 * W[t..t+3] for t in 16..31 from the 16 words before: the last lane's
 * W[t-3] is W[t], of this same vector, so that lane is computed without
 * it and fixed up after (rol1 distributes over ^).
 */
static inline __m128i
v_w16(__m128i a, __m128i b, __m128i c, __m128i d)
{
	__m128i	x, f;

	x = _mm_xor_si128(_mm_xor_si128(a, c),
	    _mm_xor_si128(V_MID(a, b), _mm_srli_si128(d, 4)));
	f = _mm_slli_si128(x, 12);
	return _mm_xor_si128(V_ROL(x, 1), V_ROL(f, 2));
}

/* Vector n (words 4n..4n+3) kept in x and stored in w. */
#define V_STORE(n)	_mm_store_si128((__m128i *)(void *)(w + 4 * (n)), x[n])
#define V_SET(n, v)	do {						\
		x[n] = (v);						\
		V_STORE(n);						\
	} while (0)
#define V_W16(n)	V_SET(n, v_w16(x[(n) - 4], x[(n) - 3], \
		    x[(n) - 2], x[(n) - 1]))
/*
 * For t >= 32, W[t] = rol2(W[t-6] ^ W[t-16] ^ W[t-28] ^ W[t-32]) (the
 * recurrence applied twice) has no dependence inside a vector.
 */
#define V_W32(n)	V_SET(n, V_ROL(_mm_xor_si128(			\
		    _mm_xor_si128(x[(n) - 8], x[(n) - 7]),		\
		    _mm_xor_si128(x[(n) - 4],				\
		    V_MID(x[(n) - 2], x[(n) - 1]))), 2))

/*
 * The rounds, each one asm statement of 10 (Ch), 8 (parity) or 11 (Maj)
 * instructions, as libcrypto's sha1-x86_64 spells them; from C, gcc -O2
 * takes 10, 9 and 12, K added by the schedule (two vector instructions
 * more per four words), and moves registers around.  a is rotated by 5 in
 * place, then by 25 more (30 in all) the next round, where it is b.  What
 * the next round's boolean function needs of b is in t, taken from a copy
 * of a before its rotation: b itself (Ch), b ^ d (parity) or b ^ c (Maj),
 * so a round is a head (H_: its function, with K, added by one lea) and a
 * tail (T_: what the next one's function needs).
 */
#define H_CH	"addl %[rw], %[re]\n\t"				\
		"movl %[rc], %[rn]\n\t"				\
		"xorl %[rd], %[rn]\n\t"				\
		"andl %[rn], %[rt]\n\t"				\
		"xorl %[rd], %[rt]\n\t"				\
		"leal %c[rk](%q[re],%q[rt]), %[re]\n\t"
#define H_PAR	"addl %[rw], %[re]\n\t"				\
		"xorl %[rc], %[rt]\n\t"				\
		"leal %c[rk](%q[re],%q[rt]), %[re]\n\t"
#define H_MAJ	"addl %[rw], %[re]\n\t"				\
		"movl %[rc], %[rn]\n\t"				\
		"xorl %[rd], %[rn]\n\t"				\
		"andl %[rn], %[rt]\n\t"				\
		"xorl %[rc], %[rt]\n\t"				\
		"leal %c[rk](%q[re],%q[rt]), %[re]\n\t"
#define T_CH	"movl %[ra], %[rt]\n\t"				\
		"roll $5, %[ra]\n\t"				\
		"addl %[ra], %[re]\n\t"				\
		"rorl $7, %[rb]"
#define T_PAR	"movl %[ra], %[rt]\n\t"				\
		"xorl %[rc], %[rt]\n\t"				\
		"roll $5, %[ra]\n\t"				\
		"addl %[ra], %[re]\n\t"				\
		"rorl $7, %[rb]"
#define T_MAJ	"rorl $7, %[rb]\n\t"				\
		"movl %[ra], %[rt]\n\t"				\
		"xorl %[rb], %[rt]\n\t"				\
		"roll $5, %[ra]\n\t"				\
		"addl %[ra], %[re]"
/* The lea wraps at 32 bits: K as a signed displacement is the same sum. */
#define RND(hd, tl, k, a, b, c, d, e, i)	do {			\
		uint32_t n;						\
		__asm__(hd tl						\
		    : [ra] "+r" (a), [rb] "+r" (b), [re] "+r" (e),	\
		    [rt] "+r" (t), [rn] "=&r" (n)			\
		    : [rc] "r" (c), [rd] "r" (d), [rw] "m" (w[i]),	\
		    [rk] "i" ((int32_t)(k)) : "cc");			\
	} while (0)
#define RC(a, b, c, d, e, i)	RND(H_CH, T_CH, K0, a, b, c, d, e, i)
#define RCP(a, b, c, d, e, i)	RND(H_CH, T_PAR, K0, a, b, c, d, e, i)
#define RP(a, b, c, d, e, i)	RND(H_PAR, T_PAR, K1, a, b, c, d, e, i)
#define RPM(a, b, c, d, e, i)	RND(H_PAR, T_MAJ, K1, a, b, c, d, e, i)
#define RM(a, b, c, d, e, i)	RND(H_MAJ, T_MAJ, K2, a, b, c, d, e, i)
#define RMP(a, b, c, d, e, i)	RND(H_MAJ, T_PAR, K2, a, b, c, d, e, i)
#define RQ(a, b, c, d, e, i)	RND(H_PAR, T_PAR, K3, a, b, c, d, e, i)

static void
sha1_block(uint32_t h[5], const uint8_t *p)
{
	_Alignas(16) uint32_t	w[80];
	__m128i			x[20];
	uint32_t		a, b, c, d, e, t;

	/*
	 * Each vector is computed a few rounds before the rounds need it:
	 * the whole schedule first costs 10 % more time (the rounds wait).
	 */
	x[0] = v_load_be(p);
	x[1] = v_load_be(p + 16);
	x[2] = v_load_be(p + 32);
	x[3] = v_load_be(p + 48);
	V_STORE(0);
	V_STORE(1);
	V_STORE(2);
	V_STORE(3);
	a = h[0];
	t = h[1];
	b = ROL(t, 5);
	c = h[2];
	d = h[3];
	e = h[4];
	R5(RC, RC, 0);
	V_W16(4);
	R5(RC, RC, 5);
	V_W16(5);
	R5(RC, RC, 10);
	V_W16(6);
	R5(RC, RCP, 15);
	V_W16(7);
	V_W32(8);
	R5(RP, RP, 20);
	V_W32(9);
	R5(RP, RP, 25);
	V_W32(10);
	R5(RP, RP, 30);
	V_W32(11);
	R5(RP, RPM, 35);
	V_W32(12);
	R5(RM, RM, 40);
	V_W32(13);
	R5(RM, RM, 45);
	V_W32(14);
	R5(RM, RM, 50);
	V_W32(15);
	R5(RM, RMP, 55);
	V_W32(16);
	R5(RQ, RQ, 60);
	V_W32(17);
	R5(RQ, RQ, 65);
	V_W32(18);
	R5(RQ, RQ, 70);
	V_W32(19);
	R5(RQ, RQ, 75);
	b = ROL(b, 27);
	/* Five adds to memory: from C, gcc makes them vector, 12 instructions. */
	__asm__("addl %[ra], %[h0]\n\taddl %[rb], %[h1]\n\t"
	    "addl %[rc], %[h2]\n\taddl %[rd], %[h3]\n\taddl %[re], %[h4]"
	    : [h0] "+m" (h[0]), [h1] "+m" (h[1]), [h2] "+m" (h[2]),
	    [h3] "+m" (h[3]), [h4] "+m" (h[4])
	    : [ra] "r" (a), [rb] "r" (b), [rc] "r" (c), [rd] "r" (d),
	    [re] "r" (e) : "cc");
}

#else /* the portable path */

/* The boolean functions, in their forms of fewest operations. */
#define F_CH(x, y, z)	((x & (y ^ z)) ^ z)
#define F_PAR(x, y, z)	(x ^ y ^ z)
#define F_MAJ(x, y, z)	(((x | y) & z) | (x & y))

/* Big-endian words through htonl: gcc does not merge the byte stores. */
static uint32_t
be32(const uint8_t *p)
{
	uint32_t	v;

	memcpy(&v, p, sizeof(v));
	return ntohl(v);
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
#define R0(v, x, y, z, u, i)	do { u += F_CH(x, y, z) + w[i] + K0 + \
		    ROL(v, 5); x = ROL(x, 30); } while (0)
#define R1(v, x, y, z, u, i)	do { u += F_CH(x, y, z) + W(i) + K0 + \
		    ROL(v, 5); x = ROL(x, 30); } while (0)
#define R2(v, x, y, z, u, i)	do { u += F_PAR(x, y, z) + W(i) + K1 + \
		    ROL(v, 5); x = ROL(x, 30); } while (0)
#define R3(v, x, y, z, u, i)	do { u += F_MAJ(x, y, z) + W(i) + K2 + \
		    ROL(v, 5); x = ROL(x, 30); } while (0)
#define R4(v, x, y, z, u, i)	do { u += F_PAR(x, y, z) + W(i) + K3 + \
		    ROL(v, 5); x = ROL(x, 30); } while (0)
#define R20(R, i)	do {				\
		R5(R, R, (i));				\
		R5(R, R, (i) + 5);			\
		R5(R, R, (i) + 10);			\
		R5(R, R, (i) + 15);			\
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
	R5(R0, R0, 0);
	R5(R0, R0, 5);
	R5(R0, R0, 10);
	R0(a, b, c, d, e, 15);
	R1(e, a, b, c, d, 16);
	R1(d, e, a, b, c, 17);
	R1(c, d, e, a, b, 18);
	R1(b, c, d, e, a, 19);
	R20(R2, 20);
	R20(R3, 40);
	R20(R4, 60);
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}
#endif

static void
put_be32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, sizeof(v));
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
	/*
	 * Nothing to wipe: the keyed state copied into c.h has been hashed
	 * over by the last block into the digest we return, and c.buf holds
	 * only the message.
	 */
	sha1_out(c.h, out);
}
