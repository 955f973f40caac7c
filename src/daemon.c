/*
 * daemon.c: -B, leaving the terminal as a daemon that reports whether it
 * started.
 *
 * The parent stays until the daemon says it is running (exit 0) or its
 * pipe closes without a word (exit 2), so a start-up failure is not
 * hidden behind a successful exit as with ucarp 1.5.2.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"

static int	ready_fd = -1;

/* Fork twice into a new session; stdio on /dev/null. */
void
daemon_start(void)
{
	int	pfd[2], fd;
	pid_t	pid;
	char	c;
	ssize_t	n;

	if (pipe2(pfd, O_CLOEXEC) == -1)
		fatal("pipe");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid > 0) {
		close(pfd[1]);
		do
			n = read(pfd[0], &c, 1);
		while (n == -1 && errno == EINTR);
		_exit(n == 1 ? 0 : 2);
	}
	close(pfd[0]);
	if (setsid() == -1)
		fatal("setsid");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid > 0)
		_exit(0);
	if (chdir("/") == -1)
		fatal("chdir /");
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	ready_fd = pfd[1];
}

/* Running: the waiting parent exits 0. */
void
daemon_ready(void)
{
	if (ready_fd == -1)
		return;
	if (write(ready_fd, "R", 1) != 1)
		log_warn("telling the parent process we are running");
	close(ready_fd);
	ready_fd = -1;
}
