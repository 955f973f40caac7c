/*
 * fuzz_cfg.c: libFuzzer target for the configuration file loader
 * (cfg_file.c with libconfig, cfg_check.c, cfg_print.c).
 *
 * The input is the text of a configuration file.  It is written to
 * ucarp.conf in a private directory that also holds copies of the
 * fixtures of tests/conf (a passfile, scripts, an @include), then loaded
 * with cfg_file_load() as "ucarp -t -c" does.  A file that loads is
 * printed; ucarp.conf(5) promises that the print loads back to the same
 * configuration, so it is loaded again and must print the same (comments
 * aside).  Either failing aborts: it is a loader or printer bug.
 *
 * The loader trusts the paths in the file (passfile, @include).  Inputs
 * naming /dev, /proc or /sys are skipped: reading /dev/zero or a pipe
 * never ends, which is a finding about those files, not about the parser.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "cfg_file.h"
#include "cfg_mem.h"
#include "cfg_print.h"

int		 LLVMFuzzerInitialize(int *, char ***);
int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
const char	*__lsan_default_suppressions(void);

/* tests/conf/fixtures, so that the seeds' relative paths resolve. */
static const struct fixture {
	const char	*name;
	const char	*text;
	mode_t		 mode;
} fixtures[] = {
	{ "fixtures/secret", "s3cret-from-file\n", 0644 },
	{ "fixtures/secret-empty", "", 0644 },
	{ "fixtures/secret-too-long", "01234567890123456789\n", 0644 },
	{ "fixtures/vip-up", "#!/bin/sh\nexit 0\n", 0755 },
	{ "fixtures/vip-down", "#!/bin/sh\nexit 0\n", 0755 },
	{ "fixtures/not-executable", "#!/bin/sh\nexit 0\n", 0644 },
	{ "fixtures/instance.inc",
	    "\t{\n\t\tname = \"web\";\n\t\tinterface = \"eth1\";\n"
	    "\t\tsrcip = \"198.18.2.1\";\n\t\tvhid = 8;\n"
	    "\t\taddr = [ \"198.18.2.80\" ];\n\t\tnomcast = true;\n"
	    "\t\tneutral = true;\n\t\tshutdown = true;\n"
	    "\t\tignoreifstate = true;\n\t\tdeadratio = 5;\n"
	    "\t\tadvbase = 0;\n\t\tadvskew = 10;\n\t}\n", 0644 },
	{ "fixtures/bad-instance.inc",
	    "\t{\n\t\tinterface = \"eth0\";\n\t\tsrcip = \"198.18.0.1\";\n"
	    "\t\tvhid = 1;\n\t\tpass = \"secret\";\n"
	    "\t\taddr = \"198.18.0.101\";\n\t\tadvskew = 256;\n\t}\n", 0644 },
};

/* Paths the loader would read forever or block on. */
static const char *const skipped[] = { "/dev", "/proc", "/sys" };

static char	sandbox[PATH_MAX];
static char	conf_path[PATH_MAX];
static char	printed_path[PATH_MAX];

/*
 * libconfig before 1.7.3 (Debian 12 has 1.5) leaks the string literal its
 * parser drops on a syntax error, e.g. a = 1 "x"; (hyperrealm/libconfig
 * issue 142, fixed by pull request 155).  The string comes from
 * strbuf_append(), or straight from the scanner when it is "".  Not ours
 * to fix: ignore just those.  A missing config_destroy() would still
 * show, through the settings libconfig allocates elsewhere.
 */
const char *
__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

/* Print what went wrong and abort, so libFuzzer keeps the input. */
static void
fail(const char *what, const struct cfg_errors *errs)
{
	size_t	i;

	fprintf(stderr, "fuzz_cfg: %s\n", what);
	for (i = 0; errs != NULL && i < errs->n; i++)
		fprintf(stderr, "  %s\n", errs->msgs[i]);
	abort();
}

/* Write len bytes to path in the sandbox, replacing it. */
static void
put_file(const char *path, const void *data, size_t len, mode_t mode)
{
	const uint8_t	*p = data;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)) == -1) {
		perror(path);
		abort();
	}
	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			perror(path);
			abort();
		}
		p += n;
		len -= (size_t)n;
	}
	if (fchmod(fd, mode) == -1 || close(fd) == -1) {
		perror(path);
		abort();
	}
}

static void
sandbox_join(char *out, const char *name)
{
	if ((size_t)snprintf(out, PATH_MAX, "%s/%s", sandbox, name) >=
	    PATH_MAX) {
		fprintf(stderr, "fuzz_cfg: TMPDIR is too long\n");
		abort();
	}
}

/* Remove the sandbox at exit (not after a crash: the input is kept). */
static void
sandbox_remove(void)
{
	char	path[PATH_MAX];
	size_t	i;

	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		sandbox_join(path, fixtures[i].name);
		unlink(path);
	}
	unlink(conf_path);
	unlink(printed_path);
	sandbox_join(path, "fixtures");
	rmdir(path);
	rmdir(sandbox);
}

int
LLVMFuzzerInitialize(int *argc UNUSED, char ***argv UNUSED)
{
	const char	*tmp;
	char		 path[PATH_MAX];
	size_t		 i;

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	if ((size_t)snprintf(sandbox, sizeof(sandbox), "%s/ucarp-fuzz-cfg.XXXXXX",
	    tmp) >= sizeof(sandbox) || mkdtemp(sandbox) == NULL) {
		perror("fuzz_cfg: mkdtemp");
		abort();
	}
	sandbox_join(path, "fixtures");
	if (mkdir(path, 0755) == -1) {
		perror(path);
		abort();
	}
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		sandbox_join(path, fixtures[i].name);
		put_file(path, fixtures[i].text, strlen(fixtures[i].text),
		    fixtures[i].mode);
	}
	sandbox_join(conf_path, "ucarp.conf");
	sandbox_join(printed_path, "printed.conf");
	atexit(sandbox_remove);
	return 0;
}

/* cfg_print() into a string; the caller frees it. */
static char *
print_cfg(const struct cfg *c, size_t *lenp)
{
	FILE	*f;
	char	*buf = NULL;

	if ((f = open_memstream(&buf, lenp)) == NULL)
		abort();
	cfg_print(f, c);
	if (fclose(f) != 0)
		abort();
	return buf;
}

/* Drop comment lines, which name the file and line a block came from. */
static void
strip_comments(char *s)
{
	char	*in = s, *out = s, *eol;
	size_t	 n;

	while (*in != '\0') {
		if ((eol = strchr(in, '\n')) == NULL)
			eol = in + strlen(in);
		else
			eol++;
		n = (size_t)(eol - in);
		if (in[strspn(in, " \t")] != '#') {
			memmove(out, in, n);
			out += n;
		}
		in = eol;
	}
	*out = '\0';
}

/* A loaded file prints, and the print loads back to the same. */
static void
check_print(const struct cfg *c)
{
	struct cfg_errors	 errs;
	struct cfg		*c2;
	char			*p1, *p2;
	size_t			 len1, len2;

	p1 = print_cfg(c, &len1);
	put_file(printed_path, p1, len1, 0644);
	memset(&errs, 0, sizeof(errs));
	if ((c2 = cfg_file_load(printed_path, &errs)) == NULL) {
		fprintf(stderr, "%s", p1);
		fail("the printed configuration does not load", &errs);
	}
	p2 = print_cfg(c2, &len2);
	strip_comments(p1);
	strip_comments(p2);
	if (strcmp(p1, p2) != 0) {
		fprintf(stderr, "first print:\n%s\nsecond print:\n%s", p1, p2);
		fail("the printed configuration loads back differently", NULL);
	}
	free(p1);
	free(p2);
	cfg_free(c2);
	cfg_errors_free(&errs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_errors	 errs;
	struct cfg		*c;
	size_t			 i;

	for (i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		if (memmem(data, size, skipped[i], strlen(skipped[i])) != NULL)
			return -1;	/* not added to the corpus */
	put_file(conf_path, data, size, 0644);

	memset(&errs, 0, sizeof(errs));
	c = cfg_file_load(conf_path, &errs);
	if (c == NULL && errs.n == 0)
		fail("cfg_file_load failed without saying why", NULL);
	if (c != NULL && errs.n != 0)
		fail("cfg_file_load succeeded with errors", &errs);
	for (i = 0; i < errs.n; i++)
		if (errs.msgs[i] == NULL || strchr(errs.msgs[i], '\n') != NULL)
			fail("an error message is not one line", &errs);
	for (i = 0; i < errs.nwarns; i++)
		if (errs.warns[i] == NULL || strchr(errs.warns[i], '\n') != NULL)
			fail("a warning is not one line", &errs);
	if (c != NULL) {
		check_print(c);
		cfg_free(c);
	}
	cfg_errors_free(&errs);
	return 0;
}
