/*
 * cfg_value.c: one setting of the configuration file, read by its key's
 * type: libconfig's type (a number in quotes is told apart), the range
 * (on the literal as written, see cfg_lc.c), addresses, names, and the
 * files a value names: a script must be executable, a passfile is read
 * (and a password readable by others is warned about).
 */
#include "config.h"

#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carp_hmac.h"
#include "cfg_facility.h"
#include "cfg_fs.h"
#include "cfg_hcheck.h"
#include "cfg_mem.h"
#include "cfg_msg.h"
#include "cfg_value.h"
#include "log.h"
#include "xmalloc.h"

void
cfg_rd_err(struct cfg_rd *ctx, const config_setting_t *s, const char *fmt,
    ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cfg_errlist_vadd(&ctx->errs, cfg_lc_file(&ctx->lc, s), cfg_lc_line(s),
	    fmt, ap);
	va_end(ap);
}

const char *
cfg_rd_type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a float";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	case CONFIG_TYPE_GROUP:
		return "a group";
	default:
		return "nothing";
	}
}

/* Only decimal digits (or 0x and hex digits): a number in quotes. */
static bool
looks_numeric(const char *s)
{
	size_t	n;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		n = strspn(s + 2, "0123456789abcdefABCDEF") + 2;
	else
		n = strspn(s, "0123456789");
	return n > 0 && n <= 20 && s[n] == '\0';
}

/*
 * An integer setting's value as written; false (reported) if it does
 * not fit a long long.
 */
static bool
int_value(struct cfg_rd *ctx, const config_setting_t *s, long long min,
    long long max, long long *v, const char **text)
{
	const struct cfg_lit	*lit = config_setting_get_hook(s);

	*text = NULL;
	if (lit == NULL) {
		*v = config_setting_get_int64(s);
		return true;
	}
	*text = lit->text;
	if (lit->overflow) {
		cfg_rd_err(ctx, s, "%s %s is out of range; give a number from "
		    "%lld to %lld", config_setting_name(s), lit->text, min,
		    max);
		return false;
	}
	*v = lit->v;
	return true;
}

/* An integer setting within [min, max]. */
static bool
get_int(struct cfg_rd *ctx, const config_setting_t *s, long long min,
    long long max, long long *out)
{
	const char	*key = config_setting_name(s);
	const char	*str;
	long long	 v;
	int		 type = config_setting_type(s);

	if (type == CONFIG_TYPE_STRING &&
	    looks_numeric(str = config_setting_get_string(s))) {
		cfg_rd_err(ctx, s, "%s must be an integer, not a string; "
		    "remove the quotes: %s = %s;", key, key, str);
		return false;
	}
	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64) {
		cfg_rd_err(ctx, s, "%s must be an integer, not %s; give a "
		    "number from %lld to %lld", key, cfg_rd_type_name(type),
		    min, max);
		return false;
	}
	if (!int_value(ctx, s, min, max, &v, &str))
		return false;
	if (v < min || v > max) {
		if (str != NULL)
			cfg_rd_err(ctx, s, "%s %s is out of range; give a "
			    "number from %lld to %lld", key, str, min, max);
		else
			cfg_rd_err(ctx, s, "%s %lld is out of range; give a "
			    "number from %lld to %lld", key, v, min, max);
		return false;
	}
	*out = v;
	return true;
}

static bool
get_bool(struct cfg_rd *ctx, const config_setting_t *s, bool *out)
{
	const char	*key = config_setting_name(s);
	int		 type = config_setting_type(s);

	if (type != CONFIG_TYPE_BOOL) {
		cfg_rd_err(ctx, s, "%s must be true or false, not %s; "
		    "write %s = true; or %s = false;", key,
		    cfg_rd_type_name(type), key,
		    key);
		return false;
	}
	*out = config_setting_get_bool(s) != 0;
	return true;
}

/* A string setting; empty ones are refused unless allow_empty. */
static const char *
get_str(struct cfg_rd *ctx, const config_setting_t *s, bool allow_empty)
{
	const char	*key = config_setting_name(s);
	const char	*v;
	int		 type = config_setting_type(s);

	if (type != CONFIG_TYPE_STRING) {
		cfg_rd_err(ctx, s, "%s must be a string, not %s; put the value "
		    "in double quotes", key, cfg_rd_type_name(type));
		return NULL;
	}
	v = config_setting_get_string(s);
	if (*v == '\0' && !allow_empty) {
		cfg_rd_err(ctx, s, "%s is empty; give a value or remove the "
		    "line", key);
		return NULL;
	}
	return v;
}

/*
 * An address: IPv4 only (v6 false: no prefix either), or either family
 * with an optional "/len" whose range cfg_check() judges.
 */
static bool
get_addr(struct cfg_rd *ctx, const config_setting_t *s, const char *key,
    bool v6, struct carp_addr *out, const char **str)
{
	const char	*v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		cfg_rd_err(ctx, s, "%s must be an address in double quotes, "
		    "not %s; write it as \"a.b.c.d\"%s", key,
		    cfg_rd_type_name(config_setting_type(s)),
		    v6 ? " or \"x:x::x\"" : "");
		return false;
	}
	v = config_setting_get_string(s);
	if (!carp_addr_parse_any(v, out) || (!v6 &&
	    (out->family != CARP_AF_INET || out->prefix != CARP_PREFIX_NONE))) {
		if (v6)
			cfg_rd_err(ctx, s, "%s '%s' is not an IPv4 or IPv6 "
			    "address; write it as a.b.c.d or x:x::x%s", key, v,
			    strcmp(key, "addr") == 0 ? ", with an optional "
			    "/prefix" : "");
		else
			cfg_rd_err(ctx, s, "%s '%s' is not an IPv4 address; "
			    "write it as a.b.c.d", key, v);
		return false;
	}
	if (str != NULL)
		*str = v;
	return true;
}

/* A path from the file: relative ones are relative to its directory. */
static char *
resolve_path(struct cfg_rd *ctx, const char *p)
{
	char	*r;

	if (*p == '/')
		return xstrdup(p);
	xasprintf(&r, "%s/%s", ctx->base, p);
	return r;
}

/*
 * A file that holds a password and that other users may read: warn once
 * per file (not an error: the operator may have reasons).
 */
static void
warn_readable(struct cfg_rd *ctx, const char *file)
{
	char	*alt = NULL, *msg;

	if (ctx->out == NULL)
		return;
	if (file[0] != '/' && ctx->dir != NULL && access(file, F_OK) == -1) {
		xasprintf(&alt, "%s/%s", ctx->dir, file);
		file = alt;
	}
	if (cfg_fs_others_read(file)) {
		xasprintf(&msg, "%s: warning: holds a password and is readable "
		    "by other users; chmod o-r %s", file, file);
		cfg_errors_warn(ctx->out, msg);
	}
	free(alt);
}

/* A script: an executable regular file now, not at failover. */
static bool
parse_script(struct cfg_rd *ctx, const config_setting_t *s,
    const struct cfg_key *k, char **out)
{
	struct cfg_fs_result	 r;
	const char		*str;
	char			*path, *msg;

	if ((str = get_str(ctx, s, false)) == NULL)
		return false;
	path = resolve_path(ctx, str);
	r = cfg_fs_check_script(path);
	if ((msg = cfg_msg_script(k->name, path, r)) != NULL) {
		cfg_rd_err(ctx, s, "%s", msg);
		free(msg);
	}
	if (r.status != CFG_FS_OK) {
		free(path);
		return false;
	}
	free(*out);
	*out = path;
	return true;
}

/* The password is the first line of the file, its newline removed. */
static bool
parse_passfile(struct cfg_rd *ctx, const config_setting_t *s,
    struct cfg_instance *v)
{
	struct cfg_fs_result	 r;
	const char		*str;
	char			*path;

	if ((str = get_str(ctx, s, false)) == NULL)
		return false;
	path = resolve_path(ctx, str);
	r = cfg_fs_read_passfile(path, v->pass, CARP_PASS_MAX, &v->passlen);
	if (r.status == CFG_FS_OPEN || r.status == CFG_FS_READ)
		cfg_rd_err(ctx, s, "passfile %s: %s; give a readable file "
		    "whose first line is the password", path, strerror(r.err));
	else if (r.status == CFG_FS_EMPTY_FILE)
		cfg_rd_err(ctx, s, "passfile %s is empty; put the password on "
		    "its first line", path);
	else if (r.status == CFG_FS_EMPTY_LINE)
		cfg_rd_err(ctx, s, "passfile %s: the first line is empty; put "
		    "the password on the first line", path);
	else if (r.status == CFG_FS_TOO_LONG)
		cfg_rd_err(ctx, s, "passfile %s: the first line is %zu bytes "
		    "long, CARP allows at most %d; use a shorter password",
		    path, r.n, CARP_PASS_MAX);
	if (r.status != CFG_FS_OK) {
		free(path);
		return false;
	}
	v->passfile = path;
	warn_readable(ctx, path);
	return true;
}

static bool
parse_pass(struct cfg_rd *ctx, const config_setting_t *s,
    struct cfg_instance *v)
{
	const char	*str;

	if ((str = get_str(ctx, s, false)) == NULL)
		return false;
	if (config_setting_source_file(s) != NULL)
		warn_readable(ctx, config_setting_source_file(s));
	if (strlen(str) > CARP_PASS_MAX) {
		cfg_rd_err(ctx, s, "pass is %zu bytes long, CARP allows at "
		    "most %d; use a shorter password", strlen(str),
		    CARP_PASS_MAX);
		return false;
	}
	v->passlen = strlen(str);
	memcpy(v->pass, str, v->passlen);
	return true;
}

/*
 * One element of addr (added with its text) or of peer (no prefix, each
 * address once).
 */
static bool
add_addr_elem(struct cfg_rd *ctx, const config_setting_t *e, bool peer,
    struct cfg_instance *v)
{
	struct carp_addr	 a;
	const char		*str;

	if (!get_addr(ctx, e, peer ? "peer" : "addr", true, &a, &str))
		return false;
	if (!peer) {
		cfg_instance_add_addr(v, &a, str);
		return true;
	}
	if (a.prefix != CARP_PREFIX_NONE) {
		cfg_rd_err(ctx, e, "peer '%s' has a prefix; write the peer's "
		    "address alone", str);
		return false;
	}
	if (!cfg_peers_add(&v->peer, &a)) {
		cfg_rd_err(ctx, e, "peer lists '%s' twice; list each peer "
		    "once", str);
		return false;
	}
	return true;
}

/*
 * addr or peer: one address as a string, or a list (or array) of them.
 * An empty list is an error: an empty peer list must never mean multicast.
 */
static bool
parse_addrs(struct cfg_rd *ctx, const config_setting_t *s,
    const struct cfg_key *k, struct cfg_instance *v)
{
	int	type = config_setting_type(s), i, n;
	bool	peer = k->type == CFG_T_PEERS, ok = true;

	if (peer)
		cfg_peers_free(&v->peer);
	if (type == CONFIG_TYPE_STRING)
		return add_addr_elem(ctx, s, peer, v);
	if (type != CONFIG_TYPE_LIST && type != CONFIG_TYPE_ARRAY) {
		cfg_rd_err(ctx, s, "%s must be a string or a list of "
		    "strings, not %s; write %s = \"a.b.c.d\"; or %s = ( "
		    "\"a.b.c.d\", ... );", k->name, cfg_rd_type_name(type),
		    k->name, k->name);
		return false;
	}
	if ((n = config_setting_length(s)) == 0) {
		cfg_rd_err(ctx, s, "%s is an empty list; give at least one "
		    "address%s", k->name, peer ? " (or remove peer to send "
		    "adverts by multicast)" : "");
		return false;
	}
	for (i = 0; i < n; i++)
		if (!add_addr_elem(ctx, config_setting_get_elem(s,
		    (unsigned)i), peer, v))
			ok = false;
	return ok;
}

/* Control characters would garble the logs that show a name. */
static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static bool
parse_name(struct cfg_rd *ctx, const config_setting_t *s, char **out)
{
	const char	*str;

	if ((str = get_str(ctx, s, false)) == NULL)
		return false;
	if (has_control(str)) {
		cfg_rd_err(ctx, s, "name contains a control character; use "
		    "printable characters only");
		return false;
	}
	*out = xstrdup(str);
	return true;
}

/* One name of key's list (s may be an element: it has no name). */
static const char *
get_name(struct cfg_rd *ctx, const config_setting_t *s, const char *key)
{
	const char	*str;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		cfg_rd_err(ctx, s, "%s must list names in double quotes, not "
		    "%s; write %s = [\"a\", \"b\"];", key,
		    cfg_rd_type_name(config_setting_type(s)), key);
		return NULL;
	}
	str = config_setting_get_string(s);
	if (*str == '\0' || has_control(str)) {
		cfg_rd_err(ctx, s, "%s has an empty name or one with a control "
		    "character; use printable characters only", key);
		return NULL;
	}
	return str;
}

/* Whether list l already holds name. */
static bool
names_has(const struct cfg_names *l, const char *name)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0)
			return true;
	return false;
}

/* groups, track_check, track_interface: a name or a list of names. */
static bool
parse_names(struct cfg_rd *ctx, const config_setting_t *s,
    const struct cfg_key *k, struct cfg_names *out)
{
	const config_setting_t	*e;
	const char		*str;
	int			 type = config_setting_type(s), i, n;
	bool			 ok = true;

	cfg_names_free(out);
	if (type == CONFIG_TYPE_STRING) {
		if ((str = get_name(ctx, s, k->name)) == NULL)
			return false;
		cfg_names_add(out, str);
		return true;
	}
	if (type != CONFIG_TYPE_LIST && type != CONFIG_TYPE_ARRAY) {
		cfg_rd_err(ctx, s, "%s must be a name or a list of names, not "
		    "%s; write %s = [\"a\", \"b\"];", k->name,
		    cfg_rd_type_name(type), k->name);
		return false;
	}
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		if ((str = get_name(ctx, e, k->name)) == NULL)
			ok = false;
		else if (names_has(out, str)) {
			cfg_rd_err(ctx, e, "%s lists '%s' twice; list each "
			    "name once", k->name, str);
			ok = false;
		} else
			cfg_names_add(out, str);
	}
	return ok;
}

static bool
parse_facility(struct cfg_rd *ctx, const config_setting_t *s, int *out)
{
	const char	*str, *hint;
	int		 fac;

	if ((str = get_str(ctx, s, false)) == NULL)
		return false;
	if ((fac = cfg_facility_parse(str)) != CFG_FACILITY_UNKNOWN) {
		*out = fac;
		return true;
	}
	if ((hint = cfg_suggest(str, cfg_facility_names())) != NULL)
		cfg_rd_err(ctx, s, "unknown facility '%s'; did you mean '%s'?",
		    str, hint);
	else
		cfg_rd_err(ctx, s, "unknown facility '%s'; give a syslog "
		    "facility such as daemon or local0 to local7, or none",
		    str);
	return false;
}

/* Seconds, integer or not, above 0 and at most an hour; kept in ms. */
static bool
parse_seconds(struct cfg_rd *ctx, const config_setting_t *s,
    const struct cfg_key *k, uint32_t *out)
{
	const char	*text = NULL;
	long long	 n;
	double		 sec;
	int		 type = config_setting_type(s);
	int		 max = (int)(k->max / 1000);
	bool		 zero_ok = k->min == 0;	/* 0: off */

	if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
		if (!int_value(ctx, s, zero_ok ? 0 : 1, max, &n, &text))
			return false;
		sec = (double)n;
	} else if (type == CONFIG_TYPE_FLOAT)
		sec = config_setting_get_float(s);
	else {
		cfg_rd_err(ctx, s, "%s must be a number of seconds, not %s; "
		    "write %s = 60;", k->name, cfg_rd_type_name(type), k->name);
		return false;
	}
	if ((zero_ok ? !(sec >= 0) : !(sec > 0)) || sec > max) {
		if (text != NULL)
			cfg_rd_err(ctx, s, "%s %s is out of range; give a "
			    "number of seconds %s %d", k->name, text,
			    zero_ok ? "from 0 to" : "above 0 and at most", max);
		else
			cfg_rd_err(ctx, s, "%s %g is out of range; give a "
			    "number of seconds %s %d", k->name, sec,
			    zero_ok ? "from 0 to" : "above 0 and at most", max);
		return false;
	}
	if (sec * 1000 + 0.5 < 1 && !(zero_ok && sec == 0)) {
		cfg_rd_err(ctx, s, "%s %g is below a millisecond; give at "
		    "least 0.001", k->name, sec);
		return false;
	}
	*out = (uint32_t)(sec * 1000 + 0.5);
	return true;
}


/* An IPv4 key (into 4 bytes) or an address key of either family. */
static bool
parse_addr(struct cfg_rd *ctx, const config_setting_t *s,
    const struct cfg_key *k, void *out)
{
	struct carp_addr	a;
	char			buf[CARP_ADDR_STRLEN];

	if (!get_addr(ctx, s, k->name, k->type == CFG_T_ADDR, &a, NULL))
		return false;
	if (a.prefix != CARP_PREFIX_NONE) {
		cfg_rd_err(ctx, s, "%s '%s' has a prefix length; give the "
		    "address alone", k->name, config_setting_get_string(s));
		return false;
	}
	if ((k->flags & CFG_F_NONZERO) && carp_addr_is_zero(&a)) {
		cfg_rd_err(ctx, s, "%s %s is not a usable source address; "
		    "give this host's own address", k->name,
		    carp_addr_fmt(&a, buf));
		return false;
	}
	if (k->type == CFG_T_ADDR)
		*(struct carp_addr *)out = a;
	else
		memcpy(out, a.a, 4);
	return true;
}

static bool
parse_number(struct cfg_rd *ctx, const config_setting_t *s,
    const struct cfg_key *k, void *p)
{
	long long	n;

	if (!get_int(ctx, s, k->min, k->max, &n))
		return false;
	if (k->type == CFG_T_U8)
		*(uint8_t *)p = (uint8_t)n;
	else
		*(uint32_t *)p = (uint32_t)n;
	return true;
}

static bool
parse_string(struct cfg_rd *ctx, const config_setting_t *s,
    const struct cfg_key *k, char **out)
{
	const char	*str;

	if ((str = get_str(ctx, s, (k->flags & CFG_F_EMPTY_OK) != 0)) == NULL)
		return false;
	free(*out);
	*out = k->type == CFG_T_PATH ? resolve_path(ctx, str) : xstrdup(str);
	return true;
}

bool
cfg_rd_key(struct cfg_rd *ctx, const config_setting_t *s,
    const struct cfg_key *k, void *obj)
{
	void	*p = cfg_key_ptr(k, obj);

	switch (k->type) {
	case CFG_T_NAME:
		return parse_name(ctx, s, p);
	case CFG_T_STRING:
	case CFG_T_PATH:
		return parse_string(ctx, s, k, p);
	case CFG_T_IPV4:
	case CFG_T_ADDR:
		return parse_addr(ctx, s, k, p);
	case CFG_T_U8:
	case CFG_T_U32:
		return parse_number(ctx, s, k, p);
	case CFG_T_BOOL:
		return get_bool(ctx, s, p);
	case CFG_T_SECRET:
		return parse_pass(ctx, s, obj);
	case CFG_T_PASSFILE:
		return parse_passfile(ctx, s, obj);
	case CFG_T_ADDRLIST:
	case CFG_T_PEERS:
		return parse_addrs(ctx, s, k, obj);
	case CFG_T_SCRIPT:
		return parse_script(ctx, s, k, p);
	case CFG_T_FACILITY:
		return parse_facility(ctx, s, p);
	case CFG_T_SECONDS:
		return parse_seconds(ctx, s, k, p);
	case CFG_T_NAMES:
		return parse_names(ctx, s, k, p);
	case CFG_T_CHECKS:
		return cfg_hcheck_parse(ctx, s, obj);
	case CFG_T_NONE:
		break;
	}
	return false;
}

