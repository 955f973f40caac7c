/*
 * output.c: ucarpctl's text for people: a table of instances (or every
 * field of one), a reload's counts and messages, one line per event.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ucarpctl.h"

char *
time_str(int64_t us, char *buf)
{
	struct tm	tm;
	time_t		t = (time_t)(us / 1000000);

	if (us <= 0 || gmtime_r(&t, &tm) == NULL) {
		strcpy(buf, "-");
		return buf;
	}
	strftime(buf, 24, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), 6, ".%03dZ", (int)(us % 1000000 / 1000));
	return buf;
}

static void
show_daemon(const struct ctl_daemon *d)
{
	char	t[32];

	printf("ucarp %s, pid %u, %s%s, %u instance%s, up since %s\n",
	    d->version, d->pid, d->config[0] ? "config " : "command line",
	    d->config, d->instances, d->instances == 1 ? "" : "s",
	    time_str(d->started, t));
	if (d->state_dir[0] == '\0')
		printf("maintenance not kept across restarts (no state_dir)");
	else
		printf("maintenance kept in %s", d->state_dir);
	printf(", %u instance%s in maintenance\n", d->in_maint,
	    d->in_maint == 1 ? "" : "s");
	if (d->state_refused)
		printf("its file was refused at start-up: every instance was "
		    "put in maintenance (the log says why)\n");
	if (d->last.result == CTL_RL_NONE)
		printf("no reload since start-up\n");
	else
		printf("%s (at %s; %llu applied, %llu refused since start-up)\n",
		    d->reload_summary, time_str(d->reload_time, t),
		    (unsigned long long)d->reloads_applied,
		    (unsigned long long)d->reloads_refused);
}

/* Unicast peers: what each sent, what we heard, when last. */
static void
show_peers(const struct ctl_instance *in)
{
	const struct ctl_peer	*p;
	char			 a[CARP_ADDR_STRLEN], t[32];
	size_t			 i;

	for (i = 0; i < in->npeers; i++) {
		p = &in->peers[i];
		printf("  peer %s: sent %llu (send errors %llu), received %llu, "
		    "dropped %llu, last heard %s\n", ctl_peer_fmt(p, a),
		    (unsigned long long)p->sent,
		    (unsigned long long)p->send_errors,
		    (unsigned long long)p->received,
		    (unsigned long long)p->drops,
		    p->heard != 0 ? time_str(p->heard, t) : "never");
	}
}

/* Every field of one instance. */
static void
show_detail(const struct ctl_instance *in)
{
	char	a[CARP_ADDR_STRLEN], m[CARP_ADDR_STRLEN], t[32];
	size_t	i;

	printf("\n%s%s%s:%u: %s since %s (%s)\n", in->name,
	    in->name[0] ? " " : "", in->interface, in->vhid,
	    ctl_state_name(in->state), time_str(in->since, t),
	    ctl_cause_name(in->last_cause));
	printf("  addresses:");
	for (i = 0; i < in->naddrs; i++)
		printf(" %s", carp_addr_fmt_prefix(&in->addrs[i], a));
	if (in->addr_state != CTL_AM_UNMANAGED)
		printf(" (managed: %s)", in->addr_state == CTL_AM_IN_PLACE ?
		    "in place" : "NOT in place");
	printf("\n  source %s, master %s\n", carp_addr_fmt(&in->srcip, a),
	    in->has_master ? carp_addr_fmt(&in->master, m) : "none heard");
	printf("  advbase %u, advskew %u, effective advskew %u\n",
	    in->advbase, in->advskew, in->eff_advskew);
	if (in->maint)
		printf("  maintenance since %s: never master until "
		    "ucarpctl maintenance off\n", time_str(in->maint_since, t));
	printf("  adverts sent %llu (send errors %llu), received %llu; "
	    "transitions %llu; GARPs %llu\n", (unsigned long long)in->sent,
	    (unsigned long long)in->send_errors,
	    (unsigned long long)in->received,
	    (unsigned long long)in->transitions,
	    (unsigned long long)in->garps);
	printf("  scripts run %llu, failed %llu, queued %u\n",
	    (unsigned long long)in->scripts_run,
	    (unsigned long long)in->scripts_failed, in->scripts_queued);
	if (in->addr_state != CTL_AM_UNMANAGED)
		printf("  address restores %llu, address errors %llu\n",
		    (unsigned long long)in->addr_restores,
		    (unsigned long long)in->addr_errors);
	printf("  dropped:");
	for (i = 1; i < in->ndrops; i++)
		if (in->drops[i] != 0)
			printf(" %s %llu", ctl_drop_name(i),
			    (unsigned long long)in->drops[i]);
	printf("\n");
	if (in->demote != 0 || in->held || in->health[0] != '\0')
		printf("  health: demotion %u%s%s%s\n", in->demote,
		    in->held ? ", held (may not be master)" : "",
		    in->health[0] != '\0' ? ": " : "", in->health);
	show_peers(in);
}

/* The checks and tracked interfaces: one line each. */
static void
show_checks(const struct status *st)
{
	const struct ctl_check	*c;
	char			 w[16], runs[32];
	size_t			 i;

	if (st->nchk == 0)
		return;
	printf("\n%-16s %-9s %-7s %-6s %-9s %8s %8s  %s\n", "CHECK", "KIND",
	    "STATE", "WEIGHT", "RUN/RISE", "RESULTS", "FAILED", "LAST");
	for (i = 0; i < st->nchk; i++) {
		c = &st->chk[i];
		if (c->weight == 0)
			snprintf(w, sizeof(w), "fatal");
		else
			snprintf(w, sizeof(w), "%u", c->weight);
		if (c->state == 2)
			snprintf(runs, sizeof(runs), "%u/%u", c->fail_run,
			    c->fall);
		else
			snprintf(runs, sizeof(runs), "%u/%u", c->ok_run,
			    c->rise);
		printf("%-16s %-9s %-7s %-6s %-9s %8llu %8llu  %s%s\n",
		    c->name, c->iface ? "interface" : "check",
		    ctl_health_name(c->state), w, runs,
		    (unsigned long long)c->results,
		    (unsigned long long)c->failures, c->last,
		    c->running ? " (running)" : "");
	}
}

static void
show_status(const struct status *st)
{
	const struct ctl_instance	*in;
	char				 id[48], m[CARP_ADDR_STRLEN], t[32];
	size_t				 i;

	show_daemon(&st->daemon);
	if (st->n == 1) {
		show_detail(&st->inst[0]);
		show_checks(st);
		return;
	}
	printf("\n%-16s %-14s %-6s %-24s %-15s %-22s %8s %8s\n", "NAME",
	    "IFACE:VHID", "STATE", "SINCE", "MASTER", "CAUSE", "SENT",
	    "RECEIVED");
	for (i = 0; i < st->n; i++) {
		in = &st->inst[i];
		snprintf(id, sizeof(id), "%s:%u", in->interface, in->vhid);
		printf("%-16s %-14s %-6s %-24s %-15s %-22s %8llu %8llu%s\n",
		    in->name[0] ? in->name : "-", id,
		    ctl_state_name(in->state), time_str(in->since, t),
		    in->has_master ? carp_addr_fmt(&in->master, m) : "-",
		    ctl_cause_name(in->last_cause),
		    (unsigned long long)in->sent,
		    (unsigned long long)in->received,
		    in->maint ? "  maintenance" : "");
	}
	for (i = 0; i < st->n; i++) {
		in = &st->inst[i];
		if (in->demote != 0 || in->held)
			printf("%s%s%s:%u: demotion %u%s: %s\n", in->name,
			    in->name[0] ? " " : "", in->interface, in->vhid,
			    in->demote, in->held ? ", held" : "", in->health);
	}
	show_checks(st);
}

static void
show_reload(const struct ctl_reload_counts *c, const struct ctl_text *t,
    size_t n, const struct ctl_result *res)
{
	size_t	i;

	/* The file's problems on stderr, as ucarp -t prints them. */
	for (i = 0; i < n; i++)
		fprintf(t[i].kind == CTL_TX_WARNING ? stdout : stderr, "%s\n",
		    t[i].text);
	if (c->result == CTL_RL_APPLIED)
		printf("reload applied: %u kept, %u updated, %u added, "
		    "%u removed, %u failed\n", c->kept, c->updated, c->added,
		    c->removed, c->failed);
	else
		fprintf(stderr, "ucarpctl: %s\n", res->text);
}

static void
show_event(const struct ctl_event *e)
{
	char	t[32], m[CARP_ADDR_STRLEN];

	printf("%llu %s ", (unsigned long long)e->eseq, time_str(e->time, t));
	if (e->kind != CTL_EV_RELOAD && e->kind != CTL_EV_DEMOTE &&
	    e->kind != CTL_EV_CHECK)
		printf("%s%s%s:%u ", e->name, e->name[0] ? " " : "",
		    e->interface, e->vhid);
	switch (e->kind) {
	case CTL_EV_TRANSITION:
		printf("%s -> %s (%s)", ctl_state_name(e->from),
		    ctl_state_name(e->to), ctl_cause_name(e->cause));
		if (e->has_master)
			printf(", master %s", carp_addr_fmt(&e->master, m));
		break;
	case CTL_EV_SCRIPT:
		printf("%s script %s: %s", e->script ? "down" : "up",
		    e->failed ? "failed" : "done", e->text);
		break;
	case CTL_EV_DROPS:
		printf("%llu dropped (%s)", (unsigned long long)e->count,
		    ctl_drop_name(e->reason));
		break;
	case CTL_EV_MAINT:
		printf("maintenance %s (%s)", e->on ? "on" : "off", e->text);
		break;
	case CTL_EV_DEMOTE:
		printf("group %s demotion %s", e->name, e->text);
		break;
	case CTL_EV_CHECK:
		printf("%s %s: %s (%s)", e->script ? "interface" : "check",
		    e->name, e->failed ? "failing" : "ok", e->text);
		break;
	default:
		printf("%s", e->text);
		break;
	}
	printf("\n");
}

const struct output show_output = { show_status, show_reload, show_event };
