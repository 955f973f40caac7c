/*
 * daemon.h: -B: detach, and tell the waiting parent once running (its
 * exit status says whether the daemon started).
 */
#ifndef DAEMON_H
#define DAEMON_H

/* Fork into the background; returns in the daemon only. */
void	daemon_start(void);
/* Start-up done: the parent exits 0.  A no-op without daemon_start. */
void	daemon_ready(void);

#endif /* DAEMON_H */
