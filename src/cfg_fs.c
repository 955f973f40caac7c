/*
 * cfg_fs.c: reading a passfile and checking a script, once for the file
 * and the command line (their messages differ, so the caller words the
 * result).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_fs.h"

static struct cfg_fs_result
result(enum cfg_fs_status status, int err, size_t n)
{
	struct cfg_fs_result	r;

	r.status = status;
	r.err = err;
	r.n = n;
	return r;
}

struct cfg_fs_result
cfg_fs_read_passfile(const char *path, uint8_t *pass, size_t max,
    size_t *len)
{
	struct cfg_fs_result	 r = result(CFG_FS_OK, 0, 0);
	FILE			*f;
	char			*line = NULL;
	size_t			 cap = 0;
	ssize_t			 n;
	int			 saved, failed;

	if ((f = fopen(path, "r")) == NULL)
		return result(CFG_FS_OPEN, errno, 0);
	errno = 0;
	n = getline(&line, &cap, f);
	saved = errno;
	failed = ferror(f);
	fclose(f);
	if (n < 0 && failed)
		r = result(CFG_FS_READ, saved, 0);
	else if (n <= 0)
		r = result(CFG_FS_EMPTY_FILE, 0, 0);
	else {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0)
			r = result(CFG_FS_EMPTY_LINE, 0, 0);
		else if ((size_t)n > max)
			r = result(CFG_FS_TOO_LONG, 0, (size_t)n);
		else {
			memcpy(pass, line, (size_t)n);
			*len = (size_t)n;
		}
	}
	if (line != NULL)
		explicit_bzero(line, cap);
	free(line);
	return r;
}

struct cfg_fs_result
cfg_fs_check_script(const char *path)
{
	struct stat	st;

	if (stat(path, &st) == -1)
		return result(CFG_FS_OPEN, errno, 0);
	if (!S_ISREG(st.st_mode))
		return result(CFG_FS_NOT_REGULAR, 0, 0);
	if (access(path, X_OK) == -1)
		return result(CFG_FS_NOT_EXEC, errno, 0);
	return result(CFG_FS_OK, 0, 0);
}

bool
cfg_fs_others_read(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0 && (st.st_mode & S_IROTH) != 0;
}
