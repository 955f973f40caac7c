/*
 * json.c: the streaming JSON writer (see json.h).  Strings are written
 * as UTF-8 as received, with quotes, backslashes and control characters
 * escaped; bytes that are not valid UTF-8 become U+FFFD, so the output
 * is always valid JSON whatever an instance's name holds.
 */
#include <stdio.h>
#include <string.h>

#include "json.h"

#define JSON_DEPTH	16

static int	depth;
static bool	first[JSON_DEPTH];
static char	closer[JSON_DEPTH];

/* The length of a valid UTF-8 sequence at s, or 0. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t	n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* Whether byte c goes out as it is (a UTF-8 sequence is checked apart). */
static bool
json_plain(unsigned char c)
{
	return c >= 0x20 && c != 0x7f && c != '"' && c != '\\';
}

static void
json_quoted(const char *str)
{
	const unsigned char	*s = (const unsigned char *)str, *run;
	size_t			 n;

	putchar('"');
	while (*s != '\0') {
		/* A run of bytes as they are, in one write (10 MB of status). */
		for (run = s; json_plain(*s) && (n = utf8_len(s)) != 0; s += n)
			;
		if (s > run)
			fwrite(run, 1, (size_t)(s - run), stdout);
		if (*s == '\0')
			break;
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if (*s < 0x20 || *s == 0x7f)
			printf("\\u%04x", *s);
		else
			fputs("\\ufffd", stdout);
		s++;
	}
	putchar('"');
}

/* The comma and the key before a value. */
static void
json_key(const char *key)
{
	if (depth > 0) {
		if (!first[depth - 1])
			putchar(',');
		first[depth - 1] = false;
	}
	if (key != NULL) {
		json_quoted(key);
		putchar(':');
	}
}

static void
json_open(const char *key, char open, char close)
{
	json_key(key);
	putchar(open);
	if (depth < JSON_DEPTH) {
		first[depth] = true;
		closer[depth] = close;
		depth++;
	}
}

void
json_do_start(void)
{
	depth = 0;
	json_open(NULL, '{', '}');
}

void
json_do_end(void)
{
	while (depth > 0)
		json_do_close();
	putchar('\n');
}

void
json_do_object(const char *key)
{
	json_open(key, '{', '}');
}

void
json_do_array(const char *key)
{
	json_open(key, '[', ']');
}

void
json_do_close(void)
{
	if (depth > 0)
		putchar(closer[--depth]);
}

void
json_do_string(const char *key, const char *v)
{
	json_key(key);
	if (v == NULL)
		fputs("null", stdout);
	else
		json_quoted(v);
}

void
json_do_uint(const char *key, uint64_t v)
{
	json_key(key);
	printf("%llu", (unsigned long long)v);
}

void
json_do_int(const char *key, int64_t v)
{
	json_key(key);
	printf("%lld", (long long)v);
}

void
json_do_bool(const char *key, bool v)
{
	json_key(key);
	fputs(v ? "true" : "false", stdout);
}
