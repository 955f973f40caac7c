/*
 * main.c: start-up, signals, the event loop and an orderly exit.
 *
 * Order: parse the command line, open the log, daemonize (the parent waits
 * until the child is running, so -B reports start-up failures), then the
 * event base, the interfaces, the instances, the signal events; the loop;
 * and on exit everything is freed in reverse.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cfg.h"
#include "cfg_cli.h"
#include "cfg_file.h"
#include "cfg_mem.h"
#include "clock.h"
#include "iface.h"
#include "log.h"
#include "notify.h"
#include "proc.h"
#include "reload.h"
#include "script.h"
#include "vhost.h"
#include "xmalloc.h"

static struct event_base	*base;
static struct cfg		*cfg;
static struct vhost		**vhosts;
static size_t			 nvhosts;
static bool			 exiting;
static bool			 cli_debug;	/* -D given on the command line */
static int			 cli_facility;	/* -f, or CFG_FACILITY_UNSET */
static char			*reload_status;	/* last reload, for USR1 */
static int			 ready_fd = -1;

/*
 * Fork into the background.  The parent stays until the daemon says it is
 * running (exit 0) or its pipe closes without a word (exit 2), so a
 * start-up failure is not hidden behind a successful exit as with ucarp.
 */
static void
daemon_start(void)
{
	int	pfd[2], fd;
	pid_t	pid;
	char	c;
	ssize_t	n;

	if (pipe2(pfd, O_CLOEXEC) == -1)
		fatal("pipe");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid > 0) {
		close(pfd[1]);
		do
			n = read(pfd[0], &c, 1);
		while (n == -1 && errno == EINTR);
		_exit(n == 1 ? 0 : 2);
	}
	close(pfd[0]);
	if (setsid() == -1)
		fatal("setsid");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid > 0)
		_exit(0);
	if (chdir("/") == -1)
		fatal("chdir /");
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	ready_fd = pfd[1];
}

static void
daemon_ready(void)
{
	if (ready_fd == -1)
		return;
	if (write(ready_fd, "R", 1) != 1)
		log_warn("telling the parent process we are running");
	close(ready_fd);
	ready_fd = -1;
}

/* Write our pid (after daemonizing); removed again at exit. */
static bool
pidfile_write(const char *path)
{
	char	buf[32];
	int	fd, n;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		log_warn("cannot write the pid file %s", path);
		return false;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		log_warn("cannot write the pid file %s", path);
		close(fd);
		return false;
	}
	close(fd);
	return true;
}

static void
exit_when_idle(void)
{
	if (exiting)
		event_base_loopexit(base, NULL);
}

/* TERM, INT, QUIT (and HUP without a file): down scripts with -z, exit. */
static void
begin_exit(int sig)
{
	size_t	i;

	if (exiting) {
		log_msg(LOG_WARNING, "signal %d again: exiting without waiting "
		    "for scripts", sig);
		event_base_loopexit(base, NULL);
		return;
	}
	exiting = true;
	log_info("exiting on signal %d", sig);
	notify_send("STOPPING=1");
	for (i = 0; i < nvhosts; i++)
		vhost_shutdown(vhosts[i]);
	if (script_idle())
		event_base_loopexit(base, NULL);
	else
		script_on_idle(exit_when_idle);
}

/* systemd's status line: the instances by state, and the last reload. */
static void
notify_status(void)
{
	size_t	i, m = 0, b = 0;

	for (i = 0; i < nvhosts; i++) {
		if (vhost_state(vhosts[i]) == CARP_MASTER)
			m++;
		else if (vhost_state(vhosts[i]) == CARP_BACKUP)
			b++;
	}
	notify_send("READY=1\nSTATUS=%zu instances: %zu MASTER, %zu BACKUP%s%s",
	    nvhosts, m, b, reload_status != NULL ? "; " : "",
	    reload_status != NULL ? reload_status : "");
}

/*
 * SIGHUP with a configuration file: load and check the whole file first;
 * on any problem log every one of them and change nothing.  Otherwise
 * apply it instance by instance (reload.c).
 */
static void
reload(void)
{
	struct cfg_errors	 errs = { NULL, 0, NULL, 0 };
	struct reload_stats	 st = { 0 };
	struct cfg		*newc;
	int64_t			 t0 = clock_mono_us(), t1;
	size_t			 i;

	notify_send("RELOADING=1");
	log_info("SIGHUP: reloading %s", cfg->path);
	newc = cfg_file_load(cfg->path, &errs);
	for (i = 0; i < errs.n; i++)
		log_msg(LOG_ERR, "%s", errs.msgs[i]);
	for (i = 0; newc != NULL && i < errs.nwarns; i++)
		log_msg(LOG_WARNING, "%s", errs.warns[i]);
	if (newc == NULL) {
		free(reload_status);
		xasprintf(&reload_status, "last reload of %s refused: %zu "
		    "problem%s, running configuration unchanged", cfg->path,
		    errs.n, errs.n == 1 ? "" : "s");
		log_msg(LOG_ERR, "%s", reload_status);
		cfg_errors_free(&errs);
		notify_status();
		return;
	}
	cfg_errors_free(&errs);
	reload_apply(&vhosts, &nvhosts, newc, &st);

	/* Globals; what the command line gave keeps priority. */
	script_set_limits(newc->script_jobs, newc->script_timeout_ms);
	cfg->script_jobs = newc->script_jobs;
	cfg->script_timeout_ms = newc->script_timeout_ms;
	cfg->debug = cli_debug || newc->debug;
	if (cli_facility == CFG_FACILITY_UNSET &&
	    newc->facility != CFG_FACILITY_UNSET)
		cfg->facility = newc->facility;
	log_init(cfg->facility == CFG_FACILITY_UNSET ? LOG_DAEMON :
	    cfg->facility, cfg->debug, !cfg->daemonize);
	cfg_free(newc);

	t1 = clock_mono_us();
	free(reload_status);
	xasprintf(&reload_status, "last reload applied: %zu kept, %zu "
	    "updated, %zu added, %zu removed%s in %lld.%lld ms", st.kept,
	    st.updated, st.added, st.removed, st.failed ? " (some failed: "
	    "see the log)" : "", (long long)(t1 - t0) / 1000,
	    (long long)(t1 - t0) % 1000 / 100);
	log_info("%s", reload_status);
	notify_status();
}

static void
signal_cb(int sig, short what UNUSED, void *arg UNUSED)
{
	size_t	i;

	switch (sig) {
	case SIGCHLD:
		proc_reap();
		break;
	case SIGUSR1:
		for (i = 0; i < nvhosts; i++)
			vhost_log_status(vhosts[i]);
		if (reload_status != NULL)
			log_info("%s", reload_status);
		break;
	case SIGUSR2:
		if (exiting)
			break;
		/* The machine's cause is "step-down"; the trigger is ours. */
		log_info("SIGUSR2: every master steps down");
		for (i = 0; i < nvhosts; i++)
			vhost_stepdown(vhosts[i]);
		break;
	case SIGHUP:
		/* ucarp 1.5.2 had no reload: HUP means exit, as TERM. */
		if (cfg->legacy)
			begin_exit(sig);
		else if (!exiting)
			reload();
		break;
	default:
		begin_exit(sig);
		break;
	}
}

int
main(int argc, char **argv)
{
	static const int	 sigs[] = { SIGCHLD, SIGUSR1, SIGUSR2, SIGHUP,
				    SIGTERM, SIGINT, SIGQUIT };
	struct event		*sigev[sizeof(sigs) / sizeof(sigs[0])];
	struct event_config	*ec;
	size_t			 i;
	int			 rc, status = 0;
	bool			 pid_written = false;

	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = cfg_cli_parse(argc, argv, &cfg);
	if (rc != CLI_CONTINUE)
		return rc;
	log_init(cfg->facility == CFG_FACILITY_UNSET ? LOG_DAEMON :
	    cfg->facility, cfg->debug, !cfg->daemonize);
	/* The file's own values may change on reload; these may not. */
	cli_debug = cfg->cli_debug;
	cli_facility = cfg->cli_facility;
	if (cfg->daemonize)
		daemon_start();
	signal(SIGPIPE, SIG_IGN);
	if (cfg->pidfile != NULL) {
		if (!pidfile_write(cfg->pidfile)) {
			status = 2;
			goto early;
		}
		pid_written = true;
	}

	if ((ec = event_config_new()) == NULL)
		fatalx("cannot create the event loop");
	/* Exact timers: adverts and takeovers on the microsecond. */
	event_config_set_flag(ec, EVENT_BASE_FLAG_PRECISE_TIMER);
	base = event_base_new_with_config(ec);
	event_config_free(ec);
	if (base == NULL)
		fatalx("cannot create the event loop");

	iface_init(base);
	proc_init(base);
	script_init(base, cfg->script_jobs, cfg->script_timeout_ms);
	vhost_init(base, cfg->legacy);
	vhosts = xcalloc(cfg->nvhosts, sizeof(*vhosts));
	for (i = 0; i < cfg->nvhosts; i++) {
		if ((vhosts[nvhosts] = vhost_new(cfg->vhosts[i])) == NULL) {
			status = 2;
			goto out;
		}
		cfg->vhosts[i] = NULL;		/* owned by the instance now */
		nvhosts++;
	}
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigev[i] = evsignal_new(base, sigs[i], signal_cb, NULL);
		evsignal_add(sigev[i], NULL);
	}
	for (i = 0; i < nvhosts; i++)
		vhost_start(vhosts[i]);
	daemon_ready();
	notify_status();

	event_base_dispatch(base);

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		event_free(sigev[i]);
out:
	for (i = 0; i < nvhosts; i++)
		vhost_free(vhosts[i]);
	free(vhosts);
	script_shutdown();
	proc_shutdown();
	iface_shutdown();
	event_base_free(base);
	libevent_global_shutdown();
early:
	if (pid_written)
		unlink(cfg->pidfile);
	cfg_free(cfg);
	free(reload_status);
	log_close();
	return status;
}
