/*
 * output_metrics.c: ucarpctl metrics, the Prometheus text format 0.0.4
 * (node_exporter's textfile collector on Debian 12 takes no OpenMetrics).
 * One series per instance from start-up, labelled interface, vhid and
 * name; never the state on a counter; states as one 0/1 series each, and
 * addresses as one series each (an info metric).
 */
#include <stdio.h>

#include "ucarpctl.h"

enum kind { GAUGE, COUNTER };

/* A label value: backslash, quote and newline escaped. */
static void
label(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			printf("\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", stdout);
		else
			putchar(*s);
	}
}

static void
family(const char *name, enum kind k, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    k == GAUGE ? "gauge" : "counter");
}

/* name{interface="eth0",vhid="1",name="web"[,extra] */
static void
series(const char *name, const struct ctl_instance *in)
{
	printf("%s{interface=\"", name);
	label(in->interface);
	printf("\",vhid=\"%u\",name=\"", in->vhid);
	label(in->name);
	putchar('"');
}

/* A family of one series per instance, its value read by get. */
struct simple {
	const char		*name;
	enum kind		 kind;
	const char		*help;
	unsigned long long	(*get)(const struct ctl_instance *);
};

static void
per_instance(const struct status *st, const struct simple *m)
{
	size_t	i;

	family(m->name, m->kind, m->help);
	for (i = 0; i < st->n; i++) {
		series(m->name, &st->inst[i]);
		printf("} %llu\n", m->get(&st->inst[i]));
	}
}

#define GETTER(fn, expr)						\
static unsigned long long						\
fn(const struct ctl_instance *in)					\
{									\
	return (unsigned long long)(expr);				\
}
GETTER(get_sent, in->sent)
GETTER(get_received, in->received)
GETTER(get_send_errors, in->send_errors)
GETTER(get_transitions, in->transitions)
GETTER(get_garps, in->garps)
GETTER(get_queued, in->scripts_queued)
GETTER(get_advskew, in->eff_advskew)
GETTER(get_maint, in->maint)
GETTER(get_demotion, in->demote)
GETTER(get_held, in->held)

static const struct simple	simple[] = {
	{ "ucarp_adverts_sent_total", COUNTER, "Adverts sent.", get_sent },
	{ "ucarp_adverts_received_total", COUNTER,
	    "Authenticated adverts received from peers.", get_received },
	{ "ucarp_advert_send_errors_total", COUNTER,
	    "Adverts that could not be sent.", get_send_errors },
	{ "ucarp_transitions_total", COUNTER,
	    "State changes since start-up.", get_transitions },
	{ "ucarp_garps_sent_total", COUNTER,
	    "Gratuitous ARP rounds sent.", get_garps },
	{ "ucarp_scripts_queued", GAUGE,
	    "Scripts waiting to run.", get_queued },
	{ "ucarp_effective_advskew", GAUGE,
	    "The advskew sent, demotion included.", get_advskew },
	{ "ucarp_maintenance", GAUGE,
	    "1 while the instance is in maintenance (never master).",
	    get_maint },
	{ "ucarp_demotion", GAUGE, "The health demotion added to advskew "
	    "(before the clamp at 240).", get_demotion },
	{ "ucarp_held", GAUGE, "1 while the instance may not be master "
	    "(a fatal check or link, maintenance, the startup hold).",
	    get_held },
};

/* name{check="nginx",kind="check"[,extra] */
static void
check_series(const char *name, const struct ctl_check *c)
{
	printf("%s{check=\"", name);
	label(c->name);
	printf("\",kind=\"%s\"", c->iface ? "interface" : "check");
}

static void
metrics_checks(const struct status *st)
{
	const struct ctl_check	*c;
	size_t			 i;
	unsigned		 s;

	if (st->nchk == 0)
		return;
	family("ucarp_check_state", GAUGE, "1 for the state the check or "
	    "tracked interface is in, 0 for the others.");
	for (i = 0; i < st->nchk; i++)
		for (s = 0; s < CTL_HS_MAX; s++) {
			check_series("ucarp_check_state", &st->chk[i]);
			printf(",state=\"%s\"} %d\n", ctl_health_name(s),
			    st->chk[i].state == s);
		}
	family("ucarp_check_results_total", COUNTER,
	    "Results of the check or tracked interface, by result.");
	for (i = 0; i < st->nchk; i++) {
		c = &st->chk[i];
		check_series("ucarp_check_results_total", c);
		printf(",result=\"ok\"} %llu\n",
		    (unsigned long long)(c->results - c->failures));
		check_series("ucarp_check_results_total", c);
		printf(",result=\"failed\"} %llu\n",
		    (unsigned long long)c->failures);
	}
	family("ucarp_check_timeouts_total", COUNTER,
	    "Runs of the check killed at their timeout.");
	for (i = 0; i < st->nchk; i++)
		if (!st->chk[i].iface) {
			check_series("ucarp_check_timeouts_total", &st->chk[i]);
			printf("} %llu\n",
			    (unsigned long long)st->chk[i].timeouts);
		}
}

static void
metrics_states(const struct status *st)
{
	size_t		i;
	unsigned	s;

	family("ucarp_instance_state", GAUGE,
	    "1 for the state the instance is in, 0 for the others.");
	for (i = 0; i < st->n; i++)
		for (s = 0; s < CTL_ST_MAX; s++) {
			series("ucarp_instance_state", &st->inst[i]);
			printf(",state=\"%s\"} %d\n", ctl_state_name(s),
			    st->inst[i].state == s);
		}
	family("ucarp_last_transition_timestamp_seconds", GAUGE,
	    "When the instance entered its current state (Unix time).");
	for (i = 0; i < st->n; i++) {
		series("ucarp_last_transition_timestamp_seconds",
		    &st->inst[i]);
		printf("} %lld.%06lld\n",
		    (long long)(st->inst[i].since / 1000000),
		    (long long)(st->inst[i].since % 1000000));
	}
}

/* Every virtual address, both families, with its prefix ("" if none). */
static void
metrics_addrs(const struct status *st)
{
	const struct carp_addr	*a;
	char			 buf[CARP_ADDR_STRLEN];
	size_t			 i, j;

	family("ucarp_instance_address", GAUGE,
	    "The instance's virtual addresses, always 1.");
	for (i = 0; i < st->n; i++)
		for (j = 0; j < st->inst[i].naddrs; j++) {
			a = &st->inst[i].addrs[j];
			series("ucarp_instance_address", &st->inst[i]);
			printf(",address=\"%s\",family=\"ipv%u\",prefix=\"",
			    carp_addr_fmt(a, buf), a->family);
			if (a->prefix != CARP_PREFIX_NONE)
				printf("%u", a->prefix);
			printf("\"} 1\n");
		}
}

static void
metrics_drops_scripts(const struct status *st)
{
	const struct ctl_instance	*in;
	size_t				 i, r;

	family("ucarp_adverts_dropped_total", COUNTER,
	    "Adverts received for the instance and dropped, by reason.");
	for (i = 0; i < st->n; i++)
		for (r = 1; r < CTL_DROP_MAX && r < st->inst[i].ndrops; r++) {
			series("ucarp_adverts_dropped_total", &st->inst[i]);
			printf(",reason=\"%s\"} %llu\n", ctl_drop_name(r),
			    (unsigned long long)st->inst[i].drops[r]);
		}
	family("ucarp_scripts_total", COUNTER,
	    "Up and down scripts finished, by result.");
	for (i = 0; i < st->n; i++) {
		in = &st->inst[i];
		series("ucarp_scripts_total", in);
		printf(",result=\"ok\"} %llu\n", (unsigned long long)
		    (in->scripts_run - in->scripts_failed));
		series("ucarp_scripts_total", in);
		printf(",result=\"failed\"} %llu\n",
		    (unsigned long long)in->scripts_failed);
	}
}

/* manage_addresses: the instances that have it on. */
static void
metrics_managed(const struct status *st)
{
	static const char *const	names[] = { "ucarp_addresses_in_place",
		"ucarp_address_restores_total", "ucarp_address_errors_total" };
	static const char *const	helps[] = { "1 if the instance's managed "
		"addresses are as they should be (a master holds all, a backup "
		"none).", "Managed addresses removed behind a master's back.",
		"Netlink requests for managed addresses that failed." };
	const struct ctl_instance	*in;
	unsigned long long		 v;
	size_t				 i, m;

	for (m = 0; m < 3; m++) {
		family(names[m], m == 0 ? GAUGE : COUNTER, helps[m]);
		for (i = 0; i < st->n; i++) {
			in = &st->inst[i];
			if (in->addr_state == CTL_AM_UNMANAGED)
				continue;
			v = m == 0 ? in->addr_state == CTL_AM_IN_PLACE :
			    m == 1 ? in->addr_restores : in->addr_errors;
			series(names[m], in);
			printf("} %llu\n", v);
		}
	}
}

/* Per unicast peer: adverts sent and received, drops, last heard. */
static void
metrics_peers(const struct status *st)
{
	static const char *const fam[] = { "ucarp_peer_adverts_sent_total",
		"ucarp_peer_adverts_received_total",
		"ucarp_peer_adverts_dropped_total",
		"ucarp_peer_last_heard_timestamp_seconds" };
	static const char *const help[] = { "Unicast adverts sent to the peer.",
		"Adverts accepted from the peer.",
		"Adverts from the peer's address dropped (HMAC, checksum, "
		"replay).", "When the peer's last advert was accepted (Unix "
		"time; 0: never)." };
	const struct ctl_peer	*p;
	char			 a[CARP_ADDR_STRLEN];
	size_t			 f, i, j;
	uint64_t		 v;

	for (f = 0; f < 4; f++) {
		family(fam[f], f == 3 ? GAUGE : COUNTER, help[f]);
		for (i = 0; i < st->n; i++)
			for (j = 0; j < st->inst[i].npeers; j++) {
				p = &st->inst[i].peers[j];
				v = f == 0 ? p->sent : f == 1 ? p->received :
				    f == 2 ? p->drops : (uint64_t)(p->heard /
				    1000000);
				series(fam[f], &st->inst[i]);
				printf(",peer=\"%s\"} %llu\n",
				    ctl_peer_fmt(p, a), (unsigned long long)v);
			}
	}
}

void
metrics_print(const struct status *st)
{
	const struct ctl_daemon	*d = &st->daemon;
	size_t			 i;

	family("ucarp_info", GAUGE, "The daemon's version, always 1.");
	printf("ucarp_info{version=\"");
	label(d->version);
	printf("\"} 1\n");
	family("ucarp_instances", GAUGE, "Instances the daemon runs.");
	printf("ucarp_instances %u\n", d->instances);
	family("ucarp_reloads_total", COUNTER,
	    "Configuration reloads since start-up, by result.");
	printf("ucarp_reloads_total{result=\"applied\"} %llu\n",
	    (unsigned long long)d->reloads_applied);
	printf("ucarp_reloads_total{result=\"refused\"} %llu\n",
	    (unsigned long long)d->reloads_refused);
	metrics_states(st);
	metrics_addrs(st);
	for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		per_instance(st, &simple[i]);
	metrics_drops_scripts(st);
	metrics_checks(st);
	metrics_managed(st);
	metrics_peers(st);
}
