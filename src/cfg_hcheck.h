/*
 * cfg_hcheck.h: the global checks list of the configuration file (shell):
 * name, script, interval, timeout, rise, fall and weight of each check.
 */
#ifndef CFG_HCHECK_H
#define CFG_HCHECK_H

#include <libconfig.h>
#include <stdbool.h>

#include "cfg.h"
#include "cfg_value.h"

/*
 * Setting s (the checks list) into c->checks; every problem is reported
 * at its FILE:LINE, and the good checks are kept.  False on any problem.
 */
bool	cfg_hcheck_parse(struct cfg_rd *, const config_setting_t *s,
	    struct cfg *c);

#endif /* CFG_HCHECK_H */
