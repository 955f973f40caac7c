/*
 * cfg_lc.c: the configuration loader's workarounds for libconfig.
 *
 * - libconfig 1.5 names an included file as written in @include: the
 *   name shown in messages is joined with the main file's directory.
 * - libconfig keeps an integer without an L suffix as an int (truncating
 *   4294967338 to 42, and hex the same way): the literal as written is
 *   read back from the file's text and hooked on its setting.
 * - libconfig 1.5 calls exit(2) on an @include of a directory, and reads
 *   a file that includes itself again at every level: @include lines are
 *   checked before libconfig sees them.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_lc.h"
#include "log.h"
#include "xmalloc.h"

/* A file read back whole, with where each of its lines starts. */
struct cfg_text {
	const char	*name;		/* display name, owned by ctx->srcs */
	char		*buf;		/* NULL if it could not be read */
	size_t		 len;
	size_t		*lines;		/* offset of line i + 1 */
	size_t		 nlines;
};

/* A file settings came from: libconfig's name and the one we show. */
struct cfg_src {
	const char	*raw;
	char		*disp;
};

/*
 * The name to show for a file libconfig read.  libconfig 1.5 names an
 * included file as written in @include, relative to the include
 * directory (the main file's), so join the two.
 */
const char *
cfg_lc_name(struct cfg_lc *ctx, const char *raw)
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

const char *
cfg_lc_file(struct cfg_lc *ctx, const config_setting_t *s)
{
	return cfg_lc_name(ctx, config_setting_source_file(s));
}

int
cfg_lc_line(const config_setting_t *s)
{
	return (int)config_setting_source_line(s);
}

/* The file named name, read whole once (it was just parsed). */
static const struct cfg_text *
cfg_text(struct cfg_lc *ctx, const char *name)
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
			for (p += 2; *p != '\0' &&
			    !(p[0] == '*' && p[1] == '/'); p++)
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
				while (isalnum((unsigned char)*p) ||
				    *p == '.' || *p == '_')
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

void
cfg_lc_lit_free(void *hook)
{
	struct cfg_lit	*lit = hook;

	free(lit->text);
	free(lit);
}

int
cfg_lc_last_line(struct cfg_lc *ctx, const char *file)
{
	const struct cfg_text	*t = cfg_text(ctx, file);
	size_t			 last = t->nlines;

	if (last > 1 && t->buf[t->len - 1] == '\n')
		last--;
	return last > 0 ? (int)last : 1;
}

/*
 * Hook its literal as written on every named integer setting under s,
 * so that the loader sees values libconfig truncated.  Settings on one
 * line with the same key are told apart by their order: libconfig keeps
 * settings in the order written, so the ones of a line come one after
 * another and only those of the current line are remembered.  A literal
 * that does not agree with libconfig's value (modulo 2^32 for an int) is
 * not used: then libconfig's value stands.
 */
struct lc_line {
	const char	*file;
	unsigned	 line;
	const char	**names;	/* integer keys seen on it */
	size_t		 n, cap;
};

/* How many settings named name came before on this file:line. */
static unsigned
line_nth(struct lc_line *cur, const char *file, unsigned line,
    const char *name)
{
	size_t		i;
	unsigned	nth = 0;

	if (cur->file != file || cur->line != line) {
		cur->file = file;
		cur->line = line;
		cur->n = 0;
	}
	for (i = 0; i < cur->n; i++)
		nth += strcmp(cur->names[i], name) == 0;
	if (cur->n == cur->cap) {
		cur->cap = cur->cap == 0 ? 8 : 2 * cur->cap;
		cur->names = xreallocarray(cur->names, cur->cap,
		    sizeof(*cur->names));
	}
	cur->names[cur->n++] = name;
	return nth;
}

/* Hook the literal of integer setting e, if libconfig truncated it. */
static void
hook_one(struct cfg_lc *ctx, config_setting_t *e, struct lc_line *cur)
{
	struct cfg_lit	 lit, *hook;
	const char	*file, *name = config_setting_name(e);
	unsigned	 line, nth;
	bool		 ok;

	file = cfg_lc_file(ctx, e);
	line = config_setting_source_line(e);
	nth = line_nth(cur, file, line, name);
	memset(&lit, 0, sizeof(lit));
	if (!find_literal(cfg_text(ctx, file), line, name, nth, &lit))
		return;
	if (config_setting_type(e) == CONFIG_TYPE_INT)
		ok = lit.overflow || (int)(unsigned)(unsigned long long)
		    lit.v == config_setting_get_int(e);
	else
		ok = lit.overflow || lit.v == config_setting_get_int64(e);
	if (!ok) {
		free(lit.text);
		return;
	}
	hook = xmalloc(sizeof(*hook));
	*hook = lit;
	config_setting_set_hook(e, hook);
}

static void
hook_walk(struct cfg_lc *ctx, config_setting_t *s, struct lc_line *cur)
{
	config_setting_t	*e;
	unsigned		 i, n;
	int			 type;

	n = (unsigned)config_setting_length(s);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, i);
		type = config_setting_type(e);
		if (type == CONFIG_TYPE_GROUP || type == CONFIG_TYPE_LIST)
			hook_walk(ctx, e, cur);
		else if ((type == CONFIG_TYPE_INT ||
		    type == CONFIG_TYPE_INT64) &&
		    config_setting_name(e) != NULL)
			hook_one(ctx, e, cur);
	}
}

void
cfg_lc_hook_literals(struct cfg_lc *ctx, config_setting_t *root)
{
	struct lc_line	cur;

	memset(&cur, 0, sizeof(cur));
	hook_walk(ctx, root, &cur);
	free(cur.names);
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
include_ok(struct cfg_lc *ctx, const char *file, int lineno,
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
		cfg_errlist_add(ctx->errs, file, lineno, "@include \"%s\" "
		    "includes a file that is already being read (a cycle); "
		    "remove it", name);
		return false;
	}
	if (++*total > CFG_INCLUDES_MAX) {
		cfg_errlist_add(ctx->errs, file, lineno, "@include \"%s\": "
		    "more than %d files included in all; include each file "
		    "once", name, CFG_INCLUDES_MAX);
		return false;
	}
	return true;
}

static bool
check_includes(struct cfg_lc *ctx, const char *file, int depth,
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
		/*
		 * libconfig 1.5 opens the include directory joined with the
		 * name, even an absolute one ("/x" is DIR//x); later
		 * versions open an absolute name as it is.  Neither may be
		 * a directory.
		 */
		if (ctx->dir != NULL)
			xasprintf(&full, "%s/%s", ctx->dir, name);
		else
			full = xstrdup(name);
		if ((stat(full, &st) == 0 && !S_ISREG(st.st_mode)) ||
		    (name[0] == '/' && stat(name, &st) == 0 &&
		    !S_ISREG(st.st_mode))) {
			cfg_errlist_add(ctx->errs, file, lineno, "@include "
			    "\"%s\" is not a regular file; include a "
			    "configuration file", name);
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

bool
cfg_lc_check_includes(struct cfg_lc *ctx)
{
	char		*stack[CFG_INCLUDE_DEPTH + 1];
	unsigned	 total = 0;

	memset(stack, 0, sizeof(stack));
	return check_includes(ctx, ctx->path, 0, stack, &total);
}

void
cfg_lc_free(struct cfg_lc *ctx)
{
	size_t	i;

	for (i = 0; i < ctx->nsrcs; i++)
		free(ctx->srcs[i].disp);
	free(ctx->srcs);
	for (i = 0; i < ctx->ntexts; i++) {
		free(ctx->texts[i].buf);
		free(ctx->texts[i].lines);
	}
	free(ctx->texts);
}
