/*
 * cfg_cli.c: the ucarp 1.5.2 command line, option for option.
 *
 * Same options, defaults and messages, with its bugs fixed: -m works,
 * numbers out of range (or with trailing junk) are errors instead of
 * wrapping modulo 256, and an unknown option exits 1 instead of 0.  The
 * options, getopt's tables and --help come from the key table; the
 * instance goes through cfg_check() like a file's, in ucarp's words.
 *
 * cli_scan turns argv into a struct cli_opts, cli_parse picks the mode
 * (a file, or one instance; -t and --print-config report and exit) and
 * cli_legacy checks the one instance.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carp_hmac.h"
#include "cfg_check.h"
#include "cfg_cli.h"
#include "cfg_facility.h"
#include "cfg_file.h"
#include "cfg_fs.h"
#include "cfg_keys.h"
#include "cfg_mem.h"
#include "cfg_msg.h"
#include "cfg_print.h"
#include "iface.h"
#include "log.h"
#include "xmalloc.h"

/* Exit 1 after "Try 'ucarp --help'". */
#define CLI_USAGE_HINT	(-2)

/* What the options said, before any check. */
struct cli_opts {
	struct cfg		*c;	/* globals, and the one instance */
	struct cfg_instance	*cv;
	const char		*pass, *passfile, *file;
	bool			 test, print, help, version;
	int			 fac;	/* -f, or CFG_FACILITY_UNSET */
	int			 ninst;	/* instance options given */
};

static bool
takes_arg(const struct cfg_key *k)
{
	return k->type != CFG_T_NONE && k->type != CFG_T_BOOL;
}

/* getopt's short string and long options, from the key table. */
static const struct option *
cli_getopt_tables(const char **shortopts)
{
	static char		s[2 * CFG_NKEYS_MAX + 1];
	static struct option	l[2 * CFG_NKEYS_MAX + 1];
	const struct cfg_key	*k;
	size_t			 i, ns = 0, nl = 0;

	*shortopts = s;
	if (l[0].name != NULL)
		return l;	/* built already */
	for (i = 0; i < cfg_nkeys; i++) {
		k = &cfg_keys[i];
		if (k->opt > 0 && k->opt < 256) {
			s[ns++] = (char)k->opt;
			if (takes_arg(k))
				s[ns++] = ':';
		}
		if (k->lopt != NULL)
			l[nl++] = (struct option){ k->lopt, takes_arg(k) ?
			    required_argument : no_argument, NULL, k->opt };
		if (k->lalias != NULL)
			l[nl++] = (struct option){ k->lalias, takes_arg(k) ?
			    required_argument : no_argument, NULL, k->opt };
	}
	s[ns] = '\0';
	return l;
}

void
cfg_cli_usage(FILE *out)
{
	const struct cfg_key	*k;
	size_t			 i;

	fputs("ucarp " PACKAGE_VERSION " - CARP failover for virtual IP "
	    "addresses\n\nUsage: ucarp [options]\n\n", out);
	for (i = 0; i < cfg_nkeys; i++) {
		k = &cfg_keys[i];
		if (k->lopt == NULL)
			continue;
		fprintf(out, "--%s", k->lopt);
		if (takes_arg(k))
			fprintf(out, "=<%s>", k->arg);
		if (k->opt > 0 && k->opt < 256 && takes_arg(k))
			fprintf(out, " (-%c <%s>)", k->opt, k->arg);
		else if (k->opt > 0 && k->opt < 256)
			fprintf(out, " (-%c)", k->opt);
		fprintf(out, ": %s", k->help);
		if (k->lalias != NULL)
			fprintf(out, " (also --%s)", k->lalias);
		fputc('\n', out);
	}
	fputs("\nSee ucarp(8) and ucarp.conf(5).\n", out);
}

/*
 * Parse an unsigned number (decimal, 0x hex or 0 octal, as ucarp's
 * strtoul base 0) that must lie within [min, max] and have no junk.
 */
static bool
parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char		*end;
	unsigned long	 v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/*
 * -a (each one adds an address; cfg_check() judges the prefix), -s (either
 * family, no prefix) or -m (IPv4).
 */
static bool
cli_addr(struct cli_opts *o, const struct cfg_key *k, void *p,
    const char *arg)
{
	struct carp_addr	a;

	if (!carp_addr_parse_any(arg, &a) || (k->type != CFG_T_ADDRLIST &&
	    k->type != CFG_T_PEERS && a.prefix != CARP_PREFIX_NONE) || (k->type == CFG_T_IPV4 &&
	    a.family != CARP_AF_INET)) {
		log_msg(LOG_ERR, "Invalid address: [%s]", arg);
		return false;
	}
	if (k->type == CFG_T_PEERS && a.prefix != CARP_PREFIX_NONE) {
		log_msg(LOG_ERR, "Invalid peer address (no /len): [%s]", arg);
		return false;
	}
	if (k->type == CFG_T_ADDRLIST)
		cfg_instance_add_addr(o->cv, &a, arg);
	else if (k->type == CFG_T_PEERS) {
		if (!cfg_peers_add(p, &a)) {
			log_msg(LOG_ERR, "--peer %s is given twice; give each "
			    "peer once", arg);
			return false;
		}
	}
	else if (k->type == CFG_T_ADDR)
		*(struct carp_addr *)p = a;
	else
		memcpy(p, a.a, 4);
	return true;
}

/*
 * A path as the file would hold it: absolute, so that --print-config
 * describes the same files wherever its output is put.
 */
static char *
abs_path(const char *p)
{
	char	*cwd, *r;

	if (*p == '/' || (cwd = getcwd(NULL, 0)) == NULL)
		return xstrdup(p);
	xasprintf(&r, "%s/%s", cwd, p);
	free(cwd);
	return r;
}

static void
set_str(char **dst, char *v)
{
	free(*dst);
	*dst = v;
}

/* A number option: ucarp's message when out of range. */
static bool
cli_number(const struct cfg_key *k, void *p, const char *arg)
{
	unsigned long	 v;
	long long	 min = (k->flags & CFG_F_CLI_ZERO) ? 0 : k->min;
	char		*msg;

	if (!parse_uint(arg, (unsigned long)min, (unsigned long)k->max, &v)) {
		msg = cfg_msg_cli_range(k, arg);
		log_msg(LOG_ERR, "%s", msg);
		free(msg);
		return false;
	}
	if (k->type == CFG_T_U8)
		*(uint8_t *)p = (uint8_t)v;
	else
		*(uint32_t *)p = (uint32_t)v;
	return true;
}

/* One option with a value into o; false (reported) if it is wrong. */
static bool
cli_value(struct cli_opts *o, const struct cfg_key *k, const char *arg)
{
	void	*obj = cfg_key_is_instance(k) ? (void *)o->cv : (void *)o->c;
	void	*p = cfg_key_ptr(k, obj);
	int	 fac;

	switch (k->type) {
	case CFG_T_IPV4:
	case CFG_T_ADDR:
	case CFG_T_ADDRLIST:
	case CFG_T_PEERS:
		return cli_addr(o, k, p, arg);
	case CFG_T_U8:
	case CFG_T_U32:
		return cli_number(k, p, arg);
	case CFG_T_FACILITY:
		if ((fac = cfg_facility_parse(arg)) == CFG_FACILITY_UNKNOWN)
			/* As ucarp: reported, and the old one kept. */
			log_msg(LOG_ERR, "Unknown syslog facility: [%s]", arg);
		else
			o->fac = fac;
		return true;
	case CFG_T_SECRET:
		o->pass = arg;
		return true;
	case CFG_T_PASSFILE:
		o->passfile = arg;
		return true;
	case CFG_T_PATH:
		if (k->flags & CFG_F_NOFIELD)
			o->file = arg;
		else
			set_str(p, abs_path(arg));
		return true;
	case CFG_T_SCRIPT:
		set_str(p, abs_path(arg));
		return true;
	default:
		set_str(p, xstrdup(arg));
		return true;
	}
}

/* One option as getopt_long returned it. */
static bool
cli_option(struct cli_opts *o, int opt, const char *arg)
{
	const struct cfg_key	*k;

	if ((k = cfg_key_by_opt(opt)) == NULL)
		return false;	/* getopt printed what was wrong */
	if (cfg_key_is_instance(k))
		o->ninst++;
	switch (opt) {
	case 'h':
		o->help = true;
		return true;
	case CFG_OPT_VERSION:
		o->version = true;
		return true;
	case 't':
		o->test = true;
		return true;
	case CFG_OPT_PRINT_CONFIG:
		o->print = true;
		return true;
	}
	if (k->type == CFG_T_BOOL) {
		*(bool *)cfg_key_ptr(k, cfg_key_is_instance(k) ?
		    (void *)o->cv : (void *)o->c) = true;
		return true;
	}
	return cli_value(o, k, arg);
}

/* argv into o: false (reported) on a bad option or value. */
static bool
cli_scan(int argc, char **argv, struct cli_opts *o)
{
	const struct option	*lopts;
	const char		*sopts;
	int			 opt;

	lopts = cli_getopt_tables(&sopts);
	opterr = 1;
	while ((opt = getopt_long(argc, argv, sopts, lopts, NULL)) != -1) {
		if (!cli_option(o, opt, optarg))
			return false;
		if (o->help || o->version)
			return true;
	}
	if (optind < argc) {
		log_msg(LOG_ERR, "Unexpected argument: [%s] (options take the "
		    "form -x value or --name=value)", argv[optind]);
		return false;
	}
	return true;
}

/* -t and --print-config: report on a parsed configuration and exit. */
static int
cli_report(struct cfg *c, const char *what, bool test, bool print)
{
	if (print)
		cfg_print(stdout, c);
	else if (test)
		printf("%s: configuration OK (%zu instance%s)\n", what,
		    c->ninstances, c->ninstances == 1 ? "" : "s");
	cfg_free(c);
	return CLI_EXIT_OK;
}

/* The file's problems on stderr, its warnings where they belong. */
static void
cli_file_messages(struct cfg_errors *errs, bool loaded, bool test,
    bool print)
{
	size_t	i;

	for (i = 0; i < errs->n; i++)
		fprintf(stderr, "%s\n", errs->msgs[i]);
	/*
	 * Warnings: on stdout for -t (stderr is for problems), logged when
	 * running; --print-config prints nothing but the configuration.
	 */
	for (i = 0; loaded && !print && i < errs->nwarns; i++) {
		if (test)
			printf("%s\n", errs->warns[i]);
		else
			log_msg(LOG_WARNING, "%s", errs->warns[i]);
	}
}

/*
 * File mode: load and check the whole file; every problem is printed as
 * "FILE:LINE: what; what to do" on stderr and nothing runs.  Options given
 * on the command line (-D, -B, -f, --pidfile, --control, --state-dir)
 * override the file's.
 */
static int
cli_file(const char *path, const struct cli_opts *o, struct cfg **out)
{
	struct cfg_errors	 errs = { NULL, 0, NULL, 0 };
	struct cfg		*c;

	c = cfg_file_load(path, &errs);
	cli_file_messages(&errs, c != NULL, o->test, o->print);
	cfg_errors_free(&errs);
	if (c == NULL) {
		if (!o->test)
			fprintf(stderr, "ucarp: not started: fix %s (check it "
			    "with ucarp -t -c %s), or run one instance with "
			    "options (ucarp --help)\n", path, path);
		return CLI_EXIT_USAGE;
	}
	c->legacy = false;
	c->path = xstrdup(path);
	c->cli_debug = o->c->debug;
	c->cli_facility = o->fac;
	c->debug = c->debug || o->c->debug;
	c->daemonize = c->daemonize || o->c->daemonize;
	if (o->fac != CFG_FACILITY_UNSET)
		c->facility = o->fac;
	if (o->c->pidfile != NULL)
		set_str(&c->pidfile, xstrdup(o->c->pidfile));
	if (o->c->control != NULL)
		set_str(&c->control, xstrdup(o->c->control));
	if (o->c->state_dir != NULL)
		set_str(&c->state_dir, xstrdup(o->c->state_dir));
	if (o->test || o->print)
		return cli_report(c, path, o->test, o->print);
	*out = c;
	return CLI_CONTINUE;
}

/* The first problem cfg_check() finds, copied. */
struct first {
	bool			found;
	struct cfg_problem	p;
};

static void
first_cb(void *arg, const struct cfg_problem *p)
{
	struct first	*f = arg;

	if (!f->found) {
		f->found = true;
		f->p = *p;
	}
}

static bool
cli_first_problem(const struct cfg *c, struct cfg_problem *p)
{
	struct cfg_check_slot	slot;
	struct first		f;

	memset(&f, 0, sizeof(f));
	cfg_check(c, &slot, first_cb, &f);
	*p = f.p;
	return f.found;
}

static int
cli_problem(const struct cfg_problem *p)
{
	char	*msg = cfg_msg_cli(p);

	log_msg(LOG_ERR, "%s", msg);
	free(msg);
	return CLI_USAGE_HINT;
}

/* -o: ucarp's messages (and exit statuses) for a passfile. */
static int
cli_passfile(struct cli_opts *o)
{
	struct cfg_instance	*cv = o->cv;
	struct cfg_fs_result	 r;
	const char		*f = o->passfile;

	cv->passfile = abs_path(f);
	r = cfg_fs_read_passfile(cv->passfile, cv->pass, CARP_PASS_MAX,
	    &cv->passlen);
	if (r.status == CFG_FS_OPEN)
		log_msg(LOG_ERR, "unable to open passfile %s for reading: %s",
		    f, strerror(r.err));
	else if (r.status == CFG_FS_READ)
		log_msg(LOG_ERR, "error reading passfile %s: %s; give a file "
		    "whose first line is the password", f, strerror(r.err));
	else if (r.status == CFG_FS_EMPTY_FILE)
		log_msg(LOG_ERR, "error reading passfile %s: unexpected end of "
		    "file", f);
	else if (r.status == CFG_FS_EMPTY_LINE)
		log_msg(LOG_ERR, "error reading passfile %s: the first line is "
		    "empty", f);
	else if (r.status == CFG_FS_TOO_LONG) {
		log_msg(LOG_ERR, "Password too long: the first line of %s has "
		    "%zu bytes, CARP allows at most %d", f, r.n,
		    CARP_PASS_MAX);
		return CLI_EXIT_START;
	}
	if (r.status != CFG_FS_OK)
		return CLI_EXIT_USAGE;
	if (cfg_fs_others_read(f))
		log_msg(LOG_WARNING, "%s: warning: holds a password and is "
		    "readable by other users; chmod o-r %s", f, f);
	return CLI_CONTINUE;
}

/* -p or -o (the file wins, as in ucarp). */
static int
cli_password(struct cli_opts *o)
{
	size_t	n;

	if (o->passfile != NULL)
		return cli_passfile(o);
	if (o->pass == NULL)
		return CLI_CONTINUE;	/* cfg_check() says it */
	if ((n = strlen(o->pass)) == 0) {
		log_msg(LOG_ERR, "You must supply a password");
		return CLI_USAGE_HINT;
	}
	if (n > CARP_PASS_MAX) {
		log_msg(LOG_ERR, "Password too long (%zu bytes; CARP allows at "
		    "most %d)", n, CARP_PASS_MAX);
		return CLI_EXIT_START;
	}
	o->cv->passlen = n;
	memcpy(o->cv->pass, o->pass, n);
	return CLI_CONTINUE;
}

/* Scripts must be executable now, as in a file. */
static int
cli_scripts(const struct cfg_instance *cv)
{
	const struct cfg_key	*k;
	struct cfg_fs_result	 r;
	const char		*path;
	char			*msg;
	size_t			 i;

	for (i = 0; i < cfg_nkeys; i++) {
		k = &cfg_keys[i];
		if (k->type != CFG_T_SCRIPT ||
		    (path = *(char *const *)cfg_key_cptr(k, cv)) == NULL)
			continue;
		r = cfg_fs_check_script(path);
		if ((msg = cfg_msg_script(k->name, path, r)) != NULL) {
			log_msg(LOG_ERR, "%s", msg);
			free(msg);
		}
		if (r.status != CFG_FS_OK)
			return CLI_USAGE_HINT;
	}
	return CLI_CONTINUE;
}

/*
 * One instance from options: cfg_check() in ucarp's order and words.
 * The password is read after the interface and vhid are known good, as
 * ucarp did; its warnings about scripts come before the dead ratio.
 */
static int
cli_legacy(struct cli_opts *o)
{
	struct cfg_instance	*cv = o->cv;
	struct cfg_problem	 p;
	bool			 found;
	int			 rc;

	if (cv->interface == NULL) {
		if ((cv->interface = iface_default_name()) == NULL) {
			log_msg(LOG_ERR, "You must supply a network interface");
			return CLI_USAGE_HINT;
		}
		log_info("Using [%s] as a network interface", cv->interface);
	}
	if (cli_first_problem(o->c, &p) && p.code < CFG_P_NO_PASS)
		return cli_problem(&p);
	if ((rc = cli_password(o)) != CLI_CONTINUE)
		return rc;
	found = cli_first_problem(o->c, &p);
	if (!found || p.code > CFG_P_NO_ADDR) {
		if (cv->upscript == NULL)
			log_msg(LOG_WARNING, "Warning: no script called when "
			    "going up");
		if (cv->downscript == NULL)
			log_msg(LOG_WARNING, "Warning: no script called when "
			    "going down");
	}
	if (found)
		return cli_problem(&p);
	if ((rc = cli_scripts(cv)) != CLI_CONTINUE)
		return rc;
	if (o->fac != CFG_FACILITY_UNSET)
		o->c->facility = o->fac;
	return CLI_CONTINUE;
}

int
cfg_cli_parse(int argc, char **argv, struct cfg **out)
{
	struct cli_opts	o;
	int		rc;

	memset(&o, 0, sizeof(o));
	o.fac = CFG_FACILITY_UNSET;
	o.c = cfg_new();
	o.c->legacy = true;
	o.cv = cfg_instance_new();
	cfg_add_instance(o.c, o.cv);
	o.cv->file = "command line";

	if (!cli_scan(argc, argv, &o))
		rc = CLI_USAGE_HINT;
	else if (o.help) {
		cfg_cli_usage(stdout);
		rc = CLI_EXIT_OK;
	} else if (o.version) {
		/* Scripts and packages tell us from ucarp 1.5.2 by this. */
		puts("ucarp " PACKAGE_VERSION);
		rc = CLI_EXIT_OK;
	} else if (o.file != NULL || o.ninst == 0) {
		if (o.ninst > 0) {
			log_msg(LOG_ERR, "instance options (-i, -s, -v, -a, "
			    "...) cannot be combined with -c: put them in a "
			    "block of the file (see ucarp.conf(5))");
			rc = CLI_USAGE_HINT;
		} else
			rc = cli_file(o.file != NULL ? o.file :
			    CFG_DEFAULT_FILE, &o, out);
	} else if ((rc = cli_legacy(&o)) == CLI_CONTINUE) {
		if (o.test || o.print)
			return cli_report(o.c, "command line", o.test,
			    o.print);
		*out = o.c;
		return CLI_CONTINUE;
	}
	cfg_free(o.c);
	if (rc != CLI_USAGE_HINT)
		return rc;
	fprintf(stderr, "Try 'ucarp --help' for more information.\n");
	return CLI_EXIT_USAGE;
}
