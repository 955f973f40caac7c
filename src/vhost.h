/*
 * vhost.h: one CARP instance at run time: its configuration, its state
 * machine and timer, its interface slot and its script queue.  The only
 * caller of carp_fsm_step(); carries out the actions it returns.
 */
#ifndef VHOST_H
#define VHOST_H

#include <stdbool.h>

#include "carp_fsm.h"
#include "cfg.h"

struct event_base;
struct vhost;

/* Once per process. */
void		 vhost_init(struct event_base *, bool legacy);

/*
 * A new instance; it owns cv from now on and frees it.  NULL (reason
 * logged, cv still the caller's) if its interface cannot be used.
 */
struct vhost	*vhost_new(struct cfg_vhost *cv);
void		 vhost_free(struct vhost *);

/* Reload: new settings of the same identity in place (CFG_CH_* bits). */
bool		 vhost_update(struct vhost *, struct cfg_vhost *, unsigned);
/* Reload: bow out and run the down script if master, then free. */
void		 vhost_remove(struct vhost *);

/* INIT -> BACKUP; then the link state is applied. */
void		 vhost_start(struct vhost *);
/* SIGUSR2: a master yields (bow-out advert first with shutdown). */
void		 vhost_stepdown(struct vhost *);
/* Exit path: bow-out and down script if `shutdown` is set. */
void		 vhost_shutdown(struct vhost *);
/* SIGUSR1: the ucarp status line plus counters. */
void		 vhost_log_status(const struct vhost *);

enum carp_state	 vhost_state(const struct vhost *);
const struct cfg_vhost *vhost_cfg(const struct vhost *);

#endif /* VHOST_H */
