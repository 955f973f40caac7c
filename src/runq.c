/*
 * runq.c: the script queue's policy (see runq.h).
 *
 * Invariants: a queue is in the pool's line (waiting) only while nothing
 * of it runs and it has a job to start; a job is in exactly one place (a
 * queue's undo, pending or running slot, the shell's hands between
 * runq_pool_next() and runq_start_*(), or the done list).
 */
#include <stddef.h>

#include "runq.h"

void
runq_pool_init(struct runq_pool *pool, unsigned max_jobs)
{
	TAILQ_INIT(&pool->waitq);
	TAILQ_INIT(&pool->done);
	pool->nrunning = 0;
	runq_pool_set_max(pool, max_jobs);
}

void
runq_pool_set_max(struct runq_pool *pool, unsigned max_jobs)
{
	pool->max_jobs = max_jobs ? max_jobs : 1;
}

void
runq_init(struct runq *q, struct runq_pool *pool)
{
	q->pool = pool;
	q->running = q->undo = q->pending = NULL;
	q->last = SCRIPT_NONE;
	q->waiting = q->orphan = false;
}

static void
runq_done(struct runq_pool *pool, struct runq_job *j, enum runq_why why)
{
	j->why = why;
	j->q = NULL;
	TAILQ_INSERT_TAIL(&pool->done, j, done_entry);
}

/* The job that starts next: the undo job first. */
static struct runq_job *
runq_next(const struct runq *q)
{
	return q->undo != NULL ? q->undo : q->pending;
}

static struct runq_job *
runq_take(struct runq *q)
{
	struct runq_job	*j = runq_next(q);

	if (j == q->undo)
		q->undo = NULL;
	else
		q->pending = NULL;
	return j;
}

static void
runq_unwait(struct runq *q)
{
	if (q->waiting) {
		TAILQ_REMOVE(&q->pool->waitq, q, wait_entry);
		q->waiting = false;
	}
}

/*
 * Line up whatever the queue has to start: a transition without a
 * script is recorded at once, a script waits for a slot.
 */
static void
runq_schedule(struct runq *q)
{
	struct runq_job	*j;

	while (q->running == NULL && runq_next(q) != NULL && !q->waiting) {
		if (runq_next(q)->script) {
			TAILQ_INSERT_TAIL(&q->pool->waitq, q, wait_entry);
			q->waiting = true;
			return;
		}
		j = runq_take(q);
		q->last = j->kind;
		runq_done(q->pool, j, RUNQ_RECORDED);
	}
}

/* Drop the job waiting to start (not the undo job): the state moved on. */
static void
runq_drop_pending(struct runq *q)
{
	if (q->pending == NULL)
		return;
	runq_done(q->pool, q->pending, RUNQ_DROPPED);
	q->pending = NULL;
}

/* j is not queued; if nothing is left to start, leave the line. */
static void
runq_cancel(struct runq *q, struct runq_job *j)
{
	runq_done(q->pool, j, RUNQ_CANCELLED);
	if (runq_next(q) == NULL)
		runq_unwait(q);
}

void
runq_push(struct runq *q, struct runq_job *j)
{
	enum script_kind	ref;

	j->undo = false;
	/* A newer transition replaces one that has not started yet. */
	runq_drop_pending(q);
	/*
	 * If the script that runs last so far (the undo job, the one
	 * running, or the last one started) is already for this state, the
	 * transitions in between cancelled out: run nothing.
	 */
	ref = q->undo != NULL ? q->undo->kind : q->running != NULL ?
	    q->running->kind : q->last;
	if (ref == j->kind) {
		runq_cancel(q, j);
		return;
	}
	q->pending = j;
	runq_schedule(q);
}

/*
 * Only one undo job is kept: with one already waiting, that older one
 * undoes what is really set up.  Nothing is queued unless the last
 * script started (or running) is an up script.
 */
void
runq_push_undo(struct runq *q, struct runq_job *j)
{
	enum script_kind	ref;

	j->kind = SCRIPT_DOWN;
	j->undo = true;
	runq_drop_pending(q);
	ref = q->running != NULL ? q->running->kind : q->last;
	if (q->undo != NULL || ref != SCRIPT_UP) {
		runq_cancel(q, j);
		return;
	}
	q->undo = j;
	runq_schedule(q);
}

/*
 * The configuration changed before the waiting job started: j runs
 * instead.  If it now has a script while the old one had none, it may
 * have to wait for a slot like any other.
 */
void
runq_repoint(struct runq *q, struct runq_job *j)
{
	if (q->pending == NULL) {
		runq_done(q->pool, j, RUNQ_CANCELLED);
		return;
	}
	j->kind = q->pending->kind;
	j->undo = false;
	runq_done(q->pool, q->pending, RUNQ_REPLACED);
	q->pending = j;
	runq_schedule(q);
}

enum script_kind
runq_waiting(const struct runq *q)
{
	return q->pending != NULL ? q->pending->kind : SCRIPT_NONE;
}

struct runq_job *
runq_pool_next(struct runq_pool *pool)
{
	struct runq	*q;
	struct runq_job	*j;

	if (!runq_pool_ready(pool))
		return NULL;
	q = TAILQ_FIRST(&pool->waitq);
	runq_unwait(q);
	j = runq_take(q);
	j->q = q;
	return j;
}

void
runq_start_running(struct runq_job *j)
{
	struct runq	*q = j->q;

	q->last = j->kind;
	q->running = j;
	q->pool->nrunning++;
}

void
runq_start_done(struct runq_job *j)
{
	struct runq	*q = j->q;

	q->last = j->kind;
	runq_done(q->pool, j, RUNQ_RECORDED);
	runq_schedule(q);
}

/* The system could not start it now: it goes first when it can. */
void
runq_start_later(struct runq_job *j)
{
	struct runq	*q = j->q;

	j->q = NULL;
	if (j->undo)
		q->undo = j;
	else
		q->pending = j;
	TAILQ_INSERT_HEAD(&q->pool->waitq, q, wait_entry);
	q->waiting = true;
}

struct runq *
runq_exited(struct runq_pool *pool, struct runq_job *j)
{
	struct runq	*q = j->q;

	runq_abandon(pool, j);
	if (q != NULL)
		runq_schedule(q);
	return q;
}

void
runq_abandon(struct runq_pool *pool, struct runq_job *j)
{
	pool->nrunning--;
	if (j->q != NULL)
		j->q->running = NULL;
	j->q = NULL;
}

void
runq_release(struct runq *q)
{
	q->orphan = true;
}

bool
runq_gone(const struct runq *q)
{
	return q->orphan && q->running == NULL && runq_next(q) == NULL &&
	    !q->waiting;
}

void
runq_destroy(struct runq *q)
{
	runq_unwait(q);
	if (q->running != NULL)
		q->running->q = NULL;
	q->running = NULL;
	if (q->undo != NULL)
		runq_done(q->pool, q->undo, RUNQ_FREED);
	if (q->pending != NULL)
		runq_done(q->pool, q->pending, RUNQ_FREED);
	q->undo = q->pending = NULL;
}

bool
runq_pool_ready(const struct runq_pool *pool)
{
	return pool->nrunning < pool->max_jobs && !TAILQ_EMPTY(&pool->waitq);
}

bool
runq_pool_idle(const struct runq_pool *pool)
{
	return pool->nrunning == 0 && TAILQ_EMPTY(&pool->waitq);
}

struct runq_job *
runq_pool_done(struct runq_pool *pool)
{
	struct runq_job	*j;

	if ((j = TAILQ_FIRST(&pool->done)) != NULL)
		TAILQ_REMOVE(&pool->done, j, done_entry);
	return j;
}
