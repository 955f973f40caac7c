/*
 * cfg_cli.c: the ucarp 1.5.2 command line, option for option.
 *
 * Same options, defaults and messages, with its bugs fixed: -m works,
 * numbers out of range (or with trailing junk) are errors instead of
 * wrapping modulo 256, and an unknown option exits 1 instead of 0.
 */
#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carp_hmac.h"
#include "cfg_cli.h"
#include "cfg_file.h"
#include "cfg_mem.h"
#include "cfg_print.h"
#include "iface.h"
#include "log.h"
#include "xmalloc.h"

static const char short_opts[] = "i:s:m:v:p:Pa:hb:k:x:nu:d:Dr:zf:Bo:SMc:t";

/* Options that describe an instance: they cannot be mixed with -c. */
static const char instance_opts[] = "ismvpoPnabkxudrzSM";

#define OPT_PRINT_CONFIG	256
#define OPT_PIDFILE		257
#define OPT_REPLAY_PROTECT	258

static const struct option long_opts[] = {
	{ "interface",		required_argument,	NULL, 'i' },
	{ "srcip",		required_argument,	NULL, 's' },
	{ "mcast",		required_argument,	NULL, 'm' },
	{ "mcastip",		required_argument,	NULL, 'm' },
	{ "vhid",		required_argument,	NULL, 'v' },
	{ "pass",		required_argument,	NULL, 'p' },
	{ "passfile",		required_argument,	NULL, 'o' },
	{ "preempt",		no_argument,		NULL, 'P' },
	{ "neutral",		no_argument,		NULL, 'n' },
	{ "addr",		required_argument,	NULL, 'a' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "advbase",		required_argument,	NULL, 'b' },
	{ "advskew",		required_argument,	NULL, 'k' },
	{ "upscript",		required_argument,	NULL, 'u' },
	{ "downscript",		required_argument,	NULL, 'd' },
	{ "deadratio",		required_argument,	NULL, 'r' },
	{ "debug",		no_argument,		NULL, 'D' },
	{ "shutdown",		no_argument,		NULL, 'z' },
	{ "daemonize",		no_argument,		NULL, 'B' },
	{ "ignoreifstate",	no_argument,		NULL, 'S' },
	{ "nomcast",		no_argument,		NULL, 'M' },
	{ "facility",		required_argument,	NULL, 'f' },
	{ "xparam",		required_argument,	NULL, 'x' },
	{ "config",		required_argument,	NULL, 'c' },
	{ "config-test",	no_argument,		NULL, 't' },
	{ "print-config",	no_argument,		NULL, OPT_PRINT_CONFIG },
	{ "pidfile",		required_argument,	NULL, OPT_PIDFILE },
	{ "replay-protect",	no_argument,		NULL, OPT_REPLAY_PROTECT },
	{ NULL,			0,			NULL, 0 }
};

void
cfg_cli_usage(FILE *out)
{
	fputs(
"ucarp " PACKAGE_VERSION " - CARP failover for virtual IP addresses\n"
"\n"
"Usage: ucarp [options]\n"
"\n"
"--interface=<if> (-i <if>): bind interface <if>\n"
"--srcip=<ip> (-s <ip>): source (real) IP address of that host\n"
"--mcast=<ip> (-m <ip>): multicast group IP address (default 224.0.0.18)\n"
"--vhid=<id> (-v <id>): virtual IP identifier (1-255)\n"
"--pass=<pass> (-p <pass>): password (at most 19 bytes)\n"
"--passfile=<file> (-o <file>): read password from file\n"
"--preempt (-P): becomes a master as soon as possible\n"
"--neutral (-n): don't run downscript at start if backup\n"
"--addr=<ip> (-a <ip>): virtual shared IP address\n"
"--help (-h): summary of command-line options\n"
"--advbase=<seconds> (-b <seconds>): advertisement frequency (0-255)\n"
"--advskew=<skew> (-k <skew>): advertisement skew (0-255)\n"
"--upscript=<file> (-u <file>): run <file> to become a master\n"
"--downscript=<file> (-d <file>): run <file> to become a backup\n"
"--deadratio=<ratio> (-r <ratio>): ratio to consider a host as dead\n"
"--debug (-D): enable debug output\n"
"--shutdown (-z): call shutdown script at exit\n"
"--daemonize (-B): run in background\n"
"--ignoreifstate (-S): ignore interface state (down, no carrier)\n"
"--nomcast (-M): use broadcast (instead of multicast) advertisements\n"
"--facility=<facility> (-f): set syslog facility (default=daemon)\n"
"--xparam=<value> (-x): extra parameter to send to up/down scripts\n"
"\n"
"--config=<file> (-c <file>): run every instance of <file> (libconfig);\n"
"    without instance options ucarp reads " CFG_DEFAULT_FILE "\n"
"--config-test (-t): check the configuration, print problems, exit 0 or 1\n"
"--print-config: print the effective configuration and exit\n"
"--pidfile=<file>: write the daemon's process id to <file>\n"
"--replay-protect: monotonic counters, reject replayed adverts (only\n"
"    when every node runs this ucarp; see ucarp(8))\n"
"\n"
"See ucarp(8) and ucarp.conf(5).\n", out);
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

static bool
parse_ipv4(const char *s, uint8_t out[4])
{
	struct in_addr	a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return false;
	memcpy(out, &a, 4);
	return true;
}

/* Read the password: the first line of the file, its newline removed. */
static int
read_passfile(const char *path, struct cfg_vhost *cv)
{
	struct stat	 st;
	FILE	*f;
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;

	if ((f = fopen(path, "r")) == NULL) {
		log_msg(LOG_ERR, "unable to open passfile %s for reading: %s",
		    path, strerror(errno));
		return CLI_EXIT_USAGE;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & S_IROTH))
		log_msg(LOG_WARNING, "%s: warning: holds a password and is "
		    "readable by other users; chmod o-r %s", path, path);
	n = getline(&line, &cap, f);
	fclose(f);
	if (n <= 0) {
		log_msg(LOG_ERR, "error reading passfile %s: unexpected end of "
		    "file", path);
		free(line);
		return CLI_EXIT_USAGE;
	}
	if (line[n - 1] == '\n')
		line[--n] = '\0';
	if (n == 0) {
		log_msg(LOG_ERR, "error reading passfile %s: the first line is "
		    "empty", path);
		free(line);
		return CLI_EXIT_USAGE;
	}
	if ((size_t)n > CARP_PASS_MAX) {
		log_msg(LOG_ERR, "Password too long: the first line of %s has "
		    "%zd bytes, CARP allows at most %d", path, n,
		    CARP_PASS_MAX);
		explicit_bzero(line, cap);
		free(line);
		return CLI_EXIT_START;
	}
	memcpy(cv->pass, line, (size_t)n);
	cv->passlen = (size_t)n;
	explicit_bzero(line, cap);
	free(line);
	return CLI_CONTINUE;
}

/* -t and --print-config: report on a parsed configuration and exit. */
static int
cli_report(struct cfg *c, const char *what, bool test, bool print)
{
	if (print)
		cfg_print(stdout, c);
	else if (test)
		printf("%s: configuration OK (%zu instance%s)\n", what,
		    c->nvhosts, c->nvhosts == 1 ? "" : "s");
	cfg_free(c);
	return CLI_EXIT_OK;
}

/*
 * File mode: load and check the whole file; every problem is printed as
 * "FILE:LINE: what; what to do" on stderr and nothing runs.  Options given
 * on the command line (-D, -B, -f, --pidfile) override the file's.
 */
static int
cli_file(const char *path, bool test, bool print, bool debug,
    bool daemonize, int fac, const char *pidfile, struct cfg **out)
{
	struct cfg_errors	 errs = { NULL, 0, NULL, 0 };
	struct cfg		*c;
	size_t			 i;

	c = cfg_file_load(path, &errs);
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msgs[i]);
	/*
	 * Warnings: on stdout for -t (stderr is for problems), logged when
	 * running; --print-config prints nothing but the configuration.
	 */
	for (i = 0; c != NULL && !print && i < errs.nwarns; i++) {
		if (test)
			printf("%s\n", errs.warns[i]);
		else
			log_msg(LOG_WARNING, "%s", errs.warns[i]);
	}
	cfg_errors_free(&errs);
	if (c == NULL) {
		if (!test)
			fprintf(stderr, "ucarp: not started: fix %s (check it "
			    "with ucarp -t -c %s), or run one instance with "
			    "options (ucarp --help)\n", path, path);
		return CLI_EXIT_USAGE;
	}
	c->legacy = false;
	c->path = xstrdup(path);
	c->cli_debug = debug;
	c->cli_facility = fac;
	c->debug = c->debug || debug;
	c->daemonize = c->daemonize || daemonize;
	if (fac != -3)
		c->facility = fac;
	if (pidfile != NULL) {
		free(c->pidfile);
		c->pidfile = xstrdup(pidfile);
	}
	if (test || print)
		return cli_report(c, path, test, print);
	*out = c;
	return CLI_CONTINUE;
}

int
cfg_cli_parse(int argc, char **argv, struct cfg **out)
{
	struct cfg		*c;
	struct cfg_vhost	*cv;
	const char		*pass = NULL, *passfile = NULL, *addr = NULL;
	const char		*file = NULL, *pidfile = NULL;
	unsigned long		 v;
	uint8_t			 a[4] = { 0, 0, 0, 0 };
	bool			 have_src = false, test = false, print = false;
	bool			 debug = false, daemonize = false;
	int			 opt, fac = -3, rc, ninst = 0;

	c = cfg_new();
	c->legacy = true;
	cv = cfg_vhost_new();
	cfg_add_vhost(c, cv);
	cv->file = xstrdup("command line");

	opterr = 1;
	while ((opt = getopt_long(argc, argv, short_opts, long_opts,
	    NULL)) != -1) {
		if (opt < 256 && strchr(instance_opts, opt) != NULL)
			ninst++;
		switch (opt) {
		case 'i':
			free(cv->interface);
			cv->interface = xstrdup(optarg);
			break;
		case 's':
			if (!parse_ipv4(optarg, cv->srcip)) {
				log_msg(LOG_ERR, "Invalid address: [%s]", optarg);
				goto usage;
			}
			have_src = cv->srcip[0] || cv->srcip[1] ||
			    cv->srcip[2] || cv->srcip[3];
			break;
		case 'm':
			if (!parse_ipv4(optarg, cv->mcast)) {
				log_msg(LOG_ERR, "Invalid address: [%s]", optarg);
				goto usage;
			}
			break;
		case 'v':
			if (!parse_uint(optarg, 1, 255, &v)) {
				log_msg(LOG_ERR, "vhid must be between 1 and 255.");
				goto usage;
			}
			cv->vhid = (uint8_t)v;
			break;
		case 'p':
			pass = optarg;
			break;
		case 'o':
			passfile = optarg;
			break;
		case 'P':
			cv->preempt = true;
			break;
		case 'n':
			cv->neutral = true;
			break;
		case 'a':
			if (!parse_ipv4(optarg, a)) {
				log_msg(LOG_ERR, "Invalid address: [%s]", optarg);
				goto usage;
			}
			addr = optarg;
			break;
		case 'h':
			cfg_cli_usage(stdout);
			cfg_free(c);
			return CLI_EXIT_OK;
		case 'b':
			if (!parse_uint(optarg, 0, 255, &v)) {
				log_msg(LOG_ERR, "advbase must be between 0 and "
				    "255 (seconds), not [%s]", optarg);
				goto usage;
			}
			cv->advbase = (uint8_t)v;
			break;
		case 'k':
			if (!parse_uint(optarg, 0, 255, &v)) {
				log_msg(LOG_ERR, "advskew must be between 0 and "
				    "255, not [%s]", optarg);
				goto usage;
			}
			cv->advskew = (uint8_t)v;
			break;
		case 'x':
			free(cv->xparam);
			cv->xparam = xstrdup(optarg);
			break;
		case 'u':
			free(cv->upscript);
			cv->upscript = xstrdup(optarg);
			break;
		case 'd':
			free(cv->downscript);
			cv->downscript = xstrdup(optarg);
			break;
		case 'D':
			debug = true;
			break;
		case 'r':
			if (!parse_uint(optarg, 0, 255, &v)) {
				log_msg(LOG_ERR, "deadratio must be between 1 and "
				    "255, not [%s]", optarg);
				goto usage;
			}
			cv->deadratio = (uint32_t)v;
			break;
		case 'z':
			cv->shutdown = true;
			break;
		case 'f':
			rc = log_facility_parse(optarg);
			if (rc == -2)
				/* As ucarp: reported, and the old one kept. */
				log_msg(LOG_ERR, "Unknown syslog facility: [%s]",
				    optarg);
			else
				fac = rc;
			break;
		case 'B':
			daemonize = true;
			break;
		case 'c':
			file = optarg;
			break;
		case 't':
			test = true;
			break;
		case OPT_PRINT_CONFIG:
			print = true;
			break;
		case OPT_PIDFILE:
			pidfile = optarg;
			break;
		case OPT_REPLAY_PROTECT:
			ninst++;
			cv->replay_protect = true;
			break;
		case 'S':
			cv->ignoreifstate = true;
			break;
		case 'M':
			cv->nomcast = true;
			break;
		default:
			/* getopt printed what was wrong. */
			goto usage;
		}
	}
	if (optind < argc) {
		log_msg(LOG_ERR, "Unexpected argument: [%s] (options take the "
		    "form -x value or --name=value)", argv[optind]);
		goto usage;
	}

	if (file != NULL || ninst == 0) {
		cfg_free(c);
		if (ninst > 0) {
			log_msg(LOG_ERR, "instance options (-i, -s, -v, -a, ...) "
			    "cannot be combined with -c: put them in a block of "
			    "the file (see ucarp.conf(5))");
			goto usage_nocfg;
		}
		return cli_file(file != NULL ? file : CFG_DEFAULT_FILE, test,
		    print, debug, daemonize, fac, pidfile, out);
	}
	c->debug = debug;
	c->daemonize = daemonize;
	if (fac != -3)
		c->facility = fac;
	if (pidfile != NULL)
		c->pidfile = xstrdup(pidfile);

	/* The checks in ucarp's order, with its messages. */
	if (cv->interface == NULL) {
		if ((cv->interface = iface_default_name()) == NULL) {
			log_msg(LOG_ERR, "You must supply a network interface");
			goto usage;
		}
		log_info("Using [%s] as a network interface", cv->interface);
	}
	if (cv->vhid == 0) {
		log_msg(LOG_ERR, "You must supply a valid virtual host id");
		goto usage;
	}
	if (pass == NULL && passfile == NULL) {
		log_msg(LOG_ERR, "You must supply a password");
		goto usage;
	}
	if (passfile != NULL) {
		cv->passfile = xstrdup(passfile);
		if ((rc = read_passfile(passfile, cv)) != CLI_CONTINUE) {
			cfg_free(c);
			return rc;
		}
	} else {
		if (*pass == '\0') {
			log_msg(LOG_ERR, "You must supply a password");
			goto usage;
		}
		if (strlen(pass) > CARP_PASS_MAX) {
			log_msg(LOG_ERR, "Password too long (%zu bytes; CARP "
			    "allows at most %d)", strlen(pass), CARP_PASS_MAX);
			cfg_free(c);
			return CLI_EXIT_START;
		}
		cv->passlen = strlen(pass);
		memcpy(cv->pass, pass, cv->passlen);
	}
	if (cv->advbase == 0 && cv->advskew == 0) {
		log_msg(LOG_ERR, "You must supply an advertisement time base");
		goto usage;
	}
	if (!have_src) {
		log_msg(LOG_ERR, "You must supply a persistent source address");
		goto usage;
	}
	if (addr == NULL) {
		log_msg(LOG_ERR, "You must supply a virtual host address");
		goto usage;
	}
	cfg_vhost_add_addr(cv, a, addr);
	if (cv->upscript == NULL)
		log_msg(LOG_WARNING, "Warning: no script called when going up");
	if (cv->downscript == NULL)
		log_msg(LOG_WARNING, "Warning: no script called when going "
		    "down");
	if (cv->deadratio == 0) {
		log_msg(LOG_ERR, "Dead ratio can't be zero");
		goto usage;
	}
	if (test || print)
		return cli_report(c, "command line", test, print);
	*out = c;
	return CLI_CONTINUE;
usage:
	cfg_free(c);
usage_nocfg:
	fprintf(stderr, "Try 'ucarp --help' for more information.\n");
	return CLI_EXIT_USAGE;
}
