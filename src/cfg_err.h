/*
 * cfg_err.h: the problems of one configuration file, collected while it
 * is read, then sorted (the main file first, then by line), stripped of
 * repeats and handed over as "FILE:LINE: what; what to do" lines.  Also
 * the "did you mean" suggestions for misspelt keys.
 */
#ifndef CFG_ERR_H
#define CFG_ERR_H

#include <stdarg.h>
#include <stddef.h>

#include "cfg_file.h"

struct cfg_err;

struct cfg_errlist {
	const char	*path;		/* the main file: its problems first */
	struct cfg_err	*errs;
	size_t		 n;
	size_t		 cap;
};

/* One problem at file:line (line 0: the file as a whole). */
void	cfg_errlist_vadd(struct cfg_errlist *, const char *file, int line,
	    const char *fmt, va_list) __attribute__((format(printf, 4, 0)));
void	cfg_errlist_add(struct cfg_errlist *, const char *file, int line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Sort, drop repeats, move the messages to out->msgs. */
void	cfg_errlist_flush(struct cfg_errlist *, struct cfg_errors *out);
void	cfg_errlist_free(struct cfg_errlist *);

/* A warning for out->warns, once: "FILE: warning; what to do". */
void	cfg_errors_warn(struct cfg_errors *out, char *msg);

/* The closest of words (NULL-terminated) to s, if a likely typo. */
const char	*cfg_suggest(const char *s, const char *const *words);

#endif /* CFG_ERR_H */
