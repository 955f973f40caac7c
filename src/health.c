/*
 * health.c: the health model (pure core): rise/fall hysteresis of tracked
 * objects, and each instance's demotion level, hold and contributions,
 * shared across named groups.  See health.h for the rules.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "health.h"

static const char *const health_state_names[] = {
	"unknown",
	"ok",
	"failing",
};

const char *
health_state_name(enum health_state s)
{
	if ((unsigned)s >= sizeof(health_state_names) /
	    sizeof(health_state_names[0]))
		return "invalid";
	return health_state_names[s];
}

void
health_track_init(struct health_track *t, const char *name,
    enum health_kind kind, int weight, unsigned rise, unsigned fall)
{
	*t = (struct health_track){ .name = name, .kind = kind,
	    .weight = weight, .rise = rise > 0 ? rise : 1,
	    .fall = fall > 0 ? fall : 1, .state = HEALTH_UNKNOWN };
}

/* The state the current runs call for; unchanged if neither is long enough. */
static bool
track_settle(struct health_track *t)
{
	enum health_state	old = t->state;

	if (t->ok_run >= t->rise)
		t->state = HEALTH_OK;
	else if (t->fail_run >= t->fall)
		t->state = HEALTH_FAILING;
	return t->state != old;
}

bool
health_track_result(struct health_track *t, bool ok)
{
	t->results++;
	if (ok) {
		t->passed = true;
		t->fail_run = 0;
		if (t->ok_run < UINT32_MAX)
			t->ok_run++;
	} else {
		t->failures++;
		t->ok_run = 0;
		if (t->fail_run < UINT32_MAX)
			t->fail_run++;
	}
	return track_settle(t);
}

bool
health_track_carry(struct health_track *to, const struct health_track *from)
{
	to->state = from->state;
	to->ok_run = from->ok_run;
	to->fail_run = from->fail_run;
	to->results = from->results;
	to->failures = from->failures;
	to->passed = from->passed;
	return track_settle(to);
}

bool
health_track_failing(const struct health_track *t)
{
	return t->state == HEALTH_FAILING;
}

/* A weight added to a level without overflowing it. */
static uint32_t
add_level(uint32_t level, int64_t n)
{
	int64_t	sum = (int64_t)level + n;

	if (sum < 0)
		return 0;
	return sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
}

/* An instance's own level (its failing weights) and whether it is held. */
static uint32_t
own_level(const struct health *h, const struct health_inst *in, bool *held)
{
	const struct health_track	*t;
	uint32_t			 level = 0;
	size_t				 k;

	*held = false;
	for (k = 0; k < in->ntracks; k++) {
		t = &h->tracks[in->tracks[k]];
		if (!health_track_failing(t))
			continue;
		if (t->weight == HEALTH_FATAL)
			*held = true;
		else
			level = add_level(level, t->weight);
	}
	return level;
}

void
health_update(struct health *h)
{
	struct health_group		*g;
	const struct health_inst	*in;
	uint32_t			 own;
	size_t				 i, k;
	bool				 held;

	for (k = 0; k < h->ngroups; k++) {
		g = &h->groups[k];
		g->own_max = 0;
		g->held = g->maint = false;
	}
	for (i = 0; i < h->ninsts; i++) {
		in = &h->insts[i];
		if (in->ngroups == 0)
			continue;
		own = own_level(h, in, &held);
		for (k = 0; k < in->ngroups; k++) {
			g = &h->groups[in->groups[k]];
			if (own > g->own_max)
				g->own_max = own;
			g->held |= held;
			g->maint |= in->maint;
		}
	}
}

void
health_eval(const struct health *h, size_t i, struct health_level *lv)
{
	const struct health_inst	*in = &h->insts[i];
	const struct health_group	*g;
	uint32_t			 own, manual = 0;
	size_t				 k;
	bool				 held, maint = in->maint;

	own = own_level(h, in, &held);
	for (k = 0; k < in->ngroups; k++) {
		g = &h->groups[in->groups[k]];
		if (g->own_max > own)
			own = g->own_max;
		manual = add_level(manual, g->manual);
		held |= g->held;
		maint |= g->maint;
	}
	lv->demote = add_level(own, manual);
	lv->held = held || maint || h->startup_hold;
	if (maint)
		lv->cause = CARP_CAUSE_MAINTENANCE;
	else if (held)
		lv->cause = CARP_CAUSE_HELD;
	else if (h->startup_hold)
		lv->cause = CARP_CAUSE_STARTUP_HOLD;
	else
		lv->cause = CARP_CAUSE_NONE;
}

/* Append one contribution if there is room; count it anyway. */
static void
put(struct health_contrib *out, size_t max, size_t *n,
    struct health_contrib c)
{
	if (*n < max)
		out[*n] = c;
	(*n)++;
}

/* Whether instance in tracks track t itself. */
static bool
tracks(const struct health_inst *in, uint32_t t)
{
	size_t	k;

	for (k = 0; k < in->ntracks; k++)
		if (in->tracks[k] == t)
			return true;
	return false;
}

/* Whether instance in belongs to group g. */
static bool
member_of(const struct health_inst *in, uint32_t g)
{
	size_t	k;

	for (k = 0; k < in->ngroups; k++)
		if (in->groups[k] == g)
			return true;
	return false;
}

/* A track's share: its weight, or HEALTH_FATAL. */
static int32_t
amount(const struct health_track *t)
{
	return t->weight == HEALTH_FATAL ? HEALTH_FATAL : (int32_t)t->weight;
}

/* Group g's members' failing tracks and maintenance, as seen by self. */
static void
explain_group(const struct health *h, size_t self, uint32_t g,
    struct health_contrib *out, size_t max, size_t *n)
{
	const struct health_inst	*me = &h->insts[self], *in;
	const struct health_track	*t;
	size_t				 i, k;

	for (i = 0; i < h->ninsts; i++) {
		in = &h->insts[i];
		if (i == self || !member_of(in, g))
			continue;
		for (k = 0; k < in->ntracks; k++) {
			t = &h->tracks[in->tracks[k]];
			if (!health_track_failing(t) ||
			    tracks(me, in->tracks[k]))
				continue;
			put(out, max, n, (struct health_contrib){
			    .why = HEALTH_WHY_MEMBER, .track = in->tracks[k],
			    .group = g, .member = (uint32_t)i,
			    .amount = amount(t) });
		}
		if (in->maint)
			put(out, max, n, (struct health_contrib){
			    .why = HEALTH_WHY_MEMBER_MAINT, .group = g,
			    .member = (uint32_t)i, .amount = HEALTH_FATAL });
	}
	if (h->groups[g].manual != 0)
		put(out, max, n, (struct health_contrib){
		    .why = HEALTH_WHY_MANUAL, .group = g,
		    .amount = h->groups[g].manual });
}

size_t
health_explain(const struct health *h, size_t i, struct health_contrib *out,
    size_t max)
{
	const struct health_inst	*in = &h->insts[i];
	const struct health_track	*t;
	size_t				 k, n = 0;

	for (k = 0; k < in->ntracks; k++) {
		t = &h->tracks[in->tracks[k]];
		if (health_track_failing(t))
			put(out, max, &n, (struct health_contrib){
			    .why = HEALTH_WHY_TRACK, .track = in->tracks[k],
			    .amount = amount(t) });
	}
	for (k = 0; k < in->ngroups; k++)
		explain_group(h, i, in->groups[k], out, max, &n);
	if (in->maint)
		put(out, max, &n, (struct health_contrib){
		    .why = HEALTH_WHY_MAINT, .amount = HEALTH_FATAL });
	if (h->startup_hold)
		put(out, max, &n, (struct health_contrib){
		    .why = HEALTH_WHY_STARTUP, .amount = HEALTH_FATAL });
	return n;
}

bool
health_group_adjust(struct health_group *g, char op, int32_t n)
{
	int64_t	v;

	if (n < 0)
		return false;
	switch (op) {
	case '+':
		v = (int64_t)g->manual + n;
		break;
	case '-':
		v = (int64_t)g->manual - n;
		break;
	case '=':
		v = n;
		break;
	default:
		return false;
	}
	if (v < 0)
		v = 0;
	if (v > HEALTH_MANUAL_MAX)
		v = HEALTH_MANUAL_MAX;
	g->manual = (int32_t)v;
	return true;
}

bool
health_checks_passed(const struct health *h)
{
	size_t	k;

	for (k = 0; k < h->ntracks; k++)
		if (h->tracks[k].kind == HEALTH_CHECK && !h->tracks[k].passed)
			return false;
	return true;
}

long
health_group_find(const struct health *h, const char *name)
{
	size_t	k;

	for (k = 0; k < h->ngroups; k++)
		if (strcmp(h->groups[k].name, name) == 0)
			return (long)k;
	return -1;
}

long
health_track_find(const struct health *h, enum health_kind kind,
    const char *name)
{
	size_t	k;

	for (k = 0; k < h->ntracks; k++)
		if (h->tracks[k].kind == kind &&
		    strcmp(h->tracks[k].name, name) == 0)
			return (long)k;
	return -1;
}
