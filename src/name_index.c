/*
 * name_index.c: (kind, name) -> number through open addressing (linear
 * probing, FNV-1a), in the caller's storage, at most half full.
 */
#include <string.h>

#include "name_index.h"

size_t
name_index_cap(size_t n)
{
	size_t	cap = 8;

	while (cap < 2 * n)
		cap *= 2;
	return cap;
}

void
name_index_init(struct name_index *ix, struct name_slot *v, size_t cap)
{
	ix->v = v;
	ix->cap = cap;
	ix->n = 0;
	memset(v, 0, cap * sizeof(*v));
}

static size_t
name_hash(uint32_t kind, const char *s)
{
	uint32_t	h = 2166136261u ^ kind;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The slot of (kind, name), or the free one where it would go. */
static struct name_slot *
name_slot(const struct name_index *ix, uint32_t kind, const char *name)
{
	size_t			 i = name_hash(kind, name) & (ix->cap - 1);
	struct name_slot	*s;

	for (;; i = (i + 1) & (ix->cap - 1)) {
		s = &ix->v[i];
		if (s->name == NULL ||
		    (s->kind == kind && strcmp(s->name, name) == 0))
			return s;
	}
}

long
name_index_find(const struct name_index *ix, uint32_t kind, const char *name)
{
	const struct name_slot	*s;

	if (ix->cap == 0)
		return -1;
	s = name_slot(ix, kind, name);
	return s->name != NULL ? (long)s->val : -1;
}

uint32_t
name_index_add(struct name_index *ix, uint32_t kind, const char *name,
    uint32_t val)
{
	struct name_slot	*s = name_slot(ix, kind, name);

	if (s->name == NULL) {
		*s = (struct name_slot){ name, kind, val };
		ix->n++;
	}
	return s->val;
}
