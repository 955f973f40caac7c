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
health_space(const struct health *h, struct health_space *sp)
{
	const struct health_inst	*in;
	size_t				 i;

	memset(sp, 0, sizeof(*sp));
	for (i = 0; i < h->ninsts; i++) {
		in = &h->insts[i];
		sp->members += in->ngroups;
		/* At most a list per track and maintenance, per group. */
		sp->glists += in->ngroups * (in->ntracks + 1);
		sp->gents += in->ngroups * (in->ntracks + 1);
	}
	sp->tscratch = 2 * (h->ntracks + 1);
}

void
health_index(struct health *h)
{
	const struct health_inst	*in;
	struct health_group		*g;
	size_t				 i, k, at = 0;

	for (k = 0; k < h->ngroups; k++)
		h->groups[k].nmembers = 0;
	for (i = 0; i < h->ninsts; i++)
		for (k = 0; k < h->insts[i].ngroups; k++)
			h->groups[h->insts[i].groups[k]].nmembers++;
	for (k = 0; k < h->ngroups; k++) {
		g = &h->groups[k];
		g->members = h->members + at;
		at += g->nmembers;
		g->nmembers = 0;
	}
	/* In instance order: each group's list comes out ascending. */
	for (i = 0; i < h->ninsts; i++) {
		in = &h->insts[i];
		for (k = 0; k < in->ngroups; k++) {
			g = &h->groups[in->groups[k]];
			((uint32_t *)g->members)[g->nmembers++] = (uint32_t)i;
		}
	}
}

/*
 * One entry of track t (or HEALTH_GLIST_MAINT) for member m at pos, in
 * group g: counted (fill false) or written.  tscratch says, per track
 * (and maintenance after them), whether g has its list (stamp) and
 * where (slot).
 */
static void
glist_put(struct health *h, struct health_group *g, uint32_t t, uint32_t m,
    uint32_t pos, bool fill)
{
	uint32_t		*stamp = h->tscratch;
	uint32_t		*slot = h->tscratch + h->ntracks + 1;
	uint32_t		 k = t == HEALTH_GLIST_MAINT ? (uint32_t)h->ntracks : t;
	struct health_glist	*l;

	if (!stamp[k]) {
		stamp[k] = 1;
		slot[k] = (uint32_t)g->nlists;
		g->lists[g->nlists++] = (struct health_glist){ .track = t };
	}
	l = &g->lists[slot[k]];
	if (fill)
		l->v[l->n] = (struct health_gent){ m, pos };
	l->n++;
}

/*
 * Group g's lists, from its members in order (so each list is sorted):
 * counted, then written; *nl and *ne are the storage used so far.
 */
static void
group_lists(struct health *h, struct health_group *g, size_t *nl,
    size_t *ne)
{
	const struct health_inst	*in;
	struct health_glist		*l;
	uint32_t			 m;
	size_t				 i, k;
	int				 fill;

	g->lists = h->glists + *nl;
	g->nlists = 0;
	for (fill = 0; fill < 2; fill++) {
		for (i = 0; i < g->nmembers; i++) {
			m = g->members[i];
			in = &h->insts[m];
			for (k = 0; k < in->ntracks; k++)
				if (health_track_failing(&h->tracks[in->tracks[k]]))
					glist_put(h, g, in->tracks[k], m,
					    (uint32_t)k, fill);
			if (in->maint)
				glist_put(h, g, HEALTH_GLIST_MAINT, m,
				    (uint32_t)in->ntracks, fill);
		}
		for (k = 0; k < g->nlists && !fill; k++) {
			l = &g->lists[k];
			l->v = h->gents + *ne;
			*ne += l->n;
			l->n = 0;
		}
	}
	for (k = 0; k < g->nlists; k++)
		h->tscratch[g->lists[k].track == HEALTH_GLIST_MAINT ?
		    h->ntracks : g->lists[k].track] = 0;
	*nl += g->nlists;
}

void
health_update(struct health *h)
{
	struct health_group		*g;
	const struct health_inst	*in;
	uint32_t			 own;
	size_t				 i, k, nl = 0, ne = 0;
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
	for (k = 0; k < h->ngroups; k++)
		group_lists(h, &h->groups[k], &nl, &ne);
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

/* A track's share: its weight, or HEALTH_FATAL. */
static int32_t
amount(const struct health_track *t)
{
	return t->weight == HEALTH_FATAL ? HEALTH_FATAL : (int32_t)t->weight;
}

/* Does entry e come after (member, pos) a? */
static bool
gent_after(const struct health_gent *e, const struct health_gent *a)
{
	return e->member > a->member ||
	    (e->member == a->member && e->pos > a->pos);
}

/*
 * The first entry of l after *a (from the start if a is NULL), skipping
 * member self (at most one entry of a member in a list), or NULL.
 */
static const struct health_gent *
glist_next(const struct health_glist *l, const struct health_gent *a,
    uint32_t self)
{
	size_t	lo = 0, hi = l->n, mid;

	while (a != NULL && lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (gent_after(&l->v[mid], a))
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo < l->n && l->v[lo].member == self)
		lo++;
	return lo < l->n ? &l->v[lo] : NULL;
}

/* Does self see list l of a group: a track of its own is its own share. */
static bool
glist_seen(const struct health_inst *me, const struct health_glist *l)
{
	return l->track == HEALTH_GLIST_MAINT || !tracks(me, l->track);
}

/* One member's share in a group, from the list it was found in. */
static struct health_contrib
glist_contrib(const struct health *h, const struct health_glist *l,
    uint32_t g, uint32_t m)
{
	if (l->track == HEALTH_GLIST_MAINT)
		return (struct health_contrib){ .why = HEALTH_WHY_MEMBER_MAINT,
		    .group = g, .member = m, .amount = HEALTH_FATAL };
	return (struct health_contrib){ .why = HEALTH_WHY_MEMBER,
	    .track = l->track, .group = g, .member = m,
	    .amount = amount(&h->tracks[l->track]) };
}

/*
 * Group g's members' failing tracks and maintenance, as seen by self: in
 * the order of the members and their lists, merged from the group's
 * lists; counted whole, written while there is room.
 */
static void
explain_group(const struct health *h, size_t self, uint32_t g,
    struct health_contrib *out, size_t max, size_t *n)
{
	const struct health_inst	*me = &h->insts[self];
	const struct health_group	*gr = &h->groups[g];
	const struct health_glist	*l, *bl = NULL;
	const struct health_gent	*e, *best, *last = NULL;
	size_t				 k, total = 0, written = 0;

	for (k = 0; k < gr->nlists; k++)
		if (glist_seen(me, &gr->lists[k]))
			total += gr->lists[k].n - (me->maint &&
			    gr->lists[k].track == HEALTH_GLIST_MAINT);
	while (*n + written < max && written < total) {
		best = NULL;
		for (k = 0; k < gr->nlists; k++) {
			l = &gr->lists[k];
			if (glist_seen(me, l) &&
			    (e = glist_next(l, last, (uint32_t)self)) != NULL &&
			    (best == NULL || gent_after(best, e))) {
				best = e;
				bl = l;
			}
		}
		out[*n + written++] = glist_contrib(h, bl, g, best->member);
		last = best;
	}
	*n += total;
	if (gr->manual != 0)
		put(out, max, n, (struct health_contrib){
		    .why = HEALTH_WHY_MANUAL, .group = g,
		    .amount = gr->manual });
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
