/*
 * parser.c: ucarpctl's command words, from a token table (ospfctl's
 * parser.c): a command may be shortened to any unique prefix ("st" is
 * ambiguous, "sta" is status), then its arguments and -j/--json.
 * maintenance and demote read a first word of their own (on|off, the
 * group) before the one argument every command has.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ucarpctl.h"

enum arg_kind { ARG_NONE, ARG_OPTIONAL, ARG_REQUIRED, ARG_TWO };

struct token {
	const char	*word;
	enum ctl_action	 action;
	enum arg_kind	 arg;
	bool		 json;		/* takes -j */
	const char	*help;
};

static const struct token	t_main[] = {
	{ "status", A_STATUS, ARG_OPTIONAL, true,
	    "status [INSTANCE] [-j]   state, counters, last reload" },
	{ "stepdown", A_STEPDOWN, ARG_REQUIRED, false,
	    "stepdown INSTANCE|all    a master yields" },
	{ "garp", A_GARP, ARG_REQUIRED, false,
	    "garp INSTANCE|all        a master announces its addresses again" },
	{ "reload", A_RELOAD, ARG_NONE, false,
	    "reload                   reload the file; wait for the result" },
	{ "monitor", A_MONITOR, ARG_NONE, true,
	    "monitor [-j]             follow events as they happen" },
	{ "metrics", A_METRICS, ARG_NONE, false,
	    "metrics                  Prometheus text format" },
	{ "maintenance", A_MAINT, ARG_TWO, false,
	    "maintenance on|off INSTANCE|GROUP|all\n"
	    "                           never master while on (a master hands\n"
	    "                           over at once); kept across restarts" },
	{ "demote", A_DEMOTE, ARG_TWO, false,
	    "demote GROUP +N|-N|=N|0  change a group's manual demotion" },
};

#define NTOKENS	(sizeof(t_main) / sizeof(t_main[0]))

void
usage_commands(void)
{
	size_t	i;

	for (i = 0; i < NTOKENS; i++)
		fprintf(stderr, "  %s\n", t_main[i].help);
	fprintf(stderr, "INSTANCE is a name or IFACE:VHID; GROUP a name of "
	    "groups = [...].\n");
}

/* The one command word starts with w; NULL (said why) if none or more. */
static const struct token *
match(const char *w)
{
	const struct token	*t = NULL;
	size_t			 i, n = strlen(w);

	for (i = 0; i < NTOKENS; i++) {
		if (strcmp(t_main[i].word, w) == 0)
			return &t_main[i];
		if (n > 0 && strncmp(t_main[i].word, w, n) == 0) {
			if (t != NULL) {
				fprintf(stderr, "ucarpctl: %s is ambiguous "
				    "(%s, %s, ...)\n", w, t->word,
				    t_main[i].word);
				return NULL;
			}
			t = &t_main[i];
		}
	}
	if (t == NULL)
		fprintf(stderr, "ucarpctl: unknown command %s\n", w);
	return t;
}

/* maintenance's first word: on or off. */
static bool
parse_onoff(const char *w, struct parse_result *res)
{
	if (strcmp(w, "on") == 0 || strcmp(w, "off") == 0) {
		res->on = strcmp(w, "on") == 0;
		return true;
	}
	fprintf(stderr, "ucarpctl: maintenance %s: say on or off, then an "
	    "instance, a group or all\n", w);
	return false;
}

/* demote's amount: +N adds, -N subtracts, =N sets, 0 clears. */
static bool
parse_amount(const char *w, struct parse_result *res)
{
	const char	*d = w;
	char		*end;
	unsigned long	 v = 0;
	bool		 ok;

	res->op = w[0] == '+' ? CTL_DEM_ADD : w[0] == '-' ? CTL_DEM_SUB :
	    CTL_DEM_SET;
	if (w[0] == '+' || w[0] == '-' || w[0] == '=')
		d++;
	errno = 0;
	ok = d[0] >= '0' && d[0] <= '9';
	if (ok)
		v = strtoul(d, &end, 10);
	/* A bare number other than 0: add or set?  Ask. */
	if (!ok || *end != '\0' || errno != 0 || v > CTL_DEMOTE_MAX ||
	    (d == w && v != 0)) {
		fprintf(stderr, "ucarpctl: demote: %s: give +N to add, -N to "
		    "subtract, =N to set (N from 0 to %d), or 0 to clear\n",
		    w, CTL_DEMOTE_MAX);
		return false;
	}
	res->n = (uint8_t)v;
	return true;
}

/* The words after the command; false (said why) if they do not fit. */
static bool
parse_args(const struct token *t, int argc, char *argv[],
    struct parse_result *res)
{
	const char	*pos[2];
	int		 i, npos = 0, want;

	want = t->arg == ARG_TWO ? 2 : t->arg == ARG_NONE ? 0 : 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-j") == 0 ||
		    strcmp(argv[i], "--json") == 0) {
			if (!t->json)
				break;
			res->json = true;
		} else if (npos < want)
			pos[npos++] = argv[i];
		else
			break;
	}
	if (i < argc) {
		fprintf(stderr, "ucarpctl: %s: unexpected %s\n", t->word,
		    argv[i]);
		return false;
	}
	if (npos < want && t->arg != ARG_OPTIONAL) {
		if (t->action == A_DEMOTE)
			fprintf(stderr, "ucarpctl: demote needs a group and an "
			    "amount (+N, -N, =N or 0)\n");
		else if (t->action == A_MAINT)
			fprintf(stderr, "ucarpctl: maintenance needs on or "
			    "off, then an instance (a name or IFACE:VHID), a "
			    "group or all\n");
		else
			fprintf(stderr, "ucarpctl: %s needs an instance (a "
			    "name, IFACE:VHID or all)\n", t->word);
		return false;
	}
	if (t->action == A_MAINT) {
		res->arg = pos[1];
		return parse_onoff(pos[0], res);
	}
	if (t->action == A_DEMOTE) {
		res->arg = pos[0];
		return parse_amount(pos[1], res);
	}
	res->arg = npos > 0 ? pos[0] : NULL;
	return true;
}

const struct parse_result *
parse(int argc, char *argv[])
{
	static struct parse_result	 res;
	const struct token		*t;

	if (argc < 1 || (t = match(argv[0])) == NULL)
		return NULL;
	res.action = t->action;
	if (!parse_args(t, argc, argv, &res))
		return NULL;
	if (res.arg != NULL && strlen(res.arg) >= CTL_NAME_MAX) {
		fprintf(stderr, "ucarpctl: %s: longer than %d bytes\n",
		    res.arg, CTL_NAME_MAX - 1);
		return NULL;
	}
	return &res;
}
