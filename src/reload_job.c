/*
 * reload_job.c: a reload's loading, checking and comparing, in a thread
 * of its own (the loader) while the loop goes on.  At 10,000 instances
 * that is 50 ms of work: on the loop, 50 ms of adverts sent late.
 *
 * The loader logs nothing (cfg_file_load() collects its messages), takes
 * no signal, and writes nothing the loop reads until it is done; then one
 * byte on a pipe wakes the loop, which joins it and calls the job's
 * done().  It reads the running instances' settings, which only a job's
 * application changes, on the loop, after the loader has finished.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cfg_mem.h"
#include "instance_priv.h"
#include "log.h"
#include "reload_job.h"
#include "xmalloc.h"

static int		 rj_pipe[2] = { -1, -1 };
static struct event	*rj_ev;		/* rj_pipe[0] readable */
static pthread_t	 rj_thread;
static bool		 rj_threaded;	/* rj_thread is to be joined */
static struct reload_job *rj_job;	/* the job under way, or NULL */
static reload_job_done	 rj_done;

/*
 * The work: load and check the file, plan the change, and free the new
 * file's copy of every instance kept as it is (freeing 10,000 of them is
 * a few ms more the loop need not spend).
 */
static void
job_prepare(struct reload_job *j)
{
	struct cfg_diff_key	*ko, *kn;
	size_t			 i;

	j->newc = cfg_file_load(j->path, &j->errs);
	if (j->newc == NULL)
		return;
	ko = xcalloc(j->cur.ninstances + 1, sizeof(*ko));
	kn = xcalloc(j->newc->ninstances + 1, sizeof(*kn));
	j->plan = xcalloc(j->cur.ninstances + j->newc->ninstances + 1,
	    sizeof(*j->plan));
	j->nplan = cfg_diff(&j->cur, j->newc, ko, kn, j->plan);
	for (i = 0; i < j->nplan; i++)
		if (j->plan[i].action == CFG_PLAN_KEEP) {
			cfg_instance_free(j->newc->instances[j->plan[i].new_idx]);
			j->newc->instances[j->plan[i].new_idx] = NULL;
		}
	free(ko);
	free(kn);
}

/* The job is prepared: wake the loop (a full pipe is awake already). */
static void
job_signal(void)
{
	char	c = 1;

	while (write(rj_pipe[1], &c, 1) < 0 && errno == EINTR)
		;
}

static void *
loader_main(void *arg)
{
	job_prepare(arg);
	job_signal();
	return NULL;
}

/* Join the loader, then the job's done() on the loop. */
static void
job_end(void)
{
	struct reload_job	*j = rj_job;
	char			 buf[16];

	if (j == NULL)
		return;
	if (rj_threaded)
		pthread_join(rj_thread, NULL);
	rj_threaded = false;
	while (read(rj_pipe[0], buf, sizeof(buf)) > 0)
		;
	rj_job = NULL;
	rj_done(j);
}

static void
job_ready_cb(int fd UNUSED, short what UNUSED, void *arg UNUSED)
{
	char	c;

	/* Nothing to read: reload_job_wait() took it already. */
	if (rj_job == NULL) {
		while (read(rj_pipe[0], &c, 1) > 0)
			;
		return;
	}
	job_end();
}

/*
 * The pipe and its event, once.  One malloc arena for the process, as
 * without the loader: a second one would hold the new configuration's
 * memory apart and grow the daemon after every reload.
 */
static bool
loader_init(void)
{
	if (rj_ev != NULL)
		return true;
	mallopt(M_ARENA_MAX, 1);
	if (pipe2(rj_pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
		log_warn("reload: pipe");
		return false;
	}
	rj_ev = event_new(instance_event_base(), rj_pipe[0],
	    EV_READ | EV_PERSIST, job_ready_cb, NULL);
	event_add(rj_ev, NULL);
	return true;
}

void
reload_job_start(struct reload_job *j, reload_job_done done)
{
	sigset_t	all, old;
	int		err;

	rj_job = j;
	rj_done = done;
	if (!loader_init()) {
		/* No pipe, no wake-up: the job is done here and now. */
		job_prepare(j);
		rj_job = NULL;
		done(j);
		return;
	}
	/* The loader takes no signal: the loop handles them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&rj_thread, NULL, loader_main, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	rj_threaded = err == 0;
	if (err != 0) {
		log_msg(LOG_WARNING, "reload: no thread to load %s in (%s); "
		    "loading it on the loop, adverts wait meanwhile", j->path,
		    strerror(err));
		job_prepare(j);
		job_signal();
	}
}

bool
reload_job_busy(void)
{
	return rj_job != NULL;
}

void
reload_job_wait(void)
{
	job_end();
}

void
reload_job_free(struct reload_job *j)
{
	cfg_errors_free(&j->errs);
	cfg_free(j->newc);
	free(j->cur.instances);
	free(j->plan);
	free(j->path);
	memset(j, 0, sizeof(*j));
}

void
reload_job_shutdown(void)
{
	if (rj_job != NULL) {
		if (rj_threaded)
			pthread_join(rj_thread, NULL);
		rj_threaded = false;
		reload_job_free(rj_job);
		rj_job = NULL;
	}
	if (rj_ev != NULL)
		event_free(rj_ev);
	rj_ev = NULL;
	if (rj_pipe[0] >= 0) {
		close(rj_pipe[0]);
		close(rj_pipe[1]);
	}
	rj_pipe[0] = rj_pipe[1] = -1;
}
