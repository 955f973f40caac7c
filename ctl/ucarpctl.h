/*
 * ucarpctl.h: what the client's files share: the parsed command, and the
 * renderers (bgpctl's struct output), one per format.  The daemon sends
 * data; these turn it into text, JSON or Prometheus metrics.
 */
#ifndef UCARPCTL_H
#define UCARPCTL_H

#include <stdbool.h>
#include <stddef.h>

#include "carp_addr.h"
#include "ctl_proto.h"

enum ctl_action {
	A_NONE = 0,
	A_STATUS,
	A_STEPDOWN,
	A_GARP,
	A_RELOAD,
	A_MONITOR,
	A_METRICS,
	A_MAINT,
	A_DEMOTE
};

struct parse_result {
	enum ctl_action	 action;
	const char	*arg;		/* INSTANCE, GROUP, "all", or NULL */
	bool		 json;
	bool		 on;		/* maintenance on */
	uint8_t		 op;		/* demote: enum ctl_demote_op */
	uint8_t		 n;		/* demote */
};

/* ctl/parser.c: argv after the options; NULL (usage printed) if bad. */
const struct parse_result *parse(int argc, char *argv[]);
void		 usage_commands(void);

/* What a status reply holds, for renderers that need all of it first. */
struct status {
	struct ctl_daemon	 daemon;
	struct ctl_instance	*inst;
	size_t			 n, cap;
	struct ctl_check	*chk;	/* checks and tracked interfaces */
	size_t			 nchk, chkcap;
};

struct output {
	void	(*status)(const struct status *);
	void	(*reload)(const struct ctl_reload_counts *,
		    const struct ctl_text *, size_t, const struct ctl_result *);
	void	(*event)(const struct ctl_event *);
};

extern const struct output	show_output;	/* output.c */
extern const struct output	json_output;	/* output_json.c */
/* output_metrics.c: Prometheus text format 0.0.4. */
void	metrics_print(const struct status *);

/* output.c: "198.18.0.1" into buf (16 bytes). */
/* output.c: "2026-12-07T05:04:00.123Z" into buf (32 bytes); "-" if 0. */
char	*time_str(int64_t us, char *buf);

#endif /* UCARPCTL_H */
