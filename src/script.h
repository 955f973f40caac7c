/*
 * script.h: up/down scripts through one child-reaping queue.
 *
 * Each instance owns a queue: its scripts run in transition order, never
 * two at once, and a transition that arrives while a script is still
 * waiting replaces it, so the last script always matches the state.  An
 * undo job (script_q_push_undo) is the exception: it is never replaced.
 * Across instances at most `jobs` scripts run at the same time.  Every
 * script runs in its own session with a timeout (SIGTERM to its process
 * group, SIGKILL 2 s later); proc.c spawns and reaps them, and each
 * outcome is logged.  Nothing here ever blocks.  The rules themselves are
 * runq.c's, pure; this file holds the scripts and starts them.
 */
#ifndef SCRIPT_H
#define SCRIPT_H

#include <stdbool.h>
#include <stdint.h>

#include "runq.h"		/* enum script_kind */

struct event_base;
struct script_q;

/* Once per process; jobs >= 1, timeout_ms >= 1. */
void		 script_init(struct event_base *, unsigned jobs,
		    unsigned timeout_ms);
void		 script_set_limits(unsigned jobs, unsigned timeout_ms);
void		 script_shutdown(void);

/*
 * A queue; label prefixes its log lines ("eth0 vhid 42: ").  last: the
 * kind of the last transition recorded before the queue was made
 * (SCRIPT_NONE: none), for an owner that makes it at its first script.
 * A NULL queue (not made yet) has no stats, nothing waiting and no label.
 */
struct script_q	*script_q_new(const char *label, enum script_kind last);
void		 script_q_set_label(struct script_q *, const char *label);
/* Free the queue now; a running script goes on and is still reaped. */
void		 script_q_free(struct script_q *);
/*
 * The owner is gone (instance removed by a reload): the queue runs what it
 * holds, in order, and frees itself once idle.  Nothing queued is lost.
 */
void		 script_q_release(struct script_q *);

/*
 * Queue the script for a transition to kind.  path may be NULL (no script
 * configured: the transition is still recorded).  argv and env are
 * NULL-terminated; env entries are "NAME=value" added to the daemon's
 * environment.  Both are copied.
 */
void		 script_q_push(struct script_q *, enum script_kind kind,
		    const char *path, char *const argv[], char *const env[]);

/*
 * Queue a down script that later transitions do not replace, ahead of
 * them: it undoes what an up script already started has set up (a
 * master's old addresses after a reload changed them).  Any script
 * waiting to start is dropped, as by script_q_push().
 */
void		 script_q_push_undo(struct script_q *, const char *path,
		    char *const argv[], char *const env[]);

/* The kind of the script waiting to start (not an undo), or SCRIPT_NONE. */
enum script_kind script_q_waiting(const struct script_q *);

/*
 * Replace what the script waiting to start (if any) will run, keeping its
 * kind and its place: a reload changed the configuration meanwhile.
 */
void		 script_q_repoint(struct script_q *, const char *path,
		    char *const argv[], char *const env[]);

/* What a queue's scripts did, for the control socket. */
struct script_stats {
	uint64_t	run;		/* ended, or could not start */
	uint64_t	failed;		/* of those: not "exited 0 in time" */
	unsigned	queued;		/* waiting to start */
};
void		 script_q_stats(const struct script_q *, struct script_stats *);

/*
 * cb(arg, kind, ok, cause) as each script of the queue ends or cannot
 * start (cause as logged: "exited 3 after 12 ms"); not once the queue
 * is released.
 */
typedef void	(*script_exit_cb)(void *, enum script_kind, bool ok,
		    const char *cause);
void		 script_q_on_exit(struct script_q *, script_exit_cb, void *);

/* Nothing running or waiting anywhere. */
bool		 script_idle(void);
/* Called (from the loop) each time the whole queue becomes idle. */
void		 script_on_idle(void (*)(void));

#endif /* SCRIPT_H */
