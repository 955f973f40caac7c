/*
 * reload.c: reload_file(), the one way a configuration file replaces the
 * running one (SIGHUP or ucarpctl reload, through reload_run()).
 *
 * The whole file is loaded and checked first; on any problem nothing
 * changes.  Otherwise it is applied by difference (cfg_diff): deletes
 * first (a removed master bows out so its peer takes over at once, and
 * runs its down script), then the new file's instances in order: kept
 * ones are left alone (no advert, no script, no timer change), changed
 * ones are updated in place, new ones start as at boot.  Then the health
 * model (checks, tracked interfaces, groups: unchanged ones keep their
 * state), then the
 * globals: script limits, debug and facility (the command line's -D and
 * -f keep priority; a facility removed from the file is the default
 * again).
 */
#include "config.h"

#include <stdlib.h>

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

/* Apply newc (loaded and checked) to the registry's instances. */
static void
reload_apply(struct cfg *newc, struct reload_result *r)
{
	struct instance *const	 *old;
	struct instance		**oldc, **nv;
	struct cfg		  cur = { 0 };
	struct cfg_diff_key	 *ko, *kn;
	struct cfg_plan		 *plan;
	size_t			  nold, i, n, nn = 0;

	/* The running configuration, as the instances hold it. */
	old = registry_list(&nold);
	oldc = xcalloc(nold + 1, sizeof(*oldc));
	cur.ninstances = nold;
	cur.instances = xcalloc(nold + 1, sizeof(*cur.instances));
	for (i = 0; i < nold; i++) {
		oldc[i] = old[i];
		cur.instances[i] = (struct cfg_instance *)instance_cfg(old[i]);
	}
	ko = xcalloc(nold + 1, sizeof(*ko));
	kn = xcalloc(newc->ninstances + 1, sizeof(*kn));
	plan = xcalloc(nold + newc->ninstances + 1, sizeof(*plan));
	n = cfg_diff(&cur, newc, ko, kn, plan);
	nv = xcalloc(newc->ninstances + 1, sizeof(*nv));
	for (i = 0; i < n; i++)
		reload_step(&plan[i], oldc, newc, nv, &nn, r);
	registry_set(nv, nn);

	/* Whatever the new file still owns (kept duplicates) goes. */
	for (i = 0; i < newc->ninstances; i++)
		cfg_instance_free(newc->instances[i]);
	newc->ninstances = 0;
	free(oldc);
	free(cur.instances);
	free(ko);
	free(kn);
	free(plan);
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

bool
reload_file(const char *path, struct reload_result *r)
{
	struct cfg_errors	 errs = { NULL, 0, NULL, 0 };
	struct cfg		*newc;
	int64_t			 t0 = clock_mono_us();
	size_t			 i;

	*r = (struct reload_result){ 0 };
	newc = cfg_file_load(path, &errs);
	for (i = 0; i < errs.n; i++)
		log_msg(LOG_ERR, "%s", errs.msgs[i]);
	for (i = 0; newc != NULL && i < errs.nwarns; i++)
		log_msg(LOG_WARNING, "%s", errs.warns[i]);
	r->errors = errs.msgs;
	r->nerrors = errs.n;
	r->warnings = errs.warns;
	r->nwarnings = errs.nwarns;
	if (newc == NULL) {
		r->elapsed_us = clock_mono_us() - t0;
		xasprintf(&r->summary, "last reload of %s refused: %zu "
		    "problem%s, running configuration unchanged", path,
		    r->nerrors, r->nerrors == 1 ? "" : "s");
		log_msg(LOG_ERR, "%s", r->summary);
		return false;
	}
	reload_apply(newc, r);
	/* Checks, tracks and groups follow the file by difference too. */
	health_configure(newc, false);
	maint_reload();
	reload_globals(newc);
	cfg_free(newc);
	r->applied = true;
	r->elapsed_us = clock_mono_us() - t0;
	xasprintf(&r->summary, "last reload applied: %zu kept, %zu updated, "
	    "%zu added, %zu removed%s in %lld.%lld ms", r->kept, r->updated,
	    r->added, r->removed, r->failed ? " (some failed: see the log)" :
	    "", (long long)r->elapsed_us / 1000,
	    (long long)r->elapsed_us % 1000 / 100);
	log_info("%s", r->summary);
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

bool
reload_run(const char *path, const char *who, struct reload_result *r)
{
	struct reload_stats	*st = &rl_stats;
	bool			 ok;

	notify_send("RELOADING=1");
	log_info("%s: reloading %s", who, path);
	ok = reload_file(path, r);
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
	return ok;
}

const struct reload_stats *
reload_stats(void)
{
	return &rl_stats;
}

void
reload_stats_free(void)
{
	free(rl_stats.summary);
	rl_stats = (struct reload_stats){ 0 };
}
