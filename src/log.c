/* log.c: syslog plus timestamped stdio lines, as ucarp 1.5.2 prints them. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include "clock.h"
#include "log.h"

#ifndef _PATH_LOG
#define _PATH_LOG	"/dev/log"
#endif

static int	log_fac = LOG_DAEMON;
bool		log_debug_on;	/* -D or debug = true */
static bool	log_stdio = true;
static bool	log_opened;
static bool	log_sock_seen;		/* _PATH_LOG was a socket */
static int64_t	log_sock_next;		/* next look for it, monotonic us */

/*
 * Once, at start-up: where lines go.  stdout's buffering is main()'s
 * business: setvbuf is only defined before the first output.
 */
void
log_init(int facility, bool debug, bool to_stdio)
{
	log_stdio = to_stdio;
	log_set(facility, debug);
}

/* On reload: a new facility (syslog reopened only if it changed) and -D. */
void
log_set(int facility, bool debug)
{
	log_debug_on = debug;
	if (log_opened && facility == log_fac)
		return;
	if (log_opened)
		closelog();
	log_opened = false;
	log_fac = facility;
	log_sock_seen = false;
	log_sock_next = 0;
	if (facility != LOG_FACILITY_NONE) {
		openlog("ucarp", LOG_PID | LOG_NDELAY, facility);
		log_opened = true;
	}
}

void
log_close(void)
{
	if (log_opened)
		closelog();
	log_opened = false;
}

/*
 * While nothing listens on /dev/log (a container, a network namespace
 * in a test), glibc's syslog() runs socket, connect and close for every
 * line: 30,000 system calls when 10,000 instances take over at once,
 * a third of the daemon's time then.  Look for the socket at most once
 * a second while it is missing; lines meanwhile go to stdio only, as
 * glibc would have dropped them.  Once seen, glibc keeps it connected
 * and reconnects by itself.
 */
static bool
log_sock_ready(void)
{
	struct stat	st;
	int64_t		now;

	if (log_sock_seen)
		return true;
	now = clock_mono_us();
	if (now < log_sock_next)
		return false;
	log_sock_next = now + 1000000;
	log_sock_seen = stat(_PATH_LOG, &st) == 0 && S_ISSOCK(st.st_mode);
	return log_sock_seen;
}

static const char *
level_name(int prio)
{
	switch (prio) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "ERROR";
	case LOG_WARNING:
		return "WARNING";
	case LOG_NOTICE:
		return "NOTICE";
	case LOG_INFO:
		return "INFO";
	default:
		return "DEBUG";
	}
}

/*
 * The one place a line is formatted and written: to syslog and, when
 * not daemonized, to stdout or stderr.  errnum >= 0 appends
 * ": strerror(errnum)".  errno is left as it was.
 */
static void	log_vput(int, int, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

static void
log_vput(int prio, int errnum, const char *fmt, va_list ap)
{
	char		 buf[1024], stamp[32];
	struct timeval	 tv;
	struct tm	 tm;
	FILE		*out;
	int		 saved = errno, n;

	if (prio == LOG_DEBUG && !log_debug_on)
		return;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (errnum >= 0 && n >= 0 && (size_t)n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - (size_t)n, ": %s",
		    strerror(errnum));
	if (log_opened && log_sock_ready())
		syslog(prio, "[%s] %s", level_name(prio), buf);
	if (log_stdio) {
		gettimeofday(&tv, NULL);
		localtime_r(&tv.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		out = prio <= LOG_NOTICE ? stderr : stdout;
		fprintf(out, "%s.%06ld: [%s] %s\n", stamp, (long)tv.tv_usec,
		    level_name(prio), buf);
	}
	errno = saved;
}

void
log_msg(int prio, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vput(prio, -1, fmt, ap);
	va_end(ap);
}

/* An error with ": strerror(errno)" appended. */
void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_vput(LOG_ERR, saved, fmt, ap);
	va_end(ap);
}

/* Log an error (with strerror(errno) if with_errno), exit 2. */
void
log_fatal(bool with_errno, const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_vput(LOG_ERR, with_errno ? saved : -1, fmt, ap);
	va_end(ap);
	exit(2);
}

bool
log_rate_ok(struct log_rate *r, int64_t now_us, int64_t period_us,
    unsigned *held)
{
	if (r->last_us != 0 && now_us - r->last_us < period_us) {
		r->held++;
		return false;
	}
	*held = r->held;
	r->held = 0;
	r->last_us = now_us;
	return true;
}
