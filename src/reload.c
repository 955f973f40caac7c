/*
 * reload.c: SIGHUP in file mode, after the new file passed every check.
 *
 * Deletes first (a removed master bows out so its peer takes over at
 * once, and runs its down script), then the new file's instances in order:
 * kept ones are left alone (no advert, no script, no timer change),
 * changed ones are updated in place, new ones start as at boot.
 */
#include "config.h"

#include <stdlib.h>

#include "cfg_diff.h"
#include "cfg_mem.h"
#include "log.h"
#include "reload.h"
#include "vhost.h"
#include "xmalloc.h"

void
reload_apply(struct vhost ***vhostsp, size_t *nvhostsp, struct cfg *newc,
    struct reload_stats *st)
{
	struct vhost		**old = *vhostsp, **nv;
	struct cfg		  cur = { 0 };
	struct cfg_diff_key	 *ko, *kn;
	struct cfg_plan		 *plan, *p;
	size_t			  nold = *nvhostsp, i, n, nn = 0;

	/* The running configuration, as the instances hold it. */
	cur.nvhosts = nold;
	cur.vhosts = xcalloc(nold, sizeof(*cur.vhosts));
	for (i = 0; i < nold; i++)
		cur.vhosts[i] = (struct cfg_vhost *)vhost_cfg(old[i]);
	ko = xcalloc(nold, sizeof(*ko));
	kn = xcalloc(newc->nvhosts, sizeof(*kn));
	plan = xcalloc(nold + newc->nvhosts, sizeof(*plan));
	n = cfg_diff(&cur, newc, ko, kn, plan);
	nv = xcalloc(newc->nvhosts, sizeof(*nv));

	for (i = 0; i < n; i++) {
		p = &plan[i];
		switch (p->action) {
		case CFG_PLAN_DELETE:
			vhost_remove(old[p->old_idx]);
			old[p->old_idx] = NULL;
			st->removed++;
			break;
		case CFG_PLAN_KEEP:
			nv[nn++] = old[p->old_idx];
			old[p->old_idx] = NULL;
			st->kept++;
			break;
		case CFG_PLAN_UPDATE:
			if (vhost_update(old[p->old_idx],
			    newc->vhosts[p->new_idx], p->changed)) {
				newc->vhosts[p->new_idx] = NULL;
				st->updated++;
			} else
				st->failed++;
			nv[nn++] = old[p->old_idx];
			old[p->old_idx] = NULL;
			break;
		case CFG_PLAN_ADD:
			if ((nv[nn] = vhost_new(newc->vhosts[p->new_idx])) ==
			    NULL) {
				st->failed++;
				break;
			}
			newc->vhosts[p->new_idx] = NULL;
			vhost_start(nv[nn++]);
			st->added++;
			break;
		}
	}
	/* Whatever the new file still owns (kept duplicates) goes. */
	for (i = 0; i < newc->nvhosts; i++)
		cfg_vhost_free(newc->vhosts[i]);
	newc->nvhosts = 0;
	free(old);
	free(cur.vhosts);
	free(ko);
	free(kn);
	free(plan);
	*vhostsp = nv;
	*nvhostsp = nn;
}
