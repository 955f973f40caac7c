/*
 * json.h: a tiny streaming JSON writer on stdout (bgpctl's json.c): the
 * caller opens and closes objects and arrays; commas, quoting and
 * escaping are done here.  Depth is bounded; keys are the caller's
 * constants, values are escaped.
 */
#ifndef JSON_H
#define JSON_H

#include <stdbool.h>
#include <stdint.h>

void	json_do_start(void);
void	json_do_end(void);		/* closes all, then a newline */
void	json_do_object(const char *key);	/* key NULL in an array */
void	json_do_array(const char *key);
void	json_do_close(void);
void	json_do_string(const char *key, const char *v);	/* NULL: null */
void	json_do_uint(const char *key, uint64_t v);
void	json_do_int(const char *key, int64_t v);
void	json_do_bool(const char *key, bool v);

#endif /* JSON_H */
