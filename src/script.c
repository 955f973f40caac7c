/*
 * script.c: the child-reaping script queue (see script.h).
 *
 * Unlike ucarp 1.5.2, which waited for each script in waitpid() with the
 * protocol frozen, the daemon spawns and goes on; SIGCHLD (delivered by
 * libevent on the loop) reaps the child and starts the next one.
 *
 * Starting a script costs the loop time that adverts due meanwhile wait
 * for, so scripts start from a zero-delay timer, one per turn of the loop,
 * after the transitions that queued them have sent their adverts; and
 * with posix_spawn() (vfork and exec), which copies no page tables: a
 * takeover of many instances at once delays no advert by more than one
 * spawn (bench/storm.sh).
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "log.h"
#include "script.h"
#include "xmalloc.h"

#define SCRIPT_KILL_GRACE_US	2000000
#define SCRIPT_RETRY_US		1000000

extern char	**environ;

struct script_job {
	TAILQ_ENTRY(script_job) entry;		/* running jobs */
	struct script_q	*q;			/* NULL once the queue is gone */
	enum script_kind kind;
	char		*path;
	char		**argv;
	char		**envp;
	char		*label;
	pid_t		 pid;
	int64_t		 started;
	bool		 timed_out;
	struct event	*timer;
};

struct script_q {
	TAILQ_ENTRY(script_q) wait_entry;	/* waiting for a slot */
	bool		 waiting;
	char		*label;
	struct script_job *running;
	struct script_job *undo;		/* runs before pending; kept */
	struct script_job *pending;
	enum script_kind last;			/* kind of the last started */
	bool		 orphan;		/* owner gone: free when idle */
};

static TAILQ_HEAD(, script_job)	jobs = TAILQ_HEAD_INITIALIZER(jobs);
static TAILQ_HEAD(, script_q)	waitq = TAILQ_HEAD_INITIALIZER(waitq);
static struct event_base	*script_base;
static struct event		*retry_ev;
static struct event		*spawn_ev;
static unsigned			 max_jobs = 1;
static unsigned			 timeout_ms = 60000;
static unsigned			 nrunning;
static void			(*idle_cb)(void);

static void	script_schedule(struct script_q *);
static void	script_pump(void);
static void	script_kick(void);
static void	q_destroy(struct script_q *);

/* The job that starts next: the undo job first. */
static struct script_job *
q_next(const struct script_q *q)
{
	return q->undo != NULL ? q->undo : q->pending;
}

/* An orphaned queue (its instance was removed) goes once it is idle. */
static bool
q_reap_orphan(struct script_q *q)
{
	if (!q->orphan || q->running != NULL || q_next(q) != NULL ||
	    q->waiting)
		return false;
	q_destroy(q);
	return true;
}

static const char *
kind_name(enum script_kind k)
{
	return k == SCRIPT_UP ? "up" : k == SCRIPT_DOWN ? "down" : "none";
}

static char **
strv_copy(char *const v[], char *const extra[])
{
	size_t	 n = 0, m = 0, i;
	char	**c;

	while (v != NULL && v[n] != NULL)
		n++;
	while (extra != NULL && extra[m] != NULL)
		m++;
	c = xcalloc(n + m + 1, sizeof(*c));
	for (i = 0; i < n; i++)
		c[i] = xstrdup(v[i]);
	for (i = 0; i < m; i++)
		c[n + i] = xstrdup(extra[i]);
	return c;
}

static void
strv_free(char **v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* The daemon's environment minus our names, plus the job's variables. */
static char **
env_build(char *const extra[])
{
	size_t	 n = 0, m = 0, i, k = 0;
	char	**e;

	while (environ != NULL && environ[n] != NULL)
		n++;
	while (extra != NULL && extra[m] != NULL)
		m++;
	e = xcalloc(n + m + 1, sizeof(*e));
	for (i = 0; i < n; i++) {
		/* A stale UCARP_* from our own environment must not leak in. */
		if (strncmp(environ[i], "UCARP_", 6) == 0)
			continue;
		e[k++] = xstrdup(environ[i]);
	}
	for (i = 0; i < m; i++)
		e[k++] = xstrdup(extra[i]);
	return e;
}

static void
job_free(struct script_job *j)
{
	if (j == NULL)
		return;
	if (j->timer != NULL)
		event_free(j->timer);
	free(j->path);
	strv_free(j->argv);
	strv_free(j->envp);
	free(j->label);
	free(j);
}

/* The script's command line as ucarp logged it: "path if vip [x]". */
static void
job_cmdline(const struct script_job *j, char *buf, size_t len)
{
	size_t	i, off = 0;
	int	n;

	buf[0] = '\0';
	for (i = 0; j->argv[i] != NULL && off < len; i++) {
		n = snprintf(buf + off, len - off, "%s%s", i ? " " : "",
		    j->argv[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

/* Timeout: SIGTERM the script's process group, then SIGKILL after a grace. */
static void
job_timeout_cb(int fd UNUSED, short what UNUSED, void *arg)
{
	struct script_job	*j = arg;
	struct timeval		 tv = { SCRIPT_KILL_GRACE_US / 1000000, 0 };

	if (!j->timed_out) {
		j->timed_out = true;
		log_msg(LOG_WARNING, "%s%s script %s (pid %ld) still running "
		    "after %u ms: sending SIGTERM to its process group",
		    j->label, kind_name(j->kind), j->path, (long)j->pid,
		    timeout_ms);
		kill(-j->pid, SIGTERM);
		evtimer_add(j->timer, &tv);
	} else {
		log_msg(LOG_WARNING, "%s%s script %s (pid %ld) ignored "
		    "SIGTERM: sending SIGKILL", j->label, kind_name(j->kind),
		    j->path, (long)j->pid);
		kill(-j->pid, SIGKILL);
	}
}

/* Spawn the job; false if the system could not (try again later). */
static bool
job_spawn(struct script_job *j)
{
	char				 cmd[1024];
	struct timeval			 tv;
	posix_spawnattr_t		 attr;
	posix_spawn_file_actions_t	 fa;
	sigset_t			 all, none;
	pid_t				 pid;
	int				 rc;

	job_cmdline(j, cmd, sizeof(cmd));
	if (access(j->path, X_OK) == -1) {
		log_msg(LOG_ERR, "%scannot run %s script %s: %s (make it an "
		    "executable file)", j->label, kind_name(j->kind), j->path,
		    strerror(errno));
		return true;	/* not retried: it would fail the same way */
	}
	/*
	 * Own session and process group, so a timeout kills it all; every
	 * signal at its default, none blocked; stdin from /dev/null; nothing
	 * of the daemon's, nor of whoever started it, above stderr.
	 */
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	rc = posix_spawn(&pid, j->path, &fa, &attr, j->argv, j->envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc == EAGAIN || rc == ENOMEM) {
		errno = rc;
		log_warn("%sfork for %s script %s (will retry in 1 s)",
		    j->label, kind_name(j->kind), j->path);
		return false;
	}
	if (rc != 0) {
		log_msg(LOG_ERR, "%scannot run %s script %s: %s (make it an "
		    "executable file with a #! line)", j->label,
		    kind_name(j->kind), j->path, strerror(rc));
		return true;
	}
	j->pid = pid;
	j->started = clock_mono_us();
	log_msg(LOG_WARNING, "%sSpawning [%s]", j->label, cmd);
	j->timer = evtimer_new(script_base, job_timeout_cb, j);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(j->timer, &tv);
	TAILQ_INSERT_TAIL(&jobs, j, entry);
	nrunning++;
	return true;
}

static void
retry_cb(int fd UNUSED, short what UNUSED, void *arg UNUSED)
{
	script_pump();
}

/* Start the queue's next job now (a slot is free). */
static void
script_start(struct script_q *q)
{
	struct script_job	*j = q_next(q);
	struct timeval		 tv = { 0, SCRIPT_RETRY_US };
	bool			 undo = j == q->undo;

	if (undo)
		q->undo = NULL;
	else
		q->pending = NULL;
	if (j->path == NULL) {
		/* No script for this transition: record it and go on. */
		q->last = j->kind;
		job_free(j);
		return;
	}
	if (!job_spawn(j)) {
		if (undo)
			q->undo = j;
		else
			q->pending = j;
		if (!q->waiting) {
			TAILQ_INSERT_HEAD(&waitq, q, wait_entry);
			q->waiting = true;
		}
		if (!evtimer_pending(retry_ev, NULL))
			evtimer_add(retry_ev, &tv);
		return;
	}
	q->last = j->kind;
	if (j->pid == 0) {
		/* Not executable: logged, nothing to wait for. */
		job_free(j);
		return;
	}
	j->q = q;
	q->running = j;
}

/*
 * Line up whatever the queue has pending: a transition without a script
 * is recorded at once, a script waits for the spawn timer (script_pump).
 */
static void
script_schedule(struct script_q *q)
{
	while (q->running == NULL && q_next(q) != NULL && !q->waiting) {
		if (q_next(q)->path != NULL) {
			TAILQ_INSERT_TAIL(&waitq, q, wait_entry);
			q->waiting = true;
			script_kick();
			return;
		}
		script_start(q);
	}
}

/* Run script_pump on the next turn of the loop. */
static void
script_kick(void)
{
	struct timeval	now = { 0, 0 };

	if (spawn_ev != NULL && !evtimer_pending(spawn_ev, NULL))
		evtimer_add(spawn_ev, &now);
}

/*
 * Start the first queue waiting for a slot, if there is a slot; one per
 * turn of the loop, so that adverts due meanwhile go first.
 */
static void
script_pump(void)
{
	struct script_q	*q;

	if (nrunning < max_jobs && (q = TAILQ_FIRST(&waitq)) != NULL) {
		TAILQ_REMOVE(&waitq, q, wait_entry);
		q->waiting = false;
		script_start(q);
		if (q->waiting)		/* the spawn failed: retry_ev */
			return;
		script_schedule(q);
		q_reap_orphan(q);
		if (nrunning < max_jobs && !TAILQ_EMPTY(&waitq))
			script_kick();
	}
	if (idle_cb != NULL && script_idle())
		idle_cb();
}

static void
spawn_cb(int fd UNUSED, short what UNUSED, void *arg UNUSED)
{
	script_pump();
}

void
script_init(struct event_base *base, unsigned njobs, unsigned tmo_ms)
{
	script_base = base;
	retry_ev = evtimer_new(base, retry_cb, NULL);
	spawn_ev = evtimer_new(base, spawn_cb, NULL);
	script_set_limits(njobs, tmo_ms);
}

void
script_set_limits(unsigned njobs, unsigned tmo_ms)
{
	max_jobs = njobs ? njobs : 1;
	timeout_ms = tmo_ms ? tmo_ms : 1;
}

struct script_q *
script_q_new(const char *label)
{
	struct script_q	*q;

	q = xcalloc(1, sizeof(*q));
	q->label = xstrdup(label);
	return q;
}

void
script_q_set_label(struct script_q *q, const char *label)
{
	free(q->label);
	q->label = xstrdup(label);
}

static void
q_destroy(struct script_q *q)
{
	if (q->waiting)
		TAILQ_REMOVE(&waitq, q, wait_entry);
	if (q->running != NULL)
		q->running->q = NULL;
	job_free(q->undo);
	job_free(q->pending);
	free(q->label);
	free(q);
}

void
script_q_free(struct script_q *q)
{
	if (q != NULL)
		q_destroy(q);
}

void
script_q_release(struct script_q *q)
{
	if (q == NULL)
		return;
	q->orphan = true;
	q_reap_orphan(q);
}

static struct script_job *
job_new(struct script_q *q, enum script_kind kind, const char *path,
    char *const argv[], char *const env[])
{
	struct script_job	*j;

	j = xcalloc(1, sizeof(*j));
	j->kind = kind;
	j->path = path != NULL ? xstrdup(path) : NULL;
	j->argv = strv_copy(argv, NULL);
	j->envp = env_build(env);
	j->label = xstrdup(q->label);
	return j;
}

/* Drop the job waiting to start (not the undo job): the state moved on. */
static void
q_drop_pending(struct script_q *q)
{
	if (q->pending == NULL)
		return;
	log_debug("%sdropping the waiting %s script: the state changed "
	    "again", q->label, kind_name(q->pending->kind));
	job_free(q->pending);
	q->pending = NULL;
}

/* Nothing left to start: give up the queue's place in line for a slot. */
static void
q_unwait_if_empty(struct script_q *q)
{
	if (q->waiting && q_next(q) == NULL) {
		TAILQ_REMOVE(&waitq, q, wait_entry);
		q->waiting = false;
	}
}

void
script_q_push(struct script_q *q, enum script_kind kind, const char *path,
    char *const argv[], char *const env[])
{
	enum script_kind	 ref;

	/* A newer transition replaces one that has not started yet. */
	q_drop_pending(q);
	/*
	 * If the script that runs last so far (the undo job, the one
	 * running, or the last one run) is already for this state, the
	 * transitions in between cancelled out: run nothing.
	 */
	ref = q->undo != NULL ? q->undo->kind : q->running != NULL ?
	    q->running->kind : q->last;
	if (ref == kind) {
		q_unwait_if_empty(q);
		return;
	}
	q->pending = job_new(q, kind, path, argv, env);
	if (!q->waiting)
		script_schedule(q);
}

/*
 * An undo job: a down script for what an up script already started has
 * set up (the addresses a reload took away).  Later transitions do not
 * replace it: it runs before them.  Only one is kept; with one already
 * waiting, that older one undoes what is really set up.  Nothing is
 * queued unless the last script started (or running) is an up script.
 */
void
script_q_push_undo(struct script_q *q, const char *path, char *const argv[],
    char *const env[])
{
	q_drop_pending(q);
	if (q->undo != NULL || (q->running != NULL ? q->running->kind :
	    q->last) != SCRIPT_UP) {
		/* Nothing of an up script's to undo, or undone already. */
		q_unwait_if_empty(q);
		return;
	}
	q->undo = job_new(q, SCRIPT_DOWN, path, argv, env);
	if (!q->waiting)
		script_schedule(q);
}

enum script_kind
script_q_waiting(const struct script_q *q)
{
	return q->pending != NULL ? q->pending->kind : SCRIPT_NONE;
}

/*
 * The configuration changed before the waiting job started: it runs what
 * the new one says.  If it now has a script to run while it did not, it
 * may have to wait for a slot like any other (script_schedule).
 */
void
script_q_repoint(struct script_q *q, const char *path, char *const argv[],
    char *const env[])
{
	struct script_job	*j = q->pending, *n;

	if (j == NULL)
		return;
	n = job_new(q, j->kind, path, argv, env);
	job_free(j);
	q->pending = n;
	if (!q->waiting)
		script_schedule(q);
}

bool
script_q_idle(const struct script_q *q)
{
	return q->running == NULL && q_next(q) == NULL;
}

bool
script_idle(void)
{
	return nrunning == 0 && TAILQ_EMPTY(&waitq);
}

void
script_on_idle(void (*cb)(void))
{
	idle_cb = cb;
}

unsigned
script_running(void)
{
	return nrunning;
}

/* Log how a script ended, ucarp never did. */
static void
job_report(const struct script_job *j, int status)
{
	long	ms = (long)((clock_mono_us() - j->started) / 1000);

	if (j->timed_out)
		log_msg(LOG_WARNING, "%s%s script %s (pid %ld) killed after "
		    "timeout (%ld ms)", j->label, kind_name(j->kind), j->path,
		    (long)j->pid, ms);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_info("%s%s script %s (pid %ld) exited 0 after %ld ms",
		    j->label, kind_name(j->kind), j->path, (long)j->pid, ms);
	else if (WIFEXITED(status))
		log_msg(LOG_WARNING, "%s%s script %s (pid %ld) exited %d after "
		    "%ld ms", j->label, kind_name(j->kind), j->path,
		    (long)j->pid, WEXITSTATUS(status), ms);
	else if (WIFSIGNALED(status))
		log_msg(LOG_WARNING, "%s%s script %s (pid %ld) killed by "
		    "signal %d after %ld ms", j->label, kind_name(j->kind),
		    j->path, (long)j->pid, WTERMSIG(status), ms);
}

void
script_reap(void)
{
	struct script_job	*j;
	struct script_q		*q;
	pid_t			 pid;
	int			 status;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid <= 0)
			break;
		TAILQ_FOREACH(j, &jobs, entry)
			if (j->pid == pid)
				break;
		if (j == NULL)
			continue;
		TAILQ_REMOVE(&jobs, j, entry);
		nrunning--;
		job_report(j, status);
		/* Whatever it started in its process group goes with it. */
		if (j->timed_out)
			kill(-j->pid, SIGKILL);
		q = j->q;
		job_free(j);
		if (q != NULL) {
			q->running = NULL;
			script_schedule(q);
			q_reap_orphan(q);
		}
	}
	/* A slot is free: the next script starts on the next turn. */
	script_kick();
}

void
script_shutdown(void)
{
	struct script_job	*j;
	struct script_q		*q;

	/* Orphans waiting for a slot are freed with their pending job. */
	while ((q = TAILQ_FIRST(&waitq)) != NULL)
		if (q->orphan)
			q_destroy(q);
		else {
			TAILQ_REMOVE(&waitq, q, wait_entry);
			q->waiting = false;
		}

	while ((j = TAILQ_FIRST(&jobs)) != NULL) {
		TAILQ_REMOVE(&jobs, j, entry);
		if ((q = j->q) != NULL) {
			q->running = NULL;
			if (q->orphan)
				q_destroy(q);
		}
		job_free(j);
	}
	nrunning = 0;
	if (retry_ev != NULL)
		event_free(retry_ev);
	retry_ev = NULL;
	if (spawn_ev != NULL)
		event_free(spawn_ev);
	spawn_ev = NULL;
}
