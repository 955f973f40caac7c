/*
 * reload.c: reload_request(), the one way a configuration file replaces
 * the running one (SIGHUP or ucarpctl reload).
 *
 * The file is loaded, checked and compared with the running
 * configuration off the loop (reload_job.c); on any problem nothing
 * changes.  Otherwise the loop applies it by difference (cfg_diff):
 * deletes first (a removed master bows out so its peer takes over at
 * once, and runs its down script), then the new file's instances in
 * order: kept ones are left alone (no advert, no script, no timer
 * change), changed ones are updated in place, new ones start as at boot.
 * Then the health model (checks, tracked interfaces, groups: unchanged
 * ones keep their state), then the globals: script limits, debug and
 * facility (the command line's -D and -f keep priority; a facility
 * removed from the file is the default again).  Requests made while a
 * reload is under way share one more after it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cfg_diff.h"
#include "cfg_file.h"
#include "cfg_mem.h"
#include "clock.h"
#include "control.h"
#include "log.h"
#include "maint.h"
#include "notify.h"
#include "registry.h"
#include "reload.h"
#include "reload_job.h"
#include "script.h"
#include "instance.h"
#include "instance_health.h"
#include "xmalloc.h"

static bool	rl_cli_debug;
static int	rl_cli_facility = CFG_FACILITY_UNSET;

void
reload_init(const struct cfg *boot)
{
	rl_cli_debug = boot->cli_debug;
	rl_cli_facility = boot->cli_facility;
}

/* Note an instance that could not be started or updated. */
static void
reload_failed(struct reload_result *r, const struct cfg_instance *cv,
    const char *what)
{
	r->failed++;
	r->failures = xreallocarray(r->failures, r->nfailures + 1,
	    sizeof(*r->failures));
	xasprintf(&r->failures[r->nfailures++], "%s:%d: %s vhid %u%s%s%s: %s "
	    "(the log says why)", cv->file, cv->line,
	    cv->interface, cv->vhid, cv->name != NULL ? " (" : "",
	    cv->name != NULL ? cv->name : "", cv->name != NULL ? ")" : "",
	    what);
}

/* One step of the plan; the instance it leaves running goes to nv. */
static void
reload_step(const struct cfg_plan *p, struct instance **old, struct cfg *newc,
    struct instance **nv, size_t *nn, struct reload_result *r)
{
	struct cfg_instance	**cvp = &newc->instances[p->new_idx];

	switch (p->action) {
	case CFG_PLAN_DELETE:
		instance_remove(old[p->old_idx]);
		r->removed++;
		break;
	case CFG_PLAN_KEEP:
		nv[(*nn)++] = old[p->old_idx];
		r->kept++;
		break;
	case CFG_PLAN_UPDATE:
		if (instance_update(old[p->old_idx], *cvp, p->changed)) {
			*cvp = NULL;
			r->updated++;
		} else
			reload_failed(r, *cvp, "not updated, the old settings "
			    "stay");
		nv[(*nn)++] = old[p->old_idx];
		break;
	case CFG_PLAN_ADD:
		if ((nv[*nn] = instance_new(*cvp)) == NULL) {
			reload_failed(r, *cvp, "not started");
			break;
		}
		*cvp = NULL;
		instance_start(nv[(*nn)++]);
		r->added++;
		break;
	}
}

/*
 * Apply the job's plan (its file loaded, checked and compared with the
 * running configuration by the loader) to the registry's instances.
 */
static void
reload_apply(struct reload_job *j, struct reload_result *r)
{
	struct instance *const	 *old;
	struct instance		**oldc, **nv;
	struct cfg		 *newc = j->newc;
	size_t			  nold, i, nn = 0;

	/* The registry has not changed since the job began: only jobs do. */
	old = registry_list(&nold);
	oldc = xcalloc(nold + 1, sizeof(*oldc));
	for (i = 0; i < nold; i++)
		oldc[i] = old[i];
	nv = xcalloc(newc->ninstances + 1, sizeof(*nv));
	for (i = 0; i < j->nplan; i++)
		reload_step(&j->plan[i], oldc, newc, nv, &nn, r);
	registry_set(nv, nn);

	/* Whatever the new file still owns (kept duplicates) goes. */
	for (i = 0; i < newc->ninstances; i++)
		cfg_instance_free(newc->instances[i]);
	newc->ninstances = 0;
	free(oldc);
	free(nv);
}

/* Script limits, debug and facility; the command line keeps priority. */
static void
reload_globals(const struct cfg *newc)
{
	int	fac = newc->facility;

	script_set_limits(newc->script_jobs, newc->script_timeout_ms);
	if (rl_cli_facility != CFG_FACILITY_UNSET)
		fac = rl_cli_facility;
	log_set(fac == CFG_FACILITY_UNSET ? LOG_DAEMON : fac,
	    rl_cli_debug || newc->debug);
}

/*
 * The loop's part of a job: its messages in the log, then, if the file
 * was good, its plan applied.  The messages move to *r.
 */
static bool
reload_finish(struct reload_job *j, struct reload_result *r)
{
	int64_t	t_loop = clock_mono_us();
	size_t	i;

	*r = (struct reload_result){ 0 };
	for (i = 0; i < j->errs.n; i++)
		log_msg(LOG_ERR, "%s", j->errs.msgs[i]);
	for (i = 0; j->newc != NULL && i < j->errs.nwarns; i++)
		log_msg(LOG_WARNING, "%s", j->errs.warns[i]);
	r->errors = j->errs.msgs;
	r->nerrors = j->errs.n;
	r->warnings = j->errs.warns;
	r->nwarnings = j->errs.nwarns;
	j->errs = (struct cfg_errors){ NULL, 0, NULL, 0 };
	if (j->newc == NULL) {
		r->elapsed_us = clock_mono_us() - j->t0;
		xasprintf(&r->summary, "last reload of %s refused: %zu "
		    "problem%s, running configuration unchanged", j->path,
		    r->nerrors, r->nerrors == 1 ? "" : "s");
		log_msg(LOG_ERR, "%s", r->summary);
		return false;
	}
	reload_apply(j, r);
	/* Checks, tracks and groups follow the file by difference too. */
	health_configure(j->newc, false);
	maint_reload();
	reload_globals(j->newc);
	r->applied = true;
	r->elapsed_us = clock_mono_us() - j->t0;
	xasprintf(&r->summary, "last reload applied: %zu kept, %zu updated, "
	    "%zu added, %zu removed%s in %lld.%lld ms", r->kept, r->updated,
	    r->added, r->removed, r->failed ? " (some failed: see the log)" :
	    "", (long long)r->elapsed_us / 1000,
	    (long long)r->elapsed_us % 1000 / 100);
	log_info("%s", r->summary);
	log_debug("reload: %lld us of it on the loop, applying",
	    (long long)(clock_mono_us() - t_loop));
	return true;
}

static void
strv_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
reload_result_free(struct reload_result *r)
{
	strv_free(r->errors, r->nerrors);
	strv_free(r->warnings, r->nwarnings);
	strv_free(r->failures, r->nfailures);
	free(r->summary);
	*r = (struct reload_result){ 0 };
}

static struct reload_stats	rl_stats;

/* Who waits for which reload (ucarpctl reload). */
struct rl_waiter {
	reload_done_fn	 fn;
	void		*arg;
	uint64_t	 gen;
};

static struct reload_job	 rl_job;
static uint64_t			 rl_gen;	/* the last job begun */
static bool			 rl_again;	/* one more asked meanwhile */
static char			*rl_again_path;
static struct rl_waiter		*rl_waiters;
static size_t			 rl_nwaiters;

static void	rl_job_done(struct reload_job *);

/* Begin job number ++rl_gen: the file is read from now on. */
static void
rl_begin(const char *path)
{
	struct instance *const	*list;
	size_t			 n, i;

	rl_gen++;
	notify_send("RELOADING=1");
	memset(&rl_job, 0, sizeof(rl_job));
	rl_job.path = xstrdup(path);
	rl_job.t0 = clock_mono_us();
	list = registry_list(&n);
	rl_job.cur.instances = xcalloc(n + 1, sizeof(*rl_job.cur.instances));
	rl_job.cur.ninstances = n;
	for (i = 0; i < n; i++)
		rl_job.cur.instances[i] =
		    (struct cfg_instance *)instance_cfg(list[i]);
	reload_job_start(&rl_job, rl_job_done);
}

/* The result to everyone who waited for job gen (taken off the list first:
 * a callback may close a client, which cancels its wait). */
static void
rl_answer(uint64_t gen, const struct reload_result *r)
{
	struct rl_waiter	*v;
	size_t			 i, k = 0, n = 0;

	v = xcalloc(rl_nwaiters + 1, sizeof(*v));
	for (i = 0; i < rl_nwaiters; i++)
		if (rl_waiters[i].gen == gen)
			v[n++] = rl_waiters[i];
		else
			rl_waiters[k++] = rl_waiters[i];
	rl_nwaiters = k;
	for (i = 0; i < n; i++)
		v[i].fn(v[i].arg, r);
	free(v);
}

static void
rl_remember(const struct reload_result *r, bool ok)
{
	struct reload_stats	*st = &rl_stats;

	if (ok)
		st->applied++;
	else
		st->refused++;
	st->when_us = (int64_t)clock_wall_us();
	st->last_applied = ok;
	st->kept = r->kept;
	st->updated = r->updated;
	st->added = r->added;
	st->removed = r->removed;
	st->failed = r->failed;
	st->elapsed_us = r->elapsed_us;
	free(st->summary);
	st->summary = xstrdup(r->summary);
	notify_status(st->summary);
	control_event_reload(st);
}

/* A job is over (on the loop): apply, tell, then the next if asked. */
static void
rl_job_done(struct reload_job *j)
{
	struct reload_result	r;
	char			*path;
	bool			 ok;

	ok = reload_finish(j, &r);
	rl_remember(&r, ok);
	rl_answer(rl_gen, &r);
	reload_result_free(&r);
	reload_job_free(j);
	if (rl_again) {
		rl_again = false;
		path = rl_again_path;
		rl_again_path = NULL;
		rl_begin(path);
		free(path);
	}
}

void
reload_request(const char *path, const char *who, reload_done_fn fn,
    void *arg)
{
	bool	busy = reload_job_busy();

	/*
	 * The file may have changed since the job under way read it: one
	 * more job after it answers every request made meanwhile.
	 */
	log_info("%s: reloading %s%s", who, path, busy ? " after the reload "
	    "under way" : "");
	if (fn != NULL) {
		rl_waiters = xreallocarray(rl_waiters, rl_nwaiters + 1,
		    sizeof(*rl_waiters));
		rl_waiters[rl_nwaiters++] = (struct rl_waiter){ fn, arg,
		    rl_gen + 1 };
	}
	if (!busy)
		rl_begin(path);
	else if (!rl_again) {
		rl_again = true;
		rl_again_path = xstrdup(path);
	}
}

void
reload_cancel(void *arg)
{
	size_t	i, k = 0;

	for (i = 0; i < rl_nwaiters; i++)
		if (rl_waiters[i].arg != arg)
			rl_waiters[k++] = rl_waiters[i];
	rl_nwaiters = k;
}

void
reload_drain(void)
{
	while (reload_job_busy())
		reload_job_wait();
}

const struct reload_stats *
reload_stats(void)
{
	return &rl_stats;
}

void
reload_shutdown(void)
{
	reload_job_shutdown();
	free(rl_again_path);
	rl_again_path = NULL;
	rl_again = false;
	free(rl_waiters);
	rl_waiters = NULL;
	rl_nwaiters = 0;
	free(rl_stats.summary);
	rl_stats = (struct reload_stats){ 0 };
}
