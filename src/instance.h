/*
 * instance.h: one CARP instance at run time: its configuration, its state
 * machine and timer, its interface slot and its script queue.  The only
 * caller of carp_fsm_step(); carries out the actions it returns.
 */
#ifndef INSTANCE_H
#define INSTANCE_H

#include <stdbool.h>

#include "carp_fsm.h"
#include "cfg.h"

struct ctl_instance;
struct event_base;
struct instance;

/* Once per process. */
void		 instance_init(struct event_base *, bool legacy);

/*
 * A new instance; it owns cv from now on and frees it.  NULL (reason
 * logged, cv still the caller's) if its interface cannot be used.
 */
struct instance	*instance_new(struct cfg_instance *cv);
void		 instance_free(struct instance *);

/* Reload: new settings of the same identity in place (CFG_CH_* bits). */
bool		 instance_update(struct instance *, struct cfg_instance *, unsigned);
/* Reload: bow out and run the down script if master, then free. */
void		 instance_remove(struct instance *);

/* INIT -> BACKUP; then the link state is applied. */
void		 instance_start(struct instance *);
/* SIGUSR2: a master yields (bow-out advert first with shutdown). */
void		 instance_stepdown(struct instance *);
/* Exit path: bow-out and down script if `shutdown` is set. */
void		 instance_shutdown(struct instance *);
/* SIGUSR1: the ucarp status line plus counters. */
void		 instance_log_status(const struct instance *);

/* ucarpctl garp: a master sends its gratuitous ARPs again. */
void		 instance_garp(struct instance *);

enum carp_state	 instance_state(const struct instance *);
/* Everything ucarpctl status shows of it (instance_ctl.c). */
void		 instance_to_ctl(const struct instance *,
		    struct ctl_instance *);
const struct cfg_instance *instance_cfg(const struct instance *);

#endif /* INSTANCE_H */
