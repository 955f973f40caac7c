/*
 * ctl_msg.c: encode and decode the control socket's messages (pure core).
 *
 * Every read and write goes through a cursor that checks its bounds and
 * remembers the first failure, so a field cannot run past its message;
 * strings are copied NUL-terminated into fixed arrays and may not hold a
 * NUL.  The layout of each type is one pair of functions, put_* and
 * get_*, field by field in the same order.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ctl_proto.h"

struct wr {
	uint8_t	*p;
	size_t	 cap, len;
	bool	 err;
};

struct rd {
	const uint8_t	*p;
	size_t		 len, off;
	bool		 err;
};

static void
w_bytes(struct wr *w, const void *b, size_t n)
{
	if (w->err || w->cap - w->len < n) {
		w->err = true;
		return;
	}
	memcpy(w->p + w->len, b, n);
	w->len += n;
}

static void
w_uint(struct wr *w, uint64_t v, size_t n)
{
	uint8_t	b[8];
	size_t	i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	w_bytes(w, b, n);
}

#define w_u8(w, v)	w_uint((w), (v), 1)
#define w_u16(w, v)	w_uint((w), (v), 2)
#define w_u32(w, v)	w_uint((w), (v), 4)
#define w_u64(w, v)	w_uint((w), (uint64_t)(v), 8)

/* A string of an array of size cap: its length must leave room for NUL. */
static void
w_str(struct wr *w, const char *s, size_t cap)
{
	size_t	n = strnlen(s, cap);

	if (n >= cap) {
		w->err = true;
		return;
	}
	w_u16(w, n);
	w_bytes(w, s, n);
}

static void
r_bytes(struct rd *r, void *b, size_t n)
{
	if (r->err || r->len - r->off < n) {
		r->err = true;
		memset(b, 0, n);
		return;
	}
	memcpy(b, r->p + r->off, n);
	r->off += n;
}

static uint64_t
r_uint(struct rd *r, size_t n)
{
	uint8_t		b[8];
	uint64_t	v = 0;
	size_t		i;

	r_bytes(r, b, n);
	for (i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

#define r_u8(r)		((uint8_t)r_uint((r), 1))
#define r_u16(r)	((uint16_t)r_uint((r), 2))
#define r_u32(r)	((uint32_t)r_uint((r), 4))
#define r_u64(r)	r_uint((r), 8)
#define r_i64(r)	((int64_t)r_uint((r), 8))

/* A bool is 0 or 1 on the wire; anything else is a bad payload. */
static bool
r_bool(struct rd *r)
{
	uint8_t	v = r_u8(r);

	if (v > 1)
		r->err = true;
	return v == 1;
}

/* A value below max, else a bad payload. */
static uint8_t
r_enum(struct rd *r, unsigned max)
{
	uint8_t	v = r_u8(r);

	if (v >= max)
		r->err = true;
	return v;
}

static void
r_str(struct rd *r, char *s, size_t cap)
{
	uint16_t	n = r_u16(r);

	s[0] = '\0';
	if (r->err || n >= cap) {
		r->err = true;
		return;
	}
	r_bytes(r, s, n);
	s[r->err ? 0 : n] = '\0';
	if (!r->err && strlen(s) != n)
		r->err = true;		/* a NUL inside */
}

static void
put_reload(struct wr *w, const struct ctl_reload_counts *c)
{
	w_u8(w, c->result);
	w_u32(w, c->kept);
	w_u32(w, c->updated);
	w_u32(w, c->added);
	w_u32(w, c->removed);
	w_u32(w, c->failed);
	w_u64(w, c->elapsed_us);
}

static void
get_reload(struct rd *r, struct ctl_reload_counts *c)
{
	c->result = r_enum(r, CTL_RL_MAX);
	c->kept = r_u32(r);
	c->updated = r_u32(r);
	c->added = r_u32(r);
	c->removed = r_u32(r);
	c->failed = r_u32(r);
	c->elapsed_us = r_i64(r);
}

static void
put_daemon(struct wr *w, const struct ctl_daemon *d)
{
	w_str(w, d->version, sizeof(d->version));
	w_str(w, d->config, sizeof(d->config));
	w_u32(w, d->pid);
	w_u64(w, d->started);
	w_u32(w, d->instances);
	w_u64(w, d->reloads_applied);
	w_u64(w, d->reloads_refused);
	w_u64(w, d->reload_time);
	put_reload(w, &d->last);
	w_str(w, d->reload_summary, sizeof(d->reload_summary));
}

static void
get_daemon(struct rd *r, struct ctl_daemon *d)
{
	r_str(r, d->version, sizeof(d->version));
	r_str(r, d->config, sizeof(d->config));
	d->pid = r_u32(r);
	d->started = r_i64(r);
	d->instances = r_u32(r);
	d->reloads_applied = r_u64(r);
	d->reloads_refused = r_u64(r);
	d->reload_time = r_i64(r);
	get_reload(r, &d->last);
	r_str(r, d->reload_summary, sizeof(d->reload_summary));
}

static void
put_instance(struct wr *w, const struct ctl_instance *in)
{
	size_t	i;

	w_str(w, in->name, sizeof(in->name));
	w_str(w, in->interface, sizeof(in->interface));
	w_u8(w, in->vhid);
	w_u8(w, in->state);
	w_u8(w, in->last_cause);
	w_u8(w, in->advbase);
	w_u8(w, in->advskew);
	w_u8(w, in->eff_advskew);
	if (in->naddrs > CTL_ADDRS_MAX || in->ndrops > CTL_DROP_MAX)
		w->err = true;
	w_u8(w, in->naddrs);
	for (i = 0; i < in->naddrs && i < CTL_ADDRS_MAX; i++)
		w_bytes(w, in->addrs[i], 4);
	w_bytes(w, in->srcip, 4);
	w_u8(w, in->has_master);
	w_bytes(w, in->master, 4);
	w_u64(w, in->since);
	w_u64(w, in->sent);
	w_u64(w, in->send_errors);
	w_u64(w, in->received);
	w_u64(w, in->transitions);
	w_u64(w, in->garps);
	w_u64(w, in->scripts_run);
	w_u64(w, in->scripts_failed);
	w_u32(w, in->scripts_queued);
	w_u8(w, in->ndrops);
	for (i = 0; i < in->ndrops && i < CTL_DROP_MAX; i++)
		w_u64(w, in->drops[i]);
}

static void
get_instance(struct rd *r, struct ctl_instance *in)
{
	size_t	i;

	r_str(r, in->name, sizeof(in->name));
	r_str(r, in->interface, sizeof(in->interface));
	in->vhid = r_u8(r);
	in->state = r_enum(r, CTL_ST_MAX);
	in->last_cause = r_u8(r);
	in->advbase = r_u8(r);
	in->advskew = r_u8(r);
	in->eff_advskew = r_u8(r);
	in->naddrs = r_u8(r);
	if (in->naddrs > CTL_ADDRS_MAX)
		r->err = true;
	for (i = 0; !r->err && i < in->naddrs; i++)
		r_bytes(r, in->addrs[i], 4);
	r_bytes(r, in->srcip, 4);
	in->has_master = r_bool(r);
	r_bytes(r, in->master, 4);
	in->since = r_i64(r);
	in->sent = r_u64(r);
	in->send_errors = r_u64(r);
	in->received = r_u64(r);
	in->transitions = r_u64(r);
	in->garps = r_u64(r);
	in->scripts_run = r_u64(r);
	in->scripts_failed = r_u64(r);
	in->scripts_queued = r_u32(r);
	in->ndrops = r_u8(r);
	if (in->ndrops > CTL_DROP_MAX)
		r->err = true;
	for (i = 0; !r->err && i < in->ndrops; i++)
		in->drops[i] = r_u64(r);
}

static void
put_event(struct wr *w, const struct ctl_event *e)
{
	w_u64(w, e->eseq);
	w_u64(w, e->time);
	w_u8(w, e->kind);
	w_str(w, e->name, sizeof(e->name));
	w_str(w, e->interface, sizeof(e->interface));
	w_u8(w, e->vhid);
	w_u8(w, e->from);
	w_u8(w, e->to);
	w_u8(w, e->cause);
	w_u8(w, e->has_master);
	w_bytes(w, e->master, 4);
	w_u8(w, e->script);
	w_u8(w, e->failed);
	w_u8(w, e->reason);
	w_u64(w, e->count);
	put_reload(w, &e->reload);
	w_str(w, e->text, sizeof(e->text));
}

static void
get_event(struct rd *r, struct ctl_event *e)
{
	e->eseq = r_u64(r);
	e->time = r_i64(r);
	e->kind = r_enum(r, CTL_EV_MAX);
	r_str(r, e->name, sizeof(e->name));
	r_str(r, e->interface, sizeof(e->interface));
	e->vhid = r_u8(r);
	e->from = r_enum(r, CTL_ST_MAX);
	e->to = r_enum(r, CTL_ST_MAX);
	e->cause = r_u8(r);
	e->has_master = r_bool(r);
	r_bytes(r, e->master, 4);
	e->script = r_enum(r, 2);
	e->failed = r_bool(r);
	e->reason = r_enum(r, CTL_DROP_MAX);
	e->count = r_u64(r);
	get_reload(r, &e->reload);
	r_str(r, e->text, sizeof(e->text));
}

/* The payload of m by its type; false for an unknown type. */
static bool
put_payload(struct wr *w, const struct ctl_msg *m)
{
	switch (m->hdr.type) {
	case CTL_REQ_STATUS:
	case CTL_REQ_STEPDOWN:
	case CTL_REQ_GARP:
		w_str(w, m->u.req.selector, sizeof(m->u.req.selector));
		break;
	case CTL_REQ_RELOAD:
	case CTL_REQ_MONITOR:
	case CTL_END:
		break;
	case CTL_RESULT:
		if (m->u.res.code >= CTL_RES_MAX)
			w->err = true;
		w_u8(w, m->u.res.code);
		w_str(w, m->u.res.text, sizeof(m->u.res.text));
		break;
	case CTL_DAEMON:
		put_daemon(w, &m->u.daemon);
		break;
	case CTL_INSTANCE:
		put_instance(w, &m->u.inst);
		break;
	case CTL_RELOAD:
		put_reload(w, &m->u.reload);
		break;
	case CTL_TEXT:
		w_u8(w, m->u.text.kind);
		w_str(w, m->u.text.text, sizeof(m->u.text.text));
		break;
	case CTL_EVENT:
		put_event(w, &m->u.ev);
		break;
	default:
		return false;
	}
	return true;
}

static bool
get_payload(struct rd *r, struct ctl_msg *m)
{
	switch (m->hdr.type) {
	case CTL_REQ_STATUS:
	case CTL_REQ_STEPDOWN:
	case CTL_REQ_GARP:
		r_str(r, m->u.req.selector, sizeof(m->u.req.selector));
		break;
	case CTL_REQ_RELOAD:
	case CTL_REQ_MONITOR:
	case CTL_END:
		break;
	case CTL_RESULT:
		m->u.res.code = r_enum(r, CTL_RES_MAX);
		r_str(r, m->u.res.text, sizeof(m->u.res.text));
		break;
	case CTL_DAEMON:
		get_daemon(r, &m->u.daemon);
		break;
	case CTL_INSTANCE:
		get_instance(r, &m->u.inst);
		break;
	case CTL_RELOAD:
		get_reload(r, &m->u.reload);
		break;
	case CTL_TEXT:
		m->u.text.kind = r_enum(r, CTL_TX_MAX);
		r_str(r, m->u.text.text, sizeof(m->u.text.text));
		break;
	case CTL_EVENT:
		get_event(r, &m->u.ev);
		break;
	default:
		return false;
	}
	return true;
}

size_t
ctl_msg_encode(const struct ctl_msg *m, uint8_t *buf, size_t cap)
{
	struct wr	w = { buf, cap < CTL_MSG_MAX ? cap : CTL_MSG_MAX, 0,
			    false };
	size_t		plen;

	w_u16(&w, CTL_VERSION);
	w_u16(&w, m->hdr.type);
	w_u32(&w, 0);			/* len, below */
	w_u32(&w, m->hdr.seq);
	if (w.err || !put_payload(&w, m) || w.err)
		return 0;
	plen = w.len - CTL_HDR_LEN;
	buf[4] = (uint8_t)(plen >> 24);
	buf[5] = (uint8_t)(plen >> 16);
	buf[6] = (uint8_t)(plen >> 8);
	buf[7] = (uint8_t)plen;
	return w.len;
}

enum ctl_err
ctl_hdr_decode(const uint8_t *buf, size_t len, struct ctl_hdr *h)
{
	struct rd	r = { buf, len, 0, false };

	memset(h, 0, sizeof(*h));
	if (len < CTL_HDR_LEN)
		return CTL_E_SHORT;
	h->version = r_u16(&r);
	h->type = r_u16(&r);
	h->len = r_u32(&r);
	h->seq = r_u32(&r);
	if (h->version != CTL_VERSION)
		return CTL_E_VERSION;
	if (len > CTL_MSG_MAX)
		return CTL_E_LONG;
	if (h->len > len - CTL_HDR_LEN)
		return CTL_E_SHORT;
	if (h->len < len - CTL_HDR_LEN)
		return CTL_E_LONG;
	return CTL_OK;
}

enum ctl_err
ctl_msg_decode(const uint8_t *buf, size_t len, struct ctl_msg *m)
{
	struct rd	r = { buf, len, CTL_HDR_LEN, false };
	enum ctl_err	e;

	memset(m, 0, sizeof(*m));
	if ((e = ctl_hdr_decode(buf, len, &m->hdr)) != CTL_OK)
		return e;
	if (!get_payload(&r, m))
		return CTL_E_TYPE;
	if (r.err || r.off != len)
		return CTL_E_PAYLOAD;
	return CTL_OK;
}

#define NAME(tab, i)	((i) < sizeof(tab) / sizeof(tab[0]) && \
			    (tab)[i] != NULL ? (tab)[i] : "unknown")

const char *
ctl_err_name(enum ctl_err e)
{
	static const char *const t[CTL_E_MAX] = {
		"ok", "truncated message", "oversized message",
		"wrong protocol version", "unknown message type",
		"malformed payload"
	};

	return NAME(t, (unsigned)e);
}

const char *
ctl_type_name(unsigned v)
{
	static const char *const t[CTL_TYPE_MAX] = {
		[CTL_REQ_STATUS] = "status", [CTL_REQ_STEPDOWN] = "stepdown",
		[CTL_REQ_GARP] = "garp", [CTL_REQ_RELOAD] = "reload",
		[CTL_REQ_MONITOR] = "monitor", [CTL_RESULT] = "result",
		[CTL_DAEMON] = "daemon", [CTL_INSTANCE] = "instance",
		[CTL_RELOAD] = "reload-result", [CTL_TEXT] = "text",
		[CTL_EVENT] = "event", [CTL_END] = "end"
	};

	return NAME(t, v);
}

const char *
ctl_res_name(unsigned v)
{
	static const char *const t[CTL_RES_MAX] = {
		"ok", "denied", "not found", "bad request",
		"protocol version mismatch", "refused", "unavailable"
	};

	return NAME(t, v);
}

const char *
ctl_state_name(unsigned v)
{
	static const char *const t[CTL_ST_MAX] = { "INIT", "BACKUP", "MASTER" };

	return NAME(t, v);
}

/* The order of enum carp_cause (carp_fsm.h); test_ctl_msg checks. */
static const char *const cause_names[] = {
	"none", "start-up", "master down", "preemption", "master too slow",
	"preferred master", "non-preferred master", "link down", "link up",
	"step-down", "shutdown", "demoted (send errors)", "promoted",
	"unexpected event"
};
static const char *const cause_keys[] = {
	"none", "start_up", "master_down", "preemption", "master_too_slow",
	"preferred_master", "nonpreferred_master", "link_down", "link_up",
	"step_down", "shutdown", "demoted", "promoted", "unexpected_event"
};

const char *
ctl_cause_name(unsigned v)
{
	return NAME(cause_names, v);
}

const char *
ctl_cause_key(unsigned v)
{
	return NAME(cause_keys, v);
}

/* The order of enum carp_verdict (carp_pkt.h); test_ctl_msg checks. */
const char *
ctl_drop_name(unsigned v)
{
	static const char *const t[CTL_DROP_MAX] = {
		"ok", "too_short", "not_carp", "bad_ttl", "bad_version",
		"bad_type", "bad_vhid", "bad_group", "bad_ip_cksum",
		"bad_carp_cksum", "bad_hmac", "replay", "own"
	};

	return NAME(t, v);
}

const char *
ctl_reload_name(unsigned v)
{
	static const char *const t[CTL_RL_MAX] = { "none", "applied",
		"refused" };

	return NAME(t, v);
}

const char *
ctl_text_name(unsigned v)
{
	static const char *const t[CTL_TX_MAX] = { "error", "warning",
		"failure" };

	return NAME(t, v);
}

const char *
ctl_event_name(unsigned v)
{
	static const char *const t[CTL_EV_MAX] = { "transition", "reload",
		"script", "drops" };

	return NAME(t, v);
}
