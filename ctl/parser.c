/*
 * parser.c: ucarpctl's command words, from a token table (ospfctl's
 * parser.c): a command may be shortened to any unique prefix ("st" is
 * ambiguous, "sta" is status), then its argument and -j/--json.
 */
#include <stdio.h>
#include <string.h>

#include "ucarpctl.h"

enum arg_kind { ARG_NONE, ARG_OPTIONAL, ARG_REQUIRED };

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
};

#define NTOKENS	(sizeof(t_main) / sizeof(t_main[0]))

void
usage_commands(void)
{
	size_t	i;

	for (i = 0; i < NTOKENS; i++)
		fprintf(stderr, "  %s\n", t_main[i].help);
	fprintf(stderr, "INSTANCE is a name or IFACE:VHID.\n");
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

const struct parse_result *
parse(int argc, char *argv[])
{
	static struct parse_result	 res;
	const struct token		*t;
	int				 i;

	if (argc < 1 || (t = match(argv[0])) == NULL)
		return NULL;
	res.action = t->action;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-j") == 0 ||
		    strcmp(argv[i], "--json") == 0) {
			if (!t->json)
				goto extra;
			res.json = true;
		} else if (res.arg == NULL && t->arg != ARG_NONE)
			res.arg = argv[i];
		else
			goto extra;
	}
	if (t->arg == ARG_REQUIRED && res.arg == NULL) {
		fprintf(stderr, "ucarpctl: %s needs an instance (a name, "
		    "IFACE:VHID or all)\n", t->word);
		return NULL;
	}
	if (res.arg != NULL && strlen(res.arg) >= CTL_NAME_MAX) {
		fprintf(stderr, "ucarpctl: %s: longer than %d bytes\n",
		    res.arg, CTL_NAME_MAX - 1);
		return NULL;
	}
	return &res;
extra:
	fprintf(stderr, "ucarpctl: %s: unexpected %s\n", t->word, argv[i]);
	return NULL;
}
