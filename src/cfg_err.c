/*
 * cfg_err.c: the problems of one configuration file: collected while it
 * is read, sorted by file (the main file first) and line, repeats dropped
 * (a bad default seen through several instances is one problem), and
 * the "did you mean" suggestions for misspelt keys.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg_err.h"
#include "log.h"
#include "xmalloc.h"

/* One problem, kept until all are found, then sorted. */
struct cfg_err {
	const char	*file;		/* display name; outlives the sort */
	int		 rank;		/* 0 for the main file */
	int		 line;
	size_t		 seq;
	char		*msg;
};

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

void
cfg_errlist_vadd(struct cfg_errlist *l, const char *file, int line,
    const char *fmt, va_list ap)
{
	struct cfg_err	*e;
	char		*text, *clean;

	if (vasprintf(&text, fmt, ap) == -1)
		fatal("out of memory formatting a string");
	clean = cfg_sanitize(text);
	free(text);
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 16 : 2 * l->cap;
		l->errs = xreallocarray(l->errs, l->cap, sizeof(*l->errs));
	}
	e = &l->errs[l->n];
	e->file = file;
	e->rank = strcmp(file, l->path) == 0 ? 0 : 1;
	e->line = line;
	e->seq = l->n++;
	if (line > 0)
		xasprintf(&e->msg, "%s:%d: %s", file, line, clean);
	else
		xasprintf(&e->msg, "%s: %s", file, clean);
	free(clean);
}

void
cfg_errlist_add(struct cfg_errlist *l, const char *file, int line,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cfg_errlist_vadd(l, file, line, fmt, ap);
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
 * Repeats share a file and line, so each is compared only with the
 * messages of its own line.
 */
void
cfg_errlist_flush(struct cfg_errlist *l, struct cfg_errors *errs)
{
	struct cfg_err	*e = l->errs;
	size_t		 i, j;

	if (l->n == 0)
		return;
	qsort(e, l->n, sizeof(*e), cfg_err_cmp);
	for (i = 1; i < l->n; i++)
		for (j = i; j-- > 0;) {
			if (e[j].line != e[i].line ||
			    strcmp(e[j].file, e[i].file) != 0)
				break;
			if (e[j].msg != NULL &&
			    strcmp(e[j].msg, e[i].msg) == 0) {
				free(e[i].msg);
				e[i].msg = NULL;
				break;
			}
		}
	errs->msgs = xreallocarray(errs->msgs, errs->n + l->n,
	    sizeof(*errs->msgs));
	for (i = 0; i < l->n; i++)
		if (e[i].msg != NULL) {
			errs->msgs[errs->n++] = e[i].msg;
			e[i].msg = NULL;
		}
}

void
cfg_errlist_free(struct cfg_errlist *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->errs[i].msg);
	free(l->errs);
	l->errs = NULL;
	l->n = l->cap = 0;
}

void
cfg_errors_warn(struct cfg_errors *out, char *msg)
{
	size_t	i;

	for (i = 0; i < out->nwarns; i++)
		if (strcmp(out->warns[i], msg) == 0) {
			free(msg);
			return;
		}
	out->warns = xreallocarray(out->warns, out->nwarns + 1,
	    sizeof(*out->warns));
	out->warns[out->nwarns++] = msg;
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
const char *
cfg_suggest(const char *s, const char *const *words)
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

