/*
 * test_maint_fmt.c: the maintenance state file's format (maint_fmt.c):
 * what is written parses back to the same entries; a file cut short at
 * any byte is refused; each kind of damage is refused with its own
 * error and line; what the writer cannot represent is not written.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "maint_fmt.h"

#define NMAX	64

struct got {
	struct maint_entry	v[NMAX];
	size_t			n;
};

static void
got_cb(void *arg, const struct maint_entry *e)
{
	struct got	*g = arg;

	if (g->n < NMAX)
		g->v[g->n] = *e;
	g->n++;
}

static enum maint_err
parse_str(const char *s, struct got *g, size_t *line)
{
	memset(g, 0, sizeof(*g));
	return maint_parse((const uint8_t *)s, strlen(s), got_cb, g, line);
}

static void
test_roundtrip(void)
{
	static const struct maint_entry	v[] = {
		{ "eth0", 42, 1765000000 },
		{ "a", 1, 0 },
		{ "bond0.100-x_y", 255, MAINT_SINCE_MAX },
		{ "eth0:1", 3, 4 },		/* an alias label */
		{ "\xc3\xa9th1", 7, 123 },	/* Linux allows UTF-8 */
		{ "123456789012345", 9, 9 },	/* IFNAMSIZ - 1 bytes */
	};
	static char	buf[4096];
	struct got	g;
	size_t		n, k, line, nv = sizeof(v) / sizeof(v[0]);
	enum maint_err	e;

	check_what = "roundtrip";
	n = maint_format(v, nv, buf, sizeof(buf));
	CHECK(n > 0 && n <= maint_format_size(nv));
	buf[n] = '\0';
	e = maint_parse((uint8_t *)buf, n, got_cb, &g, &line);
	CHECKF(e == MAINT_OK, "%s at line %zu", maint_err_name(e), line);
	CHECK(g.n == nv);
	for (k = 0; k < nv && k < g.n; k++)
		CHECKF(memcmp(&g.v[k], &v[k], sizeof(v[k])) == 0, "entry %zu",
		    k);

	/* Cut short at every byte: never accepted as a shorter list. */
	check_what = "truncated";
	for (k = 0; k < n; k++) {
		memset(&g, 0, sizeof(g));
		e = maint_parse((uint8_t *)buf, k, got_cb, &g, &line);
		CHECKF(e == MAINT_E_TRUNCATED || e == MAINT_E_MAGIC ||
		    e == MAINT_E_COUNT, "%zu bytes: %s", k, maint_err_name(e));
	}

	check_what = "empty set";
	n = maint_format(v, 0, buf, sizeof(buf));
	CHECK(n > 0);
	buf[n] = '\0';
	CHECK(strstr(buf, "\nend 0\n") != NULL);
	CHECK(parse_str(buf, &g, &line) == MAINT_OK && g.n == 0);

	check_what = "no room";
	CHECK(maint_format(v, nv, buf, 40) == 0);
	n = maint_format(v, nv, buf, sizeof(buf));
	CHECK(maint_format(v, nv, buf, n) == n);
	CHECK(maint_format(v, nv, buf, n - 1) == 0);
}

/* What the writer refuses: what it wrote would not parse back. */
static void
test_unwritable(void)
{
	static const struct maint_entry	bad[] = {
		{ "", 1, 1 },
		{ "eth 0", 1, 1 },
		{ "a/b", 1, 1 },
		{ ".", 1, 1 },
		{ "..", 1, 1 },
		{ "eth0", 0, 1 },
		{ "eth0", 1, -1 },
		{ "eth0", 1, MAINT_SINCE_MAX + 1 },
		{ "e\nth", 1, 1 },
	};
	static char	buf[1024];
	size_t		k;

	check_what = "unwritable";
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		CHECKF(maint_format(&bad[k], 1, buf, sizeof(buf)) == 0,
		    "entry %zu written", k);
}

static void
test_damage(void)
{
	static const struct {
		const char	*what, *file;
		enum maint_err	 err;
		size_t		 line;
	} t[] = {
		{ "empty file", "", MAINT_E_MAGIC, 1 },
		{ "comments only", "# x\n\n", MAINT_E_MAGIC, 3 },
		{ "other version", "ucarp-maintenance 2\nend 0\n",
		    MAINT_E_MAGIC, 1 },
		{ "no newline", MAINT_MAGIC "\nend 0", MAINT_E_TRUNCATED, 2 },
		{ "no end", MAINT_MAGIC "\neth0 1 2\n", MAINT_E_TRUNCATED, 3 },
		{ "count low", MAINT_MAGIC "\neth0 1 2\nend 0\n",
		    MAINT_E_COUNT, 3 },
		{ "count high", MAINT_MAGIC "\nend 1\n", MAINT_E_COUNT, 2 },
		{ "count word", MAINT_MAGIC "\nend one\n", MAINT_E_COUNT, 2 },
		{ "trailing", MAINT_MAGIC "\nend 0\n\n", MAINT_E_TRAILING, 3 },
		{ "two fields", MAINT_MAGIC "\neth0 1\nend 1\n",
		    MAINT_E_SYNTAX, 2 },
		{ "four fields", MAINT_MAGIC "\neth0 1 2 3\nend 1\n",
		    MAINT_E_SYNTAX, 2 },
		{ "double blank", MAINT_MAGIC "\neth0  1 2\nend 1\n",
		    MAINT_E_SYNTAX, 2 },
		{ "vhid 0", MAINT_MAGIC "\neth0 0 2\nend 1\n",
		    MAINT_E_VHID, 2 },
		{ "vhid 256", MAINT_MAGIC "\neth0 256 2\nend 1\n",
		    MAINT_E_VHID, 2 },
		{ "vhid sign", MAINT_MAGIC "\neth0 +1 2\nend 1\n",
		    MAINT_E_VHID, 2 },
		{ "since neg", MAINT_MAGIC "\neth0 1 -2\nend 1\n",
		    MAINT_E_SINCE, 2 },
		{ "since huge", MAINT_MAGIC "\neth0 1 99999999999999\nend 1\n",
		    MAINT_E_SINCE, 2 },
		{ "since empty", MAINT_MAGIC "\neth0 1 \nend 1\n",
		    MAINT_E_SINCE, 2 },
		{ "ifname long", MAINT_MAGIC "\n1234567890123456 1 2\nend 1\n",
		    MAINT_E_IFNAME, 2 },
		{ "ifname slash", MAINT_MAGIC "\neth/0 1 2\nend 1\n",
		    MAINT_E_IFNAME, 2 },
		{ "control byte", MAINT_MAGIC "\neth0\r 1 2\nend 1\n",
		    MAINT_E_BINARY, 2 },
		{ "second magic", MAINT_MAGIC "\n" MAINT_MAGIC "\nend 0\n",
		    MAINT_E_SYNTAX, 2 },
	};
	struct got	g;
	size_t		k, line;
	enum maint_err	e;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		check_what = t[k].what;
		e = parse_str(t[k].file, &g, &line);
		CHECKF(e == t[k].err, "got %s", maint_err_name(e));
		CHECKF(line == t[k].line, "line %zu", line);
	}

	/* A NUL inside, and a line longer than the limit. */
	check_what = "nul";
	{
		static const uint8_t	b[] =
		    MAINT_MAGIC "\neth\0 1 2\nend 1\n";

		CHECK(maint_parse(b, sizeof(b) - 1, got_cb, &g, &line) ==
		    MAINT_E_BINARY);
	}
	check_what = "long line";
	{
		static char	b[MAINT_LINE_MAX + 64];

		memset(b, '#', sizeof(b) - 1);
		b[sizeof(b) - 2] = '\n';
		CHECK(parse_str(b, &g, &line) == MAINT_E_BINARY);
	}

	check_what = "comments and blanks";
	CHECK(parse_str("# a\n\n" MAINT_MAGIC "\n# b\neth0 042 7\n\nend 1\n",
	    &g, &line) == MAINT_OK);
	CHECK(g.n == 1 && g.v[0].vhid == 42 && g.v[0].since == 7 &&
	    strcmp(g.v[0].ifname, "eth0") == 0);
	CHECK(strcmp(maint_err_name(MAINT_E_MAX), "unknown") == 0);
}

int
main(void)
{
	test_roundtrip();
	test_unwritable();
	test_damage();
	return check_done();
}
