/*
 * reload.h: reload_request() loads a configuration file, checks it, diffs
 * it against the running instances (registry.c) and applies it, one
 * instance at a time: unchanged instances are not touched at all.  Its
 * result says what happened: to SIGHUP's log line, systemd's status and
 * the control socket (ucarpctl reload waits for it).
 */
#ifndef RELOAD_H
#define RELOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

struct reload_result {
	bool	  applied;	/* false: refused, nothing changed */
	size_t	  kept;
	size_t	  updated;
	size_t	  added;
	size_t	  removed;
	size_t	  failed;	/* instances that could not start or update */
	char	**errors;	/* "FILE:LINE: ..." why the file was refused */
	size_t	  nerrors;
	char	**warnings;	/* "FILE: warning; ..." (not fatal) */
	size_t	  nwarnings;
	char	**failures;	/* "FILE:LINE: IFACE vhid N: ..." what failed */
	size_t	  nfailures;
	int64_t	  elapsed_us;
	char	 *summary;	/* the "last reload ..." line */
};

/*
 * Once, at start-up: what the command line fixed (-D, -f), which a
 * file may not change.
 */
void	reload_init(const struct cfg *boot);

void	reload_result_free(struct reload_result *);

/* What the last reload did, for SIGUSR1, status and metrics. */
struct reload_stats {
	uint64_t	 applied;	/* reloads applied since start-up */
	uint64_t	 refused;
	int64_t		 when_us;	/* wall clock of the last; 0: none */
	bool		 last_applied;
	size_t		 kept, updated, added, removed, failed;
	int64_t		 elapsed_us;
	char		*summary;	/* the "last reload ..." line */
};

/* A reload's end, for whoever asked: r is valid during the call. */
typedef void	(*reload_done_fn)(void *arg, const struct reload_result *r);

/*
 * A reload of path, whoever asked (who: "SIGHUP", "ucarpctl (uid 0)"):
 * logs who asked and tells systemd; the file is loaded, checked and
 * compared with the running configuration off the loop, which goes on
 * sending adverts; then the loop applies it (if it has any problem,
 * nothing changes: every message is logged, in the order of events),
 * remembers the result, sends it to the control socket's monitors and
 * calls fn(arg, r) if fn is not NULL.  A request while a reload is under
 * way is answered by one more reload after it (the file may have changed
 * since it was read); every request made meanwhile shares that one.
 */
void	reload_request(const char *path, const char *who, reload_done_fn fn,
	    void *arg);
/* Forget every fn(arg, ...) still to come (its client has gone). */
void	reload_cancel(void *arg);
/*
 * Finish every reload asked for, now, on the loop: a signal after SIGHUP
 * sees its effect, as it did when reloads blocked the loop.
 */
void	reload_drain(void);
const struct reload_stats *reload_stats(void);
/* Exit: wait for a reload under way (not applied), free the rest. */
void	reload_shutdown(void);

#endif /* RELOAD_H */
