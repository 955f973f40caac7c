/* log.c: syslog plus timestamped stdio lines, as ucarp 1.5.2 prints them. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "log.h"

static int	log_fac = LOG_DAEMON;
static bool	log_dbg;
static bool	log_stdio = true;
static bool	log_opened;

/* Open syslog (unless facility is none) and choose the stdio copy. */
void
log_init(int facility, bool debug, bool to_stdio)
{
	log_fac = facility;
	log_dbg = debug;
	log_stdio = to_stdio;
	/* ucarp's stdout was block-buffered and lost lines on SIGKILL. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (log_opened)
		closelog();
	log_opened = false;
	if (facility != LOG_FACILITY_NONE) {
		openlog("ucarp", LOG_PID | LOG_NDELAY, facility);
		log_opened = true;
	}
}

void
log_set_stdio(bool on)
{
	log_stdio = on;
}

void
log_close(void)
{
	if (log_opened)
		closelog();
	log_opened = false;
}

bool
log_debugging(void)
{
	return log_dbg;
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

void
log_vmsg(int prio, const char *fmt, va_list ap)
{
	char		 buf[1024], stamp[32];
	struct timeval	 tv;
	struct tm	 tm;
	FILE		*out;
	int		 saved = errno;

	if (prio == LOG_DEBUG && !log_dbg)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_opened)
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
	log_vmsg(prio, fmt, ap);
	va_end(ap);
}

/* Log with ": strerror(errno)" appended. */
void
log_warn(const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_msg(LOG_ERR, "%s: %s", buf, strerror(saved));
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vmsg(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vmsg(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (!log_dbg)
		return;
	va_start(ap, fmt);
	log_vmsg(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

/* Log an error with strerror(errno) and exit with status 2 (start-up failure). */
void
fatal(const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_msg(LOG_ERR, "%s: %s", buf, strerror(saved));
	exit(2);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, fmt, ap);
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
