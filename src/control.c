/*
 * control.c: the control socket, OpenBSD ospfd's control.c on libevent.
 *
 * SOCK_SEQPACKET: the kernel keeps message boundaries, so there is no
 * framing to get wrong and a truncated or oversized message is seen as
 * such (MSG_TRUNC) instead of desynchronising a stream.  Everything is
 * non-blocking; a reply that does not fit in the socket waits in a
 * per-connection queue bounded at CTL_OUTQ_MAX bytes, and a client whose
 * queue overflows, or that reads nothing for CTL_STALL_SEC while replies
 * wait, is disconnected, so no client can make the daemon wait or grow
 * without bound.  A status of every instance is paced (bgpd's XOFF): at
 * most CTL_CHUNK instances (and CTL_CHUNK_US) a turn of the loop, and only
 * while the socket takes them, the connection's next request unread meanwhile; each read
 * callback handles at most CTL_BATCH requests.  So adverts' timers are
 * never held back for long, whatever the number of instances.
 *
 * The main socket is 0660 (group "ucarp" if it exists, else root only);
 * the optional read-only one (bgpd's restricted socket) is 0666 and
 * answers status and monitor only.  maintenance and demote are the
 * health model's (maint.c, instance_health.h).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cfg.h"
#include "clock.h"
#include "control.h"
#include "ctl_proto.h"
#include "instance_health.h"
#include "log.h"
#include "maint.h"
#include "registry.h"
#include "reload.h"
#include "instance.h"
#include "instance_health.h"
#include "xmalloc.h"

#define CTL_OUTQ_MAX	(16u << 20)	/* queued bytes per connection */
#define CTL_STALL_SEC	5		/* a client that reads nothing */
#define CTL_BATCH	16		/* requests per read callback */
#define CTL_CHUNK	64		/* status replies per turn, at most */
#define CTL_CHUNK_US	100		/* and no longer than this */
#define CTL_CONN_MAX	1024
#define CTL_LOG_PERIOD	1000000		/* bad clients: a line a second */

struct ctl_out {
	STAILQ_ENTRY(ctl_out)	 entry;
	size_t			 len;
	uint8_t			 buf[];
};

struct ctl_conn {
	TAILQ_ENTRY(ctl_conn)	 entry;
	int			 fd;
	bool			 ro;	/* on the read-only socket */
	bool			 monitor;
	bool			 closing; /* close once the queue is sent */
	pid_t			 pid;	/* SO_PEERCRED, for the log */
	uid_t			 uid;
	struct event		*rev, *wev;
	struct event		*more;	/* the next status chunk */
	bool			 streaming; /* a status of all under way */
	bool			 reloading; /* waits for its reload */
	uint32_t		 rl_seq;	/* its request's seq */
	uint32_t		 st_seq;	/* its request's seq */
	size_t			 st_next; /* its next instance */
	STAILQ_HEAD(, ctl_out)	 outq;
	size_t			 qbytes;
};

struct ctl_sock {
	char		*path;
	int		 fd;
	bool		 ro;
	struct event	*ev;
	dev_t		 dev;	/* to remove only our own file */
	ino_t		 ino;
};

static struct event_base	*ctl_base;
static struct ctl_sock		 ctl_socks[2];
static size_t			 ctl_nsocks;
static TAILQ_HEAD(, ctl_conn)	 ctl_conns =
    TAILQ_HEAD_INITIALIZER(ctl_conns);
static size_t			 ctl_nconns;
static uint64_t			 ctl_eseq;	/* the last event's */
static char			*ctl_config;	/* NULL: command line */
static int64_t			 ctl_started;
static struct log_rate		 ctl_rate;

static void	conn_close(struct ctl_conn *);

static const struct timeval	stall_tv = { CTL_STALL_SEC, 0 };

/* One line for a misbehaving client, at most one a second. */
static void
ctl_complain(const struct ctl_conn *c, const char *what)
{
	unsigned	held;

	if (!log_rate_ok(&ctl_rate, clock_mono_us(), CTL_LOG_PERIOD, &held))
		return;
	log_msg(LOG_WARNING, "control: client pid %ld uid %lu: %s; closed "
	    "(%u more like it not logged)", (long)c->pid,
	    (unsigned long)c->uid, what, held);
}

/* Send what is queued; false if the connection had to be closed. */
static bool
conn_flush(struct ctl_conn *c)
{
	struct ctl_out	*o;
	ssize_t		 n;

	while ((o = STAILQ_FIRST(&c->outq)) != NULL) {
		n = send(c->fd, o->buf, o->len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* Re-armed only by progress: the timeout is a stall. */
			if (!event_pending(c->wev, EV_WRITE, NULL))
				event_add(c->wev, &stall_tv);
			return true;
		}
		if (n < 0) {
			conn_close(c);
			return false;
		}
		STAILQ_REMOVE_HEAD(&c->outq, entry);
		c->qbytes -= o->len;
		free(o);
		event_del(c->wev);
	}
	event_del(c->wev);
	if (c->closing) {
		conn_close(c);
		return false;
	}
	return true;
}

/* Queue one message (sent at once if the queue was empty). */
static bool
conn_send(struct ctl_conn *c, const struct ctl_msg *m)
{
	uint8_t		 buf[CTL_MSG_MAX];
	struct ctl_out	*o;
	size_t		 n;

	if ((n = ctl_msg_encode(m, buf, sizeof(buf))) == 0) {
		log_msg(LOG_ERR, "control: cannot encode a %s reply; a bug",
		    ctl_type_name(m->hdr.type));
		return true;
	}
	if (c->qbytes + n > CTL_OUTQ_MAX) {
		ctl_complain(c, "does not read its replies");
		conn_close(c);
		return false;
	}
	o = xmalloc(sizeof(*o) + n);
	o->len = n;
	memcpy(o->buf, buf, n);
	STAILQ_INSERT_TAIL(&c->outq, o, entry);
	c->qbytes += n;
	if (c->qbytes == n)
		return conn_flush(c);
	return true;
}

static bool
conn_result(struct ctl_conn *c, uint32_t seq, enum ctl_res code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static bool
conn_result(struct ctl_conn *c, uint32_t seq, enum ctl_res code,
    const char *fmt, ...)
{
	static struct ctl_msg	m;
	va_list			ap;

	memset(&m, 0, sizeof(m));
	m.hdr.type = CTL_RESULT;
	m.hdr.seq = seq;
	m.u.res.code = code;
	va_start(ap, fmt);
	vsnprintf(m.u.res.text, sizeof(m.u.res.text), fmt, ap);
	va_end(ap);
	return conn_send(c, &m);
}

static void
conn_close(struct ctl_conn *c)
{
	struct ctl_out	*o;

	while ((o = STAILQ_FIRST(&c->outq)) != NULL) {
		STAILQ_REMOVE_HEAD(&c->outq, entry);
		free(o);
	}
	event_free(c->rev);
	event_free(c->wev);
	event_free(c->more);
	if (c->reloading)
		reload_cancel(c);
	close(c->fd);
	TAILQ_REMOVE(&ctl_conns, c, entry);
	ctl_nconns--;
	free(c);
}

static void
stats_counts(const struct reload_stats *st, struct ctl_reload_counts *c)
{
	c->result = st->when_us == 0 ? CTL_RL_NONE :
	    st->last_applied ? CTL_RL_APPLIED : CTL_RL_REFUSED;
	c->kept = (uint32_t)st->kept;
	c->updated = (uint32_t)st->updated;
	c->added = (uint32_t)st->added;
	c->removed = (uint32_t)st->removed;
	c->failed = (uint32_t)st->failed;
	c->elapsed_us = st->elapsed_us;
}

static void
daemon_fill(struct ctl_daemon *d)
{
	const struct reload_stats	*st = reload_stats();

	memset(d, 0, sizeof(*d));
	snprintf(d->version, sizeof(d->version), "%s", PACKAGE_VERSION);
	if (ctl_config != NULL)
		snprintf(d->config, sizeof(d->config), "%s", ctl_config);
	d->pid = (uint32_t)getpid();
	d->started = ctl_started;
	d->instances = (uint32_t)registry_count();
	d->reloads_applied = st->applied;
	d->reloads_refused = st->refused;
	d->reload_time = st->when_us;
	stats_counts(st, &d->last);
	if (st->summary != NULL)
		snprintf(d->reload_summary, sizeof(d->reload_summary), "%s",
		    st->summary);
	if (maint_dir() != NULL)
		snprintf(d->state_dir, sizeof(d->state_dir), "%s",
		    maint_dir());
	d->state_refused = maint_refused();
	d->in_maint = (uint32_t)maint_count();
}

/*
 * The instance a selector names: NAME first, then IFACE:VHID.  NULL if
 * none (and for "all", which callers handle).
 */
static struct instance *
ctl_find(const char *sel)
{
	struct instance	*inst;
	char		 ifname[CTL_IFNAME_MAX], *end;
	const char	*colon;
	unsigned long	 vhid;

	if ((inst = registry_find_name(sel)) != NULL)
		return inst;
	if ((colon = strrchr(sel, ':')) == NULL ||
	    (size_t)(colon - sel) >= sizeof(ifname) || colon == sel)
		return NULL;
	memcpy(ifname, sel, (size_t)(colon - sel));
	ifname[colon - sel] = '\0';
	errno = 0;
	vhid = strtoul(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end == colon + 1 || vhid < 1 ||
	    vhid > 255)
		return NULL;
	return registry_find(ifname, (uint8_t)vhid);
}

static bool
send_instance(struct ctl_conn *c, uint32_t seq,
    const struct instance *inst)
{
	static struct ctl_msg	m;

	memset(&m.hdr, 0, sizeof(m.hdr));
	m.hdr.type = CTL_INSTANCE;
	m.hdr.seq = seq;
	instance_to_ctl(inst, &m.u.inst);
	return conn_send(c, &m);
}

/* Every check and tracked interface (a handful: sent at once). */
static bool
send_checks(struct ctl_conn *c, uint32_t seq)
{
	static struct ctl_msg	m;
	size_t			k;

	for (k = 0; k < health_model()->ntracks; k++) {
		memset(&m.hdr, 0, sizeof(m.hdr));
		m.hdr.type = CTL_CHECK;
		m.hdr.seq = seq;
		health_track_to_ctl(k, &m.u.check);
		if (!conn_send(c, &m))
			return false;
	}
	return true;
}

static bool
send_end(struct ctl_conn *c, uint32_t seq)
{
	static struct ctl_msg	m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = CTL_END;
	m.hdr.seq = seq;
	return conn_send(c, &m);
}

/*
 * The next instances of a status of all, while the socket takes them, at
 * most CTL_CHUNK and CTL_CHUNK_US (an instance in a big group costs more
 * to explain); then END, and requests are read again.  The rest waits for
 * the next turn of the loop through a timer due now, so that the adverts
 * due meanwhile go first: an event made active would run in this same
 * turn.  A reload in between changes the list: the reply goes on from the
 * same position.  False if the connection is gone.
 */
static bool
conn_more(struct ctl_conn *c)
{
	static const struct timeval	 now_tv = { 0, 0 };
	struct instance *const		*list;
	int64_t				 t0 = clock_mono_us();
	size_t				 n, sent = 0;

	list = registry_list(&n);
	while (c->streaming && STAILQ_EMPTY(&c->outq) && sent < CTL_CHUNK &&
	    clock_mono_us() - t0 < CTL_CHUNK_US) {
		if (c->st_next >= n) {
			c->streaming = false;
			event_add(c->rev, NULL);
			return send_checks(c, c->st_seq) &&
			    send_end(c, c->st_seq);
		}
		if (!send_instance(c, c->st_seq, list[c->st_next++]))
			return false;
		sent++;
	}
	/* A full socket resumes it from the write callback. */
	if (c->streaming && STAILQ_EMPTY(&c->outq))
		event_add(c->more, &now_tv);
	return true;
}

static void
conn_more_cb(int fd UNUSED, short what UNUSED, void *arg)
{
	(void)conn_more(arg);
}

/* status [SELECTOR]: the daemon, then each instance, then END. */
static bool
do_status(struct ctl_conn *c, const struct ctl_msg *req)
{
	static struct ctl_msg	 m;
	struct instance		*inst = NULL;
	const char		*sel = req->u.req.selector;

	if (sel[0] != '\0' && strcmp(sel, "all") != 0 &&
	    (inst = ctl_find(sel)) == NULL)
		return conn_result(c, req->hdr.seq, CTL_RES_NOT_FOUND,
		    "no instance %s: give a name or IFACE:VHID "
		    "(ucarpctl status lists them)", sel);
	memset(&m, 0, sizeof(m));
	m.hdr.type = CTL_DAEMON;
	m.hdr.seq = req->hdr.seq;
	daemon_fill(&m.u.daemon);
	if (!conn_send(c, &m))
		return false;
	if (inst != NULL)
		return send_instance(c, req->hdr.seq, inst) &&
		    send_end(c, req->hdr.seq);
	c->streaming = true;
	c->st_seq = req->hdr.seq;
	c->st_next = 0;
	event_del(c->rev);		/* the next request waits for END */
	return conn_more(c);
}

/* What stepdown and garp do to one instance; true if it acted. */
static bool
act_one(struct instance *inst, uint16_t type)
{
	if (instance_state(inst) != CARP_MASTER)
		return false;
	if (type == CTL_REQ_STEPDOWN)
		instance_stepdown(inst);
	else
		instance_garp(inst);
	return true;
}

/* stepdown and garp: on masters only; the count says how many acted. */
static bool
do_act(struct ctl_conn *c, const struct ctl_msg *req)
{
	struct instance *const	*list;
	struct instance		*inst;
	const char		*sel = req->u.req.selector;
	const char		*verb = ctl_type_name(req->hdr.type);
	size_t			 n, i, acted = 0;

	if (c->ro)
		return conn_result(c, req->hdr.seq, CTL_RES_DENIED,
		    "%s refused: this is the read-only control socket; use "
		    "the main one (ucarpctl -s PATH)", verb);
	if (strcmp(sel, "all") == 0) {
		list = registry_list(&n);
		for (i = 0; i < n; i++)
			acted += act_one(list[i], req->hdr.type);
	} else if ((inst = ctl_find(sel)) == NULL) {
		return conn_result(c, req->hdr.seq, CTL_RES_NOT_FOUND,
		    "no instance %s: give a name, IFACE:VHID or all", sel);
	} else
		acted = act_one(inst, req->hdr.type);
	log_info("control: %s %s asked by uid %lu: %zu master%s", verb, sel,
	    (unsigned long)c->uid, acted, acted == 1 ? "" : "s");
	return conn_result(c, req->hdr.seq, CTL_RES_OK, "%s %s: %zu master%s",
	    verb, sel, acted, acted == 1 ? "" : "s");
}

static bool
send_texts(struct ctl_conn *c, uint32_t seq, enum ctl_text_kind kind,
    char *const *v, size_t n)
{
	static struct ctl_msg	m;
	size_t			i;

	for (i = 0; i < n; i++) {
		memset(&m, 0, sizeof(m));
		m.hdr.type = CTL_TEXT;
		m.hdr.seq = seq;
		m.u.text.kind = kind;
		snprintf(m.u.text.text, sizeof(m.u.text.text), "%s", v[i]);
		if (!conn_send(c, &m))
			return false;
	}
	return true;
}

/*
 * A reload's result to the client that asked: its counts, every message,
 * the verdict; then its next request is read.
 */
static void
conn_reloaded(void *arg, const struct reload_result *r)
{
	static struct ctl_msg	 m;
	struct ctl_conn		*c = arg;

	c->reloading = false;
	memset(&m, 0, sizeof(m));
	m.hdr.type = CTL_RELOAD;
	m.hdr.seq = c->rl_seq;
	stats_counts(reload_stats(), &m.u.reload);
	if (!conn_send(c, &m) ||
	    !send_texts(c, c->rl_seq, CTL_TX_ERROR, r->errors, r->nerrors) ||
	    !send_texts(c, c->rl_seq, CTL_TX_WARNING, r->warnings,
	    r->nwarnings) ||
	    !send_texts(c, c->rl_seq, CTL_TX_FAILURE, r->failures,
	    r->nfailures) ||
	    !conn_result(c, c->rl_seq, r->applied ? CTL_RES_OK :
	    CTL_RES_REFUSED, "%s", r->summary))
		return;
	if (!c->closing)
		event_add(c->rev, NULL);
}

/*
 * reload: reload_request(); the answer comes when it is applied
 * (conn_reloaded), the loop running meanwhile, the connection's next
 * request unread.
 */
static bool
do_reload(struct ctl_conn *c, const struct ctl_msg *req)
{
	char	who[64];

	if (c->ro)
		return conn_result(c, req->hdr.seq, CTL_RES_DENIED,
		    "reload refused: this is the read-only control socket; "
		    "use the main one (ucarpctl -s PATH)");
	if (ctl_config == NULL)
		return conn_result(c, req->hdr.seq, CTL_RES_UNAVAILABLE,
		    "no configuration file to reload: this daemon runs one "
		    "instance from the command line");
	snprintf(who, sizeof(who), "ucarpctl (uid %lu)",
	    (unsigned long)c->uid);
	c->reloading = true;
	c->rl_seq = req->hdr.seq;
	event_del(c->rev);
	reload_request(ctl_config, who, conn_reloaded, c);
	return true;
}

/* A verb the read-only socket refuses: the reply, then true. */
static bool
ctl_ro_refuse(struct ctl_conn *c, const struct ctl_msg *req, bool *alive)
{
	if (!c->ro)
		return false;
	*alive = conn_result(c, req->hdr.seq, CTL_RES_DENIED, "%s refused: "
	    "this is the read-only control socket; use the main one "
	    "(ucarpctl -s PATH)", ctl_type_name(req->hdr.type));
	return true;
}

/*
 * maintenance on|off SEL: an instance (NAME or IFACE:VHID), else a
 * group, else "all".  Done even if it cannot be kept on disk; the reply
 * says so (NOT_SAVED).
 */
static bool
do_maint(struct ctl_conn *c, const struct ctl_msg *req)
{
	struct instance *const	*list;
	struct instance		*inst, **v = NULL;
	const char		*sel = req->u.req.selector;
	char			 who[64], msg[CTL_TEXT_MAX];
	size_t			 n = 0;
	bool			 all = strcmp(sel, "all") == 0, ok, alive;

	if (ctl_ro_refuse(c, req, &alive))
		return alive;
	if (all)
		list = registry_list(&n);
	else if ((inst = ctl_find(sel)) != NULL) {
		list = &inst;
		n = 1;
	} else if ((v = maint_group(sel, &n)) != NULL)
		list = v;
	else
		return conn_result(c, req->hdr.seq, CTL_RES_NOT_FOUND,
		    "no instance or group %s: give a name, IFACE:VHID, a "
		    "group of groups = [...] or all (ucarpctl status lists "
		    "them); nothing changed", sel);
	snprintf(who, sizeof(who), "ucarpctl (uid %lu)",
	    (unsigned long)c->uid);
	ok = maint_set(list, n, req->u.req.on, all, sel, who, msg,
	    sizeof(msg));
	free(v);
	return conn_result(c, req->hdr.seq, ok ? CTL_RES_OK :
	    CTL_RES_NOT_SAVED, "%s", msg);
}

/* demote GROUP +N|-N|=N: the health model's manual demotion. */
static bool
do_demote(struct ctl_conn *c, const struct ctl_msg *req)
{
	static struct ctl_event	 ev;
	const char		*grp = req->u.req.selector;
	const char		*op = ctl_demote_op_name(req->u.req.op);
	char			 err[CTL_TEXT_MAX - 64];
	bool			 alive;

	if (ctl_ro_refuse(c, req, &alive))
		return alive;
	if (!health_group_demote(grp, op[0], req->u.req.n, err,
	    sizeof(err)))
		return conn_result(c, req->hdr.seq, CTL_RES_NOT_FOUND,
		    "demote %s: %s; nothing changed", grp, err);
	log_info("control: demote %s %s%u asked by uid %lu", grp, op,
	    req->u.req.n, (unsigned long)c->uid);
	memset(&ev, 0, sizeof(ev));
	ev.kind = CTL_EV_DEMOTE;
	snprintf(ev.name, sizeof(ev.name), "%s", grp);
	snprintf(ev.text, sizeof(ev.text), "%s%u by ucarpctl (uid %lu)", op,
	    req->u.req.n, (unsigned long)c->uid);
	control_event(&ev);
	return conn_result(c, req->hdr.seq, CTL_RES_OK, "demote %s %s%u: "
	    "done (ucarpctl status shows each member's effective advskew)",
	    grp, op, req->u.req.n);
}

/* One request; false if the connection is gone. */
static bool
ctl_dispatch(struct ctl_conn *c, const struct ctl_msg *req)
{
	switch (req->hdr.type) {
	case CTL_REQ_STATUS:
		return do_status(c, req);
	case CTL_REQ_STEPDOWN:
	case CTL_REQ_GARP:
		return do_act(c, req);
	case CTL_REQ_RELOAD:
		return do_reload(c, req);
	case CTL_REQ_MAINT:
		return do_maint(c, req);
	case CTL_REQ_DEMOTE:
		return do_demote(c, req);
	case CTL_REQ_MONITOR:
		c->monitor = true;
		return conn_result(c, req->hdr.seq, CTL_RES_OK,
		    "monitoring from event %llu",
		    (unsigned long long)ctl_eseq + 1);
	default:
		c->closing = true;
		ctl_complain(c, "sent a reply type as a request");
		return conn_result(c, req->hdr.seq, CTL_RES_BAD_REQUEST,
		    "%s is not a request", ctl_type_name(req->hdr.type));
	}
}

/* A message that does not decode: say why, then close. */
static bool
ctl_refuse(struct ctl_conn *c, const uint8_t *buf, size_t len,
    enum ctl_err e)
{
	struct ctl_hdr	h;
	char		what[128];

	(void)ctl_hdr_decode(buf, len, &h);
	c->closing = true;
	snprintf(what, sizeof(what), "%s (%zu bytes)", ctl_err_name(e), len);
	ctl_complain(c, what);
	if (e == CTL_E_VERSION)
		return conn_result(c, h.seq, CTL_RES_VERSION, "ucarp speaks "
		    "control protocol %u, not %u: use the ucarpctl of this "
		    "ucarp", CTL_VERSION, h.version);
	return conn_result(c, h.seq, CTL_RES_BAD_REQUEST, "%s",
	    ctl_err_name(e));
}

static void
conn_read_cb(int fd, short what UNUSED, void *arg)
{
	static uint8_t		 buf[CTL_MSG_MAX + 1];
	static struct ctl_msg	 req;
	struct ctl_conn		*c = arg;
	enum ctl_err		 e;
	ssize_t			 n;
	int			 i;

	for (i = 0; i < CTL_BATCH && !c->closing && !c->streaming &&
	    !c->reloading; i++) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			return;
		if (n <= 0) {			/* EOF or error */
			conn_close(c);
			return;
		}
		if ((size_t)n > CTL_MSG_MAX)
			e = CTL_E_LONG;
		else
			e = ctl_msg_decode(buf, (size_t)n, &req);
		if (e != CTL_OK) {
			if (!ctl_refuse(c, buf, (size_t)n > CTL_MSG_MAX ?
			    CTL_MSG_MAX : (size_t)n, e))
				return;
		} else if (!ctl_dispatch(c, &req))
			return;
	}
	if (c->closing) {
		event_del(c->rev);
		if (STAILQ_EMPTY(&c->outq))
			conn_close(c);
	}
}

static void
conn_write_cb(int fd UNUSED, short what, void *arg)
{
	struct ctl_conn	*c = arg;

	if (what & EV_TIMEOUT) {
		ctl_complain(c, "reads none of its replies");
		conn_close(c);
		return;
	}
	if (conn_flush(c) && c->streaming && STAILQ_EMPTY(&c->outq))
		(void)conn_more(c);
}

static void
ctl_accept_cb(int lfd, short what UNUSED, void *arg)
{
	struct ctl_sock	*s = arg;
	struct ctl_conn	*c;
	struct ucred	 cr;
	socklen_t	 len = sizeof(cr);
	int		 fd;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("control: accept on %s", s->path);
		return;
	}
	if (ctl_nconns >= CTL_CONN_MAX) {
		log_msg(LOG_WARNING, "control: %zu clients already; one more "
		    "refused on %s", ctl_nconns, s->path);
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->ro = s->ro;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0) {
		c->pid = cr.pid;
		c->uid = cr.uid;
	}
	STAILQ_INIT(&c->outq);
	c->rev = event_new(ctl_base, fd, EV_READ | EV_PERSIST, conn_read_cb,
	    c);
	c->wev = event_new(ctl_base, fd, EV_WRITE, conn_write_cb, c);
	c->more = event_new(ctl_base, -1, 0, conn_more_cb, c);
	event_add(c->rev, NULL);
	TAILQ_INSERT_TAIL(&ctl_conns, c, entry);
	ctl_nconns++;
}

/*
 * Is a daemon answering on path?  1 yes, 0 no (nothing there, or a stale
 * socket file, removed), -1 something else is there (said in the log).
 */
static int
ctl_probe(const char *path, const struct sockaddr_un *sun)
{
	struct stat	st;
	int		fd, rc;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : (log_warn("control socket %s",
		    path), -1);
	if (!S_ISSOCK(st.st_mode)) {
		log_msg(LOG_ERR, "control socket %s: a file that is not a "
		    "socket is there; remove it or choose another path "
		    "(control = \"PATH\"; or --control=PATH)", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		return (log_warn("control: socket"), -1);
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (rc == 0) {
		log_msg(LOG_ERR, "control socket %s: another ucarp answers "
		    "there; stop it (ucarpctl -s %s status shows it) or give "
		    "this one another socket (control = \"PATH\"; or "
		    "--control=PATH)", path, path);
		return 1;
	}
	if (unlink(path) < 0 && errno != ENOENT)
		return (log_warn("control socket %s: cannot remove the stale "
		    "file", path), -1);
	log_debug("control socket %s: stale file removed", path);
	return 0;
}

/* 0660 root:ucarp, or 0600 without that group; 0666 read-only. */
static bool
ctl_perms(const char *path, bool ro)
{
	struct group	*gr;

	if (ro)
		return chmod(path, 0666) == 0;
	if ((gr = getgrnam("ucarp")) == NULL)
		return chmod(path, 0600) == 0;
	return chown(path, (uid_t)-1, gr->gr_gid) == 0 &&
	    chmod(path, 0660) == 0;
}

/* The parent directory, if it is missing (/run/ucarp after a boot). */
static void
ctl_mkdir(const char *path)
{
	char	*dir = xstrdup(path), *slash;

	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			log_warn("control: cannot create %s", dir);
	}
	free(dir);
}

static bool
ctl_listen(struct ctl_sock *s, const char *path, bool ro)
{
	struct sockaddr_un	sun = { .sun_family = AF_UNIX };
	struct stat		st;
	mode_t			old;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_msg(LOG_ERR, "control socket %s: longer than %zu bytes; "
		    "choose a shorter path", path, sizeof(sun.sun_path) - 1);
		return false;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	ctl_mkdir(path);
	if (ctl_probe(path, &sun) != 0)
		return false;
	if ((s->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) < 0)
		return (log_warn("control: socket"), false);
	old = umask(0177);		/* no window with a wider mode */
	if (bind(s->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		umask(old);
		log_warn("control socket %s: bind", path);
		close(s->fd);
		return false;
	}
	umask(old);
	if (!ctl_perms(path, ro) || listen(s->fd, 128) < 0 ||
	    stat(path, &st) < 0) {
		log_warn("control socket %s", path);
		close(s->fd);
		unlink(path);
		return false;
	}
	s->path = xstrdup(path);
	s->ro = ro;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->ev = event_new(ctl_base, s->fd, EV_READ | EV_PERSIST,
	    ctl_accept_cb, s);
	event_add(s->ev, NULL);
	log_debug("control socket %s%s", path, ro ? " (read-only)" : "");
	return true;
}

bool
control_init(struct event_base *base, const struct cfg *cfg)
{
	const char	*path = cfg->control;

	ctl_base = base;
	ctl_started = (int64_t)clock_wall_us();
	if (cfg->path != NULL)
		ctl_config = xstrdup(cfg->path);
	if (path == NULL && !cfg->legacy)
		path = CTL_DEFAULT_SOCKET;
	if (path != NULL && !ctl_listen(&ctl_socks[ctl_nsocks++], path,
	    false))
		return false;
	if (cfg->control_ro != NULL && !ctl_listen(&ctl_socks[ctl_nsocks++],
	    cfg->control_ro, true))
		return false;
	return true;
}

void
control_shutdown(void)
{
	struct ctl_conn	*c;
	struct stat	 st;
	size_t		 i;

	while ((c = TAILQ_FIRST(&ctl_conns)) != NULL)
		conn_close(c);
	for (i = 0; i < ctl_nsocks; i++) {
		struct ctl_sock	*s = &ctl_socks[i];

		if (s->path == NULL)
			continue;
		event_free(s->ev);
		close(s->fd);
		/* Not a successor's socket, if one has replaced ours. */
		if (stat(s->path, &st) == 0 && st.st_dev == s->dev &&
		    st.st_ino == s->ino)
			unlink(s->path);
		free(s->path);
		s->path = NULL;
	}
	ctl_nsocks = 0;
	free(ctl_config);
	ctl_config = NULL;
}

void
control_event(struct ctl_event *ev)
{
	static struct ctl_msg	 m;
	struct ctl_conn		*c, *next;

	ev->eseq = ++ctl_eseq;
	ev->time = (int64_t)clock_wall_us();
	memset(&m.hdr, 0, sizeof(m.hdr));
	m.hdr.type = CTL_EVENT;
	m.u.ev = *ev;
	for (c = TAILQ_FIRST(&ctl_conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->monitor && !c->closing)
			(void)conn_send(c, &m);
	}
}

void
control_event_reload(const struct reload_stats *st)
{
	static struct ctl_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = CTL_EV_RELOAD;
	stats_counts(st, &ev.reload);
	snprintf(ev.text, sizeof(ev.text), "%s", st->summary);
	control_event(&ev);
}
