/*
 * pidfile.h: the daemon's pid file, locked (flock) for as long as the
 * daemon runs, so that a second daemon given the same file refuses to
 * start instead of overwriting it, and removed at exit only if it is
 * still ours.
 */
#ifndef PIDFILE_H
#define PIDFILE_H

#include <stdbool.h>

/* Create or take over path, lock it and write our pid; false (logged) if not. */
bool	pidfile_write(const char *path);
/* Exit: unlink the file if it is still the one we locked; release it. */
void	pidfile_remove(void);

#endif /* PIDFILE_H */
