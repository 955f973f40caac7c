/*
 * cfg_value.h: one setting of the configuration file, read by its key's
 * type (cfg_keys.h): libconfig's type, the range, the address, and the
 * files a value names (a script, a passfile).  Problems are reported at
 * the setting's FILE:LINE.
 */
#ifndef CFG_VALUE_H
#define CFG_VALUE_H

#include <libconfig.h>
#include <stdbool.h>

#include "cfg_err.h"
#include "cfg_file.h"
#include "cfg_keys.h"
#include "cfg_lc.h"

/* What reading a setting needs from the loader. */
struct cfg_rd {
	char			*dir;	/* of the main file; NULL: none */
	char			*base;	/* absolute, for relative paths */
	struct cfg_errlist	 errs;
	struct cfg_lc		 lc;
	struct cfg_errors	*out;	/* where warnings go */
};

/* A problem with setting s, at the file and line it was written. */
void	cfg_rd_err(struct cfg_rd *, const config_setting_t *s,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "an integer", "a string", ... for messages. */
const char	*cfg_rd_type_name(int type);

/*
 * Setting s as key k into obj (an instance for an instance key, the cfg for a
 * global); false (reported) if its value is wrong.
 */
bool	cfg_rd_key(struct cfg_rd *, const config_setting_t *s,
	    const struct cfg_key *k, void *obj);

#endif /* CFG_VALUE_H */
