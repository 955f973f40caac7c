/*
 * reload.h: apply a new configuration to the running instances, one
 * instance at a time, by difference (cfg_diff): unchanged instances are
 * not touched at all.
 */
#ifndef RELOAD_H
#define RELOAD_H

#include <stddef.h>

#include "cfg.h"

struct vhost;

struct reload_stats {
	size_t	kept;
	size_t	updated;
	size_t	added;
	size_t	removed;
	size_t	failed;		/* added instances that could not start */
};

/*
 * Apply newc (already loaded and checked) to *vhosts.  The instances'
 * configurations move from newc into the instances (newc->vhosts is
 * emptied); *vhosts and *nvhosts are replaced.  Globals are the caller's.
 */
void	reload_apply(struct vhost ***vhosts, size_t *nvhosts, struct cfg *newc,
	    struct reload_stats *);

#endif /* RELOAD_H */
