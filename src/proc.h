/*
 * proc.h: child processes: spawn, time out, reap, report.
 *
 * The daemon's only SIGCHLD handler (proc_reap) and its only spawner.
 * Every child runs in its own session and process group, with every
 * signal at its default and none blocked, stdin from /dev/null and no
 * descriptor above stderr.  A child still running after its timeout gets
 * SIGTERM on its process group, then SIGKILL PROC_KILL_GRACE_MS later.
 * Each exit goes to its owner's callback with one line saying how it
 * ended ("exited 3 after 12 ms"); an exit nobody owns is logged at debug.
 * Users: the script queue (script.c) and the check scripts (hcheck.c).
 */
#ifndef PROC_H
#define PROC_H

#include <sys/types.h>

#include <stdbool.h>

#define PROC_KILL_GRACE_MS	2000

struct event_base;

struct proc_exit {
	pid_t		 pid;
	int		 status;	/* as waitpid() gives it */
	bool		 ok;		/* exited 0, in time */
	bool		 timed_out;	/* killed after its timeout */
	long		 ms;		/* how long it ran */
	/* "exited 0 after 12 ms", "exited 3 after 12 ms", "killed by signal
	   9 after 5 ms", "killed after timeout (2003 ms)" */
	const char	*cause;
};

typedef void	(*proc_exit_cb)(const struct proc_exit *, void *arg);

struct proc_spec {
	const char	*path;
	char *const	*argv;		/* NULL-terminated */
	char *const	*envp;		/* NULL-terminated, the whole env */
	unsigned	 timeout_ms;	/* 0: none */
	const char	*name;		/* for logs: "eth0 vhid 1: up script
					   /etc/up" */
	proc_exit_cb	 cb;		/* called once, on exit */
	void		*arg;
	int		 out_fd;	/* > 2: the child's stdout and stderr
					   (a check's pipe); else inherited */
};

enum proc_rc {
	PROC_STARTED = 0,
	PROC_AGAIN,	/* no process or memory now (EAGAIN, ENOMEM): retry */
	PROC_NOT_EXEC,	/* path is not an executable file (errno says why) */
	PROC_FAILED	/* posix_spawn refused it (errno says why) */
};

void		 proc_init(struct event_base *);
/* Forget every child (no callback): the daemon is exiting. */
void		 proc_shutdown(void);
/* Start a child; on PROC_STARTED *pid is set (if pid is not NULL) and cb
   will be called. */
enum proc_rc	 proc_spawn(const struct proc_spec *, pid_t *pid);
/* SIGTERM to the child's group now, SIGKILL after the grace; cb reports. */
void		 proc_kill(pid_t);
/* SIGCHLD arrived: reap every exited child and tell its owner. */
void		 proc_reap(void);

#endif /* PROC_H */
