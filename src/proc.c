/*
 * proc.c: child processes (see proc.h).
 *
 * Children start with posix_spawn() (vfork and exec), which copies no
 * page tables: a takeover of many instances at once delays no advert by
 * more than one spawn (bench/storm.sh).  A table of the children we
 * started routes each pid waitpid() returns to its owner, as tmux's
 * job_check_died and OpenSMTPD's child table do.  The table is a list:
 * it holds at most the running scripts (script_jobs).
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "log.h"
#include "proc.h"
#include "xmalloc.h"

struct proc {
	TAILQ_ENTRY(proc) entry;
	pid_t		 pid;
	int64_t		 started;
	unsigned	 timeout_ms;
	bool		 termed;	/* SIGTERM sent: SIGKILL next */
	bool		 timed_out;
	char		*name;
	proc_exit_cb	 cb;
	void		*arg;
	struct event	*timer;
};

static TAILQ_HEAD(, proc)	procs = TAILQ_HEAD_INITIALIZER(procs);
static struct event_base	*proc_base;

void
proc_init(struct event_base *base)
{
	proc_base = base;
}

static void
proc_free(struct proc *p)
{
	if (p->timer != NULL)
		event_free(p->timer);
	free(p->name);
	free(p);
}

void
proc_shutdown(void)
{
	struct proc	*p;

	while ((p = TAILQ_FIRST(&procs)) != NULL) {
		TAILQ_REMOVE(&procs, p, entry);
		proc_free(p);
	}
}

static struct proc *
proc_find(pid_t pid)
{
	struct proc	*p;

	TAILQ_FOREACH(p, &procs, entry)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void
proc_arm(struct proc *p, unsigned ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(p->timer, &tv);
}

/* SIGTERM to the process group, then SIGKILL after the grace. */
static void
proc_signal(struct proc *p)
{
	if (!p->termed) {
		p->termed = true;
		kill(-p->pid, SIGTERM);
		proc_arm(p, PROC_KILL_GRACE_MS);
	} else {
		log_msg(LOG_WARNING, "%s (pid %ld) ignored SIGTERM: sending "
		    "SIGKILL", p->name, (long)p->pid);
		kill(-p->pid, SIGKILL);
	}
}

static void
proc_timeout_cb(int fd UNUSED, short what UNUSED, void *arg)
{
	struct proc	*p = arg;

	if (!p->termed) {
		p->timed_out = true;
		log_msg(LOG_WARNING, "%s (pid %ld) still running after %u ms: "
		    "sending SIGTERM to its process group", p->name,
		    (long)p->pid, p->timeout_ms);
	}
	proc_signal(p);
}

void
proc_kill(pid_t pid)
{
	struct proc	*p;

	if ((p = proc_find(pid)) == NULL || p->termed)
		return;
	log_debug("%s (pid %ld): sending SIGTERM to its process group",
	    p->name, (long)p->pid);
	evtimer_del(p->timer);
	proc_signal(p);
}

#ifndef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
/*
 * Without posix_spawn_file_actions_addclosefrom_np (glibc < 2.34): one
 * close action per descriptor above stderr open now, found in
 * /proc/self/fd, or by asking each one if /proc is not mounted.  The
 * daemon is single-threaded: nothing opens one between here and the
 * spawn.
 */
static void
proc_closefrom3(posix_spawn_file_actions_t *fa)
{
	struct dirent	*de;
	DIR		*d;
	long		 fd, max;
	char		*end;

	if ((d = opendir("/proc/self/fd")) != NULL) {
		while ((de = readdir(d)) != NULL) {
			fd = strtol(de->d_name, &end, 10);
			if (*end != '\0' || end == de->d_name || fd < 3 ||
			    fd == dirfd(d))
				continue;
			posix_spawn_file_actions_addclose(fa, (int)fd);
		}
		closedir(d);
		return;
	}
	if ((max = sysconf(_SC_OPEN_MAX)) < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		if (fcntl((int)fd, F_GETFD) != -1)
			posix_spawn_file_actions_addclose(fa, (int)fd);
}
#else
static void
proc_closefrom3(posix_spawn_file_actions_t *fa)
{
	posix_spawn_file_actions_addclosefrom_np(fa, 3);
}
#endif

/* posix_spawn with the hygiene of proc.h; its error number, or 0. */
static int
proc_posix_spawn(const struct proc_spec *s, pid_t *pid)
{
	posix_spawnattr_t		 attr;
	posix_spawn_file_actions_t	 fa;
	sigset_t			 all, none;
	int				 rc;

	sigfillset(&all);
	sigemptyset(&none);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (s->out_fd > 2) {
		posix_spawn_file_actions_adddup2(&fa, s->out_fd, 1);
		posix_spawn_file_actions_adddup2(&fa, s->out_fd, 2);
	}
	proc_closefrom3(&fa);
	rc = posix_spawn(pid, s->path, &fa, &attr, s->argv, s->envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}

enum proc_rc
proc_spawn(const struct proc_spec *s, pid_t *pidp)
{
	struct proc	*p;
	pid_t		 pid;
	int		 rc;

	if (access(s->path, X_OK) == -1)
		return PROC_NOT_EXEC;
	rc = proc_posix_spawn(s, &pid);
	if (rc != 0) {
		errno = rc;
		return rc == EAGAIN || rc == ENOMEM ? PROC_AGAIN : PROC_FAILED;
	}
	p = xcalloc(1, sizeof(*p));
	p->pid = pid;
	p->started = clock_mono_us();
	p->timeout_ms = s->timeout_ms;
	p->name = xstrdup(s->name);
	p->cb = s->cb;
	p->arg = s->arg;
	p->timer = evtimer_new(proc_base, proc_timeout_cb, p);
	if (p->timer == NULL)
		fatalx("cannot create a timer for %s", s->name);
	if (s->timeout_ms > 0)
		proc_arm(p, s->timeout_ms);
	TAILQ_INSERT_TAIL(&procs, p, entry);
	if (pidp != NULL)
		*pidp = pid;
	return PROC_STARTED;
}

/* How it ended, in one line; ms < 0: unknown. */
static void
proc_cause(char *buf, size_t len, int status, bool timed_out, long ms)
{
	char	after[48] = "";
	int	n;

	if (ms >= 0)
		snprintf(after, sizeof(after), " after %ld ms", ms);
	if (timed_out)
		n = snprintf(buf, len, "killed after timeout (%ld ms)", ms);
	else if (WIFEXITED(status))
		n = snprintf(buf, len, "exited %d%s", WEXITSTATUS(status),
		    after);
	else if (WIFSIGNALED(status))
		n = snprintf(buf, len, "killed by signal %d%s",
		    WTERMSIG(status), after);
	else
		n = snprintf(buf, len, "ended with status %#x%s", status,
		    after);
	if (n < 0)
		buf[0] = '\0';
}

static void
proc_exited(pid_t pid, int status)
{
	struct proc		*p;
	struct proc_exit	 e;
	char			 cause[96];

	if ((p = proc_find(pid)) == NULL) {
		proc_cause(cause, sizeof(cause), status, false, -1);
		log_debug("reaped pid %ld, not a child of ours we know: %s",
		    (long)pid, cause);
		return;
	}
	TAILQ_REMOVE(&procs, p, entry);
	/* Whatever it started in its process group goes with it. */
	if (p->timed_out)
		kill(-p->pid, SIGKILL);
	memset(&e, 0, sizeof(e));
	e.pid = pid;
	e.status = status;
	e.timed_out = p->timed_out;
	e.ok = !p->timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	e.ms = (long)((clock_mono_us() - p->started) / 1000);
	proc_cause(cause, sizeof(cause), status, p->timed_out, e.ms);
	e.cause = cause;
	p->cb(&e, p->arg);
	proc_free(p);
}

void
proc_reap(void)
{
	pid_t	pid;
	int	status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		proc_exited(pid, status);
}
