/*
 * hcheck.c: the check scripts (see hcheck.h).
 *
 * Each check has a drift-free tick every interval.  A tick while the
 * last run is still going is skipped (keepalived's "already running"),
 * so a check never runs twice at once.  A run gets its own timer at the
 * timeout: the run counts as failed then, at once, and proc.c kills its
 * process group (SIGTERM, SIGKILL after the grace).  The script's stdout
 * and stderr go to a pipe read without blocking: the first bytes are
 * kept for the log, the rest is read and dropped, and the pipe is closed
 * when the script exits even if a child it forked still holds it open.
 * A failure is logged when its reason differs from the last failure's
 * (a missing script is logged once, not every interval, and a flapping
 * check once); changes of state are logged by the model's shell.  Every
 * result goes to the health model, which counts it.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cfg.h"
#include "clock.h"
#include "hcheck.h"
#include "health.h"
#include "instance_health.h"
#include "log.h"
#include "proc.h"
#include "xmalloc.h"

#define HCHECK_DRAIN_MAX	(64 * 1024)	/* read at exit, at most */

extern char	**environ;

struct hcheck {
	TAILQ_ENTRY(hcheck)	 entry;
	char			*name;
	char			*script;
	uint32_t		 interval_ms;
	uint32_t		 timeout_ms;
	struct event		*tick;
	struct event		*tmo;
	struct event		*rd;
	int64_t			 next;		/* next tick, monotonic us */
	int64_t			 started;
	pid_t			 pid;		/* 0: not running */
	int			 fd;		/* output pipe, -1: none */
	bool			 counted;	/* this run's result is in */
	bool			 gone;		/* removed: free at exit */
	char			 out[HCHECK_OUT_MAX + 1];
	size_t			 outlen;
	uint64_t		 outbytes;
	char			 reason[HCHECK_OUT_MAX + 64]; /* last failure */
	struct hcheck_stat	 st;
};

TAILQ_HEAD(hcheck_list, hcheck);
static struct hcheck_list	 hchecks = TAILQ_HEAD_INITIALIZER(hchecks);
static struct hcheck_list	 hgone = TAILQ_HEAD_INITIALIZER(hgone);
static struct event_base	*hc_base;

void
hcheck_init(struct event_base *base)
{
	hc_base = base;
}

static void
hc_arm(struct event *ev, int64_t us)
{
	struct timeval	tv;

	if (us < 0)
		us = 0;
	tv.tv_sec = (time_t)(us / 1000000);
	tv.tv_usec = (suseconds_t)(us % 1000000);
	evtimer_add(ev, &tv);
}

/* The model's index of this check, or -1 (the model follows the file). */
static long
hc_track(const struct hcheck *hc)
{
	return health_track_find(health_model(), HEALTH_CHECK, hc->name);
}

/*
 * A run's result, once.  A failure is logged when its reason changed;
 * the words keep the first line of the output.
 */
static void
hc_result(struct hcheck *hc, bool ok, const char *why)
{
	char	line[HCHECK_OUT_MAX + 1], *nl;
	long	t;

	if (hc->counted)
		return;
	hc->counted = true;
	memcpy(line, hc->out, hc->outlen);
	line[hc->outlen] = '\0';
	if ((nl = strchr(line, '\n')) != NULL)
		*nl = '\0';
	snprintf(hc->st.last, sizeof(hc->st.last), "%s%s%s%s", why,
	    line[0] != '\0' ? ": \"" : "", line, line[0] != '\0' ? "\"" : "");
	if (!ok && strcmp(hc->reason, hc->st.last) != 0) {
		log_msg(LOG_WARNING, "check %s: %s failed: %s%s", hc->name,
		    hc->script, hc->st.last, hc->outbytes > HCHECK_OUT_MAX ?
		    " (output cut)" : "");
		snprintf(hc->reason, sizeof(hc->reason), "%s", hc->st.last);
	}
	if ((t = hc_track(hc)) >= 0)
		health_result((size_t)t, ok, hc->st.last);
}

/* Keep n bytes of output, control characters (NUL too) as '?'. */
static void
hc_keep(struct hcheck *hc, const char *buf, size_t n)
{
	size_t	i;
	char	c;

	for (i = 0; i < n; i++) {
		c = buf[i];
		if (((unsigned char)c < 0x20 && c != '\n') || c == 0x7f)
			c = '?';
		hc->out[hc->outlen++] = c;
	}
}

/* Read what the pipe holds now; the first bytes are kept. */
static size_t
hc_drain(struct hcheck *hc, size_t max)
{
	char	buf[4096];
	ssize_t	n;
	size_t	got = 0, keep;

	while (hc->fd != -1 && got < max) {
		if ((n = read(hc->fd, buf, sizeof(buf))) <= 0)
			break;
		got += (size_t)n;
		hc->outbytes += (uint64_t)n;
		keep = HCHECK_OUT_MAX - hc->outlen;
		if (keep > (size_t)n)
			keep = (size_t)n;
		hc_keep(hc, buf, keep);
	}
	return got;
}

static void
hc_close_pipe(struct hcheck *hc)
{
	if (hc->rd != NULL)
		event_free(hc->rd);
	hc->rd = NULL;
	if (hc->fd != -1)
		close(hc->fd);
	hc->fd = -1;
}

static void
hc_read_cb(int fd UNUSED, short what UNUSED, void *arg)
{
	struct hcheck	*hc = arg;

	/* One buffer a turn: a chatty script cannot hold the loop. */
	if (hc_drain(hc, 4096) == 0)
		hc_close_pipe(hc);	/* EOF, or an error */
}

static void
hc_free(struct hcheck *hc)
{
	hc_close_pipe(hc);
	if (hc->tick != NULL)
		event_free(hc->tick);
	if (hc->tmo != NULL)
		event_free(hc->tmo);
	free(hc->name);
	free(hc->script);
	free(hc);
}

/* How a run ended, without its duration (the same failure reads the same). */
static const char *
hc_cause(const struct proc_exit *e, char *buf, size_t len)
{
	if (WIFEXITED(e->status))
		snprintf(buf, len, "exited %d", WEXITSTATUS(e->status));
	else if (WIFSIGNALED(e->status))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(e->status));
	else
		snprintf(buf, len, "%s", e->cause);
	return buf;
}

static void
hc_exit_cb(const struct proc_exit *e, void *arg)
{
	struct hcheck	*hc = arg;
	char		 why[96];

	hc->pid = 0;
	hc->st.running = false;
	hc->st.last_ms = e->ms;
	evtimer_del(hc->tmo);
	/* What it wrote before it exited; a child of it may keep writing. */
	hc_drain(hc, HCHECK_DRAIN_MAX);
	hc_close_pipe(hc);
	if (hc->gone) {
		TAILQ_REMOVE(&hgone, hc, entry);
		hc_free(hc);
		return;
	}
	hc_result(hc, e->ok, hc_cause(e, why, sizeof(why)));
}

static void
hc_timeout_cb(int fd UNUSED, short what UNUSED, void *arg)
{
	struct hcheck	*hc = arg;
	char		 why[64];

	if (hc->pid == 0)
		return;
	hc->st.timeouts++;
	snprintf(why, sizeof(why), "timed out after %u ms", hc->timeout_ms);
	hc_result(hc, false, why);
	proc_kill(hc->pid);
}

/* A pipe for the output: the read end ours, non-blocking. */
static int
hc_pipe(struct hcheck *hc)
{
	int	p[2];

	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	hc->fd = p[0];
	hc->rd = event_new(hc_base, p[0], EV_READ | EV_PERSIST, hc_read_cb,
	    hc);
	event_add(hc->rd, NULL);
	return p[1];
}

/* Start one run; a start that fails is a failed result. */
static void
hc_run(struct hcheck *hc)
{
	struct proc_spec	 ps;
	char			*argv[] = { hc->script, NULL }, *label;
	char			 why[128];
	enum proc_rc		 rc;
	int			 w, err;

	hc->counted = false;
	hc->outlen = 0;
	hc->outbytes = 0;
	hc->st.runs++;
	hc->started = clock_mono_us();
	w = hc_pipe(hc);
	xasprintf(&label, "check %s: %s", hc->name, hc->script);
	ps = (struct proc_spec){ hc->script, argv, environ, 0, label,
	    hc_exit_cb, hc, w };
	rc = proc_spawn(&ps, &hc->pid);
	err = errno;
	free(label);
	if (w != -1)
		close(w);
	if (rc == PROC_STARTED) {
		hc->st.running = true;
		hc_arm(hc->tmo, (int64_t)hc->timeout_ms * 1000);
		return;
	}
	hc->pid = 0;
	hc_close_pipe(hc);
	snprintf(why, sizeof(why), "%s: %s", rc == PROC_NOT_EXEC ?
	    "cannot run it" : "could not start it", strerror(err));
	hc_result(hc, false, why);
}

/* Every interval, drift-free; skipped while the last run goes on. */
static void
hc_tick_cb(int fd UNUSED, short what UNUSED, void *arg)
{
	struct hcheck	*hc = arg;
	int64_t		 now = clock_mono_us();

	hc->next += (int64_t)hc->interval_ms * 1000;
	if (hc->next <= now)
		hc->next = now + (int64_t)hc->interval_ms * 1000;
	hc_arm(hc->tick, hc->next - now);
	if (hc->pid != 0) {
		hc->st.skipped++;
		log_debug("check %s is still running: this interval's run is "
		    "skipped", hc->name);
		return;
	}
	hc_run(hc);
}

static struct hcheck *
hc_find(const char *name)
{
	struct hcheck	*hc;

	TAILQ_FOREACH(hc, &hchecks, entry)
		if (strcmp(hc->name, name) == 0)
			return hc;
	return NULL;
}

/* A new check: runs at once (a boot hold ends as soon as it passes). */
static struct hcheck *
hc_new(const struct cfg_hcheck *c)
{
	struct hcheck	*hc;

	hc = xcalloc(1, sizeof(*hc));
	hc->name = xstrdup(c->name);
	hc->script = xstrdup(c->script);
	hc->fd = -1;
	hc->st.last_ms = -1;
	hc->tick = evtimer_new(hc_base, hc_tick_cb, hc);
	hc->tmo = evtimer_new(hc_base, hc_timeout_cb, hc);
	if (hc->tick == NULL || hc->tmo == NULL)
		fatalx("cannot create the timers of check %s", c->name);
	hc->next = clock_mono_us();
	hc_arm(hc->tick, 0);
	return hc;
}

/* A check no longer in the file: stopped; a run under way is killed. */
static void
hc_remove(struct hcheck *hc)
{
	TAILQ_REMOVE(&hchecks, hc, entry);
	evtimer_del(hc->tick);
	evtimer_del(hc->tmo);
	if (hc->pid == 0) {
		hc_free(hc);
		return;
	}
	hc->gone = true;
	TAILQ_INSERT_TAIL(&hgone, hc, entry);
	proc_kill(hc->pid);
}

/* A kept check with new settings: the new interval from the last tick. */
static void
hc_update(struct hcheck *hc, const struct cfg_hcheck *c)
{
	int64_t	now = clock_mono_us();

	if (strcmp(hc->script, c->script) != 0) {
		free(hc->script);
		hc->script = xstrdup(c->script);
	}
	hc->timeout_ms = c->timeout_ms;
	if (hc->interval_ms == c->interval_ms)
		return;
	hc->next += ((int64_t)c->interval_ms - hc->interval_ms) * 1000;
	hc->interval_ms = c->interval_ms;
	if (hc->next < now)
		hc->next = now;
	hc_arm(hc->tick, hc->next - now);
}

void
hcheck_configure(const struct cfg *c)
{
	struct hcheck_list	 keep = TAILQ_HEAD_INITIALIZER(keep);
	struct hcheck		*hc;
	size_t			 i;

	for (i = 0; i < c->nchecks; i++) {
		if ((hc = hc_find(c->checks[i].name)) != NULL) {
			TAILQ_REMOVE(&hchecks, hc, entry);
			hc_update(hc, &c->checks[i]);
		} else {
			hc = hc_new(&c->checks[i]);
			hc->interval_ms = c->checks[i].interval_ms;
			hc->timeout_ms = c->checks[i].timeout_ms;
		}
		TAILQ_INSERT_TAIL(&keep, hc, entry);
	}
	while ((hc = TAILQ_FIRST(&hchecks)) != NULL)
		hc_remove(hc);
	TAILQ_CONCAT(&hchecks, &keep, entry);
}

void
hcheck_stop(void)
{
	struct hcheck	*hc;

	while ((hc = TAILQ_FIRST(&hchecks)) != NULL)
		hc_remove(hc);
}

void
hcheck_shutdown(void)
{
	struct hcheck	*hc;

	hcheck_stop();
	while ((hc = TAILQ_FIRST(&hgone)) != NULL) {
		TAILQ_REMOVE(&hgone, hc, entry);
		hc_free(hc);
	}
}

const struct hcheck_stat *
hcheck_stat(const char *name)
{
	const struct hcheck	*hc = hc_find(name);

	return hc != NULL ? &hc->st : NULL;
}
