/*
 * test_queue.c: the script queue's policy (runq.c), rule by rule, then a
 * seeded random walk over several queues checking the invariants.
 *
 * The test plays the shell: it owns the jobs, starts what
 * runq_pool_next() hands out, ends running jobs and drains the done list.
 */
#include <string.h>

#include "check.h"
#include "runq.h"

#define NJOBS	256

static struct runq_job	 jobs[NJOBS];
static bool		 used[NJOBS];
static struct runq_pool	 pool;
static unsigned		 ndone[RUNQ_FREED + 1];

static struct runq_job *
mk(enum script_kind kind, bool script)
{
	struct runq_job	*j;
	size_t		 i;

	/* A job the policy gave back is reused. */
	for (i = 0; i < NJOBS && used[i]; i++)
		;
	if (i == NJOBS) {
		fprintf(stderr, "test_queue: jobs leak (%d live)\n", NJOBS);
		exit(1);
	}
	used[i] = true;
	j = &jobs[i];
	memset(j, 0, sizeof(*j));
	j->kind = kind;
	j->script = script;
	return j;
}

/* Count and forget what the policy is done with. */
static void
drain(void)
{
	struct runq_job	*j;

	while ((j = runq_pool_done(&pool)) != NULL) {
		CHECK(j->q == NULL);
		ndone[j->why]++;
		used[j - jobs] = false;
	}
}

static unsigned
done(enum runq_why why)
{
	unsigned	n;

	drain();
	n = ndone[why];
	ndone[why] = 0;
	return n;
}

static void
reset(unsigned max)
{
	runq_pool_init(&pool, max);
	memset(ndone, 0, sizeof(ndone));
	memset(used, 0, sizeof(used));
}

/* Start what the pool hands out now (the spawn succeeds). */
static struct runq_job *
start(void)
{
	struct runq_job	*j;

	if ((j = runq_pool_next(&pool)) == NULL)
		return NULL;
	if (j->script)
		runq_start_running(j);
	else
		runq_start_done(j);
	return j;
}

/* A running job exits: the shell frees it. */
static struct runq *
end(struct runq_job *j)
{
	used[j - jobs] = false;
	return runq_exited(&pool, j);
}

static void
push(struct runq *q, enum script_kind k)
{
	runq_push(q, mk(k, true));
}

static void
test_order(void)
{
	struct runq	 q;
	struct runq_job	*j;

	check_what = "order within an instance";
	reset(4);
	runq_init(&q, &pool);
	push(&q, SCRIPT_UP);
	CHECK(q.waiting && !runq_pool_idle(&pool));
	j = start();
	CHECK(j != NULL && j->kind == SCRIPT_UP && q.running == j);
	push(&q, SCRIPT_DOWN);
	CHECK(runq_waiting(&q) == SCRIPT_DOWN);
	CHECK(!q.waiting);		/* not in line while one runs */
	CHECK(start() == NULL);		/* never two at once */
	CHECK(end(j) == &q);
	CHECK(q.running == NULL && q.waiting);
	j = start();
	CHECK(j != NULL && j->kind == SCRIPT_DOWN);
	end(j);
	CHECK(runq_pool_idle(&pool) && q.last == SCRIPT_DOWN);
	CHECK(done(RUNQ_DROPPED) == 0 && done(RUNQ_CANCELLED) == 0);
}

static void
test_coalesce(void)
{
	struct runq	 q;
	struct runq_job	*j, *up;

	check_what = "UP running, DOWN, UP: nothing new";
	reset(1);
	runq_init(&q, &pool);
	push(&q, SCRIPT_UP);
	up = start();
	push(&q, SCRIPT_DOWN);
	push(&q, SCRIPT_UP);
	CHECK(done(RUNQ_DROPPED) == 1);
	CHECK(done(RUNQ_CANCELLED) == 1);
	CHECK(runq_waiting(&q) == SCRIPT_NONE);
	end(up);
	CHECK(start() == NULL && runq_pool_idle(&pool));

	check_what = "a waiting script is replaced by a newer transition";
	reset(1);
	runq_init(&q, &pool);
	push(&q, SCRIPT_UP);	/* waits in line */
	push(&q, SCRIPT_DOWN);
	CHECK(done(RUNQ_DROPPED) == 1);
	CHECK(runq_waiting(&q) == SCRIPT_DOWN && q.waiting);
	j = start();
	CHECK(j != NULL && j->kind == SCRIPT_DOWN);
	end(j);

	check_what = "a transition to the state of the last script run";
	push(&q, SCRIPT_DOWN);
	CHECK(done(RUNQ_CANCELLED) == 1 && !q.waiting);
	CHECK(runq_pool_idle(&pool));

	check_what = "cancelled out while waiting in line: leaves the line";
	push(&q, SCRIPT_UP);
	CHECK(q.waiting);
	push(&q, SCRIPT_DOWN);
	CHECK(done(RUNQ_DROPPED) == 1 && done(RUNQ_CANCELLED) == 1);
	CHECK(!q.waiting && runq_pool_idle(&pool));
}

static void
test_no_script(void)
{
	struct runq	 q;
	struct runq_job	*j;

	check_what = "a transition without a script is recorded at once";
	reset(1);
	runq_init(&q, &pool);
	runq_push(&q, mk(SCRIPT_UP, false));
	CHECK(done(RUNQ_RECORDED) == 1);
	CHECK(q.last == SCRIPT_UP && !q.waiting && runq_pool_idle(&pool));
	push(&q, SCRIPT_UP);
	CHECK(done(RUNQ_CANCELLED) == 1);

	check_what = "recorded after the running one, in order";
	push(&q, SCRIPT_DOWN);
	j = start();
	runq_push(&q, mk(SCRIPT_UP, false));
	CHECK(done(RUNQ_RECORDED) == 0);
	end(j);
	CHECK(done(RUNQ_RECORDED) == 1 && q.last == SCRIPT_UP);
	CHECK(runq_pool_idle(&pool));

	check_what = "a script that cannot run counts as run";
	push(&q, SCRIPT_DOWN);
	j = runq_pool_next(&pool);
	runq_start_done(j);
	CHECK(done(RUNQ_RECORDED) == 1 && q.last == SCRIPT_DOWN);
	CHECK(pool.nrunning == 0 && runq_pool_idle(&pool));
}

static void
test_undo(void)
{
	struct runq	 q;
	struct runq_job	*j, *up;

	check_what = "undo: nothing to undo after a down script";
	reset(1);
	runq_init(&q, &pool);
	runq_push_undo(&q, mk(SCRIPT_NONE, true));
	CHECK(done(RUNQ_CANCELLED) == 1 && q.undo == NULL);
	push(&q, SCRIPT_DOWN);
	end(start());
	runq_push_undo(&q, mk(SCRIPT_NONE, true));
	CHECK(done(RUNQ_CANCELLED) == 1 && runq_pool_idle(&pool));

	check_what = "undo queued, then mastership lost: only the undo runs";
	push(&q, SCRIPT_UP);
	end(start());
	runq_push_undo(&q, mk(SCRIPT_UP, true));
	CHECK(q.undo != NULL && q.undo->kind == SCRIPT_DOWN && q.waiting);
	push(&q, SCRIPT_DOWN);
	CHECK(done(RUNQ_CANCELLED) == 1);
	j = start();
	CHECK(j != NULL && j->undo && j->kind == SCRIPT_DOWN);
	end(j);
	CHECK(start() == NULL && runq_pool_idle(&pool));

	check_what = "undo: not replaced, runs before later transitions";
	push(&q, SCRIPT_UP);
	up = start();
	push(&q, SCRIPT_DOWN);
	runq_push_undo(&q, mk(SCRIPT_DOWN, true));
	CHECK(done(RUNQ_DROPPED) == 1);	/* the waiting DOWN */
	runq_push_undo(&q, mk(SCRIPT_DOWN, true));
	CHECK(done(RUNQ_CANCELLED) == 1);	/* one undo is kept */
	push(&q, SCRIPT_UP);
	CHECK(runq_waiting(&q) == SCRIPT_UP && q.undo != NULL);
	end(up);
	j = start();
	CHECK(j != NULL && j->undo);
	CHECK(start() == NULL);
	end(j);
	j = start();
	CHECK(j != NULL && !j->undo && j->kind == SCRIPT_UP);
	end(j);
	CHECK(runq_pool_idle(&pool) && q.last == SCRIPT_UP);
}

static void
test_repoint(void)
{
	struct runq	 q1, q2;
	struct runq_job	*j, *n;

	check_what = "repoint: nothing waiting, nothing to repoint";
	reset(1);
	runq_init(&q1, &pool);
	runq_init(&q2, &pool);
	runq_repoint(&q1, mk(SCRIPT_UP, true));
	CHECK(done(RUNQ_CANCELLED) == 1 && runq_pool_idle(&pool));

	check_what = "repoint keeps the kind and the place in line";
	push(&q1, SCRIPT_DOWN);
	push(&q2, SCRIPT_DOWN);
	n = mk(SCRIPT_UP, true);
	runq_repoint(&q1, n);
	CHECK(done(RUNQ_REPLACED) == 1 && done(RUNQ_DROPPED) == 0);
	CHECK(n->kind == SCRIPT_DOWN && q1.pending == n);
	j = start();
	CHECK(j == n);
	end(j);

	check_what = "repointed to no script: recorded when its turn comes";
	runq_repoint(&q2, mk(SCRIPT_DOWN, false));
	j = start();
	CHECK(j != NULL && !j->script && q2.last == SCRIPT_DOWN);
	CHECK(done(RUNQ_RECORDED) == 1 && done(RUNQ_REPLACED) == 1);
	CHECK(runq_pool_idle(&pool));

	check_what = "repointed from no script to a script: waits for a slot";
	push(&q1, SCRIPT_UP);
	j = start();
	runq_push(&q1, mk(SCRIPT_DOWN, false));
	runq_repoint(&q1, mk(SCRIPT_DOWN, true));
	CHECK(done(RUNQ_REPLACED) == 1 && !q1.waiting);
	end(j);
	CHECK(q1.waiting);
	j = start();
	CHECK(j != NULL && j->script && j->kind == SCRIPT_DOWN);
	end(j);
	CHECK(runq_pool_idle(&pool));
}

static void
test_limit(void)
{
	struct runq	 q[3];
	struct runq_job	*a, *b, *c;
	int		 i;

	check_what = "global limit, first come first served";
	reset(2);
	for (i = 0; i < 3; i++) {
		runq_init(&q[i], &pool);
		push(&q[i], SCRIPT_UP);
	}
	a = start();
	b = start();
	CHECK(a != NULL && a->q == &q[0] && b != NULL && b->q == &q[1]);
	CHECK(start() == NULL && !runq_pool_ready(&pool));
	CHECK(pool.nrunning == 2);
	end(b);
	CHECK(runq_pool_ready(&pool));
	c = start();
	CHECK(c != NULL && c->q == &q[2]);
	end(a);
	end(c);
	CHECK(runq_pool_idle(&pool));

	check_what = "a limit of 0 means 1";
	runq_pool_set_max(&pool, 0);
	CHECK(pool.max_jobs == 1);

	check_what = "a spawn to retry goes first, in its slot";
	reset(1);
	for (i = 0; i < 3; i++)
		runq_init(&q[i], &pool);
	push(&q[0], SCRIPT_UP);
	end(start());
	runq_push_undo(&q[0], mk(SCRIPT_DOWN, true));
	push(&q[1], SCRIPT_UP);
	a = runq_pool_next(&pool);
	CHECK(a != NULL && a->undo);
	runq_start_later(a);
	CHECK(q[0].undo == a && q[0].waiting && pool.nrunning == 0);
	CHECK(TAILQ_FIRST(&pool.waitq) == &q[0]);
	b = start();
	CHECK(b == a && q[0].running == a);
	end(a);
	b = start();
	CHECK(b != NULL && b->q == &q[1]);
	end(b);
	CHECK(runq_pool_idle(&pool));
}

static void
test_lifetime(void)
{
	struct runq	 q;
	struct runq_job	*j;

	check_what = "an idle queue released is gone at once";
	reset(1);
	runq_init(&q, &pool);
	CHECK(!runq_gone(&q));
	runq_release(&q);
	CHECK(runq_gone(&q));

	check_what = "a released queue runs what it holds, then is gone";
	runq_init(&q, &pool);
	push(&q, SCRIPT_UP);
	j = start();
	push(&q, SCRIPT_DOWN);
	runq_release(&q);
	CHECK(!runq_gone(&q));
	CHECK(end(j) == &q && !runq_gone(&q));
	j = start();
	CHECK(j != NULL && j->kind == SCRIPT_DOWN && !runq_gone(&q));
	end(j);
	CHECK(runq_gone(&q) && runq_pool_idle(&pool));

	check_what = "destroyed while running: the slot stays taken until exit";
	runq_init(&q, &pool);
	push(&q, SCRIPT_UP);
	j = start();
	push(&q, SCRIPT_DOWN);
	runq_destroy(&q);
	CHECK(done(RUNQ_FREED) == 1 && j->q == NULL);
	CHECK(pool.nrunning == 1 && !runq_pool_idle(&pool));
	CHECK(end(j) == NULL && runq_pool_idle(&pool));

	check_what = "destroyed while waiting in line: leaves it";
	runq_init(&q, &pool);
	push(&q, SCRIPT_UP);
	runq_destroy(&q);
	CHECK(done(RUNQ_FREED) == 1 && runq_pool_idle(&pool));
	CHECK(start() == NULL);

	check_what = "abandoned at shutdown";
	runq_init(&q, &pool);
	push(&q, SCRIPT_UP);
	j = start();
	runq_abandon(&pool, j);
	CHECK(q.running == NULL && pool.nrunning == 0);
}

/* A small deterministic generator (xorshift), for the random walk. */
static unsigned
rnd(unsigned n)
{
	static unsigned long long	s = 0x9e3779b97f4a7c15ULL;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return (unsigned)(s % n);
}

#define WQ	4
#define WMAX	2

/* Invariants that hold between any two calls. */
static void
walk_check(struct runq *q, unsigned n)
{
	struct runq	*w;
	unsigned	 i, running = 0, inline_ = 0;

	for (i = 0; i < n; i++) {
		running += q[i].running != NULL;
		if (q[i].waiting) {
			CHECK(q[i].running == NULL);
			CHECK(q[i].undo != NULL || q[i].pending != NULL);
		}
		if (q[i].running == NULL && !q[i].waiting) {
			/* Nothing with a script left unscheduled. */
			CHECK(q[i].undo == NULL && q[i].pending == NULL);
		}
	}
	TAILQ_FOREACH(w, &pool.waitq, wait_entry)
		inline_++;
	CHECK(running == pool.nrunning);
	CHECK(pool.nrunning <= WMAX);
	CHECK(inline_ <= n);
}

static void
test_walk(void)
{
	struct runq	 q[WQ];
	struct runq_job	*run[WQ];
	enum script_kind last[WQ];
	unsigned	 step, i, k;

	check_what = "random walk";
	reset(WMAX);
	for (i = 0; i < WQ; i++) {
		runq_init(&q[i], &pool);
		last[i] = SCRIPT_NONE;
	}
	for (step = 0; step < 20000; step++) {
		i = rnd(WQ);
		k = rnd(10);
		if (k < 4) {
			last[i] = rnd(2) ? SCRIPT_UP : SCRIPT_DOWN;
			runq_push(&q[i], mk(last[i], rnd(5) != 0));
		} else if (k == 4)
			runq_push_undo(&q[i], mk(SCRIPT_DOWN, rnd(5) != 0));
		else if (k == 5)
			runq_repoint(&q[i], mk(SCRIPT_NONE, rnd(5) != 0));
		else if (k < 8)
			start();
		else if (q[i].running != NULL)
			end(q[i].running);
		drain();
		walk_check(q, WQ);
	}
	/* The last transitions, then everything drains. */
	for (i = 0; i < WQ; i++) {
		last[i] = rnd(2) ? SCRIPT_UP : SCRIPT_DOWN;
		runq_push(&q[i], mk(last[i], true));
	}
	for (step = 0; step < 100 && !runq_pool_idle(&pool); step++) {
		while (start() != NULL)
			;
		for (i = 0; i < WQ; i++)
			run[i] = q[i].running;
		for (i = 0; i < WQ; i++)
			if (run[i] != NULL)
				end(run[i]);
		drain();
		walk_check(q, WQ);
	}
	CHECK(runq_pool_idle(&pool));
	/* The last script run matches the last transition. */
	for (i = 0; i < WQ; i++)
		CHECKF(q[i].last == last[i], "queue %u: last %d, state %d", i,
		    q[i].last, last[i]);
}

int
main(void)
{
	test_order();
	test_coalesce();
	test_no_script();
	test_undo();
	test_repoint();
	test_limit();
	test_lifetime();
	test_walk();
	return check_done();
}
