/*
 * cfg_file.c: the configuration file (libconfig) into a struct cfg.
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
 * message.  Messages read "FILE:LINE: what is wrong; what to do".
 */
#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "carp_hmac.h"
#include "cfg_check.h"
#include "cfg_file.h"
#include "cfg_mem.h"
#include "cfg_print.h"
#include "log.h"
#include "xmalloc.h"

enum cfg_key {
	KEY_NAME,
	KEY_INTERFACE,
	KEY_SRCIP,
	KEY_VHID,
	KEY_PASS,
	KEY_PASSFILE,
	KEY_ADDR,
	KEY_ADVBASE,
	KEY_ADVSKEW,
	KEY_DEADRATIO,
	KEY_PREEMPT,
	KEY_NEUTRAL,
	KEY_SHUTDOWN,
	KEY_UPSCRIPT,
	KEY_DOWNSCRIPT,
	KEY_XPARAM,
	KEY_MCAST,
	KEY_NOMCAST,
	KEY_IGNOREIFSTATE,
	KEY_REPLAY_PROTECT,
	KEY_N
};

/* Instance keys, in enum cfg_key order; NULL-terminated for suggest(). */
static const char *const cfg_keys[KEY_N + 1] = {
	"name", "interface", "srcip", "vhid", "pass", "passfile", "addr",
	"advbase", "advskew", "deadratio", "preempt", "neutral", "shutdown",
	"upscript", "downscript", "xparam", "mcast", "nomcast",
	"ignoreifstate", "replay_protect", NULL
};

enum cfg_global {
	GLOBAL_DEFAULTS,
	GLOBAL_INSTANCES,
	GLOBAL_FACILITY,
	GLOBAL_SCRIPT_JOBS,
	GLOBAL_SCRIPT_TIMEOUT,
	GLOBAL_PIDFILE,
	GLOBAL_DEBUG
};

/* Top-level keys, in enum cfg_global order. */
static const char *const cfg_globals[] = {
	"defaults", "instances", "facility", "script_jobs", "script_timeout",
	"pidfile", "debug", NULL
};

#define CFG_SCRIPT_JOBS_MAX	1000
#define CFG_SCRIPT_TIMEOUT_MAX	3600	/* seconds */

/* One problem, kept until all are found, then sorted. */
struct cfg_err {
	const char	*file;		/* display name; outlives the sort */
	int		 rank;		/* 0 for the main file */
	int		 line;
	size_t		 seq;
	char		*msg;
};

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

/* A file read back whole, with where each of its lines starts. */
struct cfg_text {
	const char	*name;		/* display name, owned by ctx->srcs */
	char		*buf;		/* NULL if it could not be read */
	size_t		 len;
	size_t		*lines;		/* offset of line i + 1 */
	size_t		 nlines;
};

/* A named integer setting already matched with its literal. */
struct cfg_seen {
	const char	*file;
	unsigned	 line;
	const char	*name;
};

/* A file settings came from: libconfig's name and the one we show. */
struct cfg_src {
	const char	*raw;
	char		*disp;
};

/*
 * A group of instance keys (the defaults or one instance): where each key
 * is set, whether its value was wrong, and the values that were right.
 */
struct cfg_block {
	const config_setting_t	*set[KEY_N];
	bool			 bad[KEY_N];
	struct cfg_vhost	*v;
};

struct cfg_ctx {
	const char		*path;
	char			*dir;	/* of path, for @include; NULL: none */
	char			*base;	/* absolute, for relative paths */
	struct cfg_src		*srcs;
	size_t			 nsrcs;
	struct cfg_err		*errs;
	size_t			 nerrs;
	struct cfg_block	 defaults;
	struct cfg_block	*blocks;	/* one per c->vhosts[i] */
	size_t			 nblocks;
	struct cfg		*c;
	struct cfg_errors	*out;	/* where warnings go */
	struct cfg_text		*texts;	/* files read back for literals */
	size_t			 ntexts;
};

static void	warn_readable(struct cfg_ctx *, const char *);
static void	cfg_verr(struct cfg_ctx *, const char *, int, const char *,
		    va_list) __attribute__((format(printf, 4, 0)));
static void	cfg_err_at(struct cfg_ctx *, const char *, int, const char *,
		    ...) __attribute__((format(printf, 4, 5)));
static void	cfg_err(struct cfg_ctx *, const config_setting_t *,
		    const char *, ...) __attribute__((format(printf, 3, 4)));
static void	cfg_check_cb(void *, const struct cfg_vhost *, const char *,
		    const char *, va_list)
		    __attribute__((format(printf, 4, 0)));

/*
 * The name to show for a file libconfig read.  libconfig 1.5 names an
 * included file as written in @include, relative to the include
 * directory (the main file's), so join the two.
 */
static const char *
cfg_src_name(struct cfg_ctx *ctx, const char *raw)
{
	struct cfg_src	*src;
	size_t		 i;

	if (raw == NULL)
		return ctx->path;
	for (i = 0; i < ctx->nsrcs; i++)
		if (strcmp(ctx->srcs[i].raw, raw) == 0)
			return ctx->srcs[i].disp;
	ctx->srcs = xreallocarray(ctx->srcs, ctx->nsrcs + 1,
	    sizeof(*ctx->srcs));
	src = &ctx->srcs[ctx->nsrcs++];
	src->raw = raw;
	if (strcmp(raw, ctx->path) == 0 || ctx->dir == NULL || *raw == '/')
		src->disp = xstrdup(raw);
	else if (ctx->dir[strlen(ctx->dir) - 1] == '/')
		xasprintf(&src->disp, "%s%s", ctx->dir, raw);
	else
		xasprintf(&src->disp, "%s/%s", ctx->dir, raw);
	return src->disp;
}

/* Messages are one line each: show control characters as \xNN. */
static char *
cfg_sanitize(const char *s)
{
	const unsigned char	*p;
	char			*out, *q;

	out = xreallocarray(NULL, strlen(s) + 1, 4);
	for (p = (const unsigned char *)s, q = out; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			q += sprintf(q, "\\x%02x", *p);
		else
			*q++ = (char)*p;
	}
	*q = '\0';
	return out;
}

static void
cfg_verr(struct cfg_ctx *ctx, const char *file, int line, const char *fmt,
    va_list ap)
{
	struct cfg_err	*e;
	char		*text, *clean;

	if (vasprintf(&text, fmt, ap) == -1)
		fatal("out of memory formatting a string");
	clean = cfg_sanitize(text);
	free(text);
	ctx->errs = xreallocarray(ctx->errs, ctx->nerrs + 1,
	    sizeof(*ctx->errs));
	e = &ctx->errs[ctx->nerrs];
	e->file = file;
	e->rank = strcmp(file, ctx->path) == 0 ? 0 : 1;
	e->line = line;
	e->seq = ctx->nerrs++;
	if (line > 0)
		xasprintf(&e->msg, "%s:%d: %s", file, line, clean);
	else
		xasprintf(&e->msg, "%s: %s", file, clean);
	free(clean);
}

static void
cfg_err_at(struct cfg_ctx *ctx, const char *file, int line, const char *fmt,
    ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cfg_verr(ctx, file, line, fmt, ap);
	va_end(ap);
}

/* A problem with setting s, at the file and line it was written. */
static void
cfg_err(struct cfg_ctx *ctx, const config_setting_t *s, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cfg_verr(ctx, cfg_src_name(ctx, config_setting_source_file(s)),
	    (int)config_setting_source_line(s), fmt, ap);
	va_end(ap);
}

static int
cfg_err_cmp(const void *a, const void *b)
{
	const struct cfg_err	*x = a, *y = b;
	int			 r;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if ((r = strcmp(x->file, y->file)) != 0)
		return r;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Sort by file (the main file first) then line, drop repeats (a bad
 * default seen through several instances) and hand the messages over.
 */
static void
cfg_errs_flush(struct cfg_ctx *ctx, struct cfg_errors *errs)
{
	size_t	i, j;

	if (ctx->nerrs == 0)
		return;
	qsort(ctx->errs, ctx->nerrs, sizeof(*ctx->errs), cfg_err_cmp);
	for (i = 1; i < ctx->nerrs; i++)
		for (j = i; j-- > 0;) {
			if (ctx->errs[j].line != ctx->errs[i].line ||
			    strcmp(ctx->errs[j].file, ctx->errs[i].file) != 0)
				break;
			if (ctx->errs[j].msg != NULL &&
			    strcmp(ctx->errs[j].msg, ctx->errs[i].msg) == 0) {
				free(ctx->errs[i].msg);
				ctx->errs[i].msg = NULL;
				break;
			}
		}
	errs->msgs = xreallocarray(errs->msgs, errs->n + ctx->nerrs,
	    sizeof(*errs->msgs));
	for (i = 0; i < ctx->nerrs; i++)
		if (ctx->errs[i].msg != NULL) {
			errs->msgs[errs->n++] = ctx->errs[i].msg;
			ctx->errs[i].msg = NULL;
		}
}

/* Optimal string alignment distance, ignoring case. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, d, *r0, *r1, *r2, *t;

	r0 = xreallocarray(NULL, lb + 1, sizeof(*r0));
	r1 = xreallocarray(NULL, lb + 1, sizeof(*r1));
	r2 = xreallocarray(NULL, lb + 1, sizeof(*r2));
	for (j = 0; j <= lb; j++)
		r1[j] = j;
	for (i = 1; i <= la; i++) {
		r2[0] = i;
		for (j = 1; j <= lb; j++) {
			d = strncasecmp(a + i - 1, b + j - 1, 1) != 0;
			r2[j] = r1[j - 1] + d;
			if (r1[j] + 1 < r2[j])
				r2[j] = r1[j] + 1;
			if (r2[j - 1] + 1 < r2[j])
				r2[j] = r2[j - 1] + 1;
			if (i > 1 && j > 1 &&
			    strncasecmp(a + i - 1, b + j - 2, 1) == 0 &&
			    strncasecmp(a + i - 2, b + j - 1, 1) == 0 &&
			    r0[j - 2] + 1 < r2[j])
				r2[j] = r0[j - 2] + 1;
		}
		t = r0;
		r0 = r1;
		r1 = r2;
		r2 = t;
	}
	d = r1[lb];
	free(r0);
	free(r1);
	free(r2);
	return d;
}

/* The closest of words to s, if close enough to be a likely typo. */
static const char *
suggest(const char *s, const char *const *words)
{
	const char	*best = NULL;
	size_t		 d, bestd, max;

	max = strlen(s) <= 4 ? 1 : 2;
	bestd = max + 1;
	for (; *words != NULL; words++)
		if ((d = edit_distance(s, *words)) < bestd) {
			bestd = d;
			best = *words;
		}
	return best;
}

static int
word_index(const char *s, const char *const *words)
{
	int	i;

	for (i = 0; words[i] != NULL; i++)
		if (strcmp(s, words[i]) == 0)
			return i;
	return -1;
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

/* The file named name, read whole once (it was just parsed). */
static const struct cfg_text *
cfg_text(struct cfg_ctx *ctx, const char *name)
{
	struct cfg_text	*t;
	FILE		*f;
	size_t		 i, cap = 0, n;

	for (i = 0; i < ctx->ntexts; i++)
		if (strcmp(ctx->texts[i].name, name) == 0)
			return &ctx->texts[i];
	ctx->texts = xreallocarray(ctx->texts, ctx->ntexts + 1,
	    sizeof(*ctx->texts));
	t = &ctx->texts[ctx->ntexts++];
	memset(t, 0, sizeof(*t));
	t->name = name;
	if ((f = fopen(name, "r")) == NULL)
		return t;
	for (;;) {
		if (t->len + 1 >= cap) {
			cap = cap == 0 ? 4096 : cap * 2;
			t->buf = xreallocarray(t->buf, cap, 1);
		}
		if ((n = fread(t->buf + t->len, 1, cap - t->len - 1, f)) == 0)
			break;
		t->len += n;
	}
	if (ferror(f)) {
		free(t->buf);
		t->buf = NULL;
		t->len = 0;
	} else
		t->buf[t->len] = '\0';
	fclose(f);
	if (t->buf == NULL)
		return t;
	for (i = 0, n = 1; i < t->len; i++)
		n += t->buf[i] == '\n';
	t->lines = xreallocarray(NULL, n, sizeof(*t->lines));
	t->lines[t->nlines++] = 0;
	for (i = 0; i < t->len; i++)
		if (t->buf[i] == '\n')
			t->lines[t->nlines++] = i + 1;
	return t;
}

/* Past blanks and comments (libconfig's #, // and block comments). */
static const char *
skip_blank(const char *p, unsigned *line)
{
	for (;;) {
		if (*p == '\n') {
			(*line)++;
			p++;
		} else if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f')
			p++;
		else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			while (*p != '\0' && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			for (p += 2; *p != '\0' && !(p[0] == '*' && p[1] == '/');
			    p++)
				if (*p == '\n')
					(*line)++;
			if (*p != '\0')
				p += 2;
		} else
			return p;
	}
}

/*
 * An integer literal at p, as libconfig's scanner takes it: [-+]digits
 * or 0x hex digits, then L or LL.  False if p holds anything else (a
 * float, a name).
 */
static bool
read_literal(const char *p, struct cfg_lit *lit)
{
	const char		*q = p, *d;
	unsigned long long	 mag;
	bool			 neg = false;
	int			 base = 10;

	if (*q == '-' || *q == '+')
		neg = *q++ == '-';
	if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X') &&
	    isxdigit((unsigned char)q[2])) {
		if (q != p)
			return false;
		base = 16;
		q += 2;
	} else if (!isdigit((unsigned char)*q))
		return false;
	d = q;
	while (base == 16 ? isxdigit((unsigned char)*q) :
	    isdigit((unsigned char)*q))
		q++;
	if (*q == 'L')
		q += q[1] == 'L' ? 2 : 1;
	if (isalnum((unsigned char)*q) || *q == '.' || *q == '_')
		return false;
	errno = 0;
	mag = strtoull(d, NULL, base);
	lit->overflow = errno == ERANGE ||
	    mag > (unsigned long long)LLONG_MAX + (neg ? 1 : 0);
	if (lit->overflow)
		lit->v = 0;
	else if (neg)
		lit->v = mag == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN :
		    -(long long)mag;
	else
		lit->v = (long long)mag;
	lit->text = strndup(p, (size_t)(q - p));
	if (lit->text == NULL)
		fatal("out of memory copying a string");
	return true;
}

/*
 * The nth "key = integer" (or "key: integer") whose key starts on line
 * of text t; false if there is none.  Strings and comments are skipped.
 */
static bool
find_literal(const struct cfg_text *t, unsigned line, const char *key,
    unsigned nth, struct cfg_lit *lit)
{
	const char	*p, *q, *name;
	size_t		 klen = strlen(key);
	unsigned	 at = line, l2;

	if (t->buf == NULL || line == 0 || line > t->nlines)
		return false;
	p = t->buf + t->lines[line - 1];
	for (;;) {
		p = skip_blank(p, &at);
		if (*p == '\0' || at > line)
			return false;
		if (*p == '"') {
			for (p++; *p != '\0' && *p != '"'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				if (*p == '\n')
					at++;
			}
			if (*p == '"')
				p++;
			continue;
		}
		if (!isalpha((unsigned char)*p) && *p != '*') {
			/* A number or a sign: step over it whole. */
			if (isalnum((unsigned char)*p))
				while (isalnum((unsigned char)*p) || *p == '.' ||
				    *p == '_')
					p++;
			else
				p++;
			continue;
		}
		name = p;
		while (isalnum((unsigned char)*p) || *p == '-' || *p == '_' ||
		    *p == '*')
			p++;
		if ((size_t)(p - name) != klen || strncmp(name, key, klen) != 0)
			continue;
		l2 = at;
		q = skip_blank(p, &l2);
		if (*q != '=' && *q != ':')
			continue;
		q = skip_blank(q + 1, &l2);
		if (!read_literal(q, lit))
			continue;
		if (nth-- == 0)
			return true;
		free(lit->text);
		lit->text = NULL;
	}
}

static void
lit_free(void *hook)
{
	struct cfg_lit	*lit = hook;

	free(lit->text);
	free(lit);
}

/*
 * Hook its literal as written on every named integer setting under s,
 * so that get_int() sees values libconfig truncated.  Settings on one
 * line with the same key are told apart by their order.  A literal that
 * does not agree with libconfig's value (modulo 2^32 for an int) is not
 * used: then libconfig's value stands.
 */
static void
hook_literals(struct cfg_ctx *ctx, config_setting_t *s, struct cfg_seen **seen,
    size_t *nseen)
{
	config_setting_t	*e;
	struct cfg_lit		 lit, *hook;
	const char		*file, *name;
	unsigned		 line, nth, i, n;
	size_t			 j;
	int			 type;
	bool			 ok;

	n = (unsigned)config_setting_length(s);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, i);
		type = config_setting_type(e);
		if (type == CONFIG_TYPE_GROUP || type == CONFIG_TYPE_LIST) {
			hook_literals(ctx, e, seen, nseen);
			continue;
		}
		if ((type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64) ||
		    (name = config_setting_name(e)) == NULL)
			continue;
		file = cfg_src_name(ctx, config_setting_source_file(e));
		line = config_setting_source_line(e);
		nth = 0;
		for (j = 0; j < *nseen; j++)
			if ((*seen)[j].file == file && (*seen)[j].line == line &&
			    strcmp((*seen)[j].name, name) == 0)
				nth++;
		*seen = xreallocarray(*seen, *nseen + 1, sizeof(**seen));
		(*seen)[(*nseen)++] = (struct cfg_seen){ file, line, name };
		memset(&lit, 0, sizeof(lit));
		if (!find_literal(cfg_text(ctx, file), line, name, nth, &lit))
			continue;
		if (type == CONFIG_TYPE_INT)
			ok = lit.overflow || (int)(unsigned)(unsigned long long)
			    lit.v == config_setting_get_int(e);
		else
			ok = lit.overflow || lit.v == config_setting_get_int64(e);
		if (!ok) {
			free(lit.text);
			continue;
		}
		hook = xmalloc(sizeof(*hook));
		*hook = lit;
		config_setting_set_hook(e, hook);
	}
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

/* A script must be an executable regular file now, not at failover. */
static bool
check_script(struct cfg_ctx *ctx, const config_setting_t *s, const char *key,
    const char *path)
{
	struct stat	st;

	if (stat(path, &st) == -1) {
		cfg_err(ctx, s, "%s %s: %s; give the path of an executable "
		    "script", key, path, strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		cfg_err(ctx, s, "%s %s: not a regular file; give the path of "
		    "an executable script", key, path);
		return false;
	}
	if (access(path, X_OK) == -1) {
		cfg_err(ctx, s, "%s %s: %s; make it executable (chmod +x) or "
		    "give another script", key, path, strerror(errno));
		return false;
	}
	return true;
}

/* The password is the first line of the file, its newline removed. */
static bool
read_passfile(struct cfg_ctx *ctx, const config_setting_t *s,
    const char *path, struct cfg_vhost *v)
{
	FILE	*f;
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;
	int	 saved, failed;
	bool	 ok = false;

	if ((f = fopen(path, "r")) == NULL) {
		cfg_err(ctx, s, "passfile %s: %s; give a readable file whose "
		    "first line is the password", path, strerror(errno));
		return false;
	}
	errno = 0;
	n = getline(&line, &cap, f);
	saved = errno;
	failed = ferror(f);
	fclose(f);
	if (n < 0 && failed)
		cfg_err(ctx, s, "passfile %s: %s; give a readable file whose "
		    "first line is the password", path, strerror(saved));
	else if (n <= 0)
		cfg_err(ctx, s, "passfile %s is empty; put the password on its "
		    "first line", path);
	else {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0)
			cfg_err(ctx, s, "passfile %s: the first line is empty; "
			    "put the password on the first line", path);
		else if ((size_t)n > CARP_PASS_MAX)
			cfg_err(ctx, s, "passfile %s: the first line is %zd "
			    "bytes long, CARP allows at most %d; use a shorter "
			    "password", path, n, CARP_PASS_MAX);
		else {
			memcpy(v->pass, line, (size_t)n);
			v->passlen = (size_t)n;
			ok = true;
		}
	}
	if (line != NULL)
		explicit_bzero(line, cap);
	free(line);
	return ok;
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

static bool
parse_uint8(struct cfg_ctx *ctx, const config_setting_t *s, long long min,
    uint8_t *out)
{
	long long	v;

	if (!get_int(ctx, s, min, 255, &v))
		return false;
	*out = (uint8_t)v;
	return true;
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

/* One instance key into v; false (reported) if its value is wrong. */
static bool
parse_key(struct cfg_ctx *ctx, const config_setting_t *s, enum cfg_key k,
    struct cfg_vhost *v)
{
	const char	*str;
	long long	 n;
	uint8_t		 a[4];
	char		*path;
	bool		 ok;

	switch (k) {
	case KEY_NAME:
		return parse_name(ctx, s, &v->name);
	case KEY_INTERFACE:
		if ((str = get_str(ctx, s, false)) == NULL)
			return false;
		v->interface = xstrdup(str);
		return true;
	case KEY_SRCIP:
		if (!get_ipv4(ctx, s, "srcip", a, NULL))
			return false;
		if (a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0) {
			cfg_err(ctx, s, "srcip 0.0.0.0 is not a usable source "
			    "address; give this host's own address");
			return false;
		}
		memcpy(v->srcip, a, 4);
		return true;
	case KEY_MCAST:
		return get_ipv4(ctx, s, "mcast", v->mcast, NULL);
	case KEY_VHID:
		return parse_uint8(ctx, s, 1, &v->vhid);
	case KEY_ADVBASE:
		return parse_uint8(ctx, s, 0, &v->advbase);
	case KEY_ADVSKEW:
		return parse_uint8(ctx, s, 0, &v->advskew);
	case KEY_DEADRATIO:
		if (!get_int(ctx, s, 1, 255, &n))
			return false;
		v->deadratio = (uint32_t)n;
		return true;
	case KEY_PASS:
		if ((str = get_str(ctx, s, false)) == NULL)
			return false;
		if (config_setting_source_file(s) != NULL)
			warn_readable(ctx, config_setting_source_file(s));
		if (strlen(str) > CARP_PASS_MAX) {
			cfg_err(ctx, s, "pass is %zu bytes long, CARP allows "
			    "at most %d; use a shorter password", strlen(str),
			    CARP_PASS_MAX);
			return false;
		}
		v->passlen = strlen(str);
		memcpy(v->pass, str, v->passlen);
		return true;
	case KEY_PASSFILE:
		if ((str = get_str(ctx, s, false)) == NULL)
			return false;
		path = resolve_path(ctx, str);
		if ((ok = read_passfile(ctx, s, path, v))) {
			v->passfile = path;
			warn_readable(ctx, path);
		}
		else
			free(path);
		return ok;
	case KEY_ADDR:
		return parse_addrs(ctx, s, v);
	case KEY_PREEMPT:
		return get_bool(ctx, s, &v->preempt);
	case KEY_NEUTRAL:
		return get_bool(ctx, s, &v->neutral);
	case KEY_SHUTDOWN:
		return get_bool(ctx, s, &v->shutdown);
	case KEY_NOMCAST:
		return get_bool(ctx, s, &v->nomcast);
	case KEY_IGNOREIFSTATE:
		return get_bool(ctx, s, &v->ignoreifstate);
	case KEY_REPLAY_PROTECT:
		return get_bool(ctx, s, &v->replay_protect);
	case KEY_UPSCRIPT:
	case KEY_DOWNSCRIPT:
		if ((str = get_str(ctx, s, false)) == NULL)
			return false;
		path = resolve_path(ctx, str);
		if (!check_script(ctx, s, cfg_keys[k], path)) {
			free(path);
			return false;
		}
		if (k == KEY_UPSCRIPT)
			v->upscript = path;
		else
			v->downscript = path;
		return true;
	case KEY_XPARAM:
		if ((str = get_str(ctx, s, true)) == NULL)
			return false;
		v->xparam = xstrdup(str);
		return true;
	case KEY_N:
		break;
	}
	return false;
}

/* Read the defaults or one instance into b. */
static void
parse_block(struct cfg_ctx *ctx, const config_setting_t *group,
    bool is_defaults, struct cfg_block *b)
{
	const config_setting_t	*s;
	const char		*key, *where, *hint;
	unsigned		 i, n;
	int			 k;

	memset(b, 0, sizeof(*b));
	b->v = cfg_vhost_new();
	where = is_defaults ? "defaults" : "instance";
	n = (unsigned)config_setting_length(group);
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(group, i);
		key = config_setting_name(s);
		if ((k = word_index(key, cfg_keys)) == -1) {
			if (word_index(key, cfg_globals) != -1)
				cfg_err(ctx, s, "'%s' is a global setting, not "
				    "an instance key; move it to the top level",
				    key);
			else if ((hint = suggest(key, cfg_keys)) != NULL)
				cfg_err(ctx, s, "unknown key '%s' in %s; did "
				    "you mean '%s'?", key, where, hint);
			else
				cfg_err(ctx, s, "unknown key '%s' in %s; see "
				    "ucarp.conf(5) for the keys", key, where);
			continue;
		}
		if (is_defaults && k == KEY_NAME) {
			cfg_err(ctx, s, "name cannot be a default; give each "
			    "instance its own name");
			continue;
		}
		b->set[k] = s;
		if (!parse_key(ctx, s, (enum cfg_key)k, b->v))
			b->bad[k] = true;
	}
	if (b->set[KEY_PASS] != NULL && b->set[KEY_PASSFILE] != NULL) {
		s = b->set[KEY_PASS];
		if (config_setting_source_line(b->set[KEY_PASSFILE]) >
		    config_setting_source_line(s))
			s = b->set[KEY_PASSFILE];
		cfg_err(ctx, s, "both pass and passfile are given in %s; keep "
		    "only one of them", where);
		b->bad[KEY_PASS] = b->bad[KEY_PASSFILE] = true;
	}
}

/*
 * The block a key of an instance comes from: the instance, else the
 * defaults.  pass and passfile are one choice: an instance giving either
 * replaces the defaults' password.
 */
static const struct cfg_block *
key_src(const struct cfg_ctx *ctx, const struct cfg_block *in,
    enum cfg_key k)
{
	const struct cfg_block	*d = &ctx->defaults;

	if (k == KEY_PASS || k == KEY_PASSFILE) {
		if (in->set[KEY_PASS] != NULL || in->set[KEY_PASSFILE] != NULL)
			return in;
		if (d->set[KEY_PASS] != NULL || d->set[KEY_PASSFILE] != NULL)
			return d;
		return NULL;
	}
	if (in->set[k] != NULL)
		return in;
	if (d->set[k] != NULL)
		return d;
	return NULL;
}

/* Copy key k from a block's values into an instance. */
static void
apply_key(struct cfg_vhost *cv, const struct cfg_vhost *v, enum cfg_key k)
{
	size_t	i;

	switch (k) {
	case KEY_NAME:
		cv->name = xstrdup(v->name);
		break;
	case KEY_INTERFACE:
		cv->interface = xstrdup(v->interface);
		break;
	case KEY_SRCIP:
		memcpy(cv->srcip, v->srcip, 4);
		break;
	case KEY_MCAST:
		memcpy(cv->mcast, v->mcast, 4);
		break;
	case KEY_VHID:
		cv->vhid = v->vhid;
		break;
	case KEY_PASS:
	case KEY_PASSFILE:
		memcpy(cv->pass, v->pass, v->passlen);
		cv->passlen = v->passlen;
		if (v->passfile != NULL)
			cv->passfile = xstrdup(v->passfile);
		break;
	case KEY_ADDR:
		for (i = 0; i < v->naddrs; i++)
			cfg_vhost_add_addr(cv, v->addrs[i], v->addr_strs[i]);
		break;
	case KEY_ADVBASE:
		cv->advbase = v->advbase;
		break;
	case KEY_ADVSKEW:
		cv->advskew = v->advskew;
		break;
	case KEY_DEADRATIO:
		cv->deadratio = v->deadratio;
		break;
	case KEY_PREEMPT:
		cv->preempt = v->preempt;
		break;
	case KEY_NEUTRAL:
		cv->neutral = v->neutral;
		break;
	case KEY_SHUTDOWN:
		cv->shutdown = v->shutdown;
		break;
	case KEY_NOMCAST:
		cv->nomcast = v->nomcast;
		break;
	case KEY_IGNOREIFSTATE:
		cv->ignoreifstate = v->ignoreifstate;
		break;
	case KEY_REPLAY_PROTECT:
		cv->replay_protect = v->replay_protect;
		break;
	case KEY_UPSCRIPT:
		cv->upscript = xstrdup(v->upscript);
		break;
	case KEY_DOWNSCRIPT:
		cv->downscript = xstrdup(v->downscript);
		break;
	case KEY_XPARAM:
		cv->xparam = xstrdup(v->xparam);
		break;
	case KEY_N:
		break;
	}
}

/* One group of the instances list: its keys over the defaults. */
static void
load_instance(struct cfg_ctx *ctx, const config_setting_t *group)
{
	struct cfg_block	*in;
	const struct cfg_block	*src;
	struct cfg_vhost	*cv;
	int			 k;

	ctx->blocks = xreallocarray(ctx->blocks, ctx->nblocks + 1,
	    sizeof(*ctx->blocks));
	in = &ctx->blocks[ctx->nblocks++];
	parse_block(ctx, group, false, in);

	cv = cfg_vhost_new();
	cv->file = xstrdup(cfg_src_name(ctx,
	    config_setting_source_file(group)));
	cv->line = (int)config_setting_source_line(group);
	for (k = 0; k < KEY_N; k++) {
		if (k == KEY_PASSFILE)
			continue;	/* with KEY_PASS */
		if ((src = key_src(ctx, in, (enum cfg_key)k)) == NULL)
			continue;
		if (k == KEY_PASS) {
			if (!src->bad[KEY_PASS] && !src->bad[KEY_PASSFILE])
				apply_key(cv, src->v, KEY_PASS);
		} else if (!src->bad[k])
			apply_key(cv, src->v, (enum cfg_key)k);
	}
	cfg_add_vhost(ctx->c, cv);
}

/*
 * A problem cfg_check() found: shown at the line of the setting it is
 * about (the instance's, or the default's), or at the instance for a
 * missing key.  Dropped if that setting was already reported as wrong.
 */
static void
cfg_check_cb(void *arg, const struct cfg_vhost *cv, const char *key,
    const char *fmt, va_list ap)
{
	struct cfg_ctx		*ctx = arg;
	const struct cfg_block	*in = NULL, *src;
	const config_setting_t	*s = NULL;
	size_t			 i;
	int			 k;

	for (i = 0; i < ctx->c->nvhosts; i++)
		if (ctx->c->vhosts[i] == cv) {
			in = &ctx->blocks[i];
			break;
		}
	if (in != NULL && key != NULL &&
	    (k = word_index(key, cfg_keys)) != -1 &&
	    (src = key_src(ctx, in, (enum cfg_key)k)) != NULL) {
		if (k == KEY_PASS || k == KEY_PASSFILE) {
			if (src->bad[KEY_PASS] || src->bad[KEY_PASSFILE])
				return;
			s = src->set[KEY_PASS] != NULL ? src->set[KEY_PASS] :
			    src->set[KEY_PASSFILE];
		} else {
			if (src->bad[k])
				return;
			s = src->set[k];
		}
	}
	if (s != NULL)
		cfg_verr(ctx, cfg_src_name(ctx, config_setting_source_file(s)),
		    (int)config_setting_source_line(s), fmt, ap);
	else
		cfg_verr(ctx, cv->file, cv->line, fmt, ap);
}

static void
load_facility(struct cfg_ctx *ctx, const config_setting_t *s)
{
	const char	*str, *hint;
	int		 fac;

	if ((str = get_str(ctx, s, false)) == NULL)
		return;
	if ((fac = log_facility_parse(str)) != -2) {
		ctx->c->facility = fac;
		return;
	}
	if ((hint = suggest(str, cfg_facility_names)) != NULL)
		cfg_err(ctx, s, "unknown facility '%s'; did you mean '%s'?",
		    str, hint);
	else
		cfg_err(ctx, s, "unknown facility '%s'; give a syslog facility "
		    "such as daemon or local0 to local7, or none", str);
}

/* Seconds, integer or not, above 0 and at most an hour; kept in ms. */
static void
load_script_timeout(struct cfg_ctx *ctx, const config_setting_t *s)
{
	const char	*text = NULL;
	long long	 n;
	double		 sec;
	int		 type = config_setting_type(s);

	if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
		if (!int_value(ctx, s, 1, CFG_SCRIPT_TIMEOUT_MAX, &n, &text))
			return;
		sec = (double)n;
	} else if (type == CONFIG_TYPE_FLOAT)
		sec = config_setting_get_float(s);
	else {
		cfg_err(ctx, s, "script_timeout must be a number of seconds, "
		    "not %s; write script_timeout = 60;", type_name(type));
		return;
	}
	if ((!(sec > 0) || sec > CFG_SCRIPT_TIMEOUT_MAX) && text != NULL) {
		cfg_err(ctx, s, "script_timeout %s is out of range; give a "
		    "number of seconds above 0 and at most %d", text,
		    CFG_SCRIPT_TIMEOUT_MAX);
		return;
	}
	if (!(sec > 0) || sec > CFG_SCRIPT_TIMEOUT_MAX) {
		cfg_err(ctx, s, "script_timeout %g is out of range; give a "
		    "number of seconds above 0 and at most %d", sec,
		    CFG_SCRIPT_TIMEOUT_MAX);
		return;
	}
	if (sec * 1000 + 0.5 < 1) {
		cfg_err(ctx, s, "script_timeout %g is below a millisecond; "
		    "give at least 0.001", sec);
		return;
	}
	ctx->c->script_timeout_ms = (unsigned)(sec * 1000 + 0.5);
}

static void
load_global(struct cfg_ctx *ctx, const config_setting_t *s,
    enum cfg_global g)
{
	const char	*str;
	long long	 n;

	switch (g) {
	case GLOBAL_FACILITY:
		load_facility(ctx, s);
		break;
	case GLOBAL_SCRIPT_JOBS:
		if (get_int(ctx, s, 1, CFG_SCRIPT_JOBS_MAX, &n))
			ctx->c->script_jobs = (unsigned)n;
		break;
	case GLOBAL_SCRIPT_TIMEOUT:
		load_script_timeout(ctx, s);
		break;
	case GLOBAL_PIDFILE:
		if ((str = get_str(ctx, s, false)) != NULL)
			ctx->c->pidfile = resolve_path(ctx, str);
		break;
	case GLOBAL_DEBUG:
		get_bool(ctx, s, &ctx->c->debug);
		break;
	case GLOBAL_DEFAULTS:
	case GLOBAL_INSTANCES:
		break;		/* after the globals, in load_root() */
	}
}

/* The top level: globals and defaults first, then the instances. */
static void
load_root(struct cfg_ctx *ctx, const config_setting_t *root)
{
	const config_setting_t	*s, *defaults = NULL, *instances = NULL, *e;
	const struct cfg_text	*t;
	const char		*key, *hint;
	size_t			 last;
	unsigned		 i, n;
	int			 g;

	n = (unsigned)config_setting_length(root);
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(root, i);
		key = config_setting_name(s);
		if ((g = word_index(key, cfg_globals)) == GLOBAL_DEFAULTS)
			defaults = s;
		else if (g == GLOBAL_INSTANCES)
			instances = s;
		else if (g != -1)
			load_global(ctx, s, (enum cfg_global)g);
		else if (word_index(key, cfg_keys) != -1)
			cfg_err(ctx, s, "'%s' is an instance key; put it in an "
			    "instance or in defaults", key);
		else if ((hint = suggest(key, cfg_globals)) != NULL)
			cfg_err(ctx, s, "unknown key '%s' at the top level; "
			    "did you mean '%s'?", key, hint);
		else
			cfg_err(ctx, s, "unknown key '%s' at the top level; "
			    "see ucarp.conf(5) for the keys", key);
	}

	if (defaults != NULL && !config_setting_is_group(defaults))
		cfg_err(ctx, defaults, "defaults must be a group, not %s; "
		    "write defaults = { key = value; ... };",
		    type_name(config_setting_type(defaults)));
	else if (defaults != NULL)
		parse_block(ctx, defaults, true, &ctx->defaults);

	if (instances == NULL) {
		/* At the last line: where the list is usually added. */
		t = cfg_text(ctx, ctx->path);
		last = t->nlines;
		if (last > 1 && t->buf[t->len - 1] == '\n')
			last--;
		cfg_err_at(ctx, ctx->path, last > 0 ? (int)last : 1,
		    "no instances; add instances = ( { ... } ); (see "
		    "ucarp.conf(5))");
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

/* libconfig stops at its first error; say it in our words. */
static void
syntax_error(struct cfg_ctx *ctx, const config_t *lc)
{
	const char	*file, *text;
	int		 line;

	file = cfg_src_name(ctx, config_error_file(lc));
	line = config_error_line(lc);
	text = config_error_text(lc);
	if (text == NULL)
		text = "unknown error";
	if (config_error_type(lc) == CONFIG_ERR_FILE_IO)
		cfg_err_at(ctx, file, line, "cannot read: %s; create it (see "
		    "ucarp.conf(5)) or give another with -c", text);
	else if (strcmp(text, "syntax error") == 0)
		cfg_err_at(ctx, file, line, "syntax error; fix the syntax "
		    "(see ucarp.conf(5))");
	else if (strcmp(text, "duplicate setting name") == 0)
		cfg_err_at(ctx, file, line, "syntax error: duplicate setting "
		    "name; give each key once per group");
	else if (strstr(text, "include") != NULL)
		cfg_err_at(ctx, file, line, "%s; check the path after @include "
		    "(relative to the directory of %s)", text, ctx->path);
	else
		cfg_err_at(ctx, file, line, "syntax error: %s; fix the syntax",
		    text);
}

/* The file must exist and be a readable regular file. */
static bool
check_readable(struct cfg_ctx *ctx)
{
	struct stat	 st;
	FILE		*f;
	int		 err = 0;

	if ((f = fopen(ctx->path, "r")) == NULL)
		err = errno;
	else {
		if (fstat(fileno(f), &st) == -1)
			err = errno;
		else if (S_ISDIR(st.st_mode))
			err = EISDIR;
		fclose(f);
	}
	if (err == 0)
		return true;
	cfg_err_at(ctx, ctx->path, 0, "cannot read: %s; create it (see "
	    "ucarp.conf(5)) or give another with -c", strerror(err));
	return false;
}

/*
 * libconfig 1.5 calls exit(2) when an @include names a directory (its
 * scanner fails on the read), which would kill a running daemon on
 * reload.  So every @include line, and those of the files it includes,
 * is checked first: the name (up to a NUL byte, as libconfig reads it)
 * must be a regular file.  A file that includes itself (directly or
 * through others) would make libconfig read it again at every level, an
 * exponential amount of work: cycles are refused too, and so is an
 * include tree of more than 256 file reads.  Returns false after
 * reporting FILE:LINE.
 */
#define CFG_INCLUDE_DEPTH	10	/* libconfig's own limit */
#define CFG_INCLUDES_MAX	256	/* files read in all, repeats counted */

/* One @include of full from file:line: not a cycle, not one too many. */
static bool
include_ok(struct cfg_ctx *ctx, const char *file, int lineno,
    const char *name, const char *full, int depth, char **stack,
    unsigned *total)
{
	char	*rp;
	int	 i;
	bool	 cycle = false;

	if ((rp = realpath(full, NULL)) == NULL)
		return true;
	for (i = 0; i <= depth && !cycle; i++)
		cycle = stack[i] != NULL && strcmp(stack[i], rp) == 0;
	free(rp);
	if (cycle) {
		cfg_err_at(ctx, file, lineno, "@include \"%s\" includes a file "
		    "that is already being read (a cycle); remove it", name);
		return false;
	}
	if (++*total > CFG_INCLUDES_MAX) {
		cfg_err_at(ctx, file, lineno, "@include \"%s\": more than %d "
		    "files included in all; include each file once", name,
		    CFG_INCLUDES_MAX);
		return false;
	}
	return true;
}

static bool
check_includes(struct cfg_ctx *ctx, const char *file, int depth,
    char **stack, unsigned *total)
{
	FILE		*f;
	char		*line = NULL, *q, *name, *full;
	const char	*p;
	size_t		 cap = 0, k;
	ssize_t		 n;
	struct stat	 st;
	int		 lineno = 0;
	bool		 ok = true;

	if (depth > CFG_INCLUDE_DEPTH || (f = fopen(file, "r")) == NULL)
		return true;	/* libconfig reports these itself */
	if ((stack[depth] = realpath(file, NULL)) == NULL)
		stack[depth] = xstrdup(file);
	while (ok && (n = getline(&line, &cap, f)) != -1) {
		lineno++;
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (strncmp(p, "@include", 8) != 0)
			continue;
		if ((q = memchr(p, '"', (size_t)(n - (p - line)))) == NULL)
			continue;
		q++;
		/* libconfig sees the name as a C string: up to a NUL. */
		for (k = 0; q + k < line + n && q[k] != '"' && q[k] != '\0' &&
		    q[k] != '\n'; k++)
			;
		name = strndup(q, k);
		if (name == NULL)
			fatal("out of memory");
		if (name[0] != '/' && ctx->dir != NULL)
			xasprintf(&full, "%s/%s", ctx->dir, name);
		else
			full = xstrdup(name);
		if (stat(full, &st) == 0 && !S_ISREG(st.st_mode)) {
			cfg_err_at(ctx, file, lineno, "@include \"%s\" is not a "
			    "regular file; include a configuration file",
			    name);
			ok = false;
		} else if (stat(full, &st) == 0) {
			ok = include_ok(ctx, file, lineno, name, full, depth,
			    stack, total) && check_includes(ctx, full,
			    depth + 1, stack, total);
		}
		free(name);
		free(full);
	}
	free(line);
	fclose(f);
	free(stack[depth]);
	stack[depth] = NULL;
	return ok;
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

	for (i = 0; i < ctx->nerrs; i++)
		free(ctx->errs[i].msg);
	free(ctx->errs);
	for (i = 0; i < ctx->nblocks; i++)
		cfg_vhost_free(ctx->blocks[i].v);
	free(ctx->blocks);
	cfg_vhost_free(ctx->defaults.v);
	for (i = 0; i < ctx->nsrcs; i++)
		free(ctx->srcs[i].disp);
	free(ctx->srcs);
	for (i = 0; i < ctx->ntexts; i++) {
		free(ctx->texts[i].buf);
		free(ctx->texts[i].lines);
	}
	free(ctx->texts);
	free(ctx->dir);
	free(ctx->base);
}

/*
 * A file that holds a password and that other users may read: warn once
 * per file (not an error: the operator may have reasons).
 */
static void
warn_readable(struct cfg_ctx *ctx, const char *file)
{
	struct cfg_errors	*out = ctx->out;
	struct stat		 st;
	char			*alt = NULL, *msg;
	const char		*p = file;
	size_t			 i;

	if (out == NULL)
		return;
	if (stat(p, &st) == -1 && ctx->dir != NULL && file[0] != '/') {
		xasprintf(&alt, "%s/%s", ctx->dir, file);
		p = alt;
		if (stat(p, &st) == -1) {
			free(alt);
			return;
		}
	}
	if ((st.st_mode & S_IROTH) == 0) {
		free(alt);
		return;
	}
	xasprintf(&msg, "%s: warning: holds a password and is readable by "
	    "other users; chmod o-r %s", p, p);
	for (i = 0; i < out->nwarns; i++)
		if (strcmp(out->warns[i], msg) == 0)
			break;
	if (i < out->nwarns)
		free(msg);
	else {
		out->warns = xreallocarray(out->warns, out->nwarns + 1,
		    sizeof(*out->warns));
		out->warns[out->nwarns++] = msg;
	}
	free(alt);
}

struct cfg *
cfg_file_load(const char *path, struct cfg_errors *errs)
{
	char		*inc_stack[CFG_INCLUDE_DEPTH + 1];
	unsigned	 inc_total = 0;
	struct cfg_seen	*seen = NULL;
	size_t		 nseen = 0;
	struct cfg_ctx	 ctx;
	config_t	 lc;
	struct cfg	*c = NULL;

	memset(&ctx, 0, sizeof(ctx));
	ctx.path = path;
	ctx.out = errs;
	if (!check_readable(&ctx)) {
		cfg_errs_flush(&ctx, errs);
		ctx_free(&ctx);
		return NULL;
	}
	set_dirs(&ctx);
	memset(inc_stack, 0, sizeof(inc_stack));
	if (!check_includes(&ctx, path, 0, inc_stack, &inc_total)) {
		cfg_errs_flush(&ctx, errs);
		ctx_free(&ctx);
		return NULL;
	}
	config_init(&lc);
	config_set_destructor(&lc, lit_free);
	if (ctx.dir != NULL)
		config_set_include_dir(&lc, ctx.dir);
	if (config_read_file(&lc, path) == CONFIG_FALSE)
		syntax_error(&ctx, &lc);
	else {
		hook_literals(&ctx, config_root_setting(&lc), &seen, &nseen);
		free(seen);
		c = ctx.c = cfg_new();
		load_root(&ctx, config_root_setting(&lc));
		cfg_check(c, cfg_check_cb, &ctx);
	}
	cfg_errs_flush(&ctx, errs);
	if (ctx.nerrs > 0) {
		cfg_free(c);
		c = NULL;
	}
	config_destroy(&lc);
	ctx_free(&ctx);
	return c;
}

void
cfg_errors_free(struct cfg_errors *errs)
{
	size_t	i;

	for (i = 0; i < errs->n; i++)
		free(errs->msgs[i]);
	free(errs->msgs);
	errs->msgs = NULL;
	errs->n = 0;
	for (i = 0; i < errs->nwarns; i++)
		free(errs->warns[i]);
	free(errs->warns);
	errs->warns = NULL;
	errs->nwarns = 0;
}
