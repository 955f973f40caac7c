/*
 * reload.h: reload_file() loads a configuration file, checks it, diffs
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

/*
 * Load path; if it has any problem, change nothing; else apply it to
 * the registry's instances and the globals (script limits, debug,
 * facility).  Every message is logged as it comes, in the order of
 * events, and also kept in *r (reload_result_free() it).  True if
 * applied.
 */
bool	reload_file(const char *path, struct reload_result *r);
void	reload_result_free(struct reload_result *);

/* What the last reload_run() did, for SIGUSR1, status and metrics. */
struct reload_stats {
	uint64_t	 applied;	/* reloads applied since start-up */
	uint64_t	 refused;
	int64_t		 when_us;	/* wall clock of the last; 0: none */
	bool		 last_applied;
	size_t		 kept, updated, added, removed, failed;
	int64_t		 elapsed_us;
	char		*summary;	/* the "last reload ..." line */
};

/*
 * One reload, whoever asked (who: "SIGHUP", "ucarpctl (uid 0)"): tells
 * systemd, logs who asked, reload_file(), remembers the result and
 * sends it to the control socket's monitors.  The same call for the
 * signal and the socket.
 */
bool	reload_run(const char *path, const char *who,
	    struct reload_result *r);
const struct reload_stats *reload_stats(void);
/* Exit: what reload_run() kept. */
void	reload_stats_free(void);

#endif /* RELOAD_H */
