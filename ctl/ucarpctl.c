/*
 * ucarpctl.c: the control client of ucarp (ospfctl beside ospfd).
 *
 * Connect to the daemon's socket, send one request, read replies until
 * the one that ends it (CTL_END or CTL_RESULT), render them, and exit
 * with a status a script can use: 0 done, 1 refused or failed (a reload
 * of a broken file, an unknown instance), 2 no daemon to talk to.  It
 * links only the protocol codec of ucarp's core: no root, libpcap,
 * libconfig or libevent.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "ucarpctl.h"

#define EXIT_REFUSED	1
#define EXIT_NODAEMON	2

static const char	*sockpath = CTL_DEFAULT_SOCKET;

static void
usage(void)
{
	fprintf(stderr, "usage: ucarpctl [-s SOCKET] COMMAND [ARGS] [-j]\n"
	    "commands (any unique prefix):\n");
	usage_commands();
	fprintf(stderr, "SOCKET defaults to %s.\n", CTL_DEFAULT_SOCKET);
	exit(EXIT_NODAEMON);
}

static int
ctl_connect(void)
{
	struct sockaddr_un	sun = { .sun_family = AF_UNIX };
	int			fd;

	if (strlen(sockpath) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "ucarpctl: %s: path too long\n", sockpath);
		exit(EXIT_NODAEMON);
	}
	strcpy(sun.sun_path, sockpath);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "ucarpctl: cannot connect to %s: %s; is ucarp "
		    "running with a configuration file (or --control)? "
		    "Another socket: ucarpctl -s PATH\n", sockpath,
		    strerror(errno));
		exit(EXIT_NODAEMON);
	}
	return fd;
}

static void
ctl_write(int fd, const struct ctl_msg *m)
{
	uint8_t	buf[CTL_MSG_MAX];
	size_t	n;

	if ((n = ctl_msg_encode(m, buf, sizeof(buf))) == 0 ||
	    send(fd, buf, n, MSG_NOSIGNAL) != (ssize_t)n) {
		fprintf(stderr, "ucarpctl: cannot send to %s: %s\n", sockpath,
		    n == 0 ? "message too long" : strerror(errno));
		exit(EXIT_NODAEMON);
	}
}

/* The next reply (exits if the daemon went away or spoke nonsense). */
static void
ctl_read(int fd, struct ctl_msg *m)
{
	static uint8_t	buf[CTL_MSG_MAX + 1];
	ssize_t		n;
	enum ctl_err	e;

	n = recv(fd, buf, sizeof(buf), MSG_TRUNC);
	if (n <= 0) {
		fprintf(stderr, "ucarpctl: %s: %s\n", sockpath, n == 0 ?
		    "the daemon closed the connection" : strerror(errno));
		exit(EXIT_NODAEMON);
	}
	if ((size_t)n > CTL_MSG_MAX)
		e = CTL_E_LONG;
	else
		e = ctl_msg_decode(buf, (size_t)n, m);
	if (e != CTL_OK) {
		fprintf(stderr, "ucarpctl: %s: a reply I cannot read (%s); "
		    "is this ucarpctl from the same ucarp as the daemon?\n",
		    sockpath, ctl_err_name(e));
		exit(EXIT_NODAEMON);
	}
}

/* A RESULT that ends a command: print it, return the exit status. */
static int
result_exit(const struct ctl_result *r)
{
	if (r->code == CTL_RES_OK) {
		if (r->text[0] != '\0')
			printf("%s\n", r->text);
		return 0;
	}
	fprintf(stderr, "ucarpctl: %s\n", r->text);
	return r->code == CTL_RES_VERSION ? EXIT_NODAEMON : EXIT_REFUSED;
}

/* Room for one more of n elements of size in *v (capacity *cap). */
static void *
grow(void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 16;
	if ((v = realloc(v, *cap * size)) == NULL) {
		fprintf(stderr, "ucarpctl: out of memory\n");
		exit(EXIT_REFUSED);
	}
	return v;
}

static void
status_add(struct status *st, const struct ctl_instance *in)
{
	st->inst = grow(st->inst, st->n, &st->cap, sizeof(*st->inst));
	st->inst[st->n++] = *in;
}

static void
status_add_check(struct status *st, const struct ctl_check *c)
{
	st->chk = grow(st->chk, st->nchk, &st->chkcap, sizeof(*st->chk));
	st->chk[st->nchk++] = *c;
}

/* status and metrics: every reply first, then one rendering. */
static int
run_status(int fd, const struct parse_result *res, const struct output *o)
{
	static struct ctl_msg	m;
	struct status		st = { 0 };

	for (;;) {
		ctl_read(fd, &m);
		switch (m.hdr.type) {
		case CTL_DAEMON:
			st.daemon = m.u.daemon;
			break;
		case CTL_INSTANCE:
			status_add(&st, &m.u.inst);
			break;
		case CTL_CHECK:
			status_add_check(&st, &m.u.check);
			break;
		case CTL_END:
			if (res->action == A_METRICS)
				metrics_print(&st);
			else
				o->status(&st);
			free(st.inst);
			free(st.chk);
			return 0;
		case CTL_RESULT:
			free(st.inst);
			free(st.chk);
			return result_exit(&m.u.res);
		default:
			break;
		}
	}
}

/* reload: the counts, every FILE:LINE message, then the verdict. */
static int
run_reload(int fd, const struct output *o)
{
	static struct ctl_msg		m;
	struct ctl_reload_counts	c = { 0 };
	struct ctl_text			*t = NULL, *nt;
	size_t				n = 0;

	for (;;) {
		ctl_read(fd, &m);
		switch (m.hdr.type) {
		case CTL_RELOAD:
			c = m.u.reload;
			break;
		case CTL_TEXT:
			if ((nt = realloc(t, (n + 1) * sizeof(*t))) == NULL)
				exit(EXIT_REFUSED);
			t = nt;
			t[n++] = m.u.text;
			break;
		case CTL_RESULT:
			if (m.u.res.code != CTL_RES_OK &&
			    m.u.res.code != CTL_RES_REFUSED) {
				free(t);
				return result_exit(&m.u.res);
			}
			o->reload(&c, t, n, &m.u.res);
			free(t);
			return m.u.res.code == CTL_RES_OK ? 0 : EXIT_REFUSED;
		default:
			break;
		}
	}
}

/* monitor: events until the daemon goes away (exit 0 on its exit). */
static int
run_monitor(int fd, const struct output *o)
{
	static struct ctl_msg	m;

	ctl_read(fd, &m);
	if (m.hdr.type != CTL_RESULT || m.u.res.code != CTL_RES_OK)
		return result_exit(&m.u.res);
	/* Not in the stream: a script may wait for it to know it is on. */
	fprintf(stderr, "%s\n", m.u.res.text);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		ctl_read(fd, &m);
		if (m.hdr.type == CTL_EVENT)
			o->event(&m.u.ev);
	}
}

int
main(int argc, char *argv[])
{
	static const struct option	lopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct ctl_msg		req;
	const struct parse_result	*res;
	const struct output		*o;
	int				 ch, fd;

	/* "+": stop at the command, so that "status -j" is its own. */
	while ((ch = getopt_long(argc, argv, "+s:h", lopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			sockpath = optarg;
			break;
		default:
			usage();
		}
	}
	if ((res = parse(argc - optind, argv + optind)) == NULL)
		usage();
	o = res->json ? &json_output : &show_output;
	signal(SIGPIPE, SIG_IGN);
	fd = ctl_connect();
	req.hdr.seq = (uint32_t)getpid();
	if (res->arg != NULL)
		snprintf(req.u.req.selector, sizeof(req.u.req.selector), "%s",
		    res->arg);
	switch (res->action) {
	case A_STATUS:
	case A_METRICS:
		req.hdr.type = CTL_REQ_STATUS;
		ctl_write(fd, &req);
		return run_status(fd, res, o);
	case A_STEPDOWN:
	case A_GARP:
	case A_MAINT:
	case A_DEMOTE:
		req.hdr.type = res->action == A_STEPDOWN ? CTL_REQ_STEPDOWN :
		    res->action == A_GARP ? CTL_REQ_GARP :
		    res->action == A_MAINT ? CTL_REQ_MAINT : CTL_REQ_DEMOTE;
		req.u.req.on = res->on;
		req.u.req.op = res->op;
		req.u.req.n = res->n;
		ctl_write(fd, &req);
		ctl_read(fd, &req);
		return result_exit(&req.u.res);
	case A_RELOAD:
		req.hdr.type = CTL_REQ_RELOAD;
		ctl_write(fd, &req);
		return run_reload(fd, o);
	case A_MONITOR:
		req.hdr.type = CTL_REQ_MONITOR;
		ctl_write(fd, &req);
		return run_monitor(fd, o);
	default:
		usage();
	}
	return EXIT_NODAEMON;
}
