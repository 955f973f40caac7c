/*
 * cfg_file.c: the configuration file (libconfig) into a struct cfg, by
 * walking the key table (cfg_keys.c).
 *
 * Keys are the legacy long option names.  A "defaults" group gives any
 * instance key to every instance; each group of the "instances" list is
 * one instance; a few global settings sit at the top level.
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

#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_check.h"
#include "cfg_err.h"
#include "cfg_file.h"
#include "cfg_keys.h"
#include "cfg_lc.h"
#include "cfg_mem.h"
#include "cfg_msg.h"
#include "log.h"
#include "cfg_value.h"
#include "xmalloc.h"

#define KEY_IDX(k)	((size_t)((k) - cfg_keys))

/*
 * A group of instance keys (the defaults or one instance): where each key
 * is set, whether its value was wrong, and the values that were right.
 */
struct cfg_block {
	const config_setting_t	*set[CFG_NKEYS_MAX];
	bool			 bad[CFG_NKEYS_MAX];
	struct cfg_instance	*v;
};

struct cfg_ctx {
	const char		*path;
	struct cfg_rd		 rd;	/* dir, base, errors, libconfig names */
	struct cfg_block	 defaults;
	struct cfg_block	*blocks;	/* one per c->instances[i] */
	size_t			 nblocks, cap;
	size_t			 last;	/* the block cfg_check_cb last used */
	struct cfg		*c;
};

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

/* A key that has no place in a block: say where it belongs. */
static void
misplaced_key(struct cfg_ctx *ctx, const config_setting_t *s,
    const char *key, bool is_defaults)
{
	const char	*where = is_defaults ? "defaults" : "instance", *hint;

	if (is_global(key))
		cfg_rd_err(&ctx->rd, s, "'%s' is a global setting, not an "
		    "instance key; move it to the top level", key);
	else if ((hint = cfg_suggest(key, key_words(CFG_S_INSTANCE))) != NULL)
		cfg_rd_err(&ctx->rd, s, "unknown key '%s' in %s; did you mean "
		    "'%s'?", key, where, hint);
	else
		cfg_rd_err(&ctx->rd, s, "unknown key '%s' in %s; see "
		    "ucarp.conf(5) for the keys", key, where);
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
	cfg_rd_err(&ctx->rd, s, "both pass and passfile are given in %s; keep "
	    "only one of them", is_defaults ? "defaults" : "instance");
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
	b->v = cfg_instance_new();
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
			cfg_rd_err(&ctx->rd, s, "%s cannot be a default; give "
			    "each instance its own %s", key, key);
			continue;
		}
		b->set[KEY_IDX(k)] = s;
		if (!cfg_rd_key(&ctx->rd, s, k, b->v))
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
	struct cfg_instance	*cv;
	size_t			 i;

	if (ctx->nblocks == ctx->cap) {
		ctx->cap = ctx->cap == 0 ? 8 : 2 * ctx->cap;
		ctx->blocks = xreallocarray(ctx->blocks, ctx->cap,
		    sizeof(*ctx->blocks));
	}
	in = &ctx->blocks[ctx->nblocks++];
	parse_block(ctx, group, false, in);

	cv = cfg_instance_new();
	cv->file = cfg_file_name(cfg_lc_file(&ctx->rd.lc, group));
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
	/* Copied: 10,000 instances read twice over would raise the peak. */
	cfg_instance_free(in->v);
	in->v = NULL;
	cfg_add_instance(ctx->c, cv);
}

/* The block of instance cv: problems come in order, so look near last. */
static const struct cfg_block *
block_of(struct cfg_ctx *ctx, const struct cfg_instance *cv)
{
	size_t	i;

	if (ctx->last < ctx->c->ninstances && ctx->c->instances[ctx->last] == cv)
		return &ctx->blocks[ctx->last];
	for (i = 0; i < ctx->c->ninstances; i++)
		if (ctx->c->instances[i] == cv) {
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
		cfg_errlist_add(&ctx->rd.errs, cfg_lc_file(&ctx->rd.lc, s),
		    cfg_lc_line(s), "%s", msg);
	else
		cfg_errlist_add(&ctx->rd.errs, p->cv->file, p->cv->line, "%s",
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
		cfg_rd_key(&ctx->rd, s, k, ctx->c);
	else if (k != NULL && cfg_key_is_instance(k))
		cfg_rd_err(&ctx->rd, s, "'%s' is an instance key; put it in an "
		    "instance or in defaults", key);
	else if ((hint = cfg_suggest(key, key_words(CFG_S_GLOBAL))) != NULL)
		cfg_rd_err(&ctx->rd, s, "unknown key '%s' at the top level; "
		    "did you mean '%s'?", key, hint);
	else
		cfg_rd_err(&ctx->rd, s, "unknown key '%s' at the top level; "
		    "see ucarp.conf(5) for the keys", key);
}

static void
load_instances(struct cfg_ctx *ctx, const config_setting_t *instances)
{
	const config_setting_t	*e;
	unsigned		 i, n;

	if (instances == NULL) {
		/* At the last line: where the list is usually added. */
		cfg_errlist_add(&ctx->rd.errs, ctx->path,
		    cfg_lc_last_line(&ctx->rd.lc, ctx->path), "no instances; "
		    "add instances = ( { ... } ); (see ucarp.conf(5))");
		return;
	}
	if (!config_setting_is_list(instances)) {
		cfg_rd_err(&ctx->rd, instances, "instances must be a list of "
		    "groups, not %s; write instances = ( { ... }, { ... } );",
		    cfg_rd_type_name(config_setting_type(instances)));
		return;
	}
	if ((n = (unsigned)config_setting_length(instances)) == 0)
		cfg_rd_err(&ctx->rd, instances, "instances is empty; add at "
		    "least one instance { ... }");
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(instances, i);
		if (config_setting_is_group(e))
			load_instance(ctx, e);
		else
			cfg_rd_err(&ctx->rd, e, "instance %u is %s, not a "
			    "group; write each instance as { key = value; "
			    "... }", i + 1,
			    cfg_rd_type_name(config_setting_type(e)));
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
		cfg_rd_err(&ctx->rd, defaults, "defaults must be a group, not "
		    "%s; write defaults = { key = value; ... };",
		    cfg_rd_type_name(config_setting_type(defaults)));
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

	file = cfg_lc_name(&ctx->rd.lc, config_error_file(lc));
	line = config_error_line(lc);
	text = config_error_text(lc);
	if (text == NULL)
		text = "unknown error";
	if (config_error_type(lc) == CONFIG_ERR_FILE_IO)
		cfg_errlist_add(&ctx->rd.errs, file, line, "cannot read: %s; "
		    "create it (see ucarp.conf(5)) or give another with -c",
		    text);
	else if (strcmp(text, "syntax error") == 0)
		cfg_errlist_add(&ctx->rd.errs, file, line, "syntax error; fix "
		    "the syntax (see ucarp.conf(5))");
	else if (strcmp(text, "duplicate setting name") == 0)
		cfg_errlist_add(&ctx->rd.errs, file, line, "syntax error: "
		    "duplicate setting name; give each key once per group");
	else if (strstr(text, "include") != NULL)
		cfg_errlist_add(&ctx->rd.errs, file, line, "%s; check the path "
		    "after @include (relative to the directory of %s)", text,
		    ctx->path);
	else
		cfg_errlist_add(&ctx->rd.errs, file, line, "syntax error: %s; "
		    "fix the syntax", text);
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
		cfg_errlist_add(&ctx->rd.errs, p, 0, "cannot read: %s; give "
		    "the path of a configuration file, not a directory, with "
		    "-c", strerror(EISDIR));
		return false;
	} else if (!S_ISREG(st.st_mode)) {
		cfg_errlist_add(&ctx->rd.errs, p, 0, "cannot read: not a "
		    "regular file; give the path of a configuration file with "
		    "-c");
		return false;
	} else if ((f = fopen(p, "r")) == NULL)
		err = errno;
	else
		fclose(f);
	if (err == 0)
		return true;
	if (err == ENOENT)
		cfg_errlist_add(&ctx->rd.errs, p, 0, "cannot read: %s; create "
		    "it (see ucarp.conf(5)) or give another with -c",
		    strerror(err));
	else if (err == EACCES)
		cfg_errlist_add(&ctx->rd.errs, p, 0, "cannot read: %s; let the "
		    "user ucarp runs as read it (ls -l, chmod, chown) or give "
		    "another with -c", strerror(err));
	else
		cfg_errlist_add(&ctx->rd.errs, p, 0, "cannot read: %s; check "
		    "the path and the file system, or give another with -c",
		    strerror(err));
	return false;
}

/* Where @include and relative paths start from: the file's directory. */
static void
set_dirs(struct cfg_ctx *ctx)
{
	const char	*slash;

	if ((slash = strrchr(ctx->path, '/')) != NULL)
		ctx->rd.dir = slash == ctx->path ? xstrdup("/") :
		    strndup(ctx->path, (size_t)(slash - ctx->path));
	if (slash != NULL && ctx->rd.dir == NULL)
		fatal("out of memory copying a string");
	if ((ctx->rd.base = realpath(ctx->rd.dir != NULL ? ctx->rd.dir : ".",
	    NULL)) == NULL)
		ctx->rd.base = xstrdup(ctx->rd.dir != NULL ? ctx->rd.dir : ".");
}

static void
ctx_free(struct cfg_ctx *ctx)
{
	size_t	i;

	cfg_errlist_free(&ctx->rd.errs);
	for (i = 0; i < ctx->nblocks; i++)
		cfg_instance_free(ctx->blocks[i].v);
	free(ctx->blocks);
	cfg_instance_free(ctx->defaults.v);
	cfg_lc_free(&ctx->rd.lc);
	free(ctx->rd.dir);
	free(ctx->rd.base);
}

/* libconfig's parse, then the schema walk and the checks. */
static struct cfg *
load_parsed(struct cfg_ctx *ctx, config_t *lc)
{
	struct cfg_check_slot	*slots;
	struct cfg		*c;

	cfg_lc_hook_literals(&ctx->rd.lc, config_root_setting(lc));
	c = ctx->c = cfg_new();
	load_root(ctx, config_root_setting(lc));
	slots = xreallocarray(NULL, c->ninstances + 1, sizeof(*slots));
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
	ctx.path = ctx.rd.errs.path = ctx.rd.lc.path = path;
	ctx.rd.lc.errs = &ctx.rd.errs;
	ctx.rd.out = errs;
	if (!check_readable(&ctx)) {
		cfg_errlist_flush(&ctx.rd.errs, errs);
		ctx_free(&ctx);
		return NULL;
	}
	set_dirs(&ctx);
	ctx.rd.lc.dir = ctx.rd.dir;
	if (!cfg_lc_check_includes(&ctx.rd.lc)) {
		cfg_errlist_flush(&ctx.rd.errs, errs);
		ctx_free(&ctx);
		return NULL;
	}
	config_init(&lc);
	config_set_destructor(&lc, cfg_lc_lit_free);
	if (ctx.rd.dir != NULL)
		config_set_include_dir(&lc, ctx.rd.dir);
	if (config_read_file(&lc, path) == CONFIG_FALSE)
		syntax_error(&ctx, &lc);
	else
		c = load_parsed(&ctx, &lc);
	cfg_errlist_flush(&ctx.rd.errs, errs);
	if (ctx.rd.errs.n > 0) {
		cfg_free(c);
		c = NULL;
	}
	config_destroy(&lc);
	ctx_free(&ctx);
	return c;
}
