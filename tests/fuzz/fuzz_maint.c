/*
 * fuzz_maint.c: libFuzzer target for the maintenance state file's parser
 * (maint_fmt.c), which the daemon runs at start-up on whatever the disk
 * gives back.
 *
 * The input is the file.  What parses must be written again by
 * maint_format() within maint_format_size(), and that must parse back to
 * the very same entries; anything else aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maint_fmt.h"

#define NMAX	4096

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct got {
	struct maint_entry	v[NMAX];
	size_t			n;
	bool			over;
};

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_maint: %s\n", what);
	abort();
}

static void
got_cb(void *arg, const struct maint_entry *e)
{
	struct got	*g = arg;

	if (g->n == NMAX) {
		g->over = true;
		return;
	}
	g->v[g->n++] = *e;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct got	g, g2;
	static char		buf[NMAX * MAINT_ENTRY_LEN + 256];
	size_t			n, line;
	enum maint_err		e;

	memset(&g, 0, sizeof(g));
	e = maint_parse(data, len, got_cb, &g, &line);
	(void)maint_err_name(e);
	if (line == 0 || (e == MAINT_OK && line < 2))
		fail("a line number below 1, or a good file of one line");
	if (e != MAINT_OK || g.over)
		return 0;
	if ((n = maint_format(g.v, g.n, buf, sizeof(buf))) == 0)
		fail("a parsed entry cannot be written");
	if (n > maint_format_size(g.n))
		fail("maint_format_size() is too small");
	memset(&g2, 0, sizeof(g2));
	if (maint_parse((uint8_t *)buf, n, got_cb, &g2, &line) != MAINT_OK)
		fail("what maint_format() wrote does not parse");
	if (g2.n != g.n || memcmp(g.v, g2.v, g.n * sizeof(g.v[0])) != 0)
		fail("the entries written differ from those read");
	return 0;
}
