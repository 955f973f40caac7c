/*
 * cfg_lc.h: what the configuration loader does around libconfig's
 * defects: the names it gives included files, integers it truncates
 * (recovered from the text), and @include lines it cannot survive
 * (checked before libconfig reads them).
 */
#ifndef CFG_LC_H
#define CFG_LC_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>

#include "cfg_err.h"

/*
 * An integer as written in the file, hooked on its setting: libconfig
 * keeps an integer without an L suffix as an int, so libconfig 1.5 reads
 * "vhid = 4294967338;" as 42, and every version truncates hex the same way.
 */
struct cfg_lit {
	char		*text;		/* the literal, e.g. 0x10000002A */
	long long	 v;
	bool		 overflow;	/* beyond a long long */
};

struct cfg_src;
struct cfg_text;

struct cfg_lc {
	const char		*path;	/* the main file */
	const char		*dir;	/* of path, for @include; NULL: none */
	struct cfg_errlist	*errs;
	struct cfg_src		*srcs;	/* display names of files read */
	size_t			 nsrcs;
	struct cfg_text		*texts;	/* files read back for literals */
	size_t			 ntexts;
};

void	cfg_lc_free(struct cfg_lc *);

/* The name to show for a file libconfig names raw (NULL: the main file). */
const char	*cfg_lc_name(struct cfg_lc *, const char *raw);

/* The displayed file and the line of a setting. */
const char	*cfg_lc_file(struct cfg_lc *, const config_setting_t *);
int		 cfg_lc_line(const config_setting_t *);

/* The number of the last line of a file with text on it (at least 1). */
int		 cfg_lc_last_line(struct cfg_lc *, const char *file);

/*
 * Check every @include line of the main file and of what it includes;
 * false (reported at FILE:LINE) if one would make libconfig exit, loop
 * or read more than CFG_INCLUDES_MAX files.
 */
bool	cfg_lc_check_includes(struct cfg_lc *);

/*
 * Hook a struct cfg_lit on every named integer setting under root whose
 * literal libconfig truncated; config_set_destructor(cfg_lc_lit_free)
 * frees them.  Linear in the settings.
 */
void	cfg_lc_hook_literals(struct cfg_lc *, config_setting_t *root);
void	cfg_lc_lit_free(void *);

#endif /* CFG_LC_H */
