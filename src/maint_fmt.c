/*
 * maint_fmt.c: read and write the maintenance state file (pure core).
 *
 * The file comes from disk, where anything can happen to it, so the
 * parser takes any bytes: each line is bounded, every field is checked
 * for its range, and the file must end with an "end N" line whose count
 * matches, or it is refused as a whole (the caller decides what a
 * refused file means; maint.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "maint_fmt.h"

/*
 * A byte of an interface name as cfg_check allows it (Linux's rules, and
 * a ':' for an alias label), control bytes aside: they have no place in
 * a text file, and no real interface has them.
 */
static bool
ifname_byte(uint8_t c)
{
	return c > ' ' && c != 0x7f && c != '/';
}

static bool
ifname_ok(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || n >= MAINT_IFNAME_MAX)
		return false;
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (i = 0; i < n; i++)
		if (!ifname_byte((uint8_t)s[i]))
			return false;
	return true;
}

/* Decimal digits only, at most maxd of them, up to max. */
static bool
number(const char *s, size_t n, size_t maxd, int64_t max, int64_t *v)
{
	size_t	i;

	if (n == 0 || n > maxd)
		return false;
	for (*v = 0, i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return *v <= max;
}

/* "IFACE VHID SINCE" (n bytes, no newline) into e. */
static enum maint_err
entry_parse(const char *s, size_t n, struct maint_entry *e)
{
	const char	*sp1, *sp2, *end = s + n;
	int64_t		 v;

	if ((sp1 = memchr(s, ' ', n)) == NULL ||
	    (sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1))) == NULL ||
	    memchr(sp2 + 1, ' ', (size_t)(end - sp2 - 1)) != NULL)
		return MAINT_E_SYNTAX;
	if (!ifname_ok(s, (size_t)(sp1 - s)))
		return MAINT_E_IFNAME;
	memset(e, 0, sizeof(*e));
	memcpy(e->ifname, s, (size_t)(sp1 - s));
	if (!number(sp1 + 1, (size_t)(sp2 - sp1 - 1), 3, 255, &v) || v < 1)
		return MAINT_E_VHID;
	e->vhid = (uint8_t)v;
	if (!number(sp2 + 1, (size_t)(end - sp2 - 1), 13, MAINT_SINCE_MAX,
	    &e->since))
		return MAINT_E_SINCE;
	return MAINT_OK;
}

/* A line made only of bytes a text file of ours can hold. */
static bool
line_clean(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if ((uint8_t)s[i] < ' ' && s[i] != '\t')
			return false;
	return true;
}

enum maint_err
maint_parse(const uint8_t *buf, size_t len,
    void (*cb)(void *, const struct maint_entry *), void *arg, size_t *line)
{
	const char		*p = (const char *)buf, *end = p + len, *nl;
	struct maint_entry	 e;
	enum maint_err		 err;
	size_t			 n, count = 0;
	int64_t			 v;
	bool			 magic = false;

	for (*line = 1; p < end; p = nl + 1, (*line)++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return MAINT_E_TRUNCATED;
		n = (size_t)(nl - p);
		if (n > MAINT_LINE_MAX || !line_clean(p, n))
			return MAINT_E_BINARY;
		if (n == 0 || p[0] == '#')
			continue;
		if (!magic) {
			if (n != strlen(MAINT_MAGIC) ||
			    memcmp(p, MAINT_MAGIC, n) != 0)
				return MAINT_E_MAGIC;
			magic = true;
		} else if (n > 4 && memcmp(p, "end ", 4) == 0) {
			if (!number(p + 4, n - 4, 7, 9999999, &v) ||
			    (size_t)v != count)
				return MAINT_E_COUNT;
			(*line)++;
			return nl + 1 == end ? MAINT_OK : MAINT_E_TRAILING;
		} else {
			if ((err = entry_parse(p, n, &e)) != MAINT_OK)
				return err;
			count++;
			if (cb != NULL)
				cb(arg, &e);
		}
	}
	return magic ? MAINT_E_TRUNCATED : MAINT_E_MAGIC;
}

size_t
maint_format_size(size_t n)
{
	/* Comment, header, entries, "end N" with up to 8 digits. */
	return 80 + sizeof(MAINT_MAGIC) + n * MAINT_ENTRY_LEN + 16;
}

/* Append n bytes of s; false if there is no room. */
static bool
put(char *buf, size_t cap, size_t *off, const char *s, size_t n)
{
	if (cap - *off < n)
		return false;
	memcpy(buf + *off, s, n);
	*off += n;
	return true;
}

static bool
put_num(char *buf, size_t cap, size_t *off, uint64_t v, char after)
{
	char	d[24];
	size_t	i = sizeof(d);

	d[--i] = after;
	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return put(buf, cap, off, d + i, sizeof(d) - i);
}

size_t
maint_format(const struct maint_entry *v, size_t n, char *buf, size_t cap)
{
	static const char	head[] = "# ucarp: instances in maintenance "
				    "(ucarpctl maintenance); do not edit\n"
				    MAINT_MAGIC "\n";
	size_t			off = 0, i, k;

	if (n > 9999999 || !put(buf, cap, &off, head, sizeof(head) - 1))
		return 0;
	for (i = 0; i < n; i++) {
		k = strnlen(v[i].ifname, MAINT_IFNAME_MAX);
		if (!ifname_ok(v[i].ifname, k) || v[i].vhid == 0 ||
		    v[i].since < 0 || v[i].since > MAINT_SINCE_MAX)
			return 0;
		if (!put(buf, cap, &off, v[i].ifname, k) ||
		    !put(buf, cap, &off, " ", 1) ||
		    !put_num(buf, cap, &off, v[i].vhid, ' ') ||
		    !put_num(buf, cap, &off, (uint64_t)v[i].since, '\n'))
			return 0;
	}
	if (!put(buf, cap, &off, "end ", 4) ||
	    !put_num(buf, cap, &off, n, '\n'))
		return 0;
	return off;
}

const char *
maint_err_name(enum maint_err e)
{
	static const char *const t[MAINT_E_MAX] = {
		"ok",
		"not a maintenance file of this ucarp (no \"" MAINT_MAGIC
		    "\" line)",
		"a line that is not \"IFACE VHID SINCE\"",
		"an impossible interface name",
		"a vhid not from 1 to 255",
		"a time that is not Unix seconds",
		"the \"end\" line's count does not match the entries",
		"cut short (no \"end\" line or no final newline)",
		"something after the \"end\" line",
		"a control byte or a line too long",
	};

	return (unsigned)e < MAINT_E_MAX ? t[e] : "unknown";
}
