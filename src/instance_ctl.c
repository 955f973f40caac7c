/*
 * instance_ctl.c: an instance as the control socket sees it (ospfd's
 * nbr_to_ctl): instance_to_ctl() for status, and the events an instance
 * sends to "monitor" clients (transitions, script exits, drop
 * summaries), as wire structs for control.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "control.h"
#include "ctl_proto.h"
#include "instance.h"
#include "instance_health.h"
#include "instance_priv.h"
#include "maint.h"

/* The unicast peers and their counters, at most CTL_PEERS_MAX. */
static void
instance_ctl_peers(const struct instance *inst, struct ctl_instance *in)
{
	const struct ucast_peer	*p;
	size_t			 i, n;

	n = ucast_peers(inst->uc, &p);
	in->npeers = (uint8_t)(n < CTL_PEERS_MAX ? n : CTL_PEERS_MAX);
	for (i = 0; i < in->npeers; i++) {
		in->peers[i].family = p[i].a.family;
		memcpy(in->peers[i].addr, p[i].a.a, 16);
		in->peers[i].sent = p[i].sent;
		in->peers[i].send_errors = p[i].send_errors;
		in->peers[i].received = p[i].received;
		in->peers[i].drops = p[i].drops;
		in->peers[i].heard = p[i].heard_us;
	}
}

void
instance_to_ctl(const struct instance *inst, struct ctl_instance *in)
{
	const struct cfg_instance	*cv = inst->cfg;
	struct script_stats		 ss;
	struct health_level		 lv;
	size_t				 i;

	memset(in, 0, sizeof(*in));
	if (cv->name != NULL)
		snprintf(in->name, sizeof(in->name), "%s", cv->name);
	snprintf(in->interface, sizeof(in->interface), "%s", cv->interface);
	in->vhid = cv->vhid;
	in->state = (uint8_t)inst->fsm.state;
	in->last_cause = (uint8_t)inst->last_cause;
	in->advbase = cv->advbase;
	in->advskew = cv->advskew;
	in->eff_advskew = carp_fsm_effective_skew(&inst->fsm);
	for (i = 0; i < cv->naddrs && i < CTL_ADDRS_MAX; i++)
		in->addrs[i] = cv->addrs[i];
	in->naddrs = (uint8_t)i;
	in->srcip = cv->srcip;
	/* A master is its own; a backup names the last one it heard. */
	in->has_master = inst->fsm.state == CARP_MASTER || inst->heard;
	in->master = inst->fsm.state == CARP_MASTER ? cv->srcip : inst->master;
	in->since = inst->since_us;
	in->sent = inst->sent;
	in->send_errors = inst->send_errors;
	in->received = inst->received;
	in->transitions = inst->transitions;
	in->garps = inst->garps;
	script_q_stats(inst->sq, &ss);
	in->scripts_run = ss.run;
	in->scripts_failed = ss.failed;
	in->scripts_queued = ss.queued;
	in->ndrops = CARP_VERDICT_MAX;
	instance_counters(inst, in->drops);
	in->maint = maint_get(inst, &in->maint_since);
	health_describe(inst, &lv, in->health, sizeof(in->health));
	in->demote = lv.demote;
	in->held = lv.held;
	instance_addrs_to_ctl(inst, in);
	instance_ctl_peers(inst, in);
}

/* Who the event is about, then out to the monitors. */
static void
instance_ctl_send(const struct instance *inst, struct ctl_event *ev)
{
	const struct cfg_instance	*cv = inst->cfg;

	if (cv->name != NULL)
		snprintf(ev->name, sizeof(ev->name), "%s", cv->name);
	snprintf(ev->interface, sizeof(ev->interface), "%s", cv->interface);
	ev->vhid = cv->vhid;
	control_event(ev);
}

void
instance_ctl_transition(struct instance *inst,
    const struct carp_action *a)
{
	struct ctl_event	ev;

	inst->since_us = (int64_t)clock_wall_us();
	memset(&ev, 0, sizeof(ev));
	ev.kind = CTL_EV_TRANSITION;
	ev.from = (uint8_t)a->from;
	ev.to = (uint8_t)a->to;
	ev.cause = (uint8_t)a->cause;
	ev.has_master = a->to == CARP_MASTER || inst->heard;
	ev.master = a->to == CARP_MASTER ? inst->cfg->srcip : inst->master;
	instance_ctl_send(inst, &ev);
}

/* script_q_on_exit's callback. */
void
instance_ctl_script_cb(void *arg, enum script_kind kind, bool ok,
    const char *cause)
{
	struct ctl_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = CTL_EV_SCRIPT;
	ev.script = kind == SCRIPT_DOWN;
	ev.failed = !ok;
	snprintf(ev.text, sizeof(ev.text), "%s", cause);
	instance_ctl_send(arg, &ev);
}

/* Drops of verdict v since the last summary (called as its log line). */
void
instance_ctl_drops(struct instance *inst, enum carp_verdict v)
{
	struct ctl_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = CTL_EV_DROPS;
	ev.reason = (uint8_t)v;
	/* Called as a drop is logged: counting it made drops. */
	ev.count = inst->drops->count[v] - inst->drops->told[v];
	inst->drops->told[v] = inst->drops->count[v];
	instance_ctl_send(inst, &ev);
}
