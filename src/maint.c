/*
 * maint.c: maintenance mode.  The set is of identities (interface,
 * vhid), not of running instances: it is what the operator asked for,
 * so it outlives a restart (maint_store.c keeps it in state_dir) and an
 * instance that a reload removes and adds back.  Each instance named in
 * it is held by the health model (a master bows out, a backup never
 * takes over): marked one by one, applied once per command, since the
 * model re-derives every instance when applied.
 *
 * The set is an array sorted by identity, with new entries appended
 * unsorted and sorted on the next lookup, so "maintenance on all" over
 * 10,000 instances costs one sort, not 10,000 insertions.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg.h"
#include "clock.h"
#include "control.h"
#include "ctl_proto.h"
#include "instance.h"
#include "instance_health.h"
#include "log.h"
#include "maint.h"
#include "maint_store.h"
#include "notify.h"
#include "registry.h"
#include "reload.h"
#include "xmalloc.h"

static struct maint_entry	*mt_v;
static size_t			 mt_n, mt_cap;
static size_t			 mt_sorted;	/* v[0..mt_sorted) sorted */
static char			*mt_dir;	/* NULL: not kept */
static bool			 mt_refused;	/* its file, at start */
static bool			 mt_unsaved;	/* disk behind memory */

static int
entry_cmp(const void *a, const void *b)
{
	const struct maint_entry	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->ifname, y->ifname)) != 0)
		return c;
	return (int)x->vhid - (int)y->vhid;
}

static void
set_sort(void)
{
	if (mt_sorted == mt_n)
		return;
	qsort(mt_v, mt_n, sizeof(*mt_v), entry_cmp);
	mt_sorted = mt_n;
}

/* The entry of an identity in the sorted part, or NULL. */
static struct maint_entry *
set_find(const char *ifname, uint8_t vhid)
{
	struct maint_entry	key;

	if (mt_sorted == 0 || strlen(ifname) >= sizeof(key.ifname))
		return NULL;
	memset(&key, 0, sizeof(key));
	strcpy(key.ifname, ifname);
	key.vhid = vhid;
	return bsearch(&key, mt_v, mt_sorted, sizeof(*mt_v), entry_cmp);
}

static struct maint_entry *
inst_find(const struct instance *inst)
{
	const struct cfg_instance	*cv = instance_cfg(inst);

	set_sort();
	return set_find(cv->interface, cv->vhid);
}

/* Appended unsorted (the caller knows it is not there). */
static void
set_add(const char *ifname, uint8_t vhid, int64_t since)
{
	struct maint_entry	*e;

	if (mt_n == mt_cap) {
		mt_cap = mt_cap ? mt_cap * 2 : 16;
		mt_v = xreallocarray(mt_v, mt_cap, sizeof(*mt_v));
	}
	e = &mt_v[mt_n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->ifname, sizeof(e->ifname), "%s", ifname);
	e->vhid = vhid;
	e->since = since;
}

/* Drop entries marked since < 0, keeping the order. */
static void
set_compact(void)
{
	size_t	i, k = 0;

	for (i = 0; i < mt_n; i++)
		if (mt_v[i].since >= 0)
			mt_v[k++] = mt_v[i];
	mt_sorted = mt_sorted == mt_n ? k : 0;
	mt_n = k;
}

static void
load_cb(void *arg UNUSED, const struct maint_entry *e)
{
	set_add(e->ifname, e->vhid, e->since);
}

/* Sorted, one entry per identity (a file we did not write may repeat). */
static void
set_dedupe(void)
{
	size_t	i, k = 0;

	set_sort();
	for (i = 0; i < mt_n; i++)
		if (k == 0 || entry_cmp(&mt_v[k - 1], &mt_v[i]) != 0)
			mt_v[k++] = mt_v[i];
	mt_n = mt_sorted = k;
}

/* "eth0 vhid 42 (web)" for logs. */
static void
inst_id(const struct instance *inst, char *buf, size_t len)
{
	const struct cfg_instance	*cv = instance_cfg(inst);

	snprintf(buf, len, "%s vhid %u%s%s%s", cv->interface, cv->vhid,
	    cv->name != NULL ? " (" : "", cv->name != NULL ? cv->name : "",
	    cv->name != NULL ? ")" : "");
}

static void
inst_event(struct instance *inst, bool on, const char *who)
{
	const struct cfg_instance	*cv = instance_cfg(inst);
	struct ctl_event		 ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = CTL_EV_MAINT;
	ev.on = on;
	if (cv->name != NULL)
		snprintf(ev.name, sizeof(ev.name), "%s", cv->name);
	snprintf(ev.interface, sizeof(ev.interface), "%s", cv->interface);
	ev.vhid = cv->vhid;
	snprintf(ev.text, sizeof(ev.text), "%s", who);
	control_event(&ev);
}

/* Mark one instance held, logged (start-up and reloads); apply after. */
static void
hold(struct instance *inst, int64_t since, const char *why)
{
	char	id[128], t[32];
	time_t	s = (time_t)since;

	inst_id(inst, id, sizeof(id));
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", gmtime(&s));
	log_info("%s: in maintenance since %s (%s): never master until "
	    "ucarpctl maintenance off", id, t, why);
	health_maint_mark(inst, true, s);
}

/* The entries that name no configured instance (kept, said once). */
static size_t
unconfigured(void)
{
	size_t	i, n = 0;

	for (i = 0; i < mt_n; i++)
		n += registry_find(mt_v[i].ifname, mt_v[i].vhid) == NULL;
	return n;
}

/* A refused file (err says why): every instance held, for safety. */
static void
hold_all(struct instance *const *list, size_t n, int64_t now,
    const char *err)
{
	size_t	i;

	mt_refused = true;
	mt_unsaved = true;
	log_msg(LOG_ERR, "maintenance state %s: every instance is put in "
	    "maintenance, so that none takes over a service an operator may "
	    "have moved away; check the file, then ucarpctl maintenance off "
	    "all (or off INSTANCE) writes a good one", err);
	for (i = 0; i < n; i++) {
		set_add(instance_cfg(list[i])->interface,
		    instance_cfg(list[i])->vhid, now);
		hold(list[i], now, "state file refused");
	}
	health_maint_apply();
}

void
maint_init(const struct cfg *cfg)
{
	struct instance *const	*list;
	char			 err[1200];
	size_t			 n, i, nu;
	int64_t			 now;

	now = (int64_t)(clock_wall_us() / 1000000);
	if (cfg->state_dir != NULL)
		mt_dir = xstrdup(cfg->state_dir);
	else if (!cfg->legacy)
		mt_dir = xstrdup(CFG_DEFAULT_STATE_DIR);
	if (mt_dir == NULL)
		return;
	list = registry_list(&n);
	switch (maint_store_load(mt_dir, load_cb, NULL, err, sizeof(err))) {
	case MAINT_LOAD_NONE:
		return;
	case MAINT_LOAD_REFUSED:
		hold_all(list, n, now, err);
		return;
	case MAINT_LOAD_OK:
		break;
	}
	set_dedupe();
	for (i = 0; i < n; i++)
		if (inst_find(list[i]) != NULL)
			hold(list[i], inst_find(list[i])->since, "state file");
	health_maint_apply();
	if ((nu = unconfigured()) > 0)
		log_info("maintenance state %s/%s: %zu entr%s for instances "
		    "not configured, kept (a reload that configures one puts "
		    "it in maintenance; ucarpctl maintenance off all forgets "
		    "them)", mt_dir, MAINT_FILE_NAME, nu,
		    nu == 1 ? "y" : "ies");
}

void
maint_reload(void)
{
	struct instance *const		*list;
	const struct maint_entry	*e;
	size_t				 n, i, held = 0;

	list = registry_list(&n);
	for (i = 0; i < n; i++)
		if ((e = inst_find(list[i])) != NULL &&
		    !health_maint_get(list[i], NULL)) {
			hold(list[i], e->since, "configured by a reload");
			held++;
		}
	if (held > 0)
		health_maint_apply();
}

/* One instance on or off; true if it changed. */
static bool
set_one(struct instance *inst, bool on, int64_t now, const char *who,
    size_t *masters)
{
	const struct cfg_instance	*cv = instance_cfg(inst);
	struct maint_entry		*e;
	char				 id[128];

	e = set_find(cv->interface, cv->vhid);
	if (e != NULL && e->since < 0)
		e = NULL;		/* turned off in this batch */
	if ((e != NULL) == on)
		return false;
	if (on) {
		set_add(cv->interface, cv->vhid, now);
		*masters += instance_state(inst) == CARP_MASTER;
	} else
		e->since = -1;
	inst_id(inst, id, sizeof(id));
	log_info("%s: maintenance %s, asked by %s", id, on ? "on" : "off",
	    who);
	health_maint_mark(inst, on, (time_t)now);
	inst_event(inst, on, who);
	return true;
}

/* Write the set if memory is ahead of the disk; the reply's tail. */
static bool
save(char *tail, size_t len)
{
	char	err[1200];

	if (mt_dir == NULL) {
		snprintf(tail, len, "; not kept across a restart: this ucarp "
		    "has no state directory (give --state-dir=DIR)");
		return false;
	}
	if (!mt_unsaved)
		return true;
	if (!maint_store_save(mt_dir, mt_v, mt_n, err, sizeof(err))) {
		log_msg(LOG_ERR, "maintenance state not saved: %s; it is in "
		    "effect until ucarp stops; fix that and repeat the "
		    "command", err);
		snprintf(tail, len, "; NOT kept across a restart: %s; fix that "
		    "and repeat the command", err);
		return false;
	}
	mt_unsaved = false;
	mt_refused = false;
	return true;
}

bool
maint_set(struct instance *const *v, size_t n, bool on, bool all,
    const char *sel, const char *who, char *msg, size_t msglen)
{
	char	tail[1400] = "";
	size_t	i, changed = 0, masters = 0, forgot = 0;
	int64_t	now = (int64_t)(clock_wall_us() / 1000000);
	bool	ok;

	set_sort();
	for (i = 0; i < n; i++)
		changed += set_one(v[i], on, now, who, &masters);
	if (changed > 0)
		health_maint_apply();
	/* off all: identities not configured any more go too. */
	for (i = 0; all && !on && i < mt_n; i++)
		if (mt_v[i].since >= 0) {
			mt_v[i].since = -1;
			forgot++;
		}
	set_compact();
	if (changed + forgot > 0) {
		mt_unsaved = true;
		notify_status(reload_stats()->summary);
	}
	ok = save(tail, sizeof(tail));
	snprintf(msg, msglen, "maintenance %s %s: %zu instance%s, %zu "
	    "changed%s%s", on ? "on" : "off", sel, n, n == 1 ? "" : "s",
	    changed, masters > 0 ? " (masters hand over at once)" : "", tail);
	return ok;
}

/* Does cv list group (the groups key, the health model's)? */
static bool
in_group(const struct cfg_instance *cv, const char *group)
{
	size_t	i;

	for (i = 0; i < cv->groups.n; i++)
		if (strcmp(cv->groups.v[i], group) == 0)
			return true;
	return false;
}

struct instance **
maint_group(const char *group, size_t *n)
{
	struct instance *const	 *list;
	struct instance		**v = NULL;
	size_t			  nl, i;

	list = registry_list(&nl);
	*n = 0;
	for (i = 0; i < nl; i++)
		if (in_group(instance_cfg(list[i]), group)) {
			v = xreallocarray(v, *n + 1, sizeof(*v));
			v[(*n)++] = list[i];
		}
	return v;
}

bool
maint_get(const struct instance *inst, int64_t *since_us)
{
	const struct maint_entry	*e = inst_find(inst);

	*since_us = e != NULL ? e->since * 1000000 : 0;
	return e != NULL;
}

size_t
maint_count(void)
{
	return mt_n - unconfigured();
}

const char *
maint_dir(void)
{
	return mt_dir;
}

bool
maint_refused(void)
{
	return mt_refused;
}

void
maint_shutdown(void)
{
	free(mt_v);
	mt_v = NULL;
	mt_n = mt_cap = mt_sorted = 0;
	free(mt_dir);
	mt_dir = NULL;
}
