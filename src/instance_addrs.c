/*
 * instance_addrs.c: built-in address management around the instances: a
 * master's addresses are added over netlink when it takes over (before
 * the GARPs and the up script), removed when it leaves MASTER, at exit and
 * when a reload takes them away; removals behind our back are put right
 * (addr_plan.c decides, addr_nl.c talks to the kernel); the ownership
 * record, written after each change, lets the next run clean up after a
 * crash where the kernel has no IFA_PROTO tag.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "addr_nl.h"
#include "addr_plan.h"
#include "ctl_proto.h"
#include "instance.h"
#include "instance_addrs.h"
#include "instance_priv.h"
#include "nl.h"
#include "registry.h"
#include "xmalloc.h"

static char		*ia_record;	/* the ownership record's path */
static struct event	*ia_save_ev;	/* writes it once per loop round */

/* The record: "interface address/prefix" lines. */
struct ia_rec {
	char			 ifname[IF_NAMESIZE];
	struct carp_addr	 addr;
};

void
instance_addrs_init(const char *control)
{
	struct stat	st;

	free(ia_record);
	if (control != NULL)
		xasprintf(&ia_record, "%s.addrs", control);
	else if (stat("/proc/self/ns/net", &st) == 0)
		xasprintf(&ia_record, "/run/ucarp/addrs.%llu",
		    (unsigned long long)st.st_ino);
	else
		ia_record = xstrdup("/run/ucarp/addrs");
}

/* The address as the kernel has it: always with its prefix. */
static char *
ia_fmt(const struct carp_addr *a, char buf[CARP_ADDR_STRLEN])
{
	struct carp_addr	k = *a;

	k.prefix = addr_plan_prefix(a);
	return carp_addr_fmt_prefix(&k, buf);
}

static bool
ia_managed(const struct instance *inst)
{
	return inst->am.slot != NULL;
}

bool
instance_addrs_managed(const struct instance *inst)
{
	return ia_managed(inst);
}

/* The record's directory, if it is missing (/run/ucarp after a boot). */
static FILE *
ia_rec_open(const char *tmp)
{
	char	*dir, *slash;
	FILE	*f;

	if ((f = fopen(tmp, "w")) != NULL || errno != ENOENT)
		return f;
	dir = xstrdup(tmp);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		(void)mkdir(dir, 0755);
	}
	free(dir);
	return fopen(tmp, "w");
}

/*
 * Write the record: every address placed now, over all instances; none
 * (a clean exit, everything released): no file.
 */
static void
ia_save_cb(int fd UNUSED, short what UNUSED, void *arg UNUSED)
{
	struct instance *const	*v;
	char			 tmp[PATH_MAX], a[CARP_ADDR_STRLEN];
	FILE			*f;
	size_t			 i, j, n, lines = 0;

	if (ia_record == NULL || snprintf(tmp, sizeof(tmp), "%s.new",
	    ia_record) >= (int)sizeof(tmp))
		return;
	if ((f = ia_rec_open(tmp)) == NULL) {
		log_warn("cannot write the address record %s (a crash may "
		    "leave addresses behind; check the directory)", tmp);
		return;
	}
	v = registry_list(&n);
	for (i = 0; i < n; i++)
		for (j = 0; ia_managed(v[i]) && j < v[i]->am.n; j++)
			if (v[i]->am.slot[j].placed && ++lines > 0)
				fprintf(f, "%s %s\n", v[i]->cfg->interface,
				    ia_fmt(&v[i]->cfg->addrs[j], a));
	if (fclose(f) != 0 || rename(tmp, ia_record) == -1)
		log_warn("cannot write the address record %s", ia_record);
	else if (lines == 0)
		(void)unlink(ia_record);
}

static void
ia_save(void)
{
	struct timeval	now = { 0, 0 };

	if (ia_save_ev == NULL)
		ia_save_ev = evtimer_new(instance_event_base(), ia_save_cb,
		    NULL);
	if (!evtimer_pending(ia_save_ev, NULL))
		evtimer_add(ia_save_ev, &now);
}

/* Log a failed request: what, where, and what to do. */
static void
ia_fail(struct instance *inst, const char *what, size_t i, int err)
{
	char		a[CARP_ADDR_STRLEN];
	const char	*hint;

	inst->am.errors++;
	inst->am.err = err;
	switch (err) {
	case EPERM:
		hint = "ucarp needs CAP_NET_ADMIN";
		break;
	case ENODEV:
		hint = "is the interface there?";
		break;
	case ENOTCONN:
		hint = "netlink could not be opened at start-up; see above";
		break;
	case EADDRNOTAVAIL:
		hint = "it was not there any more";
		break;
	default:
		hint = "see ip addr";
		break;
	}
	log_msg(LOG_ERR, "%scannot %s %s on %s: %s (%s); addresses not in "
	    "place", inst->prefix, what, ia_fmt(&inst->cfg->addrs[i], a),
	    inst->cfg->interface, strerror(err), hint);
}

/* Another instance has the same address placed on the same link. */
static bool
ia_shared(const struct instance *inst, const struct carp_addr *a)
{
	struct instance *const	*v;
	size_t			 i, j, n;

	v = registry_list(&n);
	for (i = 0; i < n; i++) {
		if (v[i] == inst || !ia_managed(v[i]) ||
		    v[i]->am.ifindex != inst->am.ifindex)
			continue;
		for (j = 0; j < v[i]->am.n; j++)
			if (v[i]->am.slot[j].placed &&
			    addr_plan_same(&v[i]->cfg->addrs[j], a))
				return true;
	}
	return false;
}

/* Is a on ifindex now, and tagged as ours?  One dump: for rare cases. */
struct ia_find {
	unsigned		 ifindex;
	const struct carp_addr	*a;
	bool			 found, tagged;
};

static void
ia_find_cb(const struct addr_nl_seen *s, void *arg)
{
	struct ia_find	*f = arg;

	if (s->ifindex == f->ifindex && addr_plan_same(f->a, &s->addr)) {
		f->found = true;
		f->tagged = f->tagged || s->tagged;
	}
}

static bool
ia_find(unsigned ifindex, const struct carp_addr *a, bool *tagged)
{
	struct ia_find	f = { ifindex, a, false, false };

	if (addr_nl_dump(ia_find_cb, &f) != 0)
		return false;
	*tagged = f.tagged;
	return f.found;
}

static void
ia_add(struct instance *inst, size_t i)
{
	struct addr_plan_slot	*s = &inst->am.slot[i];
	char			 a[CARP_ADDR_STRLEN];
	int			 err;
	bool			 tagged;

	if (s->placed || s->foreign)
		return;
	err = addr_nl_add(inst->am.ifindex, &inst->cfg->addrs[i]);
	/*
	 * Already there: ours if another instance here holds it (a reload
	 * moved it) or it carries our tag (placed before a restore).
	 */
	if (err == EEXIST && (ia_shared(inst, &inst->cfg->addrs[i]) ||
	    (ia_find(inst->am.ifindex, &inst->cfg->addrs[i], &tagged) &&
	    tagged)))
		err = 0;
	addr_plan_added(s, err);
	if (err == EEXIST) {
		s->foreign = true;
		inst->am.errors++;
		log_msg(LOG_WARNING, "%s%s is already on %s and not ours (an "
		    "operator's alias?): this instance cannot own it and "
		    "leaves it alone", inst->prefix,
		    ia_fmt(&inst->cfg->addrs[i], a), inst->cfg->interface);
	} else if (err != 0)
		ia_fail(inst, "add", i, err);
}

/* Remove a, whose slot s is, if we placed it. */
static void
ia_del_addr(struct instance *inst, struct addr_plan_slot *s,
    const struct carp_addr *a)
{
	char	buf[CARP_ADDR_STRLEN];
	int	err;

	if (!s->placed)
		return;
	addr_plan_removing(s);
	if (ia_shared(inst, a)) {
		s->own_dels--;		/* left to the other instance */
		return;
	}
	err = addr_nl_del(inst->am.ifindex, a);
	if (err == 0)
		return;
	s->own_dels--;			/* no removal will be reported */
	if (err == EADDRNOTAVAIL || err == ENODEV)
		log_info("%s%s was no longer on %s (%s): nothing to remove",
		    inst->prefix, ia_fmt(a, buf), inst->cfg->interface,
		    strerror(err));
	else {
		inst->am.errors++;
		inst->am.err = err;
		log_msg(LOG_ERR, "%scannot remove %s on %s: %s (%s)",
		    inst->prefix, ia_fmt(a, buf),
		    inst->cfg->interface, strerror(err), err == EPERM ?
		    "ucarp needs CAP_NET_ADMIN" : "see ip addr");
	}
}

/* A master's addresses, all of them, now. */
static void
ia_place(struct instance *inst)
{
	size_t	i;

	inst->am.ifindex = if_nametoindex(inst->cfg->interface);
	inst->am.err = 0;
	for (i = 0; i < inst->am.n; i++)
		ia_add(inst, i);
	ia_save();
}

void
instance_addrs_release(struct instance *inst)
{
	size_t	i;

	if (!ia_managed(inst))
		return;
	for (i = 0; i < inst->am.n; i++)
		ia_del_addr(inst, &inst->am.slot[i], &inst->cfg->addrs[i]);
	ia_save();
}

void
instance_addrs_transition(struct instance *inst, const struct carp_action *a)
{
	if (!ia_managed(inst))
		return;
	if (a->to == CARP_MASTER)
		ia_place(inst);
	else if (a->from == CARP_MASTER)
		instance_addrs_release(inst);
}

/* An address of a master removed behind its back: per its policy. */
static void
ia_removed_one(struct instance *inst, size_t i)
{
	enum addr_plan_act	 act;
	char			 a[CARP_ADDR_STRLEN];
	bool			 tagged;

	/* The operator's copy went: the address is the instance's again. */
	if (inst->am.slot[i].foreign) {
		inst->am.slot[i].foreign = false;
		if (inst->fsm.state == CARP_MASTER)
			ia_add(inst, i);
		return;
	}
	act = addr_plan_removed(&inst->am.slot[i],
	    inst->fsm.state == CARP_MASTER,
	    addr_plan_policy(inst->cfg->on_address_removed));
	/*
	 * Still there, ours: the removal seen was an instance's own, made
	 * before a reload gave the address to this one, which added it.
	 */
	if ((act == ADDR_PLAN_DO_RESTORE || act == ADDR_PLAN_DO_STEPDOWN) &&
	    ia_find(inst->am.ifindex, &inst->cfg->addrs[i], &tagged) &&
	    tagged) {
		addr_plan_added(&inst->am.slot[i], 0);
		return;
	}
	ia_fmt(&inst->cfg->addrs[i], a);
	if (act == ADDR_PLAN_DO_RESTORE) {
		inst->am.restores++;
		log_msg(LOG_WARNING, "%s%s was removed from %s behind our "
		    "back: adding it back", inst->prefix, a,
		    inst->cfg->interface);
		ia_add(inst, i);
		ia_save();
	} else if (act == ADDR_PLAN_DO_STEPDOWN) {
		inst->am.restores++;
		log_msg(LOG_WARNING, "%s%s was removed from %s behind our "
		    "back: stepping down (on_address_removed = \"stepdown\")",
		    inst->prefix, a, inst->cfg->interface);
		instance_stepdown(inst);
	}
}

/* The watch: an address was removed from some interface. */
static void
ia_removed_cb(const struct addr_nl_seen *seen, void *arg UNUSED)
{
	struct instance *const	*v;
	size_t			 i, j, n;

	v = registry_list(&n);
	for (i = 0; i < n; i++) {
		if (!ia_managed(v[i]) || v[i]->am.ifindex != seen->ifindex)
			continue;
		for (j = 0; j < v[i]->am.n; j++)
			if (addr_plan_same(&v[i]->cfg->addrs[j], &seen->addr))
				ia_removed_one(v[i], j);
	}
}

/* Every address the kernel has, for a resync or the start-up. */
struct ia_seen {
	struct addr_nl_seen	*v;
	size_t			 n, cap;
};

static void
ia_collect_cb(const struct addr_nl_seen *s, void *arg)
{
	struct ia_seen	*all = arg;

	if (all->n == all->cap) {
		all->cap = all->cap ? all->cap * 2 : 64;
		all->v = xreallocarray(all->v, all->cap, sizeof(*all->v));
	}
	all->v[all->n++] = *s;
}

static bool
ia_present(const struct ia_seen *all, unsigned ifindex,
    const struct carp_addr *a)
{
	size_t	i;

	for (i = 0; i < all->n; i++)
		if (all->v[i].ifindex == ifindex &&
		    addr_plan_same(a, &all->v[i].addr))
			return true;
	return false;
}

/*
 * The watch overran: removals may have been lost.  Every placed address
 * is compared with the kernel's; links are re-read as well.
 */
static void
ia_resync_cb(void)
{
	struct instance *const	*v;
	struct ia_seen		 all = { NULL, 0, 0 };
	size_t			 i, j, n;

	nl_resync();
	if (addr_nl_dump(ia_collect_cb, &all) != 0) {
		free(all.v);
		return;
	}
	v = registry_list(&n);
	for (i = 0; i < n; i++) {
		if (!ia_managed(v[i]))
			continue;
		addr_plan_resync(v[i]->am.slot, v[i]->am.n);
		for (j = 0; j < v[i]->am.n; j++)
			if (v[i]->am.slot[j].placed && !ia_present(&all,
			    v[i]->am.ifindex, &v[i]->cfg->addrs[j]))
				ia_removed_one(v[i], j);
	}
	free(all.v);
}

/* Slots for the instance's addresses, and netlink the first time. */
void
instance_addrs_new(struct instance *inst)
{
	if (!inst->cfg->manage_addresses)
		return;
	if (!addr_nl_ready())
		(void)addr_nl_init(instance_event_base(), ia_removed_cb,
		    ia_resync_cb);
	inst->am.n = inst->cfg->naddrs;
	inst->am.slot = xcalloc(inst->am.n ? inst->am.n : 1,
	    sizeof(*inst->am.slot));
	inst->am.ifindex = if_nametoindex(inst->cfg->interface);
}

void
instance_addrs_free(struct instance *inst)
{
	instance_addrs_release(inst);
	free(inst->am.slot);
	inst->am.slot = NULL;
	inst->am.n = 0;
}

/*
 * A reload: addresses kept keep their state, a master's new ones are
 * added, and the ones the instance lost (all of them if manage_addresses
 * went off) are removed.
 */
void
instance_addrs_update(struct instance *inst, const struct cfg_instance *old)
{
	struct instance_addrs	 was = inst->am;
	struct addr_plan_slot	*slot;
	size_t			*map, i, n = inst->cfg->naddrs;
	bool			*kept;

	if (!inst->cfg->manage_addresses)
		n = 0;
	slot = xcalloc(n ? n : 1, sizeof(*slot));
	map = xcalloc(n ? n : 1, sizeof(*map));
	kept = xcalloc(was.n ? was.n : 1, sizeof(*kept));
	addr_plan_map(old->addrs, was.n, inst->cfg->addrs, n, map);
	for (i = 0; i < n; i++)
		if (map[i] != SIZE_MAX) {
			slot[i] = was.slot[map[i]];
			kept[map[i]] = true;
		}
	for (i = 0; i < was.n; i++)
		if (!kept[i])
			ia_del_addr(inst, &was.slot[i], &old->addrs[i]);
	free(was.slot);
	inst->am.slot = NULL;
	inst->am.n = 0;
	if (inst->cfg->manage_addresses) {
		inst->am.slot = slot;
		inst->am.n = n;
		if (!addr_nl_ready())
			(void)addr_nl_init(instance_event_base(),
			    ia_removed_cb, ia_resync_cb);
		if (inst->fsm.state == CARP_MASTER)
			ia_place(inst);
	} else
		free(slot);
	ia_save();
	free(map);
	free(kept);
}

/* The record an earlier run left: its lines, as many as parse. */
static struct ia_rec *
ia_rec_load(size_t *n)
{
	struct ia_rec	*v = NULL;
	char		 line[256], name[IF_NAMESIZE + 1], a[128];
	size_t		 cap = 0;
	FILE		*f;

	*n = 0;
	if (ia_record == NULL || (f = fopen(ia_record, "r")) == NULL)
		return NULL;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%16s %127s", name, a) != 2 ||
		    strlen(name) >= IF_NAMESIZE)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		if (!carp_addr_parse(a, &v[*n].addr))
			continue;
		memcpy(v[*n].ifname, name, strlen(name) + 1);
		(*n)++;
	}
	fclose(f);
	return v;
}

static bool
ia_recorded(const struct ia_rec *v, size_t n, const struct addr_nl_seen *s)
{
	char	name[IF_NAMESIZE];
	size_t	i;

	if (n == 0 || if_indextoname(s->ifindex, name) == NULL)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(v[i].ifname, name) == 0 &&
		    addr_plan_same(&v[i].addr, &s->addr))
			return true;
	return false;
}

/* One address found at start-up: ours from before, or an operator's? */
static void
ia_startup_one(const struct addr_nl_seen *s, bool recorded)
{
	struct instance *const	*v;
	enum addr_plan_owner	 o;
	char			 a[CARP_ADDR_STRLEN], name[IF_NAMESIZE];
	size_t			 i, j, n;
	int			 err;

	v = registry_list(&n);
	for (i = 0, o = recorded ? ADDR_PLAN_STALE : ADDR_PLAN_UNRELATED;
	    i < n && o == ADDR_PLAN_UNRELATED; i++)
		if (ia_managed(v[i]) && v[i]->am.ifindex == s->ifindex)
			o = addr_plan_owner(&s->addr, s->tagged, false,
			    v[i]->cfg->addrs, v[i]->am.n);
	carp_addr_fmt_prefix(&s->addr, a);
	if (if_indextoname(s->ifindex, name) == NULL)
		snprintf(name, sizeof(name), "#%u", s->ifindex);
	if (o == ADDR_PLAN_STALE) {
		err = addr_nl_del(s->ifindex, &s->addr);
		if (err == 0)
			log_info("removed %s from %s: left by an earlier run",
			    a, name);
		else
			log_msg(LOG_ERR, "cannot remove %s from %s, left by an "
			    "earlier run: %s (remove it with ip addr del)", a,
			    name, strerror(err));
		return;
	}
	if (o != ADDR_PLAN_FOREIGN)
		return;
	for (i = 0; i < n; i++) {
		if (!ia_managed(v[i]) || v[i]->am.ifindex != s->ifindex)
			continue;
		for (j = 0; j < v[i]->am.n; j++)
			if (carp_addr_eq(&v[i]->cfg->addrs[j], &s->addr) &&
			    !v[i]->am.slot[j].foreign) {
				v[i]->am.slot[j].foreign = true;
				log_msg(LOG_WARNING, "%s%s is on %s and was not "
				    "added by ucarp (an operator's alias?): "
				    "this instance cannot own it and leaves "
				    "it alone; remove it or the address from "
				    "the instance", v[i]->prefix, a, name);
			}
	}
}

void
instance_addrs_startup(void)
{
	struct instance *const	*v;
	struct ia_seen		 all = { NULL, 0, 0 };
	struct ia_rec		*rec;
	size_t			 i, n, nrec;
	int			 err;

	v = registry_list(&n);
	for (i = 0; i < n && !ia_managed(v[i]); i++)
		;
	if (i == n || !addr_nl_ready())
		return;
	rec = ia_rec_load(&nrec);
	if ((err = addr_nl_dump(ia_collect_cb, &all)) != 0)
		log_msg(LOG_ERR, "cannot list addresses over netlink: %s "
		    "(addresses of an earlier run are not cleaned up)",
		    strerror(err));
	for (i = 0; i < all.n; i++)
		ia_startup_one(&all.v[i], ia_recorded(rec, nrec, &all.v[i]));
	free(all.v);
	free(rec);
	ia_save();
}

void
instance_addrs_shutdown(void)
{
	/* The record says what is left: nothing, after a clean exit. */
	if (ia_save_ev != NULL) {
		ia_save_cb(-1, 0, NULL);
		event_free(ia_save_ev);
		ia_save_ev = NULL;
	}
	addr_nl_shutdown();
	free(ia_record);
	ia_record = NULL;
}

void
instance_addrs_to_ctl(const struct instance *inst, struct ctl_instance *in)
{
	in->addr_state = CTL_AM_UNMANAGED;
	if (ia_managed(inst))
		in->addr_state = addr_plan_state(inst->am.slot, inst->am.n,
		    inst->fsm.state == CARP_MASTER) == ADDR_PLAN_IN_PLACE ?
		    CTL_AM_IN_PLACE : CTL_AM_NOT_IN_PLACE;
	in->addr_restores = inst->am.restores;
	in->addr_errors = inst->am.errors;
}
