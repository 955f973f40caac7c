/*
 * control.h: the control socket (ucarpctl's other end): status, step-down,
 * GARP, reload with its result, and an event stream, on the event loop.
 */
#ifndef CONTROL_H
#define CONTROL_H

#include <stdbool.h>

#include "carp_fsm.h"

struct cfg;
struct ctl_event;
struct event_base;
struct reload_stats;
struct instance;

/*
 * Start-up: listen on cfg's control (and control_ro) sockets, the default
 * one in file mode.  False, said in the log, if another daemon answers on
 * one of them or it cannot be made: the daemon must not start.
 */
bool	control_init(struct event_base *, const struct cfg *);
/* Exit: close every connection, remove the sockets. */
void	control_shutdown(void);

/* Events for "monitor" clients, numbered in the order they happen. */
void	control_event(struct ctl_event *);
void	control_event_reload(const struct reload_stats *);

#endif /* CONTROL_H */
