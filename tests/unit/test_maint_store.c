/*
 * test_maint_store.c: the maintenance state file on disk (maint_store.c),
 * in a private temporary directory: what is saved loads back; no file is
 * "nothing in maintenance"; a damaged, oversized-line or non-regular
 * file is refused with its path and line, its entries not handed out; a
 * save that cannot be done (the directory read-only, or a file where the
 * directory should be) says why and leaves the old file whole, with no
 * temporary file behind.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "maint_store.h"

static char	dir[256];

struct got {
	struct maint_entry	v[8];
	size_t			n;
};

static void
got_cb(void *arg, const struct maint_entry *e)
{
	struct got	*g = arg;

	if (g->n < 8)
		g->v[g->n] = *e;
	g->n++;
}

static enum maint_load
load(const char *d, struct got *g, char *err, size_t len)
{
	memset(g, 0, sizeof(*g));
	err[0] = '\0';
	return maint_store_load(d, got_cb, g, err, len);
}

static void
put_file(const char *name, const char *text)
{
	char	path[320];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static void
test_roundtrip(void)
{
	static const struct maint_entry	v[] = {
		{ "eth0", 42, 1765000000 },
		{ "eth1", 7, 1 },
	};
	struct got	g;
	char		err[512], sub[300], path[320];

	check_what = "missing";
	CHECK(load(dir, &g, err, sizeof(err)) == MAINT_LOAD_NONE);
	CHECK(g.n == 0);

	check_what = "save and load";
	CHECKF(maint_store_save(dir, v, 2, err, sizeof(err)), "%s", err);
	CHECK(load(dir, &g, err, sizeof(err)) == MAINT_LOAD_OK);
	CHECK(g.n == 2 && memcmp(g.v, v, sizeof(v)) == 0);
	snprintf(path, sizeof(path), "%s/.maintenance.tmp", dir);
	CHECK(access(path, F_OK) != 0);

	check_what = "directory made";
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	CHECKF(maint_store_save(sub, v, 1, err, sizeof(err)), "%s", err);
	CHECK(load(sub, &g, err, sizeof(err)) == MAINT_LOAD_OK && g.n == 1);
}

static void
test_refused(void)
{
	struct got	g;
	char		err[512], path[320];

	check_what = "damaged";
	put_file("maintenance", "ucarp-maintenance 1\neth0 1 2\n");
	CHECK(load(dir, &g, err, sizeof(err)) == MAINT_LOAD_REFUSED);
	CHECK(g.n == 0);		/* nothing handed out */
	snprintf(path, sizeof(path), "%s/maintenance:3: cut short", dir);
	CHECKF(strncmp(err, path, strlen(path)) == 0, "%s", err);

	check_what = "a directory";
	snprintf(path, sizeof(path), "%s/maintenance", dir);
	unlink(path);
	CHECK(mkdir(path, 0700) == 0);
	CHECK(load(dir, &g, err, sizeof(err)) == MAINT_LOAD_REFUSED);
	CHECKF(strstr(err, "not a regular file") != NULL, "%s", err);
	rmdir(path);
}

static void
test_save_fails(void)
{
	static const struct maint_entry	old = { "eth0", 1, 5 };
	static const struct maint_entry	nw = { "eth0", 2, 6 };
	static const struct maint_entry	bad = { "e\x01", 2, 6 };
	struct got	g;
	char		err[512], path[320];

	check_what = "read-only directory";
	CHECK(maint_store_save(dir, &old, 1, err, sizeof(err)));
	chmod(dir, 0500);
	if (geteuid() != 0) {		/* root writes anyway */
		CHECK(!maint_store_save(dir, &nw, 1, err, sizeof(err)));
		CHECKF(strstr(err, "create") != NULL, "%s", err);
		CHECK(load(dir, &g, err, sizeof(err)) == MAINT_LOAD_OK);
		CHECK(g.n == 1 && g.v[0].vhid == 1);
	}
	chmod(dir, 0700);

	check_what = "not a directory";
	snprintf(path, sizeof(path), "%s/plain", dir);
	put_file("plain", "x");
	CHECK(!maint_store_save(path, &nw, 1, err, sizeof(err)));
	CHECKF(strstr(err, "plain") != NULL, "%s", err);

	check_what = "unwritable entry";
	CHECK(!maint_store_save(dir, &bad, 1, err, sizeof(err)));
	CHECK(load(dir, &g, err, sizeof(err)) == MAINT_LOAD_OK);
	CHECK(g.n == 1 && g.v[0].vhid == 1);	/* the old file, whole */
	unlink(path);
}

int
main(void)
{
	char	cmd[300];

	snprintf(dir, sizeof(dir), "%s/ucarp-maint.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_roundtrip();
	test_refused();
	test_save_fails();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}
