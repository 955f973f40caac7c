/* cfg_cli.h: the ucarp 1.5.2 command line into a one-instance cfg. */
#ifndef CFG_CLI_H
#define CFG_CLI_H

#include <stdio.h>

#include "cfg.h"

/* Status codes, as ucarp: 0 clean, 1 bad arguments, 2 start-up failure. */
#define CLI_EXIT_OK	0
#define CLI_EXIT_USAGE	1
#define CLI_EXIT_START	2
#define CLI_CONTINUE	(-1)	/* parsed: go on and run */

/*
 * Parse argv.  On CLI_CONTINUE *out holds the configuration; otherwise the
 * caller exits with the returned status (messages already printed).
 */
int	cfg_cli_parse(int argc, char **argv, struct cfg **out);
void	cfg_cli_usage(FILE *);

#endif /* CFG_CLI_H */
