/*
 * carp_rekey.c: the rekey window's time logic (pure core): which key an
 * advert goes out with and whether the old key is still accepted, given
 * now.  See carp_rekey.h.
 */
#include "carp_rekey.h"

/* Still sending the old key at now. */
static bool
carp_rekey_sending(const struct carp_rekey *r, int64_t now)
{
	return r->sending_old && now < r->opened + CARP_REKEY_SEND_US;
}

bool
carp_rekey_start(struct carp_rekey *r, int64_t now)
{
	bool	keep_current;

	/*
	 * By time, not by whether a send noticed the end of the send phase:
	 * a backup sends nothing, and its old key would otherwise stay the
	 * one from several reloads ago.
	 */
	keep_current = !carp_rekey_sending(r, now);
	r->open = true;
	r->sending_old = true;
	r->heard_old = false;
	r->opened = now;
	return keep_current;
}

enum carp_rekey_key
carp_rekey_tx(struct carp_rekey *r, int64_t now, bool *switched)
{
	*switched = false;
	if (carp_rekey_sending(r, now))
		return CARP_REKEY_OLD;
	if (r->sending_old) {
		r->sending_old = false;
		*switched = true;
	}
	return CARP_REKEY_NEW;
}

bool
carp_rekey_accepts_old(const struct carp_rekey *r, int64_t now)
{
	return r->open && now < r->opened + CARP_REKEY_ACCEPT_US;
}

bool
carp_rekey_heard_old(struct carp_rekey *r)
{
	if (r->heard_old)
		return false;
	r->heard_old = true;
	return true;
}

bool
carp_rekey_close(struct carp_rekey *r, int64_t now)
{
	if (!r->open || carp_rekey_accepts_old(r, now))
		return false;
	r->open = false;
	return true;
}

int64_t
carp_rekey_send_until(const struct carp_rekey *r)
{
	return r->sending_old ? r->opened + CARP_REKEY_SEND_US : 0;
}

int64_t
carp_rekey_accept_until(const struct carp_rekey *r)
{
	return r->open ? r->opened + CARP_REKEY_ACCEPT_US : 0;
}
