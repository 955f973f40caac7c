/*
 * registry.c: the list of running instances and its two indexes.
 *
 * The list keeps file order.  The indexes (by interface and vhid, by
 * name) are sorted arrays of the same pointers, rebuilt with one qsort
 * on the first lookup after a change: a reload of 10,000 instances costs
 * O(n log n) once, a lookup O(log n), and there is no tree to keep in
 * step with instance_update (which may change an instance's name).  The keys
 * are read through instance_cfg(), so they are always the instance's own.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "registry.h"
#include "instance.h"
#include "xmalloc.h"

static struct instance	**reg_list;	/* file order */
static size_t		  reg_n, reg_cap;
static struct instance	**reg_by_id;	/* sorted by (interface, vhid) */
static struct instance	**reg_by_name;	/* named ones, sorted by name */
static size_t		  reg_nnamed;
static bool		  reg_stale = true;	/* indexes need a rebuild */

static int
id_cmp(const char *ifa, uint8_t va, const char *ifb, uint8_t vb)
{
	int	c;

	if ((c = strcmp(ifa, ifb)) != 0)
		return c;
	return (int)va - (int)vb;
}

static int
by_id_cmp(const void *a, const void *b)
{
	const struct cfg_instance	*x = instance_cfg(*(struct instance *const *)a);
	const struct cfg_instance	*y = instance_cfg(*(struct instance *const *)b);

	return id_cmp(x->interface, x->vhid, y->interface, y->vhid);
}

static int
by_name_cmp(const void *a, const void *b)
{
	return strcmp(instance_cfg(*(struct instance *const *)a)->name,
	    instance_cfg(*(struct instance *const *)b)->name);
}

static void
registry_index(void)
{
	size_t	i;

	if (!reg_stale)
		return;
	free(reg_by_id);
	free(reg_by_name);
	reg_by_id = xcalloc(reg_n + 1, sizeof(*reg_by_id));
	reg_by_name = xcalloc(reg_n + 1, sizeof(*reg_by_name));
	reg_nnamed = 0;
	for (i = 0; i < reg_n; i++) {
		reg_by_id[i] = reg_list[i];
		if (instance_cfg(reg_list[i])->name != NULL)
			reg_by_name[reg_nnamed++] = reg_list[i];
	}
	qsort(reg_by_id, reg_n, sizeof(*reg_by_id), by_id_cmp);
	qsort(reg_by_name, reg_nnamed, sizeof(*reg_by_name), by_name_cmp);
	reg_stale = false;
}

void
registry_add(struct instance *inst)
{
	if (reg_n == reg_cap) {
		reg_cap = reg_cap ? reg_cap * 2 : 16;
		reg_list = xreallocarray(reg_list, reg_cap, sizeof(*reg_list));
	}
	reg_list[reg_n++] = inst;
	reg_stale = true;
}

void
registry_set(struct instance *const *v, size_t n)
{
	if (n > reg_cap) {
		reg_cap = n;
		reg_list = xreallocarray(reg_list, reg_cap, sizeof(*reg_list));
	}
	if (n > 0)
		memcpy(reg_list, v, n * sizeof(*reg_list));
	reg_n = n;
	reg_stale = true;
}

struct instance *const *
registry_list(size_t *n)
{
	*n = reg_n;
	return reg_list;
}

size_t
registry_count(void)
{
	return reg_n;
}

/* What bsearch looks for: an identity or a name. */
struct reg_key {
	const char	*interface;
	uint8_t		 vhid;
	const char	*name;
};

static int
key_id_cmp(const void *k, const void *e)
{
	const struct reg_key	*key = k;
	const struct cfg_instance	*cv = instance_cfg(*(struct instance *const *)e);

	return id_cmp(key->interface, key->vhid, cv->interface, cv->vhid);
}

static int
key_name_cmp(const void *k, const void *e)
{
	return strcmp(((const struct reg_key *)k)->name,
	    instance_cfg(*(struct instance *const *)e)->name);
}

struct instance *
registry_find(const char *interface, uint8_t vhid)
{
	struct reg_key	 key = { interface, vhid, NULL };
	struct instance	**hit;

	registry_index();
	hit = bsearch(&key, reg_by_id, reg_n, sizeof(*reg_by_id), key_id_cmp);
	return hit != NULL ? *hit : NULL;
}

struct instance *
registry_find_name(const char *name)
{
	struct reg_key	 key = { NULL, 0, name };
	struct instance	**hit;

	registry_index();
	hit = bsearch(&key, reg_by_name, reg_nnamed, sizeof(*reg_by_name),
	    key_name_cmp);
	return hit != NULL ? *hit : NULL;
}

void
registry_foreach(void (*cb)(struct instance *, void *), void *arg)
{
	size_t	i;

	for (i = 0; i < reg_n; i++)
		cb(reg_list[i], arg);
}

void
registry_counts(struct registry_counts *rc)
{
	enum carp_state	s;
	size_t		i;

	memset(rc, 0, sizeof(*rc));
	rc->total = reg_n;
	for (i = 0; i < reg_n; i++)
		if ((s = instance_state(reg_list[i])) < CARP_STATE_MAX)
			rc->state[s]++;
}

struct registry_view *
registry_snapshot(size_t *n)
{
	struct registry_view	*v;
	const struct cfg_instance	*cv;
	size_t			 i;

	v = xcalloc(reg_n + 1, sizeof(*v));
	for (i = 0; i < reg_n; i++) {
		cv = instance_cfg(reg_list[i]);
		v[i].inst = reg_list[i];
		v[i].name = cv->name;
		v[i].interface = cv->interface;
		v[i].vhid = cv->vhid;
		v[i].state = instance_state(reg_list[i]);
		v[i].file = cv->file;
		v[i].line = cv->line;
	}
	*n = reg_n;
	return v;
}

void
registry_free_all(void)
{
	size_t	i;

	for (i = 0; i < reg_n; i++)
		instance_free(reg_list[i]);
	free(reg_list);
	free(reg_by_id);
	free(reg_by_name);
	reg_list = reg_by_id = reg_by_name = NULL;
	reg_n = reg_cap = reg_nnamed = 0;
	reg_stale = true;
}
