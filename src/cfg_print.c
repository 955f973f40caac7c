/*
 * cfg_print.c: the effective configuration as a libconfig file, for
 * ucarp --print-config.  Every instance is written in full (defaults
 * applied), so what runs can be read without the defaults in mind.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cfg_print.h"
#include "log.h"

/* In log_facility_parse()'s vocabulary; the first name of a value wins. */
const char *const cfg_facility_names[] = {
	"auth", "authpriv", "cron", "daemon", "ftp", "kern", "lpr", "mail",
	"mark", "news", "security", "syslog", "user", "uucp", "local0",
	"local1", "local2", "local3", "local4", "local5", "local6", "local7",
	"none",
	NULL
};

const char *
cfg_facility_name(int facility)
{
	size_t	i;

	for (i = 0; cfg_facility_names[i] != NULL; i++)
		if (log_facility_parse(cfg_facility_names[i]) == facility)
			return cfg_facility_names[i];
	return "daemon";
}

/* A libconfig string literal: quotes, backslashes and controls escaped. */
static void
print_str(FILE *f, const char *s)
{
	const unsigned char	*p;

	putc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\x%02x", *p);
			else
				putc(*p, f);
			break;
		}
	}
	putc('"', f);
}

/* A comment line: a file name, with control characters shown as '?'. */
static void
print_comment(FILE *f, const char *file, int line)
{
	const unsigned char	*p;

	fputs("\t\t# ", f);
	for (p = (const unsigned char *)file; *p != '\0'; p++)
		putc(*p < 0x20 || *p == 0x7f ? '?' : *p, f);
	if (line > 0)
		fprintf(f, ":%d", line);
	putc('\n', f);
}

static void
print_key_str(FILE *f, const char *key, const char *val)
{
	fprintf(f, "\t\t%s = ", key);
	print_str(f, val);
	fputs(";\n", f);
}

static void
print_key_bool(FILE *f, const char *key, bool val)
{
	fprintf(f, "\t\t%s = %s;\n", key, val ? "true" : "false");
}

static void
print_key_ipv4(FILE *f, const char *key, const uint8_t a[4])
{
	fprintf(f, "\t\t%s = \"%u.%u.%u.%u\";\n", key, a[0], a[1], a[2],
	    a[3]);
}

/* Seconds as libconfig reads them back: "60", or "2.5" for 2500 ms. */
static void
print_seconds(FILE *f, unsigned ms)
{
	unsigned	frac = ms % 1000, digits = 3;

	if (frac == 0) {
		fprintf(f, "%u", ms / 1000);
		return;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	fprintf(f, "%u.%0*u", ms / 1000, (int)digits, frac);
}

static void
print_vhost(FILE *f, const struct cfg_vhost *cv)
{
	size_t	i;

	fputs("\t{\n", f);
	if (cv->file != NULL)
		print_comment(f, cv->file, cv->line);
	if (cv->name != NULL)
		print_key_str(f, "name", cv->name);
	if (cv->interface != NULL)
		print_key_str(f, "interface", cv->interface);
	print_key_ipv4(f, "srcip", cv->srcip);
	fprintf(f, "\t\tvhid = %u;\n", cv->vhid);
	if (cv->passfile != NULL)
		print_key_str(f, "passfile", cv->passfile);
	else if (cv->passlen > 0)
		print_key_str(f, "pass", "********");
	if (cv->naddrs == 1)
		print_key_str(f, "addr", cv->addr_strs[0]);
	else if (cv->naddrs > 1) {
		fputs("\t\taddr = ( ", f);
		for (i = 0; i < cv->naddrs; i++) {
			if (i > 0)
				fputs(", ", f);
			print_str(f, cv->addr_strs[i]);
		}
		fputs(" );\n", f);
	}
	fprintf(f, "\t\tadvbase = %u;\n", cv->advbase);
	fprintf(f, "\t\tadvskew = %u;\n", cv->advskew);
	fprintf(f, "\t\tdeadratio = %u;\n", cv->deadratio);
	print_key_bool(f, "preempt", cv->preempt);
	print_key_bool(f, "neutral", cv->neutral);
	print_key_bool(f, "shutdown", cv->shutdown);
	print_key_ipv4(f, "mcast", cv->mcast);
	print_key_bool(f, "nomcast", cv->nomcast);
	print_key_bool(f, "ignoreifstate", cv->ignoreifstate);
	print_key_bool(f, "replay_protect", cv->replay_protect);
	if (cv->upscript != NULL)
		print_key_str(f, "upscript", cv->upscript);
	if (cv->downscript != NULL)
		print_key_str(f, "downscript", cv->downscript);
	if (cv->xparam != NULL)
		print_key_str(f, "xparam", cv->xparam);
	fputs("\t}", f);
}

void
cfg_print(FILE *f, const struct cfg *c)
{
	size_t	i;

	fputs("# ucarp --print-config: the effective configuration, "
	    "defaults applied\n", f);
	fputs("facility = ", f);
	print_str(f, cfg_facility_name(c->facility));
	fputs(";\n", f);
	fprintf(f, "debug = %s;\n", c->debug ? "true" : "false");
	fprintf(f, "script_jobs = %u;\n", c->script_jobs);
	fputs("script_timeout = ", f);
	print_seconds(f, c->script_timeout_ms);
	fputs(";\n", f);
	if (c->pidfile != NULL) {
		fputs("pidfile = ", f);
		print_str(f, c->pidfile);
		fputs(";\n", f);
	}
	fputs("\ninstances = (\n", f);
	for (i = 0; i < c->nvhosts; i++) {
		print_vhost(f, c->vhosts[i]);
		fputs(i + 1 < c->nvhosts ? ",\n" : "\n", f);
	}
	fputs(");\n", f);
}
