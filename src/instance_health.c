/*
 * instance_health.c: the health model around the running instances.
 *
 * The model (health.c, pure) is rebuilt from the configuration and the
 * registry at start-up and after every reload; a check, an interface or
 * a group that is still there keeps its state, counters and manual
 * demotion (found by name), and maintenance lives in the instance
 * itself.  After any change every instance's level and hold is
 * re-derived, and the ones that changed are pushed into the state
 * machine as CARP_EV_HEALTH, with one log line saying why.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "cfg.h"
#include "clock.h"
#include "control.h"
#include "ctl_proto.h"
#include "hcheck.h"
#include "instance.h"
#include "instance_health.h"
#include "instance_priv.h"
#include "log.h"
#include "name_index.h"
#include "registry.h"
#include "track_link.h"
#include "xmalloc.h"

#define HEALTH_DESCRIBE_MAX	8	/* contributions named in a log line */

static struct health	 hm;		/* the model */
static uint32_t		*hm_idx;	/* every instance's index lists */
static struct event	*hm_hold_ev;	/* the startup hold's end */
static int64_t		 hm_hold_from;	/* when it began (monotonic) */
static bool		 hm_stopped;	/* exiting: no more changes */
static struct event	*hm_apply_ev;	/* results of this turn: one apply */

/* The model's strings are its own: free them with the arrays. */
static void
model_free(struct health *h, uint32_t *idx)
{
	size_t	i;

	for (i = 0; i < h->ntracks; i++)
		free((char *)h->tracks[i].name);
	for (i = 0; i < h->ngroups; i++)
		free((char *)h->groups[i].name);
	free(h->tracks);
	free(h->groups);
	free(h->insts);
	free(h->members);
	free(h->glists);
	free(h->gents);
	free(h->tscratch);
	free(idx);
}

/*
 * Tracks and groups by name while a model is built: the new model's, to
 * add each once, and the old one's, to carry its state over.
 */
struct model_ix {
	struct name_index	 tr, gr, otr, ogr;
	struct name_slot	*slots;
};

#define IX_GROUP	0	/* name_index kind of a group */

static void
ix_init(struct model_ix *ix, const struct health *old, size_t ntr,
    size_t ngr)
{
	size_t	c[4], i, at = 0;
	struct name_index *v[4] = { &ix->tr, &ix->gr, &ix->otr, &ix->ogr };

	c[0] = name_index_cap(ntr);
	c[1] = name_index_cap(ngr);
	c[2] = name_index_cap(old->ntracks);
	c[3] = name_index_cap(old->ngroups);
	ix->slots = xcalloc(c[0] + c[1] + c[2] + c[3], sizeof(*ix->slots));
	for (i = 0; i < 4; i++) {
		name_index_init(v[i], ix->slots + at, c[i]);
		at += c[i];
	}
	for (i = 0; i < old->ntracks; i++)
		name_index_add(&ix->otr, old->tracks[i].kind,
		    old->tracks[i].name, (uint32_t)i);
	for (i = 0; i < old->ngroups; i++)
		name_index_add(&ix->ogr, IX_GROUP, old->groups[i].name,
		    (uint32_t)i);
}

/* The index of a group named name, added if new (manual kept from old). */
static uint32_t
group_index(struct health *h, const struct health *old, struct model_ix *ix,
    const char *name)
{
	long	k;

	if ((k = name_index_find(&ix->gr, IX_GROUP, name)) >= 0)
		return (uint32_t)k;
	h->groups[h->ngroups] = (struct health_group){ .name = xstrdup(name) };
	if ((k = name_index_find(&ix->ogr, IX_GROUP, name)) >= 0)
		h->groups[h->ngroups].manual = old->groups[k].manual;
	name_index_add(&ix->gr, IX_GROUP, h->groups[h->ngroups].name,
	    (uint32_t)h->ngroups);
	return (uint32_t)h->ngroups++;
}

/* The index of tracked interface name, added if new (state kept). */
static uint32_t
iface_index(struct health *h, const struct health *old, struct model_ix *ix,
    const char *name)
{
	struct health_track	*t;
	long			 k;

	if ((k = name_index_find(&ix->tr, HEALTH_IFACE, name)) >= 0)
		return (uint32_t)k;
	t = &h->tracks[h->ntracks];
	health_track_init(t, xstrdup(name), HEALTH_IFACE, HEALTH_FATAL, 1, 1);
	if ((k = name_index_find(&ix->otr, HEALTH_IFACE, name)) >= 0)
		health_track_carry(t, &old->tracks[k]);
	else
		health_track_result(t, track_link_up(name));
	name_index_add(&ix->tr, HEALTH_IFACE, t->name, (uint32_t)h->ntracks);
	return (uint32_t)h->ntracks++;
}

/* The checks of c, in order, each keeping its old state by name. */
static void
build_checks(struct health *h, const struct health *old, struct model_ix *ix,
    const struct cfg *c)
{
	const struct cfg_hcheck	*hc;
	struct health_track	*t;
	size_t			 i;
	long			 k;

	for (i = 0; i < c->nchecks; i++) {
		hc = &c->checks[i];
		t = &h->tracks[h->ntracks];
		health_track_init(t, xstrdup(hc->name), HEALTH_CHECK,
		    hc->weight, hc->rise, hc->fall);
		if ((k = name_index_find(&ix->otr, HEALTH_CHECK,
		    hc->name)) >= 0)
			health_track_carry(t, &old->tracks[k]);
		name_index_add(&ix->tr, HEALTH_CHECK, t->name,
		    (uint32_t)h->ntracks++);
	}
}

/* One instance's lists into the model (idx has room for them). */
static void
build_inst(struct health *h, const struct health *old, struct model_ix *ix,
    struct instance *inst, uint32_t **idx)
{
	const struct cfg_instance	*cv = inst->cfg;
	struct health_inst		*in = &h->insts[h->ninsts];
	size_t				 k;

	inst->hidx = h->ninsts++;
	in->maint = inst->maint;
	in->maint_since = (int64_t)inst->maint_since;
	in->tracks = *idx;
	for (k = 0; k < cv->track_check.n; k++)
		(*idx)[in->ntracks++] = (uint32_t)name_index_find(&ix->tr,
		    HEALTH_CHECK, cv->track_check.v[k]);
	for (k = 0; k < cv->track_interface.n; k++)
		(*idx)[in->ntracks++] = iface_index(h, old, ix,
		    cv->track_interface.v[k]);
	*idx += in->ntracks;
	in->groups = *idx;
	for (k = 0; k < cv->groups.n; k++)
		(*idx)[in->ngroups++] = group_index(h, old, ix,
		    cv->groups.v[k]);
	*idx += in->ngroups;
}

/* The storage of the groups' indexes, and their members. */
static void
model_index(struct health *h)
{
	struct health_space	sp;

	health_space(h, &sp);
	h->members = xcalloc(sp.members + 1, sizeof(*h->members));
	h->glists = xcalloc(sp.glists + 1, sizeof(*h->glists));
	h->gents = xcalloc(sp.gents + 1, sizeof(*h->gents));
	h->tscratch = xcalloc(sp.tscratch + 1, sizeof(*h->tscratch));
	health_index(h);
}

/* The model for c and the registry; old's state carried over by name. */
static void
model_build(struct health *h, uint32_t **pool, const struct health *old,
    const struct cfg *c)
{
	struct instance *const	*list;
	const struct cfg_instance *cv;
	struct model_ix		 ix;
	size_t			 n, i, ntr = c->nchecks, ngr = 0, nidx = 0;
	uint32_t		*idx;

	list = registry_list(&n);
	for (i = 0; i < n; i++) {
		cv = list[i]->cfg;
		ntr += cv->track_interface.n;
		ngr += cv->groups.n;
		nidx += cv->track_check.n + cv->track_interface.n +
		    cv->groups.n;
	}
	*h = (struct health){ .startup_hold = old->startup_hold };
	h->tracks = xcalloc(ntr + 1, sizeof(*h->tracks));
	h->groups = xcalloc(ngr + 1, sizeof(*h->groups));
	h->insts = xcalloc(n + 1, sizeof(*h->insts));
	*pool = idx = xcalloc(nidx + 1, sizeof(*idx));
	ix_init(&ix, old, ntr, ngr);
	build_checks(h, old, &ix, c);
	for (i = 0; i < n; i++)
		build_inst(h, old, &ix, list[i], &idx);
	free(ix.slots);
	model_index(h);
}

/* The name of instance i of the model, for "group fw: web ..." lines. */
static void
inst_label(size_t i, char *buf, size_t len)
{
	struct instance *const	*list;
	const struct cfg_instance *cv;
	size_t			 n;

	list = registry_list(&n);
	if (i >= n) {
		snprintf(buf, len, "?");
		return;
	}
	cv = list[i]->cfg;
	if (cv->name != NULL)
		snprintf(buf, len, "%s", cv->name);
	else
		snprintf(buf, len, "%s vhid %u", cv->interface, cv->vhid);
}

/* "check nginx failing 3/2 (fatal)", "interface eth1 down (+50)". */
static void
track_words(const struct health_track *t, char *buf, size_t len)
{
	char	w[32];

	if (t->weight == HEALTH_FATAL)
		snprintf(w, sizeof(w), "fatal");
	else
		snprintf(w, sizeof(w), "+%d", t->weight);
	if (t->kind == HEALTH_IFACE)
		snprintf(buf, len, "interface %s down (%s)", t->name, w);
	else
		snprintf(buf, len, "check %s failing %u/%u (%s)", t->name,
		    t->fail_run, t->fall, w);
}

/* One contribution in words. */
static void
contrib_words(const struct health_contrib *c, time_t since, char *buf,
    size_t len)
{
	char		tw[128], who[96], when[32];
	struct tm	tm;

	switch (c->why) {
	case HEALTH_WHY_TRACK:
		track_words(&hm.tracks[c->track], buf, len);
		break;
	case HEALTH_WHY_MEMBER:
		track_words(&hm.tracks[c->track], tw, sizeof(tw));
		inst_label(c->member, who, sizeof(who));
		snprintf(buf, len, "group %s: %s %s", hm.groups[c->group].name,
		    who, tw);
		break;
	case HEALTH_WHY_MANUAL:
		snprintf(buf, len, "group %s +%d by ucarpctl",
		    hm.groups[c->group].name, (int)c->amount);
		break;
	case HEALTH_WHY_MAINT:
		localtime_r(&since, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		snprintf(buf, len, "maintenance since %s", when);
		break;
	case HEALTH_WHY_MEMBER_MAINT:
		inst_label(c->member, who, sizeof(who));
		snprintf(buf, len, "group %s: %s in maintenance",
		    hm.groups[c->group].name, who);
		break;
	case HEALTH_WHY_STARTUP:
		snprintf(buf, len, "startup hold");
		break;
	}
}

void
health_describe(const struct instance *inst, struct health_level *lv,
    char *buf, size_t len)
{
	struct health_contrib	c[HEALTH_DESCRIBE_MAX];
	char			one[256];
	size_t			i, n, used = 0;

	*lv = inst->hl;
	buf[0] = '\0';
	/* Healthy: nothing to explain (and no scan of its groups). */
	if (inst->hidx >= hm.ninsts || (!lv->held && lv->demote == 0 &&
	    !inst->maint))
		return;
	n = health_explain(&hm, inst->hidx, c, HEALTH_DESCRIBE_MAX);
	for (i = 0; i < n && i < HEALTH_DESCRIBE_MAX && used < len; i++) {
		contrib_words(&c[i], inst->maint_since, one, sizeof(one));
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i > 0 ? "; " : "", one);
	}
	if (n > HEALTH_DESCRIBE_MAX && used < len)
		snprintf(buf + used, len - used, "; and %zu more",
		    n - HEALTH_DESCRIBE_MAX);
}

/*
 * The log line of a change of inst's level or hold.  The startup hold is
 * logged once for all (hold_begin, hold_end), not per instance.
 */
static void
health_log(const struct instance *inst, const struct health_level *old)
{
	struct health_level	lv;
	char			why[1024];

	health_describe(inst, &lv, why, sizeof(why));
	if (lv.held != old->held && lv.demote == old->demote &&
	    (lv.held ? lv.cause : old->cause) == CARP_CAUSE_STARTUP_HOLD)
		return;
	if (lv.held && !old->held)
		log_msg(LOG_WARNING, "%sheld, may not be master: %s",
		    inst->prefix, why);
	else if (!lv.held && old->held)
		log_msg(LOG_WARNING, "%sno longer held%s%s", inst->prefix,
		    why[0] != '\0' ? "; still: " : "", why);
	if (lv.demote != old->demote)
		log_msg(LOG_WARNING, "%sdemotion %u -> %u, advskew %u%s%s",
		    inst->prefix, old->demote, lv.demote,
		    carp_fsm_effective_skew(&inst->fsm),
		    why[0] != '\0' ? ": " : "", why);
}

/* Push inst's level and hold into its state machine if they changed. */
static void
health_push(struct instance *inst)
{
	struct health_level	lv, old = inst->hl;
	struct carp_event	ev;

	if (inst->hidx >= hm.ninsts)
		return;
	health_eval(&hm, inst->hidx, &lv);
	inst->hl = lv;
	if (lv.demote == old.demote && lv.held == old.held)
		return;		/* at most the reason changed */
	memset(&ev, 0, sizeof(ev));
	ev.type = CARP_EV_HEALTH;
	ev.health.demote = lv.demote;
	ev.health.held = lv.held;
	ev.health.cause = lv.cause;
	instance_step(inst, &ev, 0);
	health_log(inst, &old);
}

static void
health_push_cb(struct instance *inst, void *arg UNUSED)
{
	health_push(inst);
}

/* Re-derive every instance after a change. */
static void
health_apply(void)
{
	if (hm_stopped)
		return;
	health_update(&hm);
	registry_foreach(health_push_cb, NULL);
}

static void
apply_cb(int fd UNUSED, short what UNUSED, void *arg UNUSED)
{
	health_apply();
}

/*
 * Results come in bursts (check scripts reaped together, links going
 * down together): one apply at the end of this turn of the loop for all
 * of them, not one each, since an apply walks every instance.
 */
static void
health_apply_soon(void)
{
	if (hm_apply_ev == NULL)
		hm_apply_ev = event_new(instance_event_base(), -1, 0,
		    apply_cb, NULL);
	event_active(hm_apply_ev, EV_TIMEOUT, 1);
}

/* The startup hold is over: by time, or every check passed once. */
static void
hold_end(const char *why)
{
	if (!hm.startup_hold)
		return;
	hm.startup_hold = false;
	if (hm_hold_ev != NULL)
		evtimer_del(hm_hold_ev);
	log_info("startup hold over after %lld ms: %s",
	    (long long)((clock_mono_us() - hm_hold_from) / 1000), why);
	health_apply();
}

static void
hold_timer_cb(int fd UNUSED, short what UNUSED, void *arg UNUSED)
{
	hold_end("its time has passed");
}

/* Begin the startup hold (boot only). */
static void
hold_begin(struct event_base *base, uint32_t ms)
{
	struct timeval	tv = { (time_t)(ms / 1000),
			    (suseconds_t)(ms % 1000) * 1000 };

	if (hm_hold_ev == NULL)
		hm_hold_ev = evtimer_new(base, hold_timer_cb, NULL);
	hm.startup_hold = true;
	hm_hold_from = clock_mono_us();
	evtimer_add(hm_hold_ev, &tv);
	log_info("startup hold: no instance becomes master for %u.%03u s or "
	    "until every check has passed once", ms / 1000, ms % 1000);
}

void
health_configure(const struct cfg *c, bool boot)
{
	struct health	 old = hm;
	uint32_t	*old_idx = hm_idx;

	model_build(&hm, &hm_idx, &old, c);
	model_free(&old, old_idx);
	/* No check has run yet; without checks the hold lasts its time. */
	if (boot && c->startup_hold_ms > 0)
		hold_begin(instance_event_base(), c->startup_hold_ms);
	hcheck_configure(c);
	track_link_configure();
	health_apply();
}

void
health_stop(void)
{
	hm_stopped = true;
	hcheck_stop();
	if (hm_hold_ev != NULL)
		evtimer_del(hm_hold_ev);
}

void
health_shutdown(void)
{
	health_stop();
	hcheck_shutdown();
	track_link_shutdown();
	if (hm_hold_ev != NULL)
		event_free(hm_hold_ev);
	hm_hold_ev = NULL;
	if (hm_apply_ev != NULL)
		event_free(hm_apply_ev);
	hm_apply_ev = NULL;
	model_free(&hm, hm_idx);
	hm = (struct health){ 0 };
	hm_idx = NULL;
}

void
health_maint_mark(struct instance *inst, bool on, time_t since)
{
	inst->maint = on;
	inst->maint_since = on ? since : 0;
	if (inst->hidx < hm.ninsts) {
		hm.insts[inst->hidx].maint = on;
		hm.insts[inst->hidx].maint_since = (int64_t)inst->maint_since;
	}
}

void
health_maint_apply(void)
{
	health_apply();
}

void
health_maint_set(struct instance *inst, bool on, time_t since)
{
	health_maint_mark(inst, on, since);
	health_apply();
}

bool
health_maint_get(const struct instance *inst, time_t *since)
{
	if (since != NULL)
		*since = inst->maint_since;
	return inst->maint;
}

bool
health_group_demote(const char *group, char op, int n, char *err,
    size_t errlen)
{
	long	k;

	if ((k = health_group_find(&hm, group)) < 0) {
		snprintf(err, errlen, "no group '%s' is configured; name it in "
		    "the groups key of the instances that fail over together",
		    group);
		return false;
	}
	if (!health_group_adjust(&hm.groups[k], op, n)) {
		snprintf(err, errlen, "demote %s: '%c%d' is not a demotion; "
		    "give +N, -N or =N (N >= 0)", group, op, n);
		return false;
	}
	log_info("group %s: manual demotion now %d", group,
	    (int)hm.groups[k].manual);
	health_apply();
	return true;
}

/* A change of state for the monitors. */
static void
health_ctl_event(const struct health_track *tr, const char *why)
{
	struct ctl_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = CTL_EV_CHECK;
	snprintf(ev.name, sizeof(ev.name), "%s", tr->name);
	ev.failed = health_track_failing(tr);
	ev.script = tr->kind == HEALTH_IFACE;
	snprintf(ev.text, sizeof(ev.text), "%s", why);
	control_event(&ev);
}

void
health_track_to_ctl(size_t k, struct ctl_check *c)
{
	const struct health_track	*t = &hm.tracks[k];
	const struct hcheck_stat	*st;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", t->name);
	c->iface = t->kind == HEALTH_IFACE;
	c->state = (uint8_t)t->state;
	c->weight = t->weight == HEALTH_FATAL ? 0 : (uint16_t)t->weight;
	c->rise = t->rise;
	c->fall = t->fall;
	c->ok_run = t->ok_run;
	c->fail_run = t->fail_run;
	c->results = t->results;
	c->failures = t->failures;
	c->last_ms = -1;
	if (t->kind == HEALTH_CHECK && (st = hcheck_stat(t->name)) != NULL) {
		c->runs = st->runs;
		c->timeouts = st->timeouts;
		c->skipped = st->skipped;
		c->running = st->running;
		c->last_ms = st->last_ms;
		snprintf(c->last, sizeof(c->last), "%s", st->last);
	} else if (t->kind == HEALTH_IFACE)
		snprintf(c->last, sizeof(c->last), "%s",
		    t->state == HEALTH_OK ? "up" : "down");
}

void
health_result(size_t t, bool ok, const char *why)
{
	struct health_track	*tr;
	bool			 first_pass;

	if (t >= hm.ntracks)
		return;
	tr = &hm.tracks[t];
	first_pass = ok && !tr->passed;
	if (health_track_result(tr, ok)) {
		if (tr->kind == HEALTH_IFACE)
			log_msg(LOG_WARNING, "tracked interface %s: %s (%s)",
			    tr->name, ok ? "up" : "down", why);
		else
			log_msg(LOG_WARNING, "check %s: %s after %u %s in a "
			    "row (%s)", tr->name, ok ? "ok" : "failing",
			    ok ? tr->ok_run : tr->fail_run, ok ? "passed" :
			    "failed", why);
		health_ctl_event(tr, why);
		health_apply_soon();
	}
	if (first_pass && hm.startup_hold && health_checks_passed(&hm))
		hold_end("every check has passed once");
}

const struct health *
health_model(void)
{
	return &hm;
}
