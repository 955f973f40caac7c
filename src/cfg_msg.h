/*
 * cfg_msg.h: the words for cfg_check()'s problems (shell): one wording
 * for a file (the caller puts FILE:LINE in front), one for the command
 * line (ucarp 1.5.2's messages where it had them).
 */
#ifndef CFG_MSG_H
#define CFG_MSG_H

#include "cfg_check.h"
#include "cfg_fs.h"

/* "what is wrong; what to do", allocated; NULL for an unknown code. */
char	*cfg_msg_file(const struct cfg_problem *);

/* The command line's message, allocated; NULL for an unknown code. */
char	*cfg_msg_cli(const struct cfg_problem *);

/* The command line's message for a number out of range. */
char	*cfg_msg_cli_range(const struct cfg_key *, const char *arg);

/* Why a script was refused (file and command line alike); NULL if OK. */
char	*cfg_msg_script(const char *key, const char *path,
	    struct cfg_fs_result);

#endif /* CFG_MSG_H */
