/*
 * cfg_fs.h: the files a configuration names (passfile, scripts), read
 * and checked the same way for the file and the command line; each
 * words the result its own way.
 */
#ifndef CFG_FS_H
#define CFG_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cfg_fs_status {
	CFG_FS_OK,
	CFG_FS_OPEN,		/* err: cannot open (or stat) it */
	CFG_FS_READ,		/* err: read error (a directory: EISDIR) */
	CFG_FS_EMPTY_FILE,	/* no first line at all */
	CFG_FS_EMPTY_LINE,	/* the first line is empty */
	CFG_FS_TOO_LONG,	/* n: bytes on the first line */
	CFG_FS_NOT_REGULAR,	/* a script that is not a regular file */
	CFG_FS_NOT_EXEC		/* err: a script we may not execute */
};

struct cfg_fs_result {
	enum cfg_fs_status	status;
	int			err;	/* errno, for OPEN, READ, NOT_EXEC */
	size_t			n;	/* TOO_LONG */
};

/*
 * The password: the first line of path, its newline removed, at most
 * max bytes, into pass and *len.  The line is wiped from memory.
 */
struct cfg_fs_result	cfg_fs_read_passfile(const char *path, uint8_t *pass,
			    size_t max, size_t *len);

/* A script must be an executable regular file now, not at failover. */
struct cfg_fs_result	cfg_fs_check_script(const char *path);

/* True if a file holding a password may be read by other users. */
bool			cfg_fs_others_read(const char *path);

#endif /* CFG_FS_H */
