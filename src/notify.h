/*
 * notify.h: systemd's notification protocol (sd_notify(3)) without
 * libsystemd: one datagram to $NOTIFY_SOCKET.  A no-op when not run by
 * systemd.
 */
#ifndef NOTIFY_H
#define NOTIFY_H

/* Send "READY=1", "STATUS=...", "RELOADING=1" and so on; 0 or -1. */
int	notify_send(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * "READY=1" and STATUS: the registry's instances by state, those in
 * maintenance, then last_reload (the last reload's verdict) if not NULL.
 */
void	notify_status(const char *last_reload);

#endif /* NOTIFY_H */
