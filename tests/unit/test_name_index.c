/*
 * test_name_index.c: (kind, name) -> number in the caller's storage: 10,000
 * names found again, kinds kept apart, a second add keeping the first
 * number, and an empty index.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "name_index.h"

#define N	10000

static char		names[N][16];
static struct name_slot	slots[4 * N];

int
main(void)
{
	struct name_index	ix;
	size_t			i, cap = name_index_cap(N);

	check_what = "room";
	CHECK(cap >= 2 * N && cap <= 4 * N && (cap & (cap - 1)) == 0);
	CHECK(name_index_cap(0) == 8);

	check_what = "empty";
	name_index_init(&ix, slots, name_index_cap(0));
	CHECK(name_index_find(&ix, 0, "fw") == -1);

	check_what = "10,000 names, two kinds";
	name_index_init(&ix, slots, cap);
	for (i = 0; i < N / 2; i++) {
		snprintf(names[i], sizeof(names[i]), "g%zu", i);
		CHECK(name_index_add(&ix, 1, names[i], (uint32_t)i) == i);
	}
	/* The same names of another kind are others. */
	for (i = N / 2; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "g%zu", i - N / 2);
		CHECK(name_index_add(&ix, 2, names[i], (uint32_t)i) == i);
	}
	CHECKF(ix.n == N, "%zu", ix.n);
	for (i = 0; i < N / 2; i++) {
		CHECKF(name_index_find(&ix, 1, names[i]) == (long)i, "%zu", i);
		CHECKF(name_index_find(&ix, 2, names[i]) == (long)(i + N / 2),
		    "%zu", i);
	}
	CHECK(name_index_find(&ix, 3, "g1") == -1);
	CHECK(name_index_find(&ix, 1, "g") == -1);
	CHECK(name_index_find(&ix, 1, "") == -1);

	check_what = "a name added again keeps its number";
	CHECK(name_index_add(&ix, 1, "g7", 99999) == 7);
	CHECK(ix.n == N);
	return check_done();
}
