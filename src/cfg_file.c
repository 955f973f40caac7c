/*
 * cfg_file.c: the configuration file (libconfig) into a struct cfg, by
 * walking the key table (cfg_keys.c).
 *
 * Keys are the legacy long option names.  A "defaults" group gives any
 * instance key to every instance; each group of the "instances" list is
 * one vhost; a few global settings sit at the top level.
 *
 * Everything is checked before anything runs, and every problem is
 * reported, not just the first: types, ranges and files while reading
 * each setting (at the setting's line; a bad default is reported once),
 * then the rules about values together in cfg_check().  A key whose
 * setting was wrong is not checked again, so one mistake gives one
 * message.  Messages read "FILE:LINE: what is wrong; what to do"; they
 * are collected in cfg_err.c, and libconfig's defects are worked around
 * in cfg_lc.c.
 */
#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carp_hmac.h"
#include "cfg_check.h"
#include "cfg_err.h"
#include "cfg_facility.h"
#include "cfg_file.h"
#include "cfg_fs.h"
#include "cfg_keys.h"
#include "cfg_lc.h"
#include "cfg_mem.h"
#include "cfg_msg.h"
#include "log.h"
#include "xmalloc.h"

#define KEY_IDX(k)	((size_t)((k) - cfg_keys))

/*
 * A group of instance keys (the defaults or one instance): where each key
 * is set, whether its value was wrong, and the values that were right.
 */
struct cfg_block {
	const config_setting_t	*set[CFG_NKEYS_MAX];
	bool			 bad[CFG_NKEYS_MAX];
	struct cfg_vhost	*v;
};

struct cfg_ctx {
	const char		*path;
	char			*dir;	/* of path, for @include; NULL: none */
	char			*base;	/* absolute, for relative paths */
	struct cfg_errlist	 errs;
	struct cfg_lc		 lc;
	struct cfg_block	 defaults;
	struct cfg_block	*blocks;	/* one per c->vhosts[i] */
	size_t			 nblocks, cap;
	size_t			 last;	/* the block cfg_check_cb last used */
	struct cfg		*c;
	struct cfg_errors	*out;	/* where warnings go */
};

static void	cfg_err(struct cfg_ctx *, const config_setting_t *,
		    const char *, ...) __attribute__((format(printf, 3, 4)));

/* A problem with setting s, at the file and line it was written. */
static void
cfg_err(struct cfg_ctx *ctx, const config_setting_t *s, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cfg_errlist_vadd(&ctx->errs, cfg_lc_file(&ctx->lc, s), cfg_lc_line(s),
	    fmt, ap);
	va_end(ap);
}

/* The names of the keys of one scope, for suggestions; NULL-terminated. */
static const char *const *
key_words(unsigned scope)
{
	static const char	*inst[CFG_NKEYS_MAX + 1];
	static const char	*glob[CFG_NKEYS_MAX + 3] = { "defaults",
				    "instances" };
	const char		**w = scope == CFG_S_GLOBAL ? glob : inst;
	size_t			 i, n = scope == CFG_S_GLOBAL ? 2 : 0;

	if (w[n] != NULL)
		return w;
	for (i = 0; i < cfg_nkeys; i++)
		if (cfg_keys[i].name != NULL && (cfg_keys[i].scope & scope))
			w[n++] = cfg_keys[i].name;
	return w;
}

/* A top-level name: a global setting, defaults or instances. */
static bool
is_global(const char *key)
{
	const struct cfg_key	*k = cfg_key_find(key);

	return (k != NULL && k->scope == CFG_S_GLOBAL) ||
	    strcmp(key, "defaults") == 0 || strcmp(key, "instances") == 0;
}

static const char *
type_name(int type)
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
int_value(struct cfg_ctx *ctx, const config_setting_t *s, long long min,
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
		cfg_err(ctx, s, "%s %s is out of range; give a number from "
		    "%lld to %lld", config_setting_name(s), lit->text, min,
		    max);
		return false;
	}
	*v = lit->v;
	return true;
}

/* An integer setting within [min, max]. */
static bool
get_int(struct cfg_ctx *ctx, const config_setting_t *s, long long min,
    long long max, long long *out)
{
	const char	*key = config_setting_name(s);
	const char	*str;
	long long	 v;
	int		 type = config_setting_type(s);

	if (type == CONFIG_TYPE_STRING &&
	    looks_numeric(str = config_setting_get_string(s))) {
		cfg_err(ctx, s, "%s must be an integer, not a string; remove "
		    "the quotes: %s = %s;", key, key, str);
		return false;
	}
	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64) {
		cfg_err(ctx, s, "%s must be an integer, not %s; give a number "
		    "from %lld to %lld", key, type_name(type), min, max);
		return false;
	}
	if (!int_value(ctx, s, min, max, &v, &str))
		return false;
	if (v < min || v > max) {
		if (str != NULL)
			cfg_err(ctx, s, "%s %s is out of range; give a number "
			    "from %lld to %lld", key, str, min, max);
		else
			cfg_err(ctx, s, "%s %lld is out of range; give a number "
			    "from %lld to %lld", key, v, min, max);
		return false;
	}
	*out = v;
	return true;
}

static bool
get_bool(struct cfg_ctx *ctx, const config_setting_t *s, bool *out)
{
	const char	*key = config_setting_name(s);
	int		 type = config_setting_type(s);

	if (type != CONFIG_TYPE_BOOL) {
		cfg_err(ctx, s, "%s must be true or false, not %s; write "
		    "%s = true; or %s = false;", key, type_name(type), key,
		    key);
		return false;
	}
	*out = config_setting_get_bool(s) != 0;
	return true;
}

/* A string setting; empty ones are refused unless allow_empty. */
static const char *
get_str(struct cfg_ctx *ctx, const config_setting_t *s, bool allow_empty)
{
	const char	*key = config_setting_name(s);
	const char	*v;
	int		 type = config_setting_type(s);

	if (type != CONFIG_TYPE_STRING) {
		cfg_err(ctx, s, "%s must be a string, not %s; put the value in "
		    "double quotes", key, type_name(type));
		return NULL;
	}
	v = config_setting_get_string(s);
	if (*v == '\0' && !allow_empty) {
		cfg_err(ctx, s, "%s is empty; give a value or remove the line",
		    key);
		return NULL;
	}
	return v;
}

static bool
get_ipv4(struct cfg_ctx *ctx, const config_setting_t *s, const char *key,
    uint8_t out[4], const char **str)
{
	struct in_addr	 a;
	const char	*v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		cfg_err(ctx, s, "%s must be an address in double quotes, not "
		    "%s; write it as \"a.b.c.d\"", key,
		    type_name(config_setting_type(s)));
		return false;
	}
	v = config_setting_get_string(s);
	if (inet_pton(AF_INET, v, &a) != 1) {
		cfg_err(ctx, s, "%s '%s' is not an IPv4 address; write it as "
		    "a.b.c.d", key, v);
		return false;
	}
	memcpy(out, &a, 4);
	if (str != NULL)
		*str = v;
	return true;
}

/* A path from the file: relative ones are relative to its directory. */
static char *
resolve_path(struct cfg_ctx *ctx, const char *p)
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
warn_readable(struct cfg_ctx *ctx, const char *file)
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
parse_script(struct cfg_ctx *ctx, const config_setting_t *s,
    const struct cfg_key *k, char **out)
{
	struct cfg_fs_result	 r;
	const char		*str;
	char			*path;

	if ((str = get_str(ctx, s, false)) == NULL)
		return false;
	path = resolve_path(ctx, str);
	r = cfg_fs_check_script(path);
	if (r.status == CFG_FS_OPEN)
		cfg_err(ctx, s, "%s %s: %s; give the path of an executable "
		    "script", k->name, path, strerror(r.err));
	else if (r.status == CFG_FS_NOT_REGULAR)
		cfg_err(ctx, s, "%s %s: not a regular file; give the path of "
		    "an executable script", k->name, path);
	else if (r.status == CFG_FS_NOT_EXEC)
		cfg_err(ctx, s, "%s %s: %s; make it executable (chmod +x) or "
		    "give another script", k->name, path, strerror(r.err));
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
parse_passfile(struct cfg_ctx *ctx, const config_setting_t *s,
    struct cfg_vhost *v)
{
	struct cfg_fs_result	 r;
	const char		*str;
	char			*path;

	if ((str = get_str(ctx, s, false)) == NULL)
		return false;
	path = resolve_path(ctx, str);
	r = cfg_fs_read_passfile(path, v->pass, CARP_PASS_MAX, &v->passlen);
	if (r.status == CFG_FS_OPEN || r.status == CFG_FS_READ)
		cfg_err(ctx, s, "passfile %s: %s; give a readable file whose "
		    "first line is the password", path, strerror(r.err));
	else if (r.status == CFG_FS_EMPTY_FILE)
		cfg_err(ctx, s, "passfile %s is empty; put the password on its "
		    "first line", path);
	else if (r.status == CFG_FS_EMPTY_LINE)
		cfg_err(ctx, s, "passfile %s: the first line is empty; put the "
		    "password on the first line", path);
	else if (r.status == CFG_FS_TOO_LONG)
		cfg_err(ctx, s, "passfile %s: the first line is %zu bytes long, "
		    "CARP allows at most %d; use a shorter password", path, r.n,
		    CARP_PASS_MAX);
	if (r.status != CFG_FS_OK) {
		free(path);
		return false;
	}
	v->passfile = path;
	warn_readable(ctx, path);
	return true;
}

static bool
parse_pass(struct cfg_ctx *ctx, const config_setting_t *s,
    struct cfg_vhost *v)
{
	const char	*str;

	if ((str = get_str(ctx, s, false)) == NULL)
		return false;
	if (config_setting_source_file(s) != NULL)
		warn_readable(ctx, config_setting_source_file(s));
	if (strlen(str) > CARP_PASS_MAX) {
		cfg_err(ctx, s, "pass is %zu bytes long, CARP allows at most "
		    "%d; use a shorter password", strlen(str), CARP_PASS_MAX);
		return false;
	}
	v->passlen = strlen(str);
	memcpy(v->pass, str, v->passlen);
	return true;
}

/* addr: one address as a string, or a list (or array) of them. */
static bool
parse_addrs(struct cfg_ctx *ctx, const config_setting_t *s,
    struct cfg_vhost *v)
{
	const config_setting_t	*e;
	const char		*str;
	uint8_t			 a[4];
	int			 type = config_setting_type(s), i, n;
	bool			 ok = true;

	if (type == CONFIG_TYPE_STRING) {
		if (!get_ipv4(ctx, s, "addr", a, &str))
			return false;
		cfg_vhost_add_addr(v, a, str);
		return true;
	}
	if (type != CONFIG_TYPE_LIST && type != CONFIG_TYPE_ARRAY) {
		cfg_err(ctx, s, "addr must be a string or a list of strings, "
		    "not %s; write addr = \"a.b.c.d\"; or "
		    "addr = ( \"a.b.c.d\", ... );", type_name(type));
		return false;
	}
	if ((n = config_setting_length(s)) == 0) {
		cfg_err(ctx, s, "addr is an empty list; give at least one "
		    "address");
		return false;
	}
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		if (get_ipv4(ctx, e, "addr", a, &str))
			cfg_vhost_add_addr(v, a, str);
		else
			ok = false;
	}
	return ok;
}

/* Control characters would garble the logs that show the name. */
static bool
parse_name(struct cfg_ctx *ctx, const config_setting_t *s, char **out)
{
	const char	*str;
	const char	*p;

	if ((str = get_str(ctx, s, false)) == NULL)
		return false;
	for (p = str; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			cfg_err(ctx, s, "name contains a control character; "
			    "use printable characters only");
			return false;
		}
	*out = xstrdup(str);
	return true;
}

static bool
parse_facility(struct cfg_ctx *ctx, const config_setting_t *s, int *out)
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
		cfg_err(ctx, s, "unknown facility '%s'; did you mean '%s'?",
		    str, hint);
	else
		cfg_err(ctx, s, "unknown facility '%s'; give a syslog facility "
		    "such as daemon or local0 to local7, or none", str);
	return false;
}

/* Seconds, integer or not, above 0 and at most an hour; kept in ms. */
static bool
parse_seconds(struct cfg_ctx *ctx, const config_setting_t *s,
    const struct cfg_key *k, uint32_t *out)
{
	const char	*text = NULL;
	long long	 n;
	double		 sec;
	int		 type = config_setting_type(s);
	int		 max = (int)(k->max / 1000);

	if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
		if (!int_value(ctx, s, 1, max, &n, &text))
			return false;
		sec = (double)n;
	} else if (type == CONFIG_TYPE_FLOAT)
		sec = config_setting_get_float(s);
	else {
		cfg_err(ctx, s, "%s must be a number of seconds, not %s; "
		    "write %s = 60;", k->name, type_name(type), k->name);
		return false;
	}
	if ((!(sec > 0) || sec > max) && text != NULL) {
		cfg_err(ctx, s, "%s %s is out of range; give a number of "
		    "seconds above 0 and at most %d", k->name, text, max);
		return false;
	}
	if (!(sec > 0) || sec > max) {
		cfg_err(ctx, s, "%s %g is out of range; give a number of "
		    "seconds above 0 and at most %d", k->name, sec, max);
		return false;
	}
	if (sec * 1000 + 0.5 < 1) {
		cfg_err(ctx, s, "%s %g is below a millisecond; give at "
		    "least 0.001", k->name, sec);
		return false;
	}
	*out = (uint32_t)(sec * 1000 + 0.5);
	return true;
}


static bool
parse_ipv4(struct cfg_ctx *ctx, const config_setting_t *s,
    const struct cfg_key *k, uint8_t *out)
{
	uint8_t	a[4];

	if (!get_ipv4(ctx, s, k->name, a, NULL))
		return false;
	if ((k->flags & CFG_F_NONZERO) &&
	    a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0) {
		cfg_err(ctx, s, "%s 0.0.0.0 is not a usable source address; "
		    "give this host's own address", k->name);
		return false;
	}
	memcpy(out, a, 4);
	return true;
}

static bool
parse_number(struct cfg_ctx *ctx, const config_setting_t *s,
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
parse_string(struct cfg_ctx *ctx, const config_setting_t *s,
    const struct cfg_key *k, char **out)
{
	const char	*str;

	if ((str = get_str(ctx, s, (k->flags & CFG_F_EMPTY_OK) != 0)) == NULL)
		return false;
	free(*out);
	*out = k->type == CFG_T_PATH ? resolve_path(ctx, str) : xstrdup(str);
	return true;
}

/*
 * One key into obj (the block's vhost, or the cfg for a global), by its
 * type; false (reported) if its value is wrong.
 */
static bool
parse_key(struct cfg_ctx *ctx, const config_setting_t *s,
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
		return parse_ipv4(ctx, s, k, p);
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
		return parse_addrs(ctx, s, obj);
	case CFG_T_SCRIPT:
		return parse_script(ctx, s, k, p);
	case CFG_T_FACILITY:
		return parse_facility(ctx, s, p);
	case CFG_T_SECONDS:
		return parse_seconds(ctx, s, k, p);
	case CFG_T_NONE:
		break;
	}
	return false;
}

/* A key that has no place in a block: say where it belongs. */
static void
misplaced_key(struct cfg_ctx *ctx, const config_setting_t *s,
    const char *key, bool is_defaults)
{
	const char	*where = is_defaults ? "defaults" : "instance", *hint;

	if (is_global(key))
		cfg_err(ctx, s, "'%s' is a global setting, not an instance key; "
		    "move it to the top level", key);
	else if ((hint = cfg_suggest(key, key_words(CFG_S_INSTANCE))) != NULL)
		cfg_err(ctx, s, "unknown key '%s' in %s; did you mean '%s'?",
		    key, where, hint);
	else
		cfg_err(ctx, s, "unknown key '%s' in %s; see ucarp.conf(5) for "
		    "the keys", key, where);
}

/* pass and passfile are one choice: both in one block is an error. */
static void
check_pass_choice(struct cfg_ctx *ctx, struct cfg_block *b,
    bool is_defaults)
{
	size_t			 ip = KEY_IDX(cfg_key_find("pass"));
	size_t			 ipf = KEY_IDX(cfg_key_find("passfile"));
	const config_setting_t	*s;

	if (b->set[ip] == NULL || b->set[ipf] == NULL)
		return;
	s = b->set[ip];
	if (config_setting_source_line(b->set[ipf]) >
	    config_setting_source_line(s))
		s = b->set[ipf];
	cfg_err(ctx, s, "both pass and passfile are given in %s; keep only one "
	    "of them", is_defaults ? "defaults" : "instance");
	b->bad[ip] = b->bad[ipf] = true;
}

/* Read the defaults or one instance into b. */
static void
parse_block(struct cfg_ctx *ctx, const config_setting_t *group,
    bool is_defaults, struct cfg_block *b)
{
	const struct cfg_key	*k;
	const config_setting_t	*s;
	const char		*key;
	unsigned		 i, n;

	memset(b, 0, sizeof(*b));
	b->v = cfg_vhost_new();
	n = (unsigned)config_setting_length(group);
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(group, i);
		key = config_setting_name(s);
		if ((k = cfg_key_find(key)) == NULL ||
		    !cfg_key_is_instance(k)) {
			misplaced_key(ctx, s, key, is_defaults);
			continue;
		}
		if (is_defaults && !(k->scope & CFG_S_DEFAULTS)) {
			cfg_err(ctx, s, "%s cannot be a default; give each "
			    "instance its own %s", key, key);
			continue;
		}
		b->set[KEY_IDX(k)] = s;
		if (!parse_key(ctx, s, k, b->v))
			b->bad[KEY_IDX(k)] = true;
	}
	check_pass_choice(ctx, b, is_defaults);
}

/*
 * The block a key of an instance comes from: the instance, else the
 * defaults.  pass and passfile are one choice: an instance giving either
 * replaces the defaults' password.
 */
static const struct cfg_block *
key_src(const struct cfg_ctx *ctx, const struct cfg_block *in,
    const struct cfg_key *k)
{
	const struct cfg_block	*d = &ctx->defaults;
	size_t			 i = KEY_IDX(k), ip, ipf;

	if (k->type == CFG_T_SECRET || k->type == CFG_T_PASSFILE) {
		ip = KEY_IDX(cfg_key_find("pass"));
		ipf = KEY_IDX(cfg_key_find("passfile"));
		if (in->set[ip] != NULL || in->set[ipf] != NULL)
			return in;
		if (d->set[ip] != NULL || d->set[ipf] != NULL)
			return d;
		return NULL;
	}
	if (in->set[i] != NULL)
		return in;
	if (d->set[i] != NULL)
		return d;
	return NULL;
}

/* Whether key k of block b was wrong (for a password: either key). */
static bool
key_bad(const struct cfg_block *b, const struct cfg_key *k)
{
	if (k->type == CFG_T_SECRET || k->type == CFG_T_PASSFILE)
		return b->bad[KEY_IDX(cfg_key_find("pass"))] ||
		    b->bad[KEY_IDX(cfg_key_find("passfile"))];
	return b->bad[KEY_IDX(k)];
}

/* One group of the instances list: its keys over the defaults. */
static void
load_instance(struct cfg_ctx *ctx, const config_setting_t *group)
{
	struct cfg_block	*in;
	const struct cfg_block	*src;
	const struct cfg_key	*k;
	struct cfg_vhost	*cv;
	size_t			 i;

	if (ctx->nblocks == ctx->cap) {
		ctx->cap = ctx->cap == 0 ? 8 : 2 * ctx->cap;
		ctx->blocks = xreallocarray(ctx->blocks, ctx->cap,
		    sizeof(*ctx->blocks));
	}
	in = &ctx->blocks[ctx->nblocks++];
	parse_block(ctx, group, false, in);

	cv = cfg_vhost_new();
	cv->file = xstrdup(cfg_lc_file(&ctx->lc, group));
	cv->line = cfg_lc_line(group);
	for (i = 0; i < cfg_nkeys; i++) {
		k = &cfg_keys[i];
		if (!cfg_key_is_instance(k) || k->type == CFG_T_PASSFILE)
			continue;	/* copied with the password */
		if ((src = key_src(ctx, in, k)) == NULL || key_bad(src, k))
			continue;
		cfg_key_copy(k, cv, src->v);
		if (k->type == CFG_T_SECRET)
			cfg_key_copy(cfg_key_find("passfile"), cv, src->v);
	}
	cfg_add_vhost(ctx->c, cv);
}

/* The block of instance cv: problems come in order, so look near last. */
static const struct cfg_block *
block_of(struct cfg_ctx *ctx, const struct cfg_vhost *cv)
{
	size_t	i;

	if (ctx->last < ctx->c->nvhosts && ctx->c->vhosts[ctx->last] == cv)
		return &ctx->blocks[ctx->last];
	for (i = 0; i < ctx->c->nvhosts; i++)
		if (ctx->c->vhosts[i] == cv) {
			ctx->last = i;
			return &ctx->blocks[i];
		}
	return NULL;
}

/*
 * A problem cfg_check() found: shown at the line of the setting it is
 * about (the instance's, or the default's), or at the instance for a
 * missing key.  Dropped if that setting was already reported as wrong.
 */
static void
cfg_check_cb(void *arg, const struct cfg_problem *p)
{
	struct cfg_ctx		*ctx = arg;
	const struct cfg_block	*in, *src;
	const config_setting_t	*s = NULL;
	char			*msg;
	size_t			 ip;

	if ((in = block_of(ctx, p->cv)) != NULL && p->key != NULL &&
	    (src = key_src(ctx, in, p->key)) != NULL) {
		if (key_bad(src, p->key))
			return;
		s = src->set[KEY_IDX(p->key)];
		if (p->key->type == CFG_T_SECRET && s == NULL) {
			ip = KEY_IDX(cfg_key_find("passfile"));
			s = src->set[ip];
		}
	}
	msg = cfg_msg_file(p);
	if (s != NULL)
		cfg_errlist_add(&ctx->errs, cfg_lc_file(&ctx->lc, s),
		    cfg_lc_line(s), "%s", msg);
	else
		cfg_errlist_add(&ctx->errs, p->cv->file, p->cv->line, "%s",
		    msg);
	free(msg);
}

/* A setting at the top level: a global, or a key out of place. */
static void
load_top(struct cfg_ctx *ctx, const config_setting_t *s)
{
	const struct cfg_key	*k;
	const char		*key = config_setting_name(s), *hint;

	if ((k = cfg_key_find(key)) != NULL && k->scope == CFG_S_GLOBAL)
		parse_key(ctx, s, k, ctx->c);
	else if (k != NULL && cfg_key_is_instance(k))
		cfg_err(ctx, s, "'%s' is an instance key; put it in an "
		    "instance or in defaults", key);
	else if ((hint = cfg_suggest(key, key_words(CFG_S_GLOBAL))) != NULL)
		cfg_err(ctx, s, "unknown key '%s' at the top level; did you "
		    "mean '%s'?", key, hint);
	else
		cfg_err(ctx, s, "unknown key '%s' at the top level; see "
		    "ucarp.conf(5) for the keys", key);
}

static void
load_instances(struct cfg_ctx *ctx, const config_setting_t *instances)
{
	const config_setting_t	*e;
	unsigned		 i, n;

	if (instances == NULL) {
		/* At the last line: where the list is usually added. */
		cfg_errlist_add(&ctx->errs, ctx->path,
		    cfg_lc_last_line(&ctx->lc, ctx->path), "no instances; add "
		    "instances = ( { ... } ); (see ucarp.conf(5))");
		return;
	}
	if (!config_setting_is_list(instances)) {
		cfg_err(ctx, instances, "instances must be a list of groups, "
		    "not %s; write instances = ( { ... }, { ... } );",
		    type_name(config_setting_type(instances)));
		return;
	}
	if ((n = (unsigned)config_setting_length(instances)) == 0)
		cfg_err(ctx, instances, "instances is empty; add at least one "
		    "instance { ... }");
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(instances, i);
		if (config_setting_is_group(e))
			load_instance(ctx, e);
		else
			cfg_err(ctx, e, "instance %u is %s, not a group; write "
			    "each instance as { key = value; ... }", i + 1,
			    type_name(config_setting_type(e)));
	}
}

/* The top level: globals and defaults first, then the instances. */
static void
load_root(struct cfg_ctx *ctx, const config_setting_t *root)
{
	const config_setting_t	*s, *defaults = NULL, *instances = NULL;
	const char		*key;
	unsigned		 i, n;

	n = (unsigned)config_setting_length(root);
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(root, i);
		key = config_setting_name(s);
		if (strcmp(key, "defaults") == 0)
			defaults = s;
		else if (strcmp(key, "instances") == 0)
			instances = s;
		else
			load_top(ctx, s);
	}
	if (defaults != NULL && !config_setting_is_group(defaults))
		cfg_err(ctx, defaults, "defaults must be a group, not %s; "
		    "write defaults = { key = value; ... };",
		    type_name(config_setting_type(defaults)));
	else if (defaults != NULL)
		parse_block(ctx, defaults, true, &ctx->defaults);
	load_instances(ctx, instances);
}

/* libconfig stops at its first error; say it in our words. */
static void
syntax_error(struct cfg_ctx *ctx, const config_t *lc)
{
	const char	*file, *text;
	int		 line;

	file = cfg_lc_name(&ctx->lc, config_error_file(lc));
	line = config_error_line(lc);
	text = config_error_text(lc);
	if (text == NULL)
		text = "unknown error";
	if (config_error_type(lc) == CONFIG_ERR_FILE_IO)
		cfg_errlist_add(&ctx->errs, file, line, "cannot read: %s; create it (see "
		    "ucarp.conf(5)) or give another with -c", text);
	else if (strcmp(text, "syntax error") == 0)
		cfg_errlist_add(&ctx->errs, file, line, "syntax error; fix the syntax "
		    "(see ucarp.conf(5))");
	else if (strcmp(text, "duplicate setting name") == 0)
		cfg_errlist_add(&ctx->errs, file, line, "syntax error: duplicate setting "
		    "name; give each key once per group");
	else if (strstr(text, "include") != NULL)
		cfg_errlist_add(&ctx->errs, file, line, "%s; check the path after @include "
		    "(relative to the directory of %s)", text, ctx->path);
	else
		cfg_errlist_add(&ctx->errs, file, line, "syntax error: %s; fix the syntax",
		    text);
}

/*
 * The file must exist and be a readable regular file; each cause has its
 * own remedy (a directory is not created, a permission is not a typo).
 * stat first: opening a FIFO would block.
 */
static bool
check_readable(struct cfg_ctx *ctx)
{
	struct stat	 st;
	FILE		*f;
	const char	*p = ctx->path;
	int		 err = 0;

	if (stat(p, &st) == -1)
		err = errno;
	else if (S_ISDIR(st.st_mode)) {
		cfg_errlist_add(&ctx->errs, p, 0, "cannot read: %s; give the "
		    "path of a configuration file, not a directory, with -c",
		    strerror(EISDIR));
		return false;
	} else if (!S_ISREG(st.st_mode)) {
		cfg_errlist_add(&ctx->errs, p, 0, "cannot read: not a regular "
		    "file; give the path of a configuration file with -c");
		return false;
	} else if ((f = fopen(p, "r")) == NULL)
		err = errno;
	else
		fclose(f);
	if (err == 0)
		return true;
	if (err == ENOENT)
		cfg_errlist_add(&ctx->errs, p, 0, "cannot read: %s; create it "
		    "(see ucarp.conf(5)) or give another with -c",
		    strerror(err));
	else if (err == EACCES)
		cfg_errlist_add(&ctx->errs, p, 0, "cannot read: %s; let the "
		    "user ucarp runs as read it (ls -l, chmod, chown) or give "
		    "another with -c", strerror(err));
	else
		cfg_errlist_add(&ctx->errs, p, 0, "cannot read: %s; check the "
		    "path and the file system, or give another with -c",
		    strerror(err));
	return false;
}

/* Where @include and relative paths start from: the file's directory. */
static void
set_dirs(struct cfg_ctx *ctx)
{
	const char	*slash;

	if ((slash = strrchr(ctx->path, '/')) != NULL)
		ctx->dir = slash == ctx->path ? xstrdup("/") :
		    strndup(ctx->path, (size_t)(slash - ctx->path));
	if (slash != NULL && ctx->dir == NULL)
		fatal("out of memory copying a string");
	if ((ctx->base = realpath(ctx->dir != NULL ? ctx->dir : ".",
	    NULL)) == NULL)
		ctx->base = xstrdup(ctx->dir != NULL ? ctx->dir : ".");
}

static void
ctx_free(struct cfg_ctx *ctx)
{
	size_t	i;

	cfg_errlist_free(&ctx->errs);
	for (i = 0; i < ctx->nblocks; i++)
		cfg_vhost_free(ctx->blocks[i].v);
	free(ctx->blocks);
	cfg_vhost_free(ctx->defaults.v);
	cfg_lc_free(&ctx->lc);
	free(ctx->dir);
	free(ctx->base);
}

/* libconfig's parse, then the schema walk and the checks. */
static struct cfg *
load_parsed(struct cfg_ctx *ctx, config_t *lc)
{
	struct cfg_check_slot	*slots;
	struct cfg		*c;

	cfg_lc_hook_literals(&ctx->lc, config_root_setting(lc));
	c = ctx->c = cfg_new();
	load_root(ctx, config_root_setting(lc));
	slots = xreallocarray(NULL, c->nvhosts + 1, sizeof(*slots));
	cfg_check(c, slots, cfg_check_cb, ctx);
	free(slots);
	return c;
}

struct cfg *
cfg_file_load(const char *path, struct cfg_errors *errs)
{
	struct cfg_ctx	 ctx;
	config_t	 lc;
	struct cfg	*c = NULL;

	memset(&ctx, 0, sizeof(ctx));
	ctx.path = ctx.errs.path = ctx.lc.path = path;
	ctx.lc.errs = &ctx.errs;
	ctx.out = errs;
	if (!check_readable(&ctx)) {
		cfg_errlist_flush(&ctx.errs, errs);
		ctx_free(&ctx);
		return NULL;
	}
	set_dirs(&ctx);
	ctx.lc.dir = ctx.dir;
	if (!cfg_lc_check_includes(&ctx.lc)) {
		cfg_errlist_flush(&ctx.errs, errs);
		ctx_free(&ctx);
		return NULL;
	}
	config_init(&lc);
	config_set_destructor(&lc, cfg_lc_lit_free);
	if (ctx.dir != NULL)
		config_set_include_dir(&lc, ctx.dir);
	if (config_read_file(&lc, path) == CONFIG_FALSE)
		syntax_error(&ctx, &lc);
	else
		c = load_parsed(&ctx, &lc);
	cfg_errlist_flush(&ctx.errs, errs);
	if (ctx.errs.n > 0) {
		cfg_free(c);
		c = NULL;
	}
	config_destroy(&lc);
	ctx_free(&ctx);
	return c;
}
