/*
 * reload_job.h: the heavy part of a reload, off the loop.  A job loads
 * and checks a configuration file and compares it with the running one
 * (cfg_diff), in a thread of its own (the loader) while the loop goes on
 * sending adverts; the loop then applies the plan (reload.c).
 */
#ifndef RELOAD_JOB_H
#define RELOAD_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "cfg_diff.h"
#include "cfg_file.h"

struct reload_job {
	char			*path;
	int64_t			 t0;	/* monotonic, when it began */
	/*
	 * In: the running configuration, in registry order.  The loader
	 * only reads it: instances' settings change only when a job is
	 * applied, on the loop, after the loader is done.
	 */
	struct cfg		 cur;	/* instances only */
	/* Out: */
	struct cfg		*newc;	/* NULL: refused, errs says why */
	struct cfg_errors	 errs;
	struct cfg_plan		*plan;	/* old -> newc, cfg_diff's order */
	size_t			 nplan;
};

typedef void	(*reload_job_done)(struct reload_job *);

/*
 * Run job (path, t0 and cur filled in) off the loop; done(job) is called
 * on the loop when it is over.  One job at a time.  Without a thread
 * (none can be started) the job runs here, and done() still comes from
 * the loop.
 */
void	reload_job_start(struct reload_job *, reload_job_done done);
bool	reload_job_busy(void);
/* If a job is under way: wait for it, and call its done() now. */
void	reload_job_wait(void);
/* What a job holds (its plan, the file's configuration, messages). */
void	reload_job_free(struct reload_job *);
/* Exit: wait for a job under way (not applied), free the rest. */
void	reload_job_shutdown(void);

#endif /* RELOAD_JOB_H */
