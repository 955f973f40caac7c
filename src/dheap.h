/*
 * dheap.h: a binary min-heap of deadlines (pure): the shell keeps every
 * instance's next wake-up in one heap under one libevent timer, instead
 * of a libevent event per instance.  The caller owns the storage: it
 * grows v (n < cap) before dheap_set() of a node not yet queued.
 */
#ifndef DHEAP_H
#define DHEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Embedded in what is queued; pos is 1-based, 0 while not queued. */
struct dheap_node {
	size_t		 pos;
	void		*arg;
};

struct dheap_ent {
	int64_t			 at;
	struct dheap_node	*node;
};

struct dheap {
	struct dheap_ent	*v;
	size_t			 n;
	size_t			 cap;
};

/* Queue node at `at`, or move it there if it is queued already. */
void		 dheap_set(struct dheap *, struct dheap_node *, int64_t at);
/* Take node out of the heap; nothing if it is not queued. */
void		 dheap_del(struct dheap *, struct dheap_node *);
/* The earliest node (its deadline in *at), or NULL if the heap is empty. */
struct dheap_node *dheap_top(const struct dheap *, int64_t *at);

static inline bool
dheap_queued(const struct dheap_node *node)
{
	return node->pos != 0;
}

#endif /* DHEAP_H */
