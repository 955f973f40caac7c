/*
 * output_json.c: ucarpctl -j.  The keys are stable (ucarpctl(8) lists
 * them): new keys may be added, none is renamed or removed within a
 * protocol version.  Times are given twice: RFC 3339 UTC text, and
 * microseconds since the epoch under the same key with "_us".
 */
#include <stdio.h>

#include "json.h"
#include "ucarpctl.h"

static void
json_time(const char *key, const char *key_us, int64_t us)
{
	char	t[32];

	json_do_string(key, us > 0 ? time_str(us, t) : NULL);
	json_do_int(key_us, us);
}

static void
json_counts(const struct ctl_reload_counts *c)
{
	json_do_string("result", ctl_reload_name(c->result));
	json_do_uint("kept", c->kept);
	json_do_uint("updated", c->updated);
	json_do_uint("added", c->added);
	json_do_uint("removed", c->removed);
	json_do_uint("failed", c->failed);
	json_do_int("elapsed_us", c->elapsed_us);
}

static void
json_daemon(const struct ctl_daemon *d)
{
	json_do_object("daemon");
	json_do_string("version", d->version);
	json_do_uint("pid", d->pid);
	json_do_string("config", d->config[0] ? d->config : NULL);
	json_time("started", "started_us", d->started);
	json_do_uint("instances", d->instances);
	json_do_object("last_reload");
	json_counts(&d->last);
	json_time("time", "time_us", d->reload_time);
	json_do_string("summary", d->reload_summary[0] ?
	    d->reload_summary : NULL);
	json_do_close();
	json_do_uint("reloads_applied", d->reloads_applied);
	json_do_uint("reloads_refused", d->reloads_refused);
	json_do_string("state_dir", d->state_dir[0] ? d->state_dir : NULL);
	json_do_bool("state_file_refused", d->state_refused);
	json_do_uint("in_maintenance", d->in_maint);
	json_do_close();
}

static void
json_counters(const struct ctl_instance *in)
{
	size_t	i;

	json_do_object("counters");
	json_do_uint("adverts_sent", in->sent);
	json_do_uint("adverts_received", in->received);
	json_do_uint("send_errors", in->send_errors);
	json_do_uint("transitions", in->transitions);
	json_do_uint("garps_sent", in->garps);
	json_do_uint("scripts_run", in->scripts_run);
	json_do_uint("scripts_failed", in->scripts_failed);
	json_do_uint("scripts_queued", in->scripts_queued);
	json_do_object("dropped");
	for (i = 1; i < in->ndrops; i++)	/* 0 is "ok" */
		json_do_uint(ctl_drop_name(i), in->drops[i]);
	json_do_close();
	json_do_close();
}

/* Unicast peers, each with its counters; [] without peers. */
static void
json_peers(const struct ctl_instance *in)
{
	const struct ctl_peer	*p;
	char			 a[CARP_ADDR_STRLEN];
	size_t			 i;

	json_do_array("peers");
	for (i = 0; i < in->npeers; i++) {
		p = &in->peers[i];
		json_do_object(NULL);
		json_do_string("address", ctl_peer_fmt(p, a));
		json_do_uint("adverts_sent", p->sent);
		json_do_uint("send_errors", p->send_errors);
		json_do_uint("adverts_received", p->received);
		json_do_uint("dropped", p->drops);
		if (p->heard != 0)
			json_time("last_heard", "last_heard_us", p->heard);
		else
			json_do_string("last_heard", NULL);
		json_do_close();
	}
	json_do_close();
}

static void
json_instance(const struct ctl_instance *in)
{
	char	a[CARP_ADDR_STRLEN];
	size_t	i;

	json_do_object(NULL);
	json_do_string("name", in->name[0] ? in->name : NULL);
	json_do_string("interface", in->interface);
	json_do_uint("vhid", in->vhid);
	json_do_string("state", ctl_state_name(in->state));
	json_time("since", "since_us", in->since);
	json_do_string("cause", ctl_cause_name(in->last_cause));
	json_do_string("master", in->has_master ?
	    carp_addr_fmt(&in->master, a) : NULL);
	json_do_string("srcip", carp_addr_fmt(&in->srcip, a));
	json_do_array("addresses");
	for (i = 0; i < in->naddrs; i++)
		json_do_string(NULL, carp_addr_fmt_prefix(&in->addrs[i], a));
	json_do_close();
	json_do_uint("advbase", in->advbase);
	json_do_uint("advskew", in->advskew);
	json_do_uint("effective_advskew", in->eff_advskew);
	if (in->maint) {
		json_do_object("maintenance");
		json_time("since", "since_us", in->maint_since);
		json_do_close();
	} else
		json_do_string("maintenance", NULL);
	json_do_uint("demotion", in->demote);
	json_do_bool("held", in->held);
	json_do_string("health", in->health[0] ? in->health : NULL);
	json_do_bool("addresses_managed", in->addr_state != CTL_AM_UNMANAGED);
	if (in->addr_state != CTL_AM_UNMANAGED) {
		json_do_bool("addresses_in_place",
		    in->addr_state == CTL_AM_IN_PLACE);
		json_do_uint("address_restores", in->addr_restores);
		json_do_uint("address_errors", in->addr_errors);
	}
	json_counters(in);
	json_peers(in);
	json_do_close();
}

static void
json_check(const struct ctl_check *c)
{
	json_do_object(NULL);
	json_do_string("name", c->name);
	json_do_string("kind", c->iface ? "interface" : "check");
	json_do_string("state", ctl_health_name(c->state));
	if (c->weight == 0)
		json_do_string("weight", "fatal");
	else
		json_do_uint("weight", c->weight);
	json_do_uint("rise", c->rise);
	json_do_uint("fall", c->fall);
	json_do_uint("ok_run", c->ok_run);
	json_do_uint("fail_run", c->fail_run);
	json_do_uint("results", c->results);
	json_do_uint("failures", c->failures);
	if (!c->iface) {
		json_do_uint("runs", c->runs);
		json_do_uint("timeouts", c->timeouts);
		json_do_uint("skipped", c->skipped);
		json_do_bool("running", c->running);
		json_do_int("last_ms", c->last_ms);
	}
	json_do_string("last", c->last[0] ? c->last : NULL);
	json_do_close();
}

static void
json_status(const struct status *st)
{
	size_t	i;

	json_do_start();
	json_daemon(&st->daemon);
	json_do_array("instances");
	for (i = 0; i < st->n; i++)
		json_instance(&st->inst[i]);
	json_do_close();
	json_do_array("checks");
	for (i = 0; i < st->nchk; i++)
		json_check(&st->chk[i]);
	json_do_end();
}

static void
json_reload(const struct ctl_reload_counts *c, const struct ctl_text *t,
    size_t n, const struct ctl_result *res)
{
	size_t	i;

	json_do_start();
	json_counts(c);
	json_do_array("messages");
	for (i = 0; i < n; i++) {
		json_do_object(NULL);
		json_do_string("kind", ctl_text_name(t[i].kind));
		json_do_string("text", t[i].text);
		json_do_close();
	}
	json_do_close();
	json_do_string("summary", res->text);
	json_do_end();
}

static void
json_event(const struct ctl_event *e)
{
	char	m[CARP_ADDR_STRLEN];

	json_do_start();
	json_do_uint("seq", e->eseq);
	json_time("time", "time_us", e->time);
	json_do_string("event", ctl_event_name(e->kind));
	if (e->kind == CTL_EV_DEMOTE)
		json_do_string("group", e->name);
	else if (e->kind == CTL_EV_CHECK)
		json_do_string("name", e->name);
	else if (e->kind != CTL_EV_RELOAD) {
		json_do_string("name", e->name[0] ? e->name : NULL);
		json_do_string("interface", e->interface);
		json_do_uint("vhid", e->vhid);
	}
	switch (e->kind) {
	case CTL_EV_TRANSITION:
		json_do_string("from", ctl_state_name(e->from));
		json_do_string("to", ctl_state_name(e->to));
		json_do_string("cause", ctl_cause_name(e->cause));
		json_do_string("master", e->has_master ?
		    carp_addr_fmt(&e->master, m) : NULL);
		break;
	case CTL_EV_RELOAD:
		json_counts(&e->reload);
		json_do_string("summary", e->text);
		break;
	case CTL_EV_SCRIPT:
		json_do_string("script", e->script ? "down" : "up");
		json_do_bool("failed", e->failed);
		json_do_string("text", e->text);
		break;
	case CTL_EV_DROPS:
		json_do_string("reason", ctl_drop_name(e->reason));
		json_do_uint("count", e->count);
		break;
	case CTL_EV_MAINT:
		json_do_bool("on", e->on);
		json_do_string("by", e->text);
		break;
	case CTL_EV_DEMOTE:
		json_do_string("change", e->text);
		break;
	case CTL_EV_CHECK:
		json_do_string("kind", e->script ? "interface" : "check");
		json_do_string("state", e->failed ? "failing" : "ok");
		json_do_string("text", e->text);
		break;
	}
	json_do_end();
}

const struct output json_output = { json_status, json_reload, json_event };
