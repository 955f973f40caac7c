/*
 * cfg_file.h: the configuration file (libconfig) into a struct cfg.
 *
 * The file uses the legacy long option names as keys: a "defaults" group,
 * an "instances" list of groups and a few global settings.  See
 * ucarp.conf(5).
 */
#ifndef CFG_FILE_H
#define CFG_FILE_H

#include <stddef.h>

#include "cfg.h"

/* Problems found, one "FILE:LINE: what is wrong; what to do" per line. */
struct cfg_errors {
	char	**msgs;
	size_t	  n;
	char	**warns;	/* not fatal: "FILE: warning; what to do" */
	size_t	  nwarns;
};

/*
 * Load and validate a file.  Returns a cfg (legacy false) or, if anything
 * is wrong, NULL.  Every problem is appended to *errs, sorted by file
 * (the main file first) then line; the caller frees them with
 * cfg_errors_free().  Nothing is printed.
 */
struct cfg	*cfg_file_load(const char *path, struct cfg_errors *errs);
void		 cfg_errors_free(struct cfg_errors *);

#endif /* CFG_FILE_H */
