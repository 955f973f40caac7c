/*
 * cfg_facility.c: syslog facility names and values, one table for the
 * command line (-f, --syslog), the file (facility) and --print-config.
 */
#include "config.h"

#include <stddef.h>
#include <strings.h>
#include <syslog.h>

#include "cfg.h"
#include "cfg_facility.h"
#include "log.h"

/* In the order names are suggested; the first name of a value prints. */
static const struct {
	const char	*name;
	int		 value;
} facilities[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
	{ "cron", LOG_CRON }, { "daemon", LOG_DAEMON }, { "ftp", LOG_FTP },
	{ "kern", LOG_KERN }, { "lpr", LOG_LPR }, { "mail", LOG_MAIL },
	{ "mark", LOG_NFACILITIES << 3 },	/* glibc's, as ucarp takes it */
	{ "news", LOG_NEWS }, { "security", LOG_AUTH },
	{ "syslog", LOG_SYSLOG }, { "user", LOG_USER }, { "uucp", LOG_UUCP },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	{ "none", LOG_FACILITY_NONE },
};

#define NFAC	(sizeof(facilities) / sizeof(facilities[0]))

/* The names alone, for suggestions: filled from the table once. */
const char *const *
cfg_facility_names(void)
{
	static const char	*names[NFAC + 1];
	size_t			 i;

	if (names[0] == NULL)
		for (i = 0; i < NFAC; i++)
			names[i] = facilities[i].name;
	return names;
}

int
cfg_facility_parse(const char *name)
{
	size_t	i;

	for (i = 0; i < NFAC; i++)
		if (strcasecmp(name, facilities[i].name) == 0)
			return facilities[i].value;
	return CFG_FACILITY_UNKNOWN;
}

const char *
cfg_facility_name(int facility)
{
	size_t	i;

	for (i = 0; i < NFAC; i++)
		if (facilities[i].value == facility)
			return facilities[i].name;
	return "daemon";
}
