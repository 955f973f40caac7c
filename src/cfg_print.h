/* cfg_print.h: the effective configuration as a libconfig file (shell). */
#ifndef CFG_PRINT_H
#define CFG_PRINT_H

#include <stdio.h>

#include "cfg.h"

/* The syslog facility names a file may give, NULL-terminated. */
extern const char *const cfg_facility_names[];

/*
 * Print the configuration, defaults applied, as a file that loads back to
 * the same configuration: every instance in full, passwords masked as
 * pass = "********" (a passfile is shown as its path).
 */
void		 cfg_print(FILE *, const struct cfg *);

/* The name of a facility value ("daemon" when unset). */
const char	*cfg_facility_name(int);

#endif /* CFG_PRINT_H */
