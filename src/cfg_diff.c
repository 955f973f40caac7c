/*
 * cfg_diff.c: match the instances of two configurations by identity and
 * say what changed (pure core: no I/O, no allocation; the caller gives the
 * scratch space).  Sorting both sides makes a 10,000-instance reload cost
 * O(n log n), not O(n^2).
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_diff.h"
#include "cfg_keys.h"

int
cfg_identity_cmp(const struct cfg_instance *a, const struct cfg_instance *b)
{
	int	c;

	if ((c = strcmp(a->interface, b->interface)) != 0)
		return c;
	return (int)a->vhid - (int)b->vhid;
}

static int
key_cmp(const void *x, const void *y)
{
	const struct cfg_diff_key	*a = x, *b = y;

	return cfg_identity_cmp(a->cv, b->cv);
}

/* Every instance key's difference, as the key table classes it. */
unsigned
cfg_instance_changes(const struct cfg_instance *a, const struct cfg_instance *b)
{
	unsigned	ch = 0;
	size_t		i;

	for (i = 0; i < cfg_nkeys; i++)
		ch |= cfg_key_diff(&cfg_keys[i], a, b);
	return ch;
}

size_t
cfg_diff(const struct cfg *old, const struct cfg *new,
    struct cfg_diff_key *ko, struct cfg_diff_key *kn, struct cfg_plan *plan)
{
	struct cfg_diff_key	 probe = { NULL, 0 }, *hit;
	struct cfg_plan		*p;
	size_t			 i, n = 0;

	for (i = 0; i < old->ninstances; i++) {
		ko[i].cv = old->instances[i];
		ko[i].idx = i;
	}
	for (i = 0; i < new->ninstances; i++) {
		kn[i].cv = new->instances[i];
		kn[i].idx = i;
	}
	if (old->ninstances > 1)
		qsort(ko, old->ninstances, sizeof(*ko), key_cmp);
	if (new->ninstances > 1)
		qsort(kn, new->ninstances, sizeof(*kn), key_cmp);

	/* Deletes first: they free vhid slots the new file may reuse. */
	for (i = 0; i < old->ninstances; i++) {
		probe.cv = old->instances[i];
		if (new->ninstances > 0 && bsearch(&probe, kn, new->ninstances,
		    sizeof(*kn), key_cmp) != NULL)
			continue;
		p = &plan[n++];
		p->action = CFG_PLAN_DELETE;
		p->old_idx = i;
		p->new_idx = 0;
		p->changed = 0;
	}
	for (i = 0; i < new->ninstances; i++) {
		p = &plan[n++];
		p->new_idx = i;
		p->old_idx = 0;
		p->changed = 0;
		probe.cv = new->instances[i];
		hit = old->ninstances > 0 ? bsearch(&probe, ko, old->ninstances,
		    sizeof(*ko), key_cmp) : NULL;
		if (hit == NULL) {
			p->action = CFG_PLAN_ADD;
			continue;
		}
		p->old_idx = hit->idx;
		p->changed = cfg_instance_changes(hit->cv, new->instances[i]);
		p->action = p->changed ? CFG_PLAN_UPDATE : CFG_PLAN_KEEP;
	}
	return n;
}
