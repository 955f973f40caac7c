/*
 * test_registry.c: registry.c alone, with instances stubbed (instance_cfg,
 * instance_state, instance_free below): finding by (interface, vhid) and by
 * name among 10,000 instances, file order, counts by state, snapshots,
 * a reload's replacement list (removals, a rename, a new order) and the
 * final free.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "check.h"
#include "registry.h"
#include "instance.h"

#define N	10000
#define NIF	40		/* interfaces: N / NIF instances on each */

struct instance {
	struct cfg_instance	cv;
	enum carp_state		state;
	bool			freed;
};

static struct instance	vhs[N];
static char		ifnames[NIF][16], names[N][16];
static size_t		nfreed;

const struct cfg_instance *
instance_cfg(const struct instance *inst)
{
	return &inst->cv;
}

enum carp_state
instance_state(const struct instance *inst)
{
	return inst->state;
}

void
instance_free(struct instance *inst)
{
	CHECKF(!inst->freed, "instance %s vhid %u freed twice",
	    inst->cv.interface, inst->cv.vhid);
	inst->freed = true;
	nfreed++;
}

/* Instance i: interface i % NIF, vhid 1 + i / NIF; odd ones named. */
static void
setup(void)
{
	size_t	i;

	for (i = 0; i < NIF; i++)
		snprintf(ifnames[i], sizeof(ifnames[i]), "eth%zu", i);
	for (i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "n%zu", i);
		vhs[i].cv.interface = ifnames[i % NIF];
		vhs[i].cv.vhid = (uint8_t)(1 + i / NIF);
		vhs[i].cv.name = i % 2 ? names[i] : NULL;
		vhs[i].cv.file = (char *)"test.conf";
		vhs[i].cv.line = (int)i + 1;
		vhs[i].state = (enum carp_state)(i % 3);
		registry_add(&vhs[i]);
	}
}

static void
test_find(void)
{
	size_t	i, bad_id = 0, bad_name = 0;

	check_what = "find";
	CHECK(registry_count() == N);
	for (i = 0; i < N; i++) {
		if (registry_find(ifnames[i % NIF], (uint8_t)(1 + i / NIF)) !=
		    &vhs[i])
			bad_id++;
		if (registry_find_name(names[i]) != (i % 2 ? &vhs[i] : NULL))
			bad_name++;
	}
	CHECKF(bad_id == 0, "%zu of %d not found by identity", bad_id, N);
	CHECKF(bad_name == 0, "%zu of %d wrong by name", bad_name, N);
	CHECK(registry_find("eth", 1) == NULL);
	CHECK(registry_find("eth0x", 1) == NULL);
	CHECK(registry_find("eth0", 0) == NULL);
	CHECK(registry_find("eth0", (uint8_t)(N / NIF + 1)) == NULL);
	CHECK(registry_find_name("n") == NULL);
	CHECK(registry_find_name("n10000") == NULL);
}

static void
order_cb(struct instance *inst, void *arg)
{
	size_t	*i = arg;

	CHECKF(inst == &vhs[*i], "foreach: %zu-th is not instance %zu", *i, *i);
	(*i)++;
}

static void
test_order_counts_snapshot(void)
{
	struct registry_counts	 rc;
	struct registry_view	*v;
	size_t			 i = 0, n, bad = 0;

	check_what = "order, counts, snapshot";
	registry_foreach(order_cb, &i);
	CHECK(i == N);
	registry_counts(&rc);
	CHECK(rc.total == N);
	CHECK(rc.state[CARP_INIT] == (N + 2) / 3);
	CHECK(rc.state[CARP_BACKUP] == (N + 1) / 3);
	CHECK(rc.state[CARP_MASTER] == N / 3);
	v = registry_snapshot(&n);
	CHECK(n == N);
	for (i = 0; i < n; i++)
		if (v[i].inst != &vhs[i] || v[i].interface != vhs[i].cv.interface ||
		    v[i].vhid != vhs[i].cv.vhid || v[i].name != vhs[i].cv.name ||
		    v[i].state != vhs[i].state || v[i].line != (int)i + 1)
			bad++;
	CHECKF(bad == 0, "%zu views differ from their instance", bad);
	free(v);
}

/* A reload: keep every third instance, reversed, one of them renamed. */
static void
test_set(void)
{
	static struct instance	*nv[N];
	size_t			 i, n = 0, bad = 0;

	check_what = "set";
	for (i = N; i-- > 0;)
		if (i % 3 == 0)
			nv[n++] = &vhs[i];
	vhs[3].cv.name = (char *)"renamed";
	registry_set(nv, n);
	CHECK(registry_count() == n);
	for (i = 0; i < N; i++)
		if (registry_find(ifnames[i % NIF], (uint8_t)(1 + i / NIF)) !=
		    (i % 3 == 0 ? &vhs[i] : NULL))
			bad++;
	CHECKF(bad == 0, "%zu wrong after the reload", bad);
	CHECK(registry_find_name("renamed") == &vhs[3]);
	CHECK(registry_find_name("n3") == NULL);
	CHECK(registry_find_name("n1") == NULL);	/* removed */
	CHECK(registry_find_name("n9") == &vhs[9]);
	i = 0;
	CHECK(registry_list(&i)[0] == &vhs[N - 1 - (N - 1) % 3]);
	CHECK(i == n);

	registry_free_all();
	CHECK(nfreed == n);
	CHECK(registry_count() == 0);
	CHECK(registry_find("eth0", 1) == NULL);
	CHECK(registry_find_name("n9") == NULL);
}

int
main(void)
{
	setup();
	test_find();
	test_order_counts_snapshot();
	test_set();
	return check_done();
}
