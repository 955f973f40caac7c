/*
 * registry.h: the running instances, owned in one place.  Kept in file
 * order (logs, SIGUSR1 and snapshots list them as the file does); found
 * by identity (interface, vhid) or by name in O(log n) through sorted
 * indexes rebuilt after a change.
 */
#ifndef REGISTRY_H
#define REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "carp_fsm.h"

struct instance;

/* One instance seen from outside: read-only, valid until the next change. */
struct registry_view {
	const struct instance	*inst;
	const char		*name;		/* NULL if unnamed */
	const char		*interface;
	uint8_t			 vhid;
	enum carp_state		 state;
	const char		*file;		/* where it was configured */
	int			 line;
};

/* How many instances, and how many in each state. */
struct registry_counts {
	size_t	total;
	size_t	state[CARP_STATE_MAX];
};

/* Append one instance (it is the registry's from now on). */
void		 registry_add(struct instance *);
/*
 * Replace the whole list (reload): the n instances of v, in that order,
 * are now the registry's; those of the old list not in v must already
 * have been freed by the caller.  v is copied.
 */
void		 registry_set(struct instance *const *v, size_t n);
/* The list in file order, and its length (valid until the next change). */
struct instance *const *registry_list(size_t *n);
size_t		 registry_count(void);

struct instance	*registry_find(const char *interface, uint8_t vhid);
struct instance	*registry_find_name(const char *name);

/* cb for each instance in file order; cb must not add or remove any. */
void		 registry_foreach(void (*cb)(struct instance *, void *), void *);
void		 registry_counts(struct registry_counts *);
/* An array of *n views (free() it), in file order. */
struct registry_view *registry_snapshot(size_t *n);

/* Exit: free every instance (instance_free) and the registry itself. */
void		 registry_free_all(void);

#endif /* REGISTRY_H */
