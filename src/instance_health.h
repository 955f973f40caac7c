/*
 * instance_health.h: the health model (health.c) around the running
 * instances: built from the configuration and the registry at start-up
 * and after each reload (checks and groups keep their state by name),
 * fed with check results, link states, maintenance flags and manual
 * group demotions, and pushed into each instance's state machine as its
 * demotion level and hold (CARP_EV_HEALTH) whenever they change.
 */
#ifndef INSTANCE_HEALTH_H
#define INSTANCE_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "health.h"

struct cfg;
struct instance;

/*
 * The model follows c and the registry: at start-up before the
 * instances start (the startup hold applies from their first step), and
 * after a reload has applied the instances.
 */
void	health_configure(const struct cfg *c, bool boot);

/*
 * Exit begins: checks stop (a run under way is killed), and nothing
 * changes an instance any more: without -z they stop cold, with it they
 * are shutting down.
 */
void	health_stop(void);
/* The end: free the model. */
void	health_shutdown(void);

/*
 * Maintenance on/off for one instance; re-derives its state (a master
 * bows out).
 */
void	health_maint_set(struct instance *inst, bool on, time_t since);
/*
 * The same for many (ucarpctl maintenance on all): mark each, then
 * apply once; health_apply() walks every instance, so one apply per
 * instance would cost O(n^2) (4 s of a stalled loop at 10,000).
 */
void	health_maint_mark(struct instance *inst, bool on, time_t since);
void	health_maint_apply(void);

/* Whether inst is in maintenance, and since when (wall clock). */
bool	health_maint_get(const struct instance *inst, time_t *since);

/*
 * A group's manual demotion: op '+' or '-' adds/subtracts n, '=' sets it
 * (0 clears).  Returns false (and a reason in err) if no such group is
 * configured.
 */
bool	health_group_demote(const char *group, char op, int n, char *err,
	    size_t errlen);

/*
 * A result for tracked object t (an index of the model): a check's run
 * or a link state.  why says what happened ("exit 1", "timed out after
 * 1 s", "carrier lost") for the log line of a change.
 */
void	health_result(size_t t, bool ok, const char *why);

struct ctl_check;
/* Tracked object k of the model (a check or an interface) for status. */
void	health_track_to_ctl(size_t k, struct ctl_check *);

/* The model, read-only (status, metrics, check.c and link tracking). */
const struct health *health_model(void);

/*
 * inst's level as last pushed into its state machine, and its
 * contributions in words ("check nginx failing 3/2", "interface eth1
 * down", "group fw +50 by ucarpctl", "maintenance since ..."), joined
 * with "; " into buf (empty if none).
 */
void	health_describe(const struct instance *inst, struct health_level *lv,
	    char *buf, size_t len);

#endif /* INSTANCE_HEALTH_H */
