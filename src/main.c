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
#include "cfg_mem.h"
#include "iface.h"
#include "log.h"
#include "notify.h"
#include "script.h"
#include "vhost.h"
#include "xmalloc.h"

static struct event_base	*base;
static struct cfg		*cfg;
static struct vhost		**vhosts;
static size_t			 nvhosts;
static bool			 exiting;
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

static void
signal_cb(int sig, short what, void *arg)
{
	size_t	i;

	switch (sig) {
	case SIGCHLD:
		script_reap();
		break;
	case SIGUSR1:
		for (i = 0; i < nvhosts; i++)
			vhost_log_status(vhosts[i]);
		break;
	case SIGUSR2:
		if (exiting)
			break;
		for (i = 0; i < nvhosts; i++)
			vhost_stepdown(vhosts[i]);
		break;
	case SIGHUP:
		/* ucarp 1.5.2 had no reload: HUP means exit, as TERM. */
		if (cfg->legacy)
			begin_exit(sig);
		else
			log_msg(LOG_WARNING, "SIGHUP: reloading the "
			    "configuration file is not supported yet; the "
			    "running configuration is unchanged (restart "
			    "ucarp to apply a new file)");
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
	log_init(cfg->facility == -3 ? LOG_DAEMON : cfg->facility, cfg->debug,
	    !cfg->daemonize);
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
	notify_send("READY=1\nSTATUS=%zu instance%s running", nvhosts,
	    nvhosts == 1 ? "" : "s");

	event_base_dispatch(base);

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		event_free(sigev[i]);
out:
	for (i = 0; i < nvhosts; i++)
		vhost_free(vhosts[i]);
	free(vhosts);
	script_shutdown();
	iface_shutdown();
	event_base_free(base);
	libevent_global_shutdown();
early:
	if (pid_written)
		unlink(cfg->pidfile);
	cfg_free(cfg);
	log_close();
	return status;
}
