/*
 * cfg_print.c: the effective configuration as a libconfig file, for
 * ucarp --print-config.  Every instance is written in full (defaults
 * applied), so what runs can be read without the defaults in mind.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cfg_diff.h"
#include "cfg_facility.h"
#include "cfg_keys.h"
#include "cfg_print.h"

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

/* An address list: one string, or a list of them. */
static void
print_addrs(FILE *f, const struct cfg_instance *cv)
{
	size_t	i;

	if (cv->naddrs == 1) {
		print_str(f, cv->addr_strs[0]);
		return;
	}
	fputs("( ", f);
	for (i = 0; i < cv->naddrs; i++) {
		if (i > 0)
			fputs(", ", f);
		print_str(f, cv->addr_strs[i]);
	}
	fputs(" )", f);
}

/* A name list: [ "a", "b" ]. */
static void
print_names(FILE *f, const struct cfg_names *l)
{
	size_t	i;

	fputs("[ ", f);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			fputs(", ", f);
		print_str(f, l->v[i]);
	}
	fputs(" ]", f);
}

/* A peer list: [ "198.18.0.12", "2001:db8::12" ]. */
static void
print_peers(FILE *f, const struct cfg_peers *l)
{
	char	buf[CARP_ADDR_STRLEN];
	size_t	i;

	fputs("[ ", f);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			fputs(", ", f);
		print_str(f, carp_addr_fmt(&l->v[i], buf));
	}
	fputs(" ]", f);
}

/* The checks list, one group per check, every key given. */
static void
print_checks(FILE *f, const struct cfg *c)
{
	const struct cfg_hcheck	*hc;
	size_t			 i;

	fputs("(\n", f);
	for (i = 0; i < c->nchecks; i++) {
		hc = &c->checks[i];
		fputs("\t{ name = ", f);
		print_str(f, hc->name);
		fputs("; script = ", f);
		print_str(f, hc->script);
		fputs(";\n\t  interval = ", f);
		print_seconds(f, hc->interval_ms);
		fputs("; timeout = ", f);
		print_seconds(f, hc->timeout_ms);
		fprintf(f, "; rise = %u; fall = %u; weight = ", hc->rise,
		    hc->fall);
		if (hc->weight < 0)
			fputs("\"fatal\"", f);
		else
			fprintf(f, "%d", hc->weight);
		fputs(i + 1 < c->nchecks ? "; },\n" : "; }\n", f);
	}
	fputs(")", f);
}

/* Whether key k of obj has a value to print. */
static bool
has_value(const struct cfg_key *k, const void *obj)
{
	const struct cfg_instance	*cv = obj;

	if (cfg_key_is_str(k))
		return *(char *const *)cfg_key_cptr(k, obj) != NULL;
	switch (k->type) {
	case CFG_T_ADDRLIST:
		return cv->naddrs > 0;
	case CFG_T_NAMES:
		return ((const struct cfg_names *)cfg_key_cptr(k, obj))->n > 0;
	case CFG_T_PEERS:
		return cv->peer.n > 0;
	case CFG_T_CHECKS:
		return ((const struct cfg *)obj)->nchecks > 0;
	case CFG_T_SECONDS:
		return (k->flags & CFG_F_ALWAYS) != 0 ||
		    *(const uint32_t *)cfg_key_cptr(k, obj) != 0;
	case CFG_T_BOOL:
		/* The unicast options mean something with peers only. */
		if (k->reload == CFG_CH_PEERS)
			return cv->peer.n > 0 ||
			    *(const bool *)cfg_key_cptr(k, obj) != (k->def != 0);
		/* A newer switch is shown when set: older prints stay. */
		return (k->flags & CFG_F_ALWAYS) != 0 ||
		    *(const bool *)cfg_key_cptr(k, obj);
	case CFG_T_SECRET:
		/* A passfile is shown as its path. */
		return cv->passfile == NULL && cv->passlen > 0;
	case CFG_T_NONE:
		return false;
	default:
		return (k->flags & CFG_F_ALWAYS) != 0;
	}
}

/* "key = value;" for key k of obj (an instance or a cfg), if it has one. */
static void
print_key(FILE *f, const struct cfg_key *k, const void *obj,
    const char *indent)
{
	const void	*p = cfg_key_cptr(k, obj);
	char		 buf[CARP_ADDR_STRLEN];

	if (!has_value(k, obj))
		return;
	fprintf(f, "%s%s = ", indent, k->name);
	switch (k->type) {
	case CFG_T_ADDRLIST:
		print_addrs(f, obj);
		break;
	case CFG_T_NAMES:
		print_names(f, p);
		break;
	case CFG_T_PEERS:
		print_peers(f, p);
		break;
	case CFG_T_CHECKS:
		print_checks(f, obj);
		break;
	case CFG_T_SECRET:
		print_str(f, "********");
		break;
	case CFG_T_BOOL:
		fputs(*(const bool *)p ? "true" : "false", f);
		break;
	case CFG_T_U8:
		fprintf(f, "%u", *(const uint8_t *)p);
		break;
	case CFG_T_U32:
		fprintf(f, "%u", *(const uint32_t *)p);
		break;
	case CFG_T_SECONDS:
		print_seconds(f, *(const uint32_t *)p);
		break;
	case CFG_T_IPV4:
		print_str(f, carp_addr_fmt4(p, buf));
		break;
	case CFG_T_ADDR:
		print_str(f, carp_addr_fmt_prefix(p, buf));
		break;
	case CFG_T_FACILITY:
		print_str(f, cfg_facility_name(*(const int *)p));
		break;
	default:
		print_str(f, *(char *const *)p);
		break;
	}
	fputs(";\n", f);
}

static void
print_instance(FILE *f, const struct cfg_instance *cv)
{
	size_t	i;

	fputs("\t{\n", f);
	if (cv->file != NULL)
		print_comment(f, cv->file, cv->line);
	for (i = 0; i < cfg_nkeys; i++)
		if (cfg_key_is_instance(&cfg_keys[i]))
			print_key(f, &cfg_keys[i], cv, "\t\t");
	fputs("\t}", f);
}

void
cfg_print(FILE *f, const struct cfg *c)
{
	size_t	i;

	fputs("# ucarp --print-config: the effective configuration, "
	    "defaults applied\n", f);
	for (i = 0; i < cfg_nkeys; i++)
		if (cfg_keys[i].scope == CFG_S_GLOBAL)
			print_key(f, &cfg_keys[i], c, "");
	fputs("\ninstances = (\n", f);
	for (i = 0; i < c->ninstances; i++) {
		print_instance(f, c->instances[i]);
		fputs(i + 1 < c->ninstances ? ",\n" : "\n", f);
	}
	fputs(");\n", f);
}
