/*
 * test_rekey.c: the rekey window, time as data: before, at and after each
 * boundary, a second reload inside and after each phase, a host that
 * never sends (a backup).
 */
#include <string.h>

#include "carp_rekey.h"
#include "check.h"

#define S	CARP_REKEY_SEND_US
#define A	CARP_REKEY_ACCEPT_US
#define T0	1000000		/* when the first reload came */

/* What a host that sends at t sees; asserts *switched as told. */
static enum carp_rekey_key
tx(struct carp_rekey *r, int64_t t, bool want_switch)
{
	enum carp_rekey_key	k;
	bool			sw = !want_switch;

	k = carp_rekey_tx(r, t, &sw);
	CHECKF(sw == want_switch, "t=%lld switched=%d", (long long)t, sw);
	return k;
}

/* No window: the new key, nothing old accepted, nothing to close. */
static void
test_none(void)
{
	struct carp_rekey	r;

	check_what = "no window";
	memset(&r, 0, sizeof(r));
	CHECK(tx(&r, 0, false) == CARP_REKEY_NEW);
	CHECK(tx(&r, T0, false) == CARP_REKEY_NEW);
	CHECK(!carp_rekey_accepts_old(&r, T0));
	CHECK(!carp_rekey_close(&r, T0 + A));
	CHECK(carp_rekey_send_until(&r) == 0);
	CHECK(carp_rekey_accept_until(&r) == 0);
	check_what = "first reload keeps the current key as the old one";
	CHECK(carp_rekey_start(&r, T0));
}

/* The boundaries of one window, probed by a host that asks at each. */
static void
test_boundaries(void)
{
	static const struct {
		const char	*what;
		int64_t		 dt;		/* after the reload */
		bool		 send_old, accept_old;
	} c[] = {
		{ "at the reload",		0,	true,	true },
		{ "inside the send phase",	S / 2,	true,	true },
		{ "just before the send end",	S - 1,	true,	true },
		{ "at the send end",		S,	false,	true },
		{ "just after the send end",	S + 1,	false,	true },
		{ "just before the accept end",	A - 1,	false,	true },
		{ "at the accept end",		A,	false,	false },
		{ "long after",			10 * A,	false,	false },
	};
	struct carp_rekey	r;
	size_t			i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		check_what = c[i].what;
		/* Asked for the first time at this moment. */
		memset(&r, 0, sizeof(r));
		CHECK(carp_rekey_start(&r, T0));
		CHECK(carp_rekey_send_until(&r) == T0 + S);
		CHECK(carp_rekey_accept_until(&r) == T0 + A);
		CHECK(carp_rekey_accepts_old(&r, T0 + c[i].dt) ==
		    c[i].accept_old);
		CHECK(tx(&r, T0 + c[i].dt, !c[i].send_old) == (c[i].send_old ?
		    CARP_REKEY_OLD : CARP_REKEY_NEW));
		/* Asked again at the same moment: same key, no second switch. */
		CHECK(tx(&r, T0 + c[i].dt, false) == (c[i].send_old ?
		    CARP_REKEY_OLD : CARP_REKEY_NEW));
		CHECK(carp_rekey_close(&r, T0 + c[i].dt) == !c[i].accept_old);
		CHECK(!carp_rekey_close(&r, T0 + c[i].dt));
		CHECK(carp_rekey_accepts_old(&r, T0 + c[i].dt) ==
		    c[i].accept_old);
		CHECK(carp_rekey_accept_until(&r) == (c[i].accept_old ?
		    T0 + A : 0));
	}
}

/* A master sending every second through the whole window. */
static void
test_master(void)
{
	struct carp_rekey	r;
	int64_t			t;
	unsigned		old = 0, switches = 0;
	bool			sw;

	check_what = "a master through the window";
	memset(&r, 0, sizeof(r));
	CHECK(carp_rekey_start(&r, T0));
	for (t = T0; t < T0 + 2 * A; t += 1000000) {
		if (carp_rekey_tx(&r, t, &sw) == CARP_REKEY_OLD) {
			old++;
			CHECK(t < T0 + S);
		}
		switches += sw;
		if (sw)
			CHECK(t == T0 + S);
		CHECK(carp_rekey_accepts_old(&r, t) == (t < T0 + A));
		CHECK(carp_rekey_close(&r, t) == (t == T0 + A));
	}
	CHECK(old == S / 1000000);
	CHECK(switches == 1);
	CHECK(carp_rekey_send_until(&r) == 0);
	CHECK(carp_rekey_accept_until(&r) == 0);
}

/* A second reload while the window sends the old key. */
static void
test_second_in_send(void)
{
	struct carp_rekey	r;
	int64_t			t1 = T0 + S / 2;

	check_what = "second reload in the send phase";
	memset(&r, 0, sizeof(r));
	CHECK(carp_rekey_start(&r, T0));
	CHECK(tx(&r, T0 + 1, false) == CARP_REKEY_OLD);
	/* Peers accept the key we send, the old one: it stays old. */
	CHECK(!carp_rekey_start(&r, t1));
	CHECK(carp_rekey_send_until(&r) == t1 + S);
	CHECK(carp_rekey_accept_until(&r) == t1 + A);
	/* The window restarts from the second reload. */
	CHECK(tx(&r, T0 + S, false) == CARP_REKEY_OLD);
	CHECK(tx(&r, t1 + S - 1, false) == CARP_REKEY_OLD);
	CHECK(carp_rekey_accepts_old(&r, T0 + A));
	CHECK(!carp_rekey_close(&r, T0 + A));
	CHECK(tx(&r, t1 + S, true) == CARP_REKEY_NEW);
	CHECK(carp_rekey_accepts_old(&r, t1 + A - 1));
	CHECK(!carp_rekey_accepts_old(&r, t1 + A));
	CHECK(carp_rekey_close(&r, t1 + A));
	check_what = "second reload at the very start";
	memset(&r, 0, sizeof(r));
	CHECK(carp_rekey_start(&r, T0));
	CHECK(!carp_rekey_start(&r, T0));
	check_what = "second reload just before the send end";
	CHECK(!carp_rekey_start(&r, T0 + S - 1));
}

/* A second reload once the old key is only accepted, or forgotten. */
static void
test_second_after_send(void)
{
	struct carp_rekey	r;
	int64_t			t1;

	check_what = "second reload at the send end";
	memset(&r, 0, sizeof(r));
	CHECK(carp_rekey_start(&r, T0));
	CHECK(carp_rekey_start(&r, T0 + S));

	check_what = "second reload in the accept phase, after the switch";
	memset(&r, 0, sizeof(r));
	CHECK(carp_rekey_start(&r, T0));
	CHECK(tx(&r, T0 + S, true) == CARP_REKEY_NEW);
	t1 = T0 + S + S / 2;
	/* We send the current key now: it becomes the old one. */
	CHECK(carp_rekey_start(&r, t1));
	CHECK(tx(&r, t1, false) == CARP_REKEY_OLD);
	CHECK(tx(&r, t1 + S, true) == CARP_REKEY_NEW);
	CHECK(carp_rekey_accepts_old(&r, T0 + A));
	CHECK(!carp_rekey_close(&r, T0 + A));
	CHECK(carp_rekey_close(&r, t1 + A));

	check_what = "second reload after the window closed";
	memset(&r, 0, sizeof(r));
	CHECK(carp_rekey_start(&r, T0));
	CHECK(tx(&r, T0 + S, true) == CARP_REKEY_NEW);
	CHECK(carp_rekey_close(&r, T0 + A));
	CHECK(carp_rekey_start(&r, T0 + 2 * A));
	CHECK(tx(&r, T0 + 2 * A, false) == CARP_REKEY_OLD);
	CHECK(carp_rekey_accepts_old(&r, T0 + 2 * A + A - 1));
}

/*
 * A backup sends nothing, so no send ever ends its send phase.  A second
 * reload long after the first must still keep the key of the first
 * reload (the one peers use now), not the one from before it.
 */
static void
test_backup(void)
{
	struct carp_rekey	r;
	int64_t			t1 = T0 + 10 * A;

	check_what = "a backup: second reload long after the first";
	memset(&r, 0, sizeof(r));
	CHECK(carp_rekey_start(&r, T0));
	CHECK(carp_rekey_accepts_old(&r, T0 + A - 1));
	CHECK(carp_rekey_start(&r, t1));
	check_what = "a backup that becomes master after the window";
	memset(&r, 0, sizeof(r));
	CHECK(carp_rekey_start(&r, T0));
	CHECK(carp_rekey_close(&r, T0 + 3 * A));
	/* Its first advert says it uses the new key, once. */
	CHECK(tx(&r, T0 + 3 * A, true) == CARP_REKEY_NEW);
	CHECK(tx(&r, T0 + 3 * A + 1, false) == CARP_REKEY_NEW);
}

/* A peer on the old key is reported once per window. */
static void
test_heard(void)
{
	struct carp_rekey	r;

	check_what = "heard old, once per window";
	memset(&r, 0, sizeof(r));
	CHECK(carp_rekey_start(&r, T0));
	CHECK(carp_rekey_heard_old(&r));
	CHECK(!carp_rekey_heard_old(&r));
	CHECK(!carp_rekey_start(&r, T0 + 1));
	CHECK(carp_rekey_heard_old(&r));
	CHECK(!carp_rekey_heard_old(&r));
}

int
main(void)
{
	test_none();
	test_boundaries();
	test_master();
	test_second_in_send();
	test_second_after_send();
	test_backup();
	test_heard();
	return check_done();
}
