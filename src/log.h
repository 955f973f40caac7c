/*
 * log.h: the one logging API (OpenBSD log.h style), output as ucarp 1.5.2:
 * syslog with "[LEVEL] text" under the chosen facility, plus, when not
 * daemonized, "YYYY-MM-DDTHH:MM:SS.uuuuuu: [LEVEL] text" on stdout (INFO,
 * DEBUG) or stderr (NOTICE, WARNING, ERROR), line-buffered.
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

#define LOG_FACILITY_NONE	(-1)

/* One rate limit: at most one line per period, counting what it held back. */
struct log_rate {
	int64_t		last_us;	/* when a line was last let through */
	unsigned	held;		/* lines held back since then */
};

void	log_init(int facility, bool debug, bool to_stdio);
void	log_set_stdio(bool);
void	log_close(void);
void	log_msg(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_vmsg(int prio, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool	log_debugging(void);
__attribute__((noreturn)) void fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/*
 * True if a line may be logged now (at most one per period_us); *held is
 * set to the number of lines suppressed since the last one let through.
 */
bool	log_rate_ok(struct log_rate *, int64_t now_us, int64_t period_us,
	    unsigned *held);

#endif /* LOG_H */
