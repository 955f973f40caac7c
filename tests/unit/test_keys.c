/*
 * test_keys.c: the key table, row by row, through the file loader, the
 * printer and the reload diff (links the shell's configuration modules).
 *
 * For every key a file can hold: a base file with one instance loads; the
 * same file with that key set to a value other than its default loads
 * (the key parses), differs from the base in exactly the key's reload
 * class (the key diffs), prints, and the print loads back to the same
 * configuration and prints the same (the key round-trips).  A row whose
 * type this test cannot give a value fails, so a new type is not skipped.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_diff.h"
#include "cfg_file.h"
#include "cfg_keys.h"
#include "cfg_mem.h"
#include "cfg_print.h"
#include "check.h"

static char	dir[] = "/tmp/ucarp-test-keys.XXXXXX";

static void
write_file(const char *name, const char *text, mode_t mode)
{
	char	path[512];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

/* A value other than the default for key k, as the file writes it. */
static bool
other_value(const struct cfg_key *k, char *buf, size_t len)
{
	switch (k->type) {
	case CFG_T_BOOL:
		snprintf(buf, len, "%s", k->def ? "false" : "true");
		return true;
	case CFG_T_U8:
	case CFG_T_U32:
		snprintf(buf, len, "%lld", k->def == k->max ? k->min : k->max);
		return true;
	case CFG_T_IPV4:
		/* In 224.0.0.0/4, so that mcast stays valid. */
		snprintf(buf, len, "\"224.0.0.99\"");
		return true;
	case CFG_T_ADDR:
		snprintf(buf, len, "\"2001:db8::77\"");
		return true;
	case CFG_T_ADDRLIST:
		snprintf(buf, len, "( \"198.18.0.7\", \"198.18.0.8\" )");
		return true;
	case CFG_T_STRING:
	case CFG_T_NAME:
		/* A name with a fixed set of values takes one of them. */
		snprintf(buf, len, "\"%s\"", strcmp(k->name,
		    "on_address_removed") == 0 ? "stepdown" : "eth1");
		return true;
	case CFG_T_SECRET:
		snprintf(buf, len, "\"other\"");
		return true;
	case CFG_T_PASSFILE:
		/* The base's password from another file: class 0. */
		snprintf(buf, len, "\"same-secret\"");
		return true;
	case CFG_T_SCRIPT:
		snprintf(buf, len, "\"script\"");
		return true;
	case CFG_T_PATH:
		snprintf(buf, len, "\"%s/ucarp.pid\"", dir);
		return true;
	case CFG_T_FACILITY:
		snprintf(buf, len, "\"local3\"");
		return true;
	case CFG_T_SECONDS:
		snprintf(buf, len, "2.5");
		return true;
	case CFG_T_NAMES:
		snprintf(buf, len, "[ \"fw\", \"db\" ]");
		return true;
	case CFG_T_PEERS:
		snprintf(buf, len, "[ \"198.18.0.98\", \"198.18.0.99\" ]");
		return true;
	case CFG_T_CHECKS:
		snprintf(buf, len, "( { name = \"web\"; script = \"/bin/true\"; "
		    "interval = 0.2; rise = 3; weight = 50; } )");
		return true;
	case CFG_T_NONE:
		break;
	}
	return false;
}

/*
 * The base instance, with key k (if any) set to value; an instance key
 * replaces the base's own setting of it.
 */
static void
make_file(const char *name, const struct cfg_key *k, const char *value)
{
	static const char *const base[][2] = {
		{ "interface", "\"eth0\"" }, { "srcip", "\"198.18.1.2\"" },
		{ "vhid", "1" }, { "passfile", "\"secret\"" },
		{ "addr", "\"198.18.0.100\"" }, { NULL, NULL }
	};
	char	text[4096], *p = text;
	size_t	i;
	bool	secret = k != NULL && (k->type == CFG_T_SECRET ||
		    k->type == CFG_T_PASSFILE);

	if (k != NULL && !cfg_key_is_instance(k))
		p += sprintf(p, "%s = %s;\n", k->name, value);
	/* The checks track_check names (unless the row replaces them). */
	if (k == NULL || strcmp(k->name, "checks") != 0)
		p += sprintf(p, "checks = ( { name = \"fw\"; script = "
		    "\"/bin/true\"; }, { name = \"db\"; script = "
		    "\"/bin/true\"; } );\n");
	p += sprintf(p, "instances = ( {\n");
	for (i = 0; base[i][0] != NULL; i++)
		if (k == NULL || !cfg_key_is_instance(k) ||
		    (strcmp(base[i][0], k->name) != 0 &&
		    !(secret && strcmp(base[i][0], "passfile") == 0)))
			p += sprintf(p, "\t%s = %s;\n", base[i][0], base[i][1]);
	if (k != NULL && cfg_key_is_instance(k))
		p += sprintf(p, "\t%s = %s;\n", k->name, value);
	sprintf(p, "} );\n");
	write_file(name, text, 0600);
}

static struct cfg *
load(const char *name)
{
	struct cfg_errors	 errs = { NULL, 0, NULL, 0 };
	struct cfg		*c;
	char			 path[512];
	size_t			 i;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	c = cfg_file_load(path, &errs);
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "    %s\n", errs.msgs[i]);
	cfg_errors_free(&errs);
	return c;
}

/* The print, without its "# file:line" comments. */
static char *
print(const struct cfg *c)
{
	char	*buf = NULL, *p, *q;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);

	cfg_print(f, c);
	fclose(f);
	for (p = q = buf; *p != '\0';) {
		size_t	n = strcspn(p, "\n") + (p[strcspn(p, "\n")] != '\0');

		if (strncmp(p, "\t\t# ", 4) != 0) {
			memmove(q, p, n);
			q += n;
		}
		p += n;
	}
	*q = '\0';
	return buf;
}

static void
test_row(const struct cfg_key *k, struct cfg *base, const char *base_print)
{
	struct cfg	*c, *again;
	char		 value[256], *p1, *p2, *file = NULL;
	unsigned	 ch, want;
	FILE		*f;

	check_what = k->name;
	CHECKF(other_value(k, value, sizeof(value)), "no value for type %d",
	    k->type);
	make_file("key.conf", k, value);
	c = load("key.conf");
	CHECKF(c != NULL, "with %s = %s; the file does not load", k->name,
	    value);
	if (c == NULL)
		return;
	p1 = print(c);
	if (cfg_key_is_instance(k) && (k->flags & CFG_F_IDENTITY))
		CHECKF(cfg_identity_cmp(base->instances[0], c->instances[0]) != 0,
		    "an identity key did not change the identity");
	else if (cfg_key_is_instance(k)) {
		ch = cfg_instance_changes(base->instances[0], c->instances[0]);
		CHECKF(ch == k->reload, "changes %#x, the table says %#x", ch,
		    k->reload);
	}
	if (k->reload != 0)
		CHECKF(strcmp(p1, base_print) != 0, "the print is the base's");

	/* The print loads back to the same configuration. */
	if (asprintf(&file, "%s/printed.conf", dir) == -1 ||
	    (f = fopen(file, "w")) == NULL)
		abort();
	fputs(p1, f);
	fclose(f);
	again = load("printed.conf");
	CHECKF(again != NULL, "the print of %s = %s; does not load", k->name,
	    value);
	if (again != NULL) {
		p2 = print(again);
		CHECKF(strcmp(p1, p2) == 0, "prints differ:\n%s---\n%s", p1,
		    p2);
		/* Only a password given in the file is masked by the print. */
		want = k->type == CFG_T_SECRET ? CFG_CH_AUTH : 0;
		ch = cfg_instance_changes(c->instances[0], again->instances[0]);
		CHECKF(ch == want, "reloaded print changes %#x", ch);
		free(p2);
	}
	cfg_free(again);
	cfg_free(c);
	free(p1);
	free(file);
}

int
main(void)
{
	struct cfg	*base;
	char		*base_print, cmd[600];
	size_t		 i, n = 0;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	write_file("secret", "secret\n", 0600);
	write_file("same-secret", "secret\n", 0600);
	write_file("script", "#!/bin/sh\nexit 0\n", 0700);
	make_file("base.conf", NULL, NULL);
	check_what = "base";
	base = load("base.conf");
	CHECK(base != NULL);
	if (base == NULL)
		return check_done();
	base_print = print(base);
	for (i = 0; i < cfg_nkeys; i++)
		if (cfg_keys[i].name != NULL) {
			test_row(&cfg_keys[i], base, base_print);
			n++;
		}
	check_what = "rows";
	CHECKF(n >= 20, "only %zu file keys", n);
	free(base_print);
	cfg_free(base);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}
