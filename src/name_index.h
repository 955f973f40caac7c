/*
 * name_index.h: (kind, name) -> number, a hash table in the caller's
 * storage (pure core: no allocation).  The health model finds its groups
 * and tracked objects by name with it: a scan per lookup made building
 * the model of 10,000 instances in 5,000 groups quadratic.
 */
#ifndef NAME_INDEX_H
#define NAME_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct name_slot {
	const char	*name;		/* NULL: free; not copied */
	uint32_t	 kind;
	uint32_t	 val;
};

struct name_index {
	struct name_slot	*v;
	size_t			 cap;	/* a power of two */
	size_t			 n;
};

/* The slots to give name_index_init() for up to n names. */
size_t	name_index_cap(size_t n);
/* An empty index in v (cap slots, as name_index_cap() says). */
void	name_index_init(struct name_index *, struct name_slot *v,
	    size_t cap);
/* The number of (kind, name), or -1. */
long	name_index_find(const struct name_index *, uint32_t kind,
	    const char *name);
/*
 * (kind, name) -> val, unless it is there already: returns its number
 * either way.  No more than the n names the storage was sized for.
 */
uint32_t name_index_add(struct name_index *, uint32_t kind,
	    const char *name, uint32_t val);

#endif /* NAME_INDEX_H */
