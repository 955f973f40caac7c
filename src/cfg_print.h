/* cfg_print.h: the effective configuration as a libconfig file (shell). */
#ifndef CFG_PRINT_H
#define CFG_PRINT_H

#include <stdio.h>

#include "cfg.h"

/*
 * Print the configuration, defaults applied, as a file that loads back to
 * the same configuration: every instance in full, passwords masked as
 * pass = "********" (a passfile is shown as its path).
 */
void		 cfg_print(FILE *, const struct cfg *);

#endif /* CFG_PRINT_H */
