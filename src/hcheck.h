/*
 * hcheck.h: the check scripts of the checks list, run every interval
 * through proc.c (never two runs of one check at once, never blocking),
 * killed with their process group at their timeout, their output drained
 * and capped; each run's result goes to the health model.
 */
#ifndef HCHECK_H
#define HCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cfg;
struct event_base;

#define HCHECK_OUT_MAX	160	/* bytes of output kept for the log */

/* What status and metrics show of one check. */
struct hcheck_stat {
	bool		 running;
	uint64_t	 runs;		/* started */
	uint64_t	 timeouts;
	uint64_t	 skipped;	/* due while the last run was running */
	int64_t		 last_ms;	/* duration of the last run, -1: none */
	char		 last[HCHECK_OUT_MAX + 64]; /* last result in words */
};

void	hcheck_init(struct event_base *);

/*
 * Follow c's checks list by difference: a check whose script, interval
 * and timeout are unchanged keeps running on its schedule; a changed one
 * runs on its new schedule (a run under way finishes); a new one runs at
 * once; a removed one is stopped (a run under way is killed).
 */
void	hcheck_configure(const struct cfg *c);
/* Exit begins: no more runs; a run under way is killed (and reaped). */
void	hcheck_stop(void);
/* The end: free everything (no child is reaped after this). */
void	hcheck_shutdown(void);

/* The check called name, or NULL. */
const struct hcheck_stat *hcheck_stat(const char *name);

#endif /* HCHECK_H */
