/*
 * pidfile.c: write the pid file under an exclusive lock held until exit.
 *
 * The lock (flock on the open file) dies with the process, so a file left
 * by a daemon that was killed is taken over, while one whose daemon still
 * runs is refused with its pid.  The file is truncated only once locked.
 * At exit it is unlinked only if the path still names the file we locked
 * (someone may have removed or replaced it meanwhile).
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "pidfile.h"
#include "xmalloc.h"

static int	 pid_fd = -1;
static char	*pid_path;

/* The pid the holder wrote, or 0 if it cannot be read yet. */
static long
pidfile_holder(int fd)
{
	char	buf[32];
	ssize_t	n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

bool
pidfile_write(const char *path)
{
	char	buf[32];
	long	holder;
	int	fd, n;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1) {
		log_warn("cannot open the pid file %s; check that its "
		    "directory exists and is writable", path);
		return false;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			if ((holder = pidfile_holder(fd)) > 0)
				snprintf(buf, sizeof(buf), " (pid %ld)", holder);
			else
				buf[0] = '\0';
			log_msg(LOG_ERR, "the pid file %s is locked by another "
			    "running ucarp%s: stop that daemon first, or give "
			    "this one another pid file", path, buf);
		} else
			log_warn("cannot lock the pid file %s", path);
		close(fd);
		return false;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)n, 0) != n) {
		log_warn("cannot write the pid file %s", path);
		close(fd);
		return false;
	}
	pid_fd = fd;
	pid_path = xstrdup(path);
	return true;
}

void
pidfile_remove(void)
{
	struct stat	ours, now;

	if (pid_fd == -1)
		return;
	if (fstat(pid_fd, &ours) == 0 && stat(pid_path, &now) == 0 &&
	    ours.st_dev == now.st_dev && ours.st_ino == now.st_ino)
		unlink(pid_path);
	close(pid_fd);
	pid_fd = -1;
	free(pid_path);
	pid_path = NULL;
}
