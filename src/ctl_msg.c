/*
 * ctl_msg.c: encode and decode the control socket's messages (pure core).
 *
 * Every read and write goes through a cursor that checks its bounds and
 * remembers the first failure, so a field cannot run past its message;
 * strings are copied NUL-terminated into fixed arrays and may not hold a
 * NUL; enums and counts out of range are refused both ways.  The layout
 * of each type is one x_* function that encodes or decodes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ctl_proto.h"

/*
 * One cursor for both directions (XDR's way): each type's layout is one
 * function that encodes or decodes, so the two cannot disagree.
 */
struct xdr {
	uint8_t		*p;		/* the message (only read if dec) */
	size_t		 len;		/* dec: its length; enc: room */
	size_t		 off;
	bool		 dec;
	bool		 err;		/* sticky: the first failure */
};

static void
x_bytes(struct xdr *x, void *b, size_t n)
{
	if (x->err || x->len - x->off < n) {
		x->err = true;
		if (x->dec)
			memset(b, 0, n);
		return;
	}
	if (x->dec)
		memcpy(b, x->p + x->off, n);
	else
		memcpy(x->p + x->off, b, n);
	x->off += n;
}

/* An unsigned number of n bytes, big-endian. */
static void
x_uint(struct xdr *x, uint64_t *v, size_t n)
{
	uint8_t	b[8];
	size_t	i;

	if (!x->dec)
		for (i = 0; i < n; i++)
			b[i] = (uint8_t)(*v >> (8 * (n - 1 - i)));
	x_bytes(x, b, n);
	if (x->dec)
		for (*v = 0, i = 0; i < n; i++)
			*v = *v << 8 | b[i];
}

#define X_INT(name, type, n)						\
static void								\
name(struct xdr *x, type *v)						\
{									\
	uint64_t	u = (uint64_t)*v;				\
									\
	x_uint(x, &u, n);						\
	*v = (type)u;							\
}
X_INT(x_u8, uint8_t, 1)
X_INT(x_u16, uint16_t, 2)
X_INT(x_u32, uint32_t, 4)
X_INT(x_u64, uint64_t, 8)
X_INT(x_i64, int64_t, 8)

/* A value below max (an enum), else a bad field. */
static void
x_enum(struct xdr *x, uint8_t *v, unsigned max)
{
	x_u8(x, v);
	if (*v >= max)
		x->err = true;
}

/* A bool is 0 or 1 on the wire. */
static void
x_bool(struct xdr *x, bool *b)
{
	uint8_t	v = *b;

	x_enum(x, &v, 2);
	*b = v == 1;
}

/* An address: family (0: none), then prefix and bytes. */
static void
x_addr(struct xdr *x, struct carp_addr *a)
{
	x_u8(x, &a->family);
	if (a->family == 0) {
		if (x->dec)
			memset(a, 0, sizeof(*a));
		return;
	}
	if (a->family != CARP_AF_INET && a->family != CARP_AF_INET6) {
		x->err = true;
		return;
	}
	x_u8(x, &a->prefix);
	if (!carp_addr_prefix_ok(a))
		x->err = true;
	if (x->dec)
		memset(a->a, 0, sizeof(a->a));
	x_bytes(x, a->a, carp_addr_len(a));
}

/* A string of an array of cap bytes: room for its NUL, no NUL inside. */
static void
x_str(struct xdr *x, char *s, size_t cap)
{
	uint16_t	n = 0;

	if (!x->dec) {
		if (strnlen(s, cap) >= cap)
			x->err = true;
		n = (uint16_t)strnlen(s, cap);
	}
	x_u16(x, &n);
	if (x->err || n >= cap) {
		x->err = true;
		if (x->dec)
			s[0] = '\0';
		return;
	}
	x_bytes(x, s, n);
	if (x->dec) {
		s[x->err ? 0 : n] = '\0';
		if (!x->err && strlen(s) != n)
			x->err = true;
	}
}

static void
x_reload(struct xdr *x, struct ctl_reload_counts *c)
{
	x_enum(x, &c->result, CTL_RL_MAX);
	x_u32(x, &c->kept);
	x_u32(x, &c->updated);
	x_u32(x, &c->added);
	x_u32(x, &c->removed);
	x_u32(x, &c->failed);
	x_i64(x, &c->elapsed_us);
}

static void
x_daemon(struct xdr *x, struct ctl_daemon *d)
{
	x_str(x, d->version, sizeof(d->version));
	x_str(x, d->config, sizeof(d->config));
	x_u32(x, &d->pid);
	x_i64(x, &d->started);
	x_u32(x, &d->instances);
	x_u64(x, &d->reloads_applied);
	x_u64(x, &d->reloads_refused);
	x_i64(x, &d->reload_time);
	x_reload(x, &d->last);
	x_str(x, d->reload_summary, sizeof(d->reload_summary));
	x_str(x, d->state_dir, sizeof(d->state_dir));
	x_bool(x, &d->state_refused);
	x_u32(x, &d->in_maint);
}

static void
x_counters(struct xdr *x, struct ctl_instance *in)
{
	size_t	i;

	x_i64(x, &in->since);
	x_u64(x, &in->sent);
	x_u64(x, &in->send_errors);
	x_u64(x, &in->received);
	x_u64(x, &in->transitions);
	x_u64(x, &in->garps);
	x_u64(x, &in->scripts_run);
	x_u64(x, &in->scripts_failed);
	x_u32(x, &in->scripts_queued);
	x_u8(x, &in->ndrops);
	if (in->ndrops > CTL_DROP_MAX)
		x->err = true;
	for (i = 0; !x->err && i < in->ndrops; i++)
		x_u64(x, &in->drops[i]);
}

static void
x_peers(struct xdr *x, struct ctl_instance *in)
{
	struct ctl_peer	*p;
	size_t		 i;

	x_u8(x, &in->npeers);
	if (in->npeers > CTL_PEERS_MAX)
		x->err = true;
	for (i = 0; !x->err && i < in->npeers; i++) {
		p = &in->peers[i];
		x_u8(x, &p->family);
		if (p->family != 4 && p->family != 6)
			x->err = true;
		x_bytes(x, p->addr, 16);
		x_u64(x, &p->sent);
		x_u64(x, &p->send_errors);
		x_u64(x, &p->received);
		x_u64(x, &p->drops);
		x_i64(x, &p->heard);
	}
}

static void
x_instance(struct xdr *x, struct ctl_instance *in)
{
	size_t	i;

	x_str(x, in->name, sizeof(in->name));
	x_str(x, in->interface, sizeof(in->interface));
	x_u8(x, &in->vhid);
	x_enum(x, &in->state, CTL_ST_MAX);
	x_u8(x, &in->last_cause);
	x_u8(x, &in->advbase);
	x_u8(x, &in->advskew);
	x_u8(x, &in->eff_advskew);
	x_u8(x, &in->naddrs);
	if (in->naddrs > CTL_ADDRS_MAX)
		x->err = true;
	for (i = 0; !x->err && i < in->naddrs; i++)
		x_addr(x, &in->addrs[i]);
	x_addr(x, &in->srcip);
	x_bool(x, &in->has_master);
	x_addr(x, &in->master);
	x_counters(x, in);
	x_peers(x, in);
	x_enum(x, &in->addr_state, CTL_AM_MAX);
	x_u64(x, &in->addr_restores);
	x_u64(x, &in->addr_errors);
	x_bool(x, &in->maint);
	x_i64(x, &in->maint_since);
	x_u32(x, &in->demote);
	x_bool(x, &in->held);
	x_str(x, in->health, sizeof(in->health));
}

static void
x_check(struct xdr *x, struct ctl_check *c)
{
	x_str(x, c->name, sizeof(c->name));
	x_bool(x, &c->iface);
	x_enum(x, &c->state, CTL_HS_MAX);
	x_u16(x, &c->weight);
	x_u32(x, &c->rise);
	x_u32(x, &c->fall);
	x_u32(x, &c->ok_run);
	x_u32(x, &c->fail_run);
	x_u64(x, &c->results);
	x_u64(x, &c->failures);
	x_u64(x, &c->runs);
	x_u64(x, &c->timeouts);
	x_u64(x, &c->skipped);
	x_bool(x, &c->running);
	x_i64(x, &c->last_ms);
	x_str(x, c->last, sizeof(c->last));
}

static void
x_event(struct xdr *x, struct ctl_event *e)
{
	x_u64(x, &e->eseq);
	x_i64(x, &e->time);
	x_enum(x, &e->kind, CTL_EV_MAX);
	x_str(x, e->name, sizeof(e->name));
	x_str(x, e->interface, sizeof(e->interface));
	x_u8(x, &e->vhid);
	x_enum(x, &e->from, CTL_ST_MAX);
	x_enum(x, &e->to, CTL_ST_MAX);
	x_u8(x, &e->cause);
	x_bool(x, &e->has_master);
	x_addr(x, &e->master);
	x_enum(x, &e->script, 2);
	x_bool(x, &e->failed);
	x_enum(x, &e->reason, CTL_DROP_MAX);
	x_bool(x, &e->on);
	x_u64(x, &e->count);
	x_reload(x, &e->reload);
	x_str(x, e->text, sizeof(e->text));
}

/* The payload of m by its type; false for an unknown type. */
static bool
x_payload(struct xdr *x, struct ctl_msg *m)
{
	switch (m->hdr.type) {
	case CTL_REQ_STATUS:
	case CTL_REQ_STEPDOWN:
	case CTL_REQ_GARP:
		x_str(x, m->u.req.selector, sizeof(m->u.req.selector));
		break;
	case CTL_REQ_MAINT:
		x_str(x, m->u.req.selector, sizeof(m->u.req.selector));
		x_bool(x, &m->u.req.on);
		break;
	case CTL_REQ_DEMOTE:
		x_str(x, m->u.req.selector, sizeof(m->u.req.selector));
		x_enum(x, &m->u.req.op, CTL_DEM_MAX);
		x_u8(x, &m->u.req.n);
		break;
	case CTL_REQ_RELOAD:
	case CTL_REQ_MONITOR:
	case CTL_END:
		break;
	case CTL_RESULT:
		x_enum(x, &m->u.res.code, CTL_RES_MAX);
		x_str(x, m->u.res.text, sizeof(m->u.res.text));
		break;
	case CTL_DAEMON:
		x_daemon(x, &m->u.daemon);
		break;
	case CTL_INSTANCE:
		x_instance(x, &m->u.inst);
		break;
	case CTL_RELOAD:
		x_reload(x, &m->u.reload);
		break;
	case CTL_TEXT:
		x_enum(x, &m->u.text.kind, CTL_TX_MAX);
		x_str(x, m->u.text.text, sizeof(m->u.text.text));
		break;
	case CTL_EVENT:
		x_event(x, &m->u.ev);
		break;
	case CTL_CHECK:
		x_check(x, &m->u.check);
		break;
	default:
		return false;
	}
	return true;
}

/* The header's four fields, either way. */
static void
x_hdr(struct xdr *x, struct ctl_hdr *h)
{
	x_u16(x, &h->version);
	x_u16(x, &h->type);
	x_u32(x, &h->len);
	x_u32(x, &h->seq);
}

size_t
ctl_msg_encode(const struct ctl_msg *m, uint8_t *buf, size_t cap)
{
	struct ctl_msg		c;	/* x_payload wants it writable */
	struct xdr		x = { buf, cap < CTL_MSG_MAX ? cap :
				    CTL_MSG_MAX, 0, false, false };

	c = *m;
	c.hdr.version = CTL_VERSION;
	c.hdr.len = 0;			/* below, once known */
	x_hdr(&x, &c.hdr);
	if (x.err || !x_payload(&x, &c) || x.err)
		return 0;
	c.hdr.len = (uint32_t)(x.off - CTL_HDR_LEN);
	x.off = 0;
	x_hdr(&x, &c.hdr);
	return c.hdr.len + CTL_HDR_LEN;
}

enum ctl_err
ctl_hdr_decode(const uint8_t *buf, size_t len, struct ctl_hdr *h)
{
	struct xdr	x = { (uint8_t *)(uintptr_t)buf, len, 0, true, false };

	memset(h, 0, sizeof(*h));
	if (len < CTL_HDR_LEN)
		return CTL_E_SHORT;
	x_hdr(&x, h);
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
	struct xdr	x = { (uint8_t *)(uintptr_t)buf, len, CTL_HDR_LEN,
			    true, false };
	enum ctl_err	e;

	memset(m, 0, sizeof(*m));
	if ((e = ctl_hdr_decode(buf, len, &m->hdr)) != CTL_OK)
		return e;
	if (!x_payload(&x, m))
		return CTL_E_TYPE;
	if (x.err || x.off != len)
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
		[CTL_REQ_MONITOR] = "monitor", [CTL_REQ_MAINT] = "maintenance",
		[CTL_REQ_DEMOTE] = "demote", [CTL_RESULT] = "result",
		[CTL_DAEMON] = "daemon", [CTL_INSTANCE] = "instance",
		[CTL_RELOAD] = "reload-result", [CTL_TEXT] = "text",
		[CTL_EVENT] = "event", [CTL_END] = "end",
		[CTL_CHECK] = "check"
	};

	return NAME(t, v);
}

const char *
ctl_res_name(unsigned v)
{
	static const char *const t[CTL_RES_MAX] = {
		"ok", "denied", "not found", "bad request",
		"protocol version mismatch", "refused", "unavailable",
		"not saved"
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
	"unexpected event", "held (health)", "maintenance", "startup hold"
};
static const char *const cause_keys[] = {
	"none", "start_up", "master_down", "preemption", "master_too_slow",
	"preferred_master", "nonpreferred_master", "link_down", "link_up",
	"step_down", "shutdown", "demoted", "promoted", "unexpected_event",
	"held", "maintenance", "startup_hold"
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

char *
ctl_peer_fmt(const struct ctl_peer *p, char buf[CARP_ADDR_STRLEN])
{
	struct carp_addr	a;

	memset(&a, 0, sizeof(a));
	a.family = p->family == 6 ? CARP_AF_INET6 : CARP_AF_INET;
	a.prefix = CARP_PREFIX_NONE;
	memcpy(a.a, p->addr, sizeof(a.a));
	return carp_addr_fmt(&a, buf);
}

/* The order of enum carp_verdict (carp_pkt.h); test_ctl_msg checks. */
const char *
ctl_drop_name(unsigned v)
{
	static const char *const t[CTL_DROP_MAX] = {
		"ok", "too_short", "not_carp", "bad_ttl", "bad_version",
		"bad_type", "bad_vhid", "bad_group", "bad_ip_cksum",
		"bad_carp_cksum", "bad_hmac", "replay", "own", "bad_hlim",
		"ext_header", "bad_plen", "not_peer"
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
		"script", "drops", "maintenance", "demote", "check" };

	return NAME(t, v);
}

const char *
ctl_demote_op_name(unsigned v)
{
	static const char *const t[CTL_DEM_MAX] = { "+", "-", "=" };

	return NAME(t, v);
}

/* The order of enum health_state (health.h); test_ctl_msg checks. */
const char *
ctl_health_name(unsigned v)
{
	static const char *const t[CTL_HS_MAX] = { "unknown", "ok",
		"failing" };

	return NAME(t, v);
}
