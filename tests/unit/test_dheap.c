/*
 * test_dheap.c: the deadline heap (dheap.c) against a plain array: a
 * seeded random walk of inserts, moves earlier and later, deletions and
 * pops, checking after each step that the top is the earliest deadline
 * and that every node knows its place.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "dheap.h"

#define NNODES	300

static struct dheap_node	nodes[NNODES];
static int64_t			model[NNODES];	/* 0: not queued */
static struct dheap_ent		store[NNODES];
static struct dheap		h = { store, 0, NNODES };
static uint64_t			seed = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* The heap holds exactly the model's nodes, each where it says. */
static void
verify(void)
{
	struct dheap_node	*top;
	int64_t			 at, min = 0;
	size_t			 i, n = 0;

	for (i = 0; i < NNODES; i++) {
		CHECKF(dheap_queued(&nodes[i]) == (model[i] != 0),
		    "node %zu queued %d, model %lld", i,
		    dheap_queued(&nodes[i]), (long long)model[i]);
		if (model[i] == 0)
			continue;
		n++;
		if (min == 0 || model[i] < min)
			min = model[i];
		CHECK(nodes[i].pos >= 1 && nodes[i].pos <= h.n);
		if (nodes[i].pos >= 1 && nodes[i].pos <= h.n) {
			CHECK(h.v[nodes[i].pos - 1].node == &nodes[i]);
			CHECK(h.v[nodes[i].pos - 1].at == model[i]);
		}
	}
	CHECKF(h.n == n, "heap %zu, model %zu", h.n, n);
	for (i = 1; i < h.n; i++)
		CHECKF(h.v[(i - 1) / 2].at <= h.v[i].at, "order at %zu", i);
	top = dheap_top(&h, &at);
	if (n == 0)
		CHECK(top == NULL);
	else {
		CHECK(top != NULL && at == min);
		CHECK(top != NULL && model[(struct dheap_node *)top - nodes] ==
		    min);
	}
}

static void
test_walk(void)
{
	struct dheap_node	*top;
	size_t			 step, i;
	int64_t			 at;

	check_what = "random walk";
	for (i = 0; i < NNODES; i++)
		nodes[i].arg = &nodes[i];
	for (step = 0; step < 200000; step++) {
		i = rnd() % NNODES;
		switch (rnd() % 4) {
		case 0:		/* pop the earliest */
			if ((top = dheap_top(&h, &at)) != NULL) {
				model[top - nodes] = 0;
				dheap_del(&h, top);
			}
			break;
		case 1:
			model[i] = 0;
			dheap_del(&h, &nodes[i]);
			break;
		default:	/* queue, or move earlier or later; ties too */
			model[i] = 1 + (int64_t)(rnd() % 1000);
			dheap_set(&h, &nodes[i], model[i]);
			break;
		}
		if (step % 97 == 0 || h.n < 3)
			verify();
	}
	verify();
}

/* Pops come out in deadline order, the same deadline in any order. */
static void
test_order(void)
{
	struct dheap_node	*top;
	int64_t			 at, last = 0;
	size_t			 i, popped = 0;

	check_what = "pop order";
	memset(model, 0, sizeof(model));
	while (dheap_top(&h, &at) != NULL)
		dheap_del(&h, h.v[0].node);
	for (i = 0; i < NNODES; i++)
		dheap_set(&h, &nodes[i], (int64_t)((i * 7919) % 101) + 1);
	while ((top = dheap_top(&h, &at)) != NULL) {
		CHECKF(at >= last, "%lld after %lld", (long long)at,
		    (long long)last);
		last = at;
		dheap_del(&h, top);
		CHECK(!dheap_queued(top));
		popped++;
	}
	CHECK(popped == NNODES);
	dheap_del(&h, &nodes[0]);	/* not queued: nothing */
	CHECK(h.n == 0);
}

int
main(void)
{
	test_walk();
	test_order();
	return check_done();
}
