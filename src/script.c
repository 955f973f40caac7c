/*
 * script.c: the script queue (see script.h): the scripts themselves, on
 * top of runq.c's rules and proc.c's children.
 *
 * Unlike ucarp 1.5.2, which waited for each script in waitpid() with the
 * protocol frozen, the daemon spawns and goes on; proc.c reaps the child
 * and calls back here, and the next script starts.
 *
 * Starting a script costs the loop time that adverts due meanwhile wait
 * for, so scripts start from a zero-delay timer, one per turn of the loop,
 * after the transitions that queued them have sent their adverts.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "log.h"
#include "proc.h"
#include "runq.h"
#include "script.h"
#include "xmalloc.h"

#define SCRIPT_RETRY_US		1000000

extern char	**environ;

struct script_job {
	struct runq_job	 rj;			/* first: the policy's record */
	TAILQ_ENTRY(script_job) entry;		/* running jobs */
	char		*path;
	char		**argv;
	char		**envp;
	char		*label;
};

struct script_q {
	struct runq	 rq;			/* first: the policy's record */
	TAILQ_ENTRY(script_q) orphan_entry;	/* released, not gone yet */
	char		*label;
	uint64_t	 run, failed;
	script_exit_cb	 exit_cb;		/* NULL once released */
	void		*exit_arg;
};

/* From the policy's records to ours (each is our first member). */
#define JOB(rj)	((struct script_job *)(void *)(rj))
#define SQ(q)	((struct script_q *)(void *)(q))

static TAILQ_HEAD(, script_job)	jobs = TAILQ_HEAD_INITIALIZER(jobs);
static TAILQ_HEAD(, script_q)	orphans = TAILQ_HEAD_INITIALIZER(orphans);
static struct runq_pool		pool;
static struct event		*retry_ev;
static struct event		*spawn_ev;
static unsigned			 timeout_ms = 60000;
static void			(*idle_cb)(void);

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

/* Free what the policy is done with; a dropped script is worth a line. */
static void
script_drain(void)
{
	struct runq_job		*rj;
	struct script_job	*j;

	while ((rj = runq_pool_done(&pool)) != NULL) {
		j = JOB(rj);
		if (rj->why == RUNQ_DROPPED)
			log_debug("%sdropping the waiting %s script: the state "
			    "changed again", j->label, kind_name(rj->kind));
		job_free(j);
	}
}

static void
q_free(struct script_q *q)
{
	runq_destroy(&q->rq);
	script_drain();
	if (q->rq.orphan)
		TAILQ_REMOVE(&orphans, q, orphan_entry);
	free(q->label);
	free(q);
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
 * After the policy moved: free what it dropped, free an orphaned queue
 * that is done, start the next script on the next turn if one can.
 */
static void
script_settle(struct script_q *q)
{
	script_drain();
	if (q != NULL && runq_gone(&q->rq))
		q_free(q);
	if (runq_pool_ready(&pool))
		script_kick();
}

/* Count a script's end in its queue and tell the queue's owner. */
static void
job_count(struct script_job *j, bool ok, const char *cause)
{
	struct script_q	*q;

	if (j->rj.q == NULL)
		return;
	q = SQ(j->rj.q);
	q->run++;
	if (!ok)
		q->failed++;
	if (q->exit_cb != NULL)
		q->exit_cb(q->exit_arg, j->rj.kind, ok, cause);
}

/* Log how a script ended, ucarp never did. */
static void
job_exit_cb(const struct proc_exit *e, void *arg)
{
	struct script_job	*j = arg;
	struct runq		*q;

	log_msg(e->ok ? LOG_INFO : LOG_WARNING, "%s%s script %s (pid %ld) %s",
	    j->label, kind_name(j->rj.kind), j->path, (long)e->pid, e->cause);
	job_count(j, e->ok, e->cause);
	TAILQ_REMOVE(&jobs, j, entry);
	q = runq_exited(&pool, &j->rj);
	job_free(j);
	script_settle(q != NULL ? SQ(q) : NULL);
	/* A slot is free: the next script starts on the next turn. */
	script_kick();
}

/* Spawn the job; false if the system could not (try again later). */
static bool
job_start(struct script_job *j)
{
	struct proc_spec	 ps;
	char			 cmd[1024], *name;
	enum proc_rc		 rc;
	const char		*kind = kind_name(j->rj.kind);
	int			 err;

	xasprintf(&name, "%s%s script %s", j->label, kind, j->path);
	ps = (struct proc_spec){ j->path, j->argv, j->envp, timeout_ms, name,
	    job_exit_cb, j, -1 };
	rc = proc_spawn(&ps, NULL);
	err = errno;
	free(name);
	errno = err;
	switch (rc) {
	case PROC_AGAIN:
		log_warn("%sfork for %s script %s (will retry in 1 s)",
		    j->label, kind, j->path);
		return false;
	case PROC_NOT_EXEC:
	case PROC_FAILED:
		/* Not retried: it would fail the same way. */
		log_msg(LOG_ERR, "%scannot run %s script %s: %s (make it an "
		    "executable file%s)", j->label, kind, j->path,
		    strerror(errno), rc == PROC_FAILED ? " with a #! line" : "");
		job_count(j, false, strerror(err));
		runq_start_done(&j->rj);
		return true;
	case PROC_STARTED:
		break;
	}
	job_cmdline(j, cmd, sizeof(cmd));
	log_msg(LOG_WARNING, "%sSpawning [%s]", j->label, cmd);
	runq_start_running(&j->rj);
	TAILQ_INSERT_TAIL(&jobs, j, entry);
	return true;
}

/*
 * Start the next script waiting for a slot, if there is a slot; one per
 * turn of the loop, so that adverts due meanwhile go first.
 */
static void
script_pump(void)
{
	struct timeval		 tv = { 0, SCRIPT_RETRY_US };
	struct runq_job		*rj;
	struct script_q		*q;

	if ((rj = runq_pool_next(&pool)) != NULL) {
		q = SQ(rj->q);
		if (!rj->script)
			runq_start_done(rj);	/* record the transition */
		else if (!job_start(JOB(rj))) {
			runq_start_later(rj);
			if (!evtimer_pending(retry_ev, NULL))
				evtimer_add(retry_ev, &tv);
			return;
		}
		script_settle(q);
	}
	if (idle_cb != NULL && runq_pool_idle(&pool))
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
	runq_pool_init(&pool, njobs);
	retry_ev = evtimer_new(base, spawn_cb, NULL);
	spawn_ev = evtimer_new(base, spawn_cb, NULL);
	script_set_limits(njobs, tmo_ms);
}

void
script_set_limits(unsigned njobs, unsigned tmo_ms)
{
	runq_pool_set_max(&pool, njobs);
	timeout_ms = tmo_ms ? tmo_ms : 1;
}

struct script_q *
script_q_new(const char *label, enum script_kind last)
{
	struct script_q	*q;

	q = xcalloc(1, sizeof(*q));
	runq_init(&q->rq, &pool);
	q->rq.last = last;
	q->label = xstrdup(label);
	return q;
}

void
script_q_set_label(struct script_q *q, const char *label)
{
	if (q == NULL)
		return;
	free(q->label);
	q->label = xstrdup(label);
}

void
script_q_free(struct script_q *q)
{
	if (q != NULL)
		q_free(q);
}

void
script_q_release(struct script_q *q)
{
	if (q == NULL)
		return;
	q->exit_cb = NULL;		/* its owner is gone */
	runq_release(&q->rq);
	TAILQ_INSERT_TAIL(&orphans, q, orphan_entry);
	script_settle(q);
}

static struct runq_job *
job_new(struct script_q *q, enum script_kind kind, const char *path,
    char *const argv[], char *const env[])
{
	struct script_job	*j;

	j = xcalloc(1, sizeof(*j));
	j->rj.kind = kind;
	j->rj.script = path != NULL;
	j->path = path != NULL ? xstrdup(path) : NULL;
	j->argv = strv_copy(argv, NULL);
	j->envp = env_build(env);
	j->label = xstrdup(q->label);
	return &j->rj;
}

void
script_q_push(struct script_q *q, enum script_kind kind, const char *path,
    char *const argv[], char *const env[])
{
	runq_push(&q->rq, job_new(q, kind, path, argv, env));
	script_settle(q);
}

void
script_q_push_undo(struct script_q *q, const char *path, char *const argv[],
    char *const env[])
{
	runq_push_undo(&q->rq, job_new(q, SCRIPT_DOWN, path, argv, env));
	script_settle(q);
}

enum script_kind
script_q_waiting(const struct script_q *q)
{
	return q != NULL ? runq_waiting(&q->rq) : SCRIPT_NONE;
}

void
script_q_repoint(struct script_q *q, const char *path, char *const argv[],
    char *const env[])
{
	enum script_kind	kind = runq_waiting(&q->rq);

	if (kind == SCRIPT_NONE)
		return;
	runq_repoint(&q->rq, job_new(q, kind, path, argv, env));
	script_settle(q);
}

void
script_q_stats(const struct script_q *q, struct script_stats *st)
{
	if (q == NULL) {
		*st = (struct script_stats){ 0, 0, 0 };
		return;
	}
	st->run = q->run;
	st->failed = q->failed;
	st->queued = (q->rq.pending != NULL) + (q->rq.undo != NULL);
}

void
script_q_on_exit(struct script_q *q, script_exit_cb cb, void *arg)
{
	q->exit_cb = cb;
	q->exit_arg = arg;
}

bool
script_idle(void)
{
	return runq_pool_idle(&pool);
}

void
script_on_idle(void (*cb)(void))
{
	idle_cb = cb;
}

void
script_shutdown(void)
{
	struct script_job	*j;
	struct script_q		*q;

	/* Orphans go with what they hold; running scripts are left be. */
	while ((q = TAILQ_FIRST(&orphans)) != NULL)
		q_free(q);
	while ((j = TAILQ_FIRST(&jobs)) != NULL) {
		TAILQ_REMOVE(&jobs, j, entry);
		runq_abandon(&pool, &j->rj);
		job_free(j);
	}
	if (retry_ev != NULL)
		event_free(retry_ev);
	retry_ev = NULL;
	if (spawn_ev != NULL)
		event_free(spawn_ev);
	spawn_ev = NULL;
}
