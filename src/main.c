/*
 * main.c: start-up, signals, the event loop and an orderly exit.
 *
 * Order: parse the command line, open the log, daemonize (the parent
 * waits until the child is running, so -B reports start-up failures:
 * daemon.c), lock the pid file (pidfile.c), then the event base, the
 * interfaces, the instances (owned by registry.c), the signal events; the
 * loop; and on exit all is freed in reverse.  Each signal is one call
 * into registry.c, reload.c or instance.c, the same calls as the
 * control socket's (control.c).
 */
#include "config.h"

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <event2/event.h>

#include "cfg.h"
#include "cfg_cli.h"
#include "cfg_mem.h"
#include "control.h"
#include "daemon.h"
#include "hcheck.h"
#include "iface.h"
#include "log.h"
#include "maint.h"
#include "notify.h"
#include "pidfile.h"
#include "proc.h"
#include "instance_addrs.h"
#include "registry.h"
#include "reload.h"
#include "script.h"
#include "instance.h"
#include "instance_health.h"

static struct event_base	*base;
static struct cfg		*cfg;
static bool			 exiting;

static void
exit_when_idle(void)
{
	if (exiting)
		event_base_loopexit(base, NULL);
}

static void
shutdown_cb(struct instance *inst, void *arg UNUSED)
{
	instance_shutdown(inst);
}

/* TERM, INT, QUIT (and HUP without a file): down scripts with -z, exit. */
static void
begin_exit(int sig)
{
	if (exiting) {
		log_msg(LOG_WARNING, "signal %d again: exiting without waiting "
		    "for scripts", sig);
		event_base_loopexit(base, NULL);
		return;
	}
	exiting = true;
	log_info("exiting on signal %d", sig);
	notify_send("STOPPING=1");
	health_stop();
	registry_foreach(shutdown_cb, NULL);
	if (script_idle())
		event_base_loopexit(base, NULL);
	else
		script_on_idle(exit_when_idle);
}

static void
status_cb(struct instance *inst, void *arg UNUSED)
{
	instance_log_status(inst);
}

static void
stepdown_cb(struct instance *inst, void *arg UNUSED)
{
	instance_stepdown(inst);
}

static void
signal_cb(int sig, short what UNUSED, void *arg UNUSED)
{
	/*
	 * Signals act in the order sent: one after SIGHUP sees the reload
	 * applied (the file is loaded off the loop meanwhile).
	 */
	if (sig != SIGHUP && sig != SIGCHLD)
		reload_drain();
	switch (sig) {
	case SIGCHLD:
		proc_reap();
		break;
	case SIGUSR1:
		registry_foreach(status_cb, NULL);
		if (reload_stats()->summary != NULL)
			log_info("%s", reload_stats()->summary);
		break;
	case SIGUSR2:
		if (exiting)
			break;
		/* The machine's cause is "step-down"; the trigger is ours. */
		log_info("SIGUSR2: every master steps down");
		registry_foreach(stepdown_cb, NULL);
		break;
	case SIGHUP:
		/* ucarp 1.5.2 had no reload: HUP means exit, as TERM. */
		if (cfg->legacy)
			begin_exit(sig);
		else if (!exiting)	/* the same call as ucarpctl reload */
			reload_request(cfg->path, "SIGHUP", NULL, NULL);
		break;
	default:
		begin_exit(sig);
		break;
	}
}

/* The event loop: exact timers, adverts and takeovers on the microsecond. */
static struct event_base *
loop_new(void)
{
	struct event_config	*ec;
	struct event_base	*b;

	if ((ec = event_config_new()) == NULL)
		fatalx("cannot create the event loop");
	event_config_set_flag(ec, EVENT_BASE_FLAG_PRECISE_TIMER);
	b = event_base_new_with_config(ec);
	event_config_free(ec);
	if (b == NULL)
		fatalx("cannot create the event loop");
	return b;
}

/* The configuration's instances into the registry; false if one failed. */
static bool
instances_new(void)
{
	struct instance	*inst;
	size_t		 i;

	for (i = 0; i < cfg->ninstances; i++) {
		if ((inst = instance_new(cfg->instances[i])) == NULL)
			return false;
		cfg->instances[i] = NULL;		/* owned by the instance now */
		registry_add(inst);
	}
	return true;
}

static void
start_cb(struct instance *inst, void *arg UNUSED)
{
	instance_start(inst);
}

/* The signals the daemon handles, all through the loop. */
static const int	 sigs[] = { SIGCHLD, SIGUSR1, SIGUSR2, SIGHUP, SIGTERM,
			    SIGINT, SIGQUIT };
static struct event	*sigev[sizeof(sigs) / sizeof(sigs[0])];

static void
signals_add(void)
{
	size_t	i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigev[i] = evsignal_new(base, sigs[i], signal_cb, NULL);
		evsignal_add(sigev[i], NULL);
	}
}

static void
signals_free(void)
{
	size_t	i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		event_free(sigev[i]);
}

int
main(int argc, char **argv)
{
	int	rc, status = 0;

	/* Once, before any output: ucarp's block buffering lost lines. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = cfg_cli_parse(argc, argv, &cfg);
	if (rc != CLI_CONTINUE)
		return rc;
	log_init(cfg->facility == CFG_FACILITY_UNSET ? LOG_DAEMON :
	    cfg->facility, cfg->debug, !cfg->daemonize);
	reload_init(cfg);
	if (cfg->daemonize)
		daemon_start();
	signal(SIGPIPE, SIG_IGN);
	if (cfg->pidfile != NULL && !pidfile_write(cfg->pidfile)) {
		status = 2;
		goto early;
	}

	base = loop_new();
	if (!control_init(base, cfg)) {
		status = 2;
		control_shutdown();
		event_base_free(base);
		goto early;
	}
	iface_init(base);
	proc_init(base);
	script_init(base, cfg->script_jobs, cfg->script_timeout_ms);
	instance_init(base, cfg->legacy);
	hcheck_init(base);
	instance_addrs_init(cfg->control);
	if (!instances_new()) {
		status = 2;
		goto out;
	}
	/* Before the first step: a startup hold applies from the start. */
	health_configure(cfg, true);
	signals_add();
	maint_init(cfg);	/* before they start: held from the first */
	/* Our stale addresses go before the first election. */
	instance_addrs_startup();
	registry_foreach(start_cb, NULL);
	/*
	 * Loading the file needed more memory at once than the instances
	 * keep (the parsed tree, each instance's configuration twice): give
	 * the free pages it left inside the heap back (1.7 MB of RSS at
	 * 10,000 instances).
	 */
	malloc_trim(0);
	daemon_ready();
	notify_status(NULL);

	event_base_dispatch(base);

	signals_free();
out:
	reload_shutdown();
	control_shutdown();
	health_shutdown();
	registry_free_all();
	maint_shutdown();
	instance_addrs_shutdown();
	script_shutdown();
	proc_shutdown();
	iface_shutdown();
	event_base_free(base);
	libevent_global_shutdown();
early:
	pidfile_remove();
	cfg_free(cfg);
	reload_shutdown();
	log_close();
	return status;
}
