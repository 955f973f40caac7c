/*
 * cfg_check.h: semantic checks of a whole configuration (pure core).
 *
 * The checks look at the values only; they allocate nothing and print
 * nothing.  Each problem goes to the caller's report function with the
 * instance and the key it concerns, so the caller can say where that key
 * was written (a file:line, or "command line").
 */
#ifndef CFG_CHECK_H
#define CFG_CHECK_H

#include <stdarg.h>
#include <stddef.h>

#include "cfg.h"

#define CFG_IFNAME_MAX	15	/* bytes in an interface name (IFNAMSIZ - 1) */

/*
 * One problem: cv is the instance, key the instance key it is about (NULL:
 * the instance as a whole), fmt/ap the text "what is wrong; what to do".
 */
typedef void	(*cfg_check_report)(void *arg, const struct cfg_vhost *cv,
		    const char *key, const char *fmt, va_list ap);

/*
 * Check every instance and the instances against each other: required
 * keys, interface names, advbase/advskew, the multicast group, the
 * address list, unique (interface, vhid) and unique names.  Returns the
 * number of problems reported.
 */
size_t	cfg_check(const struct cfg *, cfg_check_report, void *arg);

#endif /* CFG_CHECK_H */
