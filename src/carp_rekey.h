/*
 * carp_rekey.h: the rekey window (pure core).
 *
 * A reload that changes an instance's password or addresses changes its
 * HMAC key, and peers reloaded later would reject our adverts (and take
 * over) while we rejected theirs.  So for CARP_REKEY_SEND_US after a new
 * key comes in, adverts still go out with the old key, and for
 * CARP_REKEY_ACCEPT_US the old key is accepted as well as the new one:
 * hosts reloaded one at a time, up to CARP_REKEY_SEND_US apart, never see
 * each other as forged.  This module only keeps the time: the caller
 * keeps the two keys and asks, given now, which one to use.
 */
#ifndef CARP_REKEY_H
#define CARP_REKEY_H

#include <stdbool.h>
#include <stdint.h>

#define CARP_REKEY_SEND_US	60000000	/* adverts use the old key */
#define CARP_REKEY_ACCEPT_US	(2 * CARP_REKEY_SEND_US) /* old key accepted */

enum carp_rekey_key {
	CARP_REKEY_NEW,		/* the current key */
	CARP_REKEY_OLD		/* the key before the last reload changed it */
};

struct carp_rekey {
	bool	open;		/* a window is open: the old key is kept */
	bool	sending_old;	/* no send told the switch to the new key yet */
	bool	heard_old;	/* a peer on the old key was reported */
	int64_t	opened;		/* when, monotonic microseconds */
};

/*
 * A new key comes in at now and opens (or restarts) the window.  True if
 * the caller must keep its current key as the old one; false while the
 * window is still sending the old key: peers accept that one, not the
 * current one, so it stays the old key.
 */
bool		carp_rekey_start(struct carp_rekey *, int64_t now);

/*
 * The key an advert sent at now goes out with.  *switched is set true
 * once per window, by the first send after the send phase ended.
 */
enum carp_rekey_key carp_rekey_tx(struct carp_rekey *, int64_t now,
		    bool *switched);

/* True if an advert the current key rejects may be checked with the old. */
bool		carp_rekey_accepts_old(const struct carp_rekey *, int64_t now);

/* True the first time in this window: a peer still uses the old key. */
bool		carp_rekey_heard_old(struct carp_rekey *);

/*
 * True once, when the window has closed at now: the caller wipes the old
 * key.  The window is then forgotten.
 */
bool		carp_rekey_close(struct carp_rekey *, int64_t now);

/* When the old key stops being sent, and accepted; 0 if no window. */
int64_t		carp_rekey_send_until(const struct carp_rekey *);
int64_t		carp_rekey_accept_until(const struct carp_rekey *);

#endif /* CARP_REKEY_H */
