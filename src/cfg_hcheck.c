/*
 * cfg_hcheck.c: the global checks list of the configuration file, with
 * keepalived's vrrp_script meanings:
 *   checks = ( { name = "nginx"; script = "/etc/ucarp/check-nginx";
 *                interval = 2; timeout = 1; rise = 2; fall = 2;
 *                weight = 50; }, ... );
 * interval and timeout in seconds (fractions allowed; timeout defaults to
 * the interval), rise and fall consecutive results (default 1), weight
 * 1..255 or "fatal" (the default).  The script is not checked here: a
 * missing one is a failing check at run time, logged once (check.c).
 */
#include "config.h"

#include <libconfig.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_hcheck.h"
#include "cfg_mem.h"
#include "cfg_value.h"
#include "health.h"
#include "xmalloc.h"

#define H(f)	offsetof(struct cfg_hcheck, f)

/* The keys of one check, read by cfg_rd_key() into a struct cfg_hcheck. */
static const struct cfg_key hcheck_keys[] = {
	{ "name", 0, NULL, NULL, CFG_T_NAME, 0, 0, H(name), 0, 0, 0, NULL, 0,
	    NULL, NULL },
	{ "script", 0, NULL, NULL, CFG_T_PATH, 0, 0, H(script), 0, 0, 0, NULL,
	    0, NULL, NULL },
	{ "interval", 0, NULL, NULL, CFG_T_SECONDS, 0, 0, H(interval_ms),
	    1, 3600 * 1000, 1000, NULL, 0, NULL, NULL },
	{ "timeout", 0, NULL, NULL, CFG_T_SECONDS, 0, 0, H(timeout_ms),
	    1, 3600 * 1000, 0, NULL, 0, NULL, NULL },
	{ "rise", 0, NULL, NULL, CFG_T_U32, 0, 0, H(rise), 1,
	    HEALTH_RISE_MAX, 1, NULL, 0, NULL, NULL },
	{ "fall", 0, NULL, NULL, CFG_T_U32, 0, 0, H(fall), 1,
	    HEALTH_RISE_MAX, 1, NULL, 0, NULL, NULL },
};
#define NHKEYS	(sizeof(hcheck_keys) / sizeof(hcheck_keys[0]))

static const char *const hcheck_words[] = {
	"name", "script", "interval", "timeout", "rise", "fall", "weight",
	NULL
};

/* weight: an integer 1..255 or the string "fatal". */
static bool
parse_weight(struct cfg_rd *ctx, const config_setting_t *s, int *out)
{
	static const struct cfg_key	 wk = { "weight", 0, NULL, NULL,
					    CFG_T_U32, 0, 0, 0, 1,
					    HEALTH_WEIGHT_MAX, 0, NULL, 0,
					    NULL, NULL };
	uint32_t			 w;

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		if (strcmp(config_setting_get_string(s), "fatal") == 0) {
			*out = HEALTH_FATAL;
			return true;
		}
		cfg_rd_err(ctx, s, "weight \"%s\" is not a weight; give a "
		    "number from 1 to %d or \"fatal\"",
		    config_setting_get_string(s), HEALTH_WEIGHT_MAX);
		return false;
	}
	if (!cfg_rd_key(ctx, s, &wk, &w))
		return false;
	*out = (int)w;
	return true;
}

/* One key of a check; false (reported) if unknown or wrong. */
static bool
parse_hkey(struct cfg_rd *ctx, const config_setting_t *s,
    struct cfg_hcheck *hc)
{
	const char	*key = config_setting_name(s), *hint;
	size_t		 i;

	if (strcmp(key, "weight") == 0)
		return parse_weight(ctx, s, &hc->weight);
	for (i = 0; i < NHKEYS; i++)
		if (strcmp(key, hcheck_keys[i].name) == 0)
			return cfg_rd_key(ctx, s, &hcheck_keys[i], hc);
	if ((hint = cfg_suggest(key, hcheck_words)) != NULL)
		cfg_rd_err(ctx, s, "unknown key '%s' in a check; did you mean "
		    "'%s'?", key, hint);
	else
		cfg_rd_err(ctx, s, "unknown key '%s' in a check; a check has "
		    "name, script, interval, timeout, rise, fall and weight",
		    key);
	return false;
}

/* One group of the list; false (reported) if it is not a whole check. */
static bool
parse_hcheck(struct cfg_rd *ctx, const config_setting_t *g,
    struct cfg_hcheck *hc)
{
	unsigned	i, n;
	bool		ok = true;

	*hc = (struct cfg_hcheck){ .interval_ms = 1000, .rise = 1,
	    .fall = 1, .weight = HEALTH_FATAL };
	hc->file = xstrdup(cfg_lc_file(&ctx->lc, g));
	hc->line = cfg_lc_line(g);
	n = (unsigned)config_setting_length(g);
	for (i = 0; i < n; i++)
		ok &= parse_hkey(ctx, config_setting_get_elem(g, i), hc);
	if (hc->name == NULL && ok) {
		cfg_rd_err(ctx, g, "check has no name; add name = \"<name>\"; "
		    "(instances track it with track_check)");
		ok = false;
	}
	if (hc->script == NULL && ok) {
		cfg_rd_err(ctx, g, "check %s has no script; add script = "
		    "\"<path>\";", hc->name);
		ok = false;
	}
	if (hc->timeout_ms == 0)
		hc->timeout_ms = hc->interval_ms;
	return ok;
}

/* A name given to an earlier check of the list. */
static const struct cfg_hcheck *
hcheck_named(const struct cfg *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->nchecks; i++)
		if (strcmp(c->checks[i].name, name) == 0)
			return &c->checks[i];
	return NULL;
}

/* Keep a good check; a repeated name is an error at its line. */
static bool
add_hcheck(struct cfg_rd *ctx, const config_setting_t *g, struct cfg *c,
    struct cfg_hcheck *hc)
{
	const struct cfg_hcheck	*first;

	if ((first = hcheck_named(c, hc->name)) != NULL) {
		cfg_rd_err(ctx, g, "check name '%s' is already used by the "
		    "check at %s:%d; give each check its own name", hc->name,
		    first->file, first->line);
		return false;
	}
	c->checks = xreallocarray(c->checks, c->nchecks + 1,
	    sizeof(*c->checks));
	c->checks[c->nchecks++] = *hc;
	return true;
}

bool
cfg_hcheck_parse(struct cfg_rd *ctx, const config_setting_t *s,
    struct cfg *c)
{
	const config_setting_t	*g;
	struct cfg_hcheck	 hc;
	unsigned		 i, n;
	bool			 ok = true;

	if (!config_setting_is_list(s)) {
		cfg_rd_err(ctx, s, "checks must be a list of groups, not %s; "
		    "write checks = ( { name = \"web\"; script = \"<path>\"; "
		    "}, ... );", cfg_rd_type_name(config_setting_type(s)));
		return false;
	}
	cfg_hchecks_free(c);
	n = (unsigned)config_setting_length(s);
	for (i = 0; i < n; i++) {
		g = config_setting_get_elem(s, i);
		if (!config_setting_is_group(g)) {
			cfg_rd_err(ctx, g, "check %u is %s, not a group; write "
			    "each check as { name = ...; script = ...; }",
			    i + 1, cfg_rd_type_name(config_setting_type(g)));
			ok = false;
			continue;
		}
		if (parse_hcheck(ctx, g, &hc) && add_hcheck(ctx, g, c, &hc))
			continue;
		free(hc.name);
		free(hc.script);
		free(hc.file);
		ok = false;
	}
	return ok;
}
