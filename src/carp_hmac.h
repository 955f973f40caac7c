/*
 * carp_hmac.h: the CARP HMAC-SHA1 (pure core: carp_sha1, libcrypto's memory).
 *
 * Message, as ucarp 1.5.2 and the BSD kernels hash it (carp-bsd-wire.md
 * section 2.2):
 *   0x02 (version) | 0x01 (type) | vhid | each distinct IPv4 address
 *   (4 bytes, ascending) | each distinct IPv6 address (16 bytes,
 *   ascending, fe80::/10 with bytes 2-3 zeroed) | the 8 counter bytes as
 *   on the wire (big-endian)
 * keyed with the password bytes (at most 19, as ucarp's 20-byte key with
 * its NUL).  With one IPv4 address this is exactly ucarp's layout.
 *
 * OpenBSD hashes every address of its carpN interface, which includes the
 * link-local address it puts there, in one of two contexts: HMAC_ORIG
 * with it, HMAC_NOV6LL without (carp-bsd-wire.md section 2.4).  It sends
 * NOV6LL and accepts either.  So do we: adverts go out without link-local
 * addresses, which is also exactly what FreeBSD hashes for a vhid with no
 * link-local address (the only kind ucarp.conf allows), so both kernels
 * accept them; a received advert may match either context.  The
 * link-local address the "with" context adds is carpN's own, which
 * OpenBSD derives (EUI-64) from carpN's MAC: the vhid's virtual MAC
 * 00:00:5e:00:01:VHID, the same on every node (vector V5), unless an
 * admin set a custom lladdr (carp_auth_set_lladdr), which both contexts
 * also hash after the type byte.  So it is computed here, not read from
 * an interface: our own interface's link-local differs from host to host
 * and could match no peer's.
 */
#ifndef CARP_HMAC_H
#define CARP_HMAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carp_addr.h"
#include "carp_sha1.h"

#define CARP_HMAC_LEN	20
#define CARP_PASS_MAX	19	/* bytes; ucarp's key is 20 bytes with the NUL */
#define CARP_ADDRS_MAX	64	/* addresses one vhid may carry */

/* A keyed outer state, shared by keys of one password (carp_hmac.c). */
struct carp_hmac_outer;

struct carp_auth {
	uint8_t		pass[CARP_PASS_MAX];
	uint8_t		passlen;
	uint8_t		vhid;
	uint8_t		naddrs;
	bool		has_lladdr;	/* lladdr is custom: hashed then */
	bool		ready;
	/*
	 * Sorted (carp_addr_cmp), link-local scope zeroed, repeats kept;
	 * naddrs of them in libcrypto's memory (most vhids have one
	 * address, not CARP_ADDRS_MAX).
	 */
	struct carp_addr *addrs;
	/*
	 * The HMAC's SHA-1 states, precomputed: the inner ones keyed and
	 * fed everything but the counter (inner: without link-local
	 * addresses; inner_ll: with them, NULL when that is the same
	 * message), the outer one keyed.  An advert then costs two SHA-1
	 * blocks, each started by a copy of a state.  Owned: see
	 * carp_auth_free; outer counted (carp_auth_share_outer).  The
	 * fields are in the order that leaves no padding (10,000 keys).
	 */
	struct carp_sha1 *inner_ll;
	struct carp_hmac_outer *outer;
	struct carp_addr ll6;		/* OpenBSD's carpN link-local, or
					   family 0: none (see above) */
	uint8_t		lladdr[6];	/* carpN's MAC, the virtual one
					   unless custom */
	struct carp_sha1 inner;
};

/*
 * Fill *auth, which must not hold contexts (fresh, or freed); sorts the
 * addresses.  Returns false (and leaves *auth empty) if passlen >
 * CARP_PASS_MAX or naddrs is 0 or > CARP_ADDRS_MAX.  Out of memory, it
 * returns true with an auth that verifies nothing.  Pair every call with
 * carp_auth_free.
 */
bool	carp_auth_init(struct carp_auth *auth, const uint8_t *pass,
	    size_t passlen, uint8_t vhid, const struct carp_addr *addrs,
	    size_t naddrs);

/*
 * Another link-local address for OpenBSD's HMAC_ORIG context to add to a
 * vhid that has IPv6 addresses (carpN's own: carp_auth_init takes the
 * one of the virtual MAC); NULL: none, no second context.  False (nothing
 * changed) if ll6 is not an IPv6 link-local address.  Kept by
 * carp_auth_move.
 */
bool	carp_auth_set_ll6(struct carp_auth *auth, const struct carp_addr *ll6);

/*
 * OpenBSD's custom carpN lladdr (ifconfig carpN lladdr), hashed between
 * the type and the vhid in both contexts, and the link-local address
 * carpN derives from it; NULL or the virtual MAC: the virtual MAC, not
 * hashed (OpenBSD hashes only another one).
 */
void	carp_auth_set_lladdr(struct carp_auth *auth, const uint8_t lladdr[6]);

/*
 * The outer state depends on the password only, so keys of one password
 * can share it (200 bytes per key; a daemon's 10,000 keys often have one
 * password).  carp_auth_outer_get returns a counted reference to auth's
 * (NULL if it has none), to give back with carp_hmac_outer_put.
 * carp_auth_share_outer makes a ready auth use outer instead of its own
 * if outer was keyed with auth's password; false (nothing changed) if not
 * or if outer is NULL.  Counted without locks: one thread only.
 */
struct carp_hmac_outer *carp_auth_outer_get(const struct carp_auth *auth);
void	carp_hmac_outer_put(struct carp_hmac_outer *outer);
bool	carp_auth_share_outer(struct carp_auth *auth,
	    struct carp_hmac_outer *outer);

/* Free the contexts and wipe the key; *auth is then empty (all zero). */
void	carp_auth_free(struct carp_auth *auth);

/*
 * Move *src into *dst (whose old contents are freed); *src is left empty.
 * A struct carp_auth must never be copied by assignment: both copies
 * would own the same contexts.
 */
void	carp_auth_move(struct carp_auth *dst, struct carp_auth *src);

/* HMAC-SHA1 of the message to send (no link-local) for this counter. */
void	carp_hmac_compute(const struct carp_auth *auth, uint64_t counter,
	    uint8_t out[CARP_HMAC_LEN]);

/* Constant-time check of a received HMAC, against either context. */
bool	carp_hmac_verify(const struct carp_auth *auth, uint64_t counter,
	    const uint8_t mac[CARP_HMAC_LEN]);

#endif /* CARP_HMAC_H */
