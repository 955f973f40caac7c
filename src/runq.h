/*
 * runq.h: the script queue's policy, pure (no I/O, no allocation).
 *
 * Which script runs when, decided on records the shell (script.c) owns:
 *   - per instance (struct runq), scripts run in transition order, never
 *     two at once;
 *   - a transition that arrives while a script is still waiting replaces
 *     it, and a transition back to the state the last script (waiting,
 *     running or run) is for runs nothing: UP running, then DOWN, then UP
 *     runs no new script;
 *   - an undo job (a down script for what an up script set up, queued by
 *     a reload) is never replaced and runs before any later transition;
 *   - a job is repointed (a reload changed its script) in its place;
 *   - over all instances (struct runq_pool) at most max_jobs scripts run
 *     at once, instances served first come first served;
 *   - an instance removed by a reload (runq_release) runs what it holds,
 *     then is gone.
 * Jobs the policy is done with (replaced, cancelled out, recorded without
 * a script) go to the pool's done list, which the shell drains and frees.
 */
#ifndef RUNQ_H
#define RUNQ_H

#include <sys/queue.h>

#include <stdbool.h>

enum script_kind {
	SCRIPT_NONE = 0,
	SCRIPT_UP,
	SCRIPT_DOWN
};

/* Why a job is in the done list. */
enum runq_why {
	RUNQ_DROPPED = 1,	/* waiting, replaced by a newer transition */
	RUNQ_REPLACED,		/* waiting, replaced by runq_repoint() */
	RUNQ_CANCELLED,		/* pushed, but nothing to run (cancelled out) */
	RUNQ_RECORDED,		/* started: no script, or it could not run */
	RUNQ_FREED		/* its queue was destroyed before it started */
};

struct runq;

/* One job: embedded in the shell's own record. */
struct runq_job {
	TAILQ_ENTRY(runq_job) done_entry;
	struct runq	*q;		/* set by runq_pool_next(); NULL once
					   the queue is gone */
	enum script_kind kind;
	bool		 script;	/* false: only record the transition */
	bool		 undo;		/* the undo job (set by the policy) */
	enum runq_why	 why;		/* once in the done list */
};

/* All queues: the global job limit and the line of queues waiting. */
struct runq_pool {
	TAILQ_HEAD(, runq)	waitq;
	TAILQ_HEAD(, runq_job)	done;
	unsigned		max_jobs;
	unsigned		nrunning;
};

/* One instance's queue. */
struct runq {
	TAILQ_ENTRY(runq) wait_entry;
	struct runq_pool *pool;
	struct runq_job	*running;
	struct runq_job	*undo;		/* runs before pending; never replaced */
	struct runq_job	*pending;
	enum script_kind last;		/* kind of the last one started */
	bool		 waiting;	/* in the pool's line for a slot */
	bool		 orphan;	/* owner gone: gone once idle */
};

void		 runq_pool_init(struct runq_pool *, unsigned max_jobs);
void		 runq_pool_set_max(struct runq_pool *, unsigned max_jobs);
void		 runq_init(struct runq *, struct runq_pool *);

/* A transition to j->kind. */
void		 runq_push(struct runq *, struct runq_job *);
/* An undo job (j becomes a down job): only if an up script ran last. */
void		 runq_push_undo(struct runq *, struct runq_job *);
/* j replaces the job waiting to start, with its kind and its place. */
void		 runq_repoint(struct runq *, struct runq_job *);
/* The kind of the job waiting to start (not the undo job), or NONE. */
enum script_kind runq_waiting(const struct runq *);

/*
 * The job to start now (a slot is free and a queue waits), taken from
 * its queue, or NULL.  The shell then calls exactly one of
 * runq_start_running, runq_start_done, runq_start_later.
 */
struct runq_job	*runq_pool_next(struct runq_pool *);
void		 runq_start_running(struct runq_job *);	/* it runs */
void		 runq_start_done(struct runq_job *);	/* nothing to wait for */
void		 runq_start_later(struct runq_job *);	/* retry it first */
/* A running job ended; returns its queue, or NULL if that is gone. */
struct runq	*runq_exited(struct runq_pool *, struct runq_job *);
/* Forget a running job without scheduling anything (shutdown). */
void		 runq_abandon(struct runq_pool *, struct runq_job *);

/* The owner is gone: the queue runs what it holds, then runq_gone(). */
void		 runq_release(struct runq *);
bool		 runq_gone(const struct runq *);
/* Drop everything not started; a running job is detached. */
void		 runq_destroy(struct runq *);

/* A slot is free and a queue waits for it: call runq_pool_next(). */
bool		 runq_pool_ready(const struct runq_pool *);
/* Nothing running or waiting anywhere. */
bool		 runq_pool_idle(const struct runq_pool *);
/* The next job the policy is done with, or NULL: the shell frees it. */
struct runq_job	*runq_pool_done(struct runq_pool *);

#endif /* RUNQ_H */
