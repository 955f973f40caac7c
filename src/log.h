/*
 * log.h: the one logging API (OpenBSD log.h style), output as ucarp 1.5.2:
 * syslog with "[LEVEL] text" under the chosen facility, plus, when not
 * daemonized, "YYYY-MM-DDTHH:MM:SS.uuuuuu: [LEVEL] text" on stdout (INFO,
 * DEBUG) or stderr (NOTICE, WARNING, ERROR), line-buffered.
 */
#ifndef LOG_H
#define LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

#define LOG_FACILITY_NONE	(-1)

/* One rate limit: at most one line per period, counting what it held back. */
struct log_rate {
	int64_t		last_us;	/* when a line was last let through */
	unsigned	held;		/* lines held back since then */
};

/* Once, at start-up; then log_set on reload (facility, -D). */
void	log_init(int facility, bool debug, bool to_stdio);
void	log_set(int facility, bool debug);
void	log_close(void);
void	log_msg(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* LOG_ERR with ": strerror(errno)" appended. */
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* LOG_ERR (with ": strerror(errno)" if with_errno), then exit(2). */
__attribute__((noreturn)) void log_fatal(bool with_errno, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
/*
 * Tested before the call, so that a debug line's arguments (an address
 * formatted per advert received) cost nothing without -D.
 */
extern bool	log_debug_on;
#define log_debug(...)	do {						\
	if (log_debug_on)						\
		log_msg(LOG_DEBUG, __VA_ARGS__);			\
} while (0)
#define fatal(...)	log_fatal(true, __VA_ARGS__)
#define fatalx(...)	log_fatal(false, __VA_ARGS__)

/*
 * True if a line may be logged now (at most one per period_us); *held is
 * set to the number of lines suppressed since the last one let through.
 */
bool	log_rate_ok(struct log_rate *, int64_t now_us, int64_t period_us,
	    unsigned *held);

#endif /* LOG_H */
