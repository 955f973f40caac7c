/*
 * dheap.c: a binary min-heap of deadlines.  Entries carry their deadline
 * next to the node pointer so that sifting never touches the nodes'
 * owners except to store their new position.
 */
#include "dheap.h"

static void
dheap_put(struct dheap *h, size_t i, struct dheap_ent e)
{
	h->v[i] = e;
	e.node->pos = i + 1;
}

/* Move the entry at i up while it is earlier than its parent. */
static void
dheap_up(struct dheap *h, size_t i)
{
	struct dheap_ent	e = h->v[i];
	size_t			p;

	while (i > 0) {
		p = (i - 1) / 2;
		if (h->v[p].at <= e.at)
			break;
		dheap_put(h, i, h->v[p]);
		i = p;
	}
	dheap_put(h, i, e);
}

/* Move the entry at i down while a child is earlier. */
static void
dheap_down(struct dheap *h, size_t i)
{
	struct dheap_ent	e = h->v[i];
	size_t			c;

	while ((c = 2 * i + 1) < h->n) {
		if (c + 1 < h->n && h->v[c + 1].at < h->v[c].at)
			c++;
		if (e.at <= h->v[c].at)
			break;
		dheap_put(h, i, h->v[c]);
		i = c;
	}
	dheap_put(h, i, e);
}

void
dheap_set(struct dheap *h, struct dheap_node *node, int64_t at)
{
	size_t	i;
	int64_t	old;

	if (node->pos == 0) {
		i = h->n++;
		h->v[i] = (struct dheap_ent){ .at = at, .node = node };
		dheap_up(h, i);
		return;
	}
	i = node->pos - 1;
	old = h->v[i].at;
	h->v[i].at = at;
	if (at < old)
		dheap_up(h, i);
	else if (at > old)
		dheap_down(h, i);
}

void
dheap_del(struct dheap *h, struct dheap_node *node)
{
	size_t	i;
	int64_t	at;

	if (node->pos == 0)
		return;
	i = node->pos - 1;
	node->pos = 0;
	if (i == --h->n)
		return;
	/* The last entry fills the hole and goes whichever way it must. */
	at = h->v[i].at;
	h->v[i] = h->v[h->n];
	h->v[i].node->pos = i + 1;
	if (h->v[i].at < at)
		dheap_up(h, i);
	else
		dheap_down(h, i);
}

struct dheap_node *
dheap_top(const struct dheap *h, int64_t *at)
{
	if (h->n == 0)
		return NULL;
	*at = h->v[0].at;
	return h->v[0].node;
}
