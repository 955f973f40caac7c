/*
 * sim_trace.c: the event trace.  Records are kept in a ring, cheap to
 * write, and formatted like a log only when printed: time, node, vhid,
 * event, transition and cause.
 */
#include <inttypes.h>
#include <string.h>

#include "sim.h"

static const char *const op_names[OP_MAX] = {
	"start", "crash (SIGKILL)", "freeze (SIGSTOP)", "resume (SIGCONT)",
	"link down", "link up", "step-down (SIGUSR2)", "shutdown (SIGTERM)",
	"reload", "partition", "heal", "net", "send failures",
	"wall clock step",
};

static const char *const key_names[KEY_MAX] = {
	"advbase", "advskew", "deadratio", "preempt", "ignoreifstate",
};

static const char *const net_names[NET_MAX] = {
	"delay", "jitter", "loss", "dup", "reorder", "corrupt",
};

static const char *const xfail_names[XF_MAX] = {
	"wedge-ignoreifstate-on",
	"ignoreifstate-off-link-down",
};

/* The name of i in a table of n, "?" out of range. */
static const char *
lookup(const char *const *t, unsigned n, unsigned i)
{
	return i < n ? t[i] : "?";
}

const char *
sim_op_name(enum sim_op_type t)
{
	return lookup(op_names, OP_MAX, t);
}

const char *
sim_key_name(enum sim_key k)
{
	return lookup(key_names, KEY_MAX, k);
}

const char *
sim_net_name(enum sim_net_field f)
{
	return lookup(net_names, NET_MAX, f);
}

const char *
sim_xfail_name(enum sim_xfail x)
{
	return lookup(xfail_names, XF_MAX, x);
}

bool
sim_xfail_parse(const char *s, enum sim_xfail *x)
{
	int	i;

	for (i = 0; i < XF_MAX; i++)
		if (strcmp(s, xfail_names[i]) == 0) {
			*x = (enum sim_xfail)i;
			return true;
		}
	return false;
}

/* The event's name; CARP_EV_MAX stands for a reload's new settings. */
const char *
sim_event_name(enum carp_event_type t)
{
	return t == CARP_EV_MAX ? "reload" : carp_event_name(t);
}

/* Keep one record; print it at once in verbose mode. */
void
sim_rec(struct sim_world *w, uint8_t type, int node, int vi, unsigned a,
    unsigned b, unsigned c, unsigned d, uint64_t x)
{
	struct sim_rec	*r = &w->rec[w->nrec++ % SIM_TRACE_MAX];

	r->at = w->now;
	r->type = type;
	r->node = (uint8_t)node;
	r->vi = (uint8_t)vi;
	r->a = (uint8_t)a;
	r->b = (uint8_t)b;
	r->c = (uint8_t)c;
	r->d = (uint8_t)d;
	r->x = x;
	if (w->verbose > 0 && w->out != NULL)
		sim_rec_print(w, r, w->out);
}

/* "reload advskew=50", "net loss=100", "partition 0101". */
static void
print_op(const struct sim_world *w, const struct sim_rec *r, FILE *f)
{
	int	i;

	fprintf(f, "%s", sim_op_name(r->a));
	switch (r->a) {
	case OP_RELOAD:
		fprintf(f, " %s=%" PRIu64, sim_key_name(r->b), r->x);
		break;
	case OP_NET:
		fprintf(f, " %s=%" PRIu64, sim_net_name(r->b), r->x);
		break;
	case OP_SENDFAIL:
		fprintf(f, " %s", r->x ? "on" : "off");
		break;
	case OP_WALLJUMP:
		fprintf(f, " to %+" PRId64 " ms", (int64_t)r->x - 900);
		break;
	case OP_PARTITION:
		fprintf(f, " groups ");
		for (i = 0; i < w->nnodes; i++)
			fputc('A' + (int)(r->x >> (2 * i) & 3), f);
		break;
	default:
		break;
	}
}

static void
print_body(const struct sim_world *w, const struct sim_rec *r, FILE *f)
{
	switch (r->type) {
	case REC_OP:
		fprintf(f, "%-10s", "OP");
		print_op(w, r, f);
		break;
	case REC_TRANS:
		fprintf(f, "%-10s%s -> %s (%s)", sim_event_name(r->d),
		    carp_state_name(r->a), carp_state_name(r->b),
		    carp_cause_name(r->c));
		break;
	case REC_SCRIPT:
		fprintf(f, "%-10s%s (%s)", "script", r->a == CARP_ACT_SCRIPT_UP ?
		    "up" : "down", carp_cause_name(r->c));
		break;
	case REC_GARP:
		fprintf(f, "%-10s", "garp");
		break;
	case REC_NOTICE:
		fprintf(f, "%-10s%s", "notice", carp_cause_name(r->c));
		break;
	case REC_TX:
		fprintf(f, "%-10sadvbase %u advskew %u counter %016" PRIx64 "%s",
		    "tx", r->a, r->b, r->x, r->c ? "" : " (write failed)");
		break;
	case REC_RX:
		fprintf(f, "%-10sfrom n%u: %s, counter %016" PRIx64, "rx", r->a,
		    carp_verdict_name(r->b), r->x);
		break;
	case REC_FAIL:
		fprintf(f, "%-10s%s", "FAIL", w->why);
		break;
	default:
		break;
	}
}

/* One line: "   12.345678  n1 ours  198.18.1.2   vhid 7    ...". */
void
sim_rec_print(const struct sim_world *w, const struct sim_rec *r, FILE *f)
{
	int64_t		t = r->at - SIM_T0;
	const uint8_t	*ip;
	char		 who[40], vh[16];

	if (r->type == REC_RX && w->verbose < 2)
		return;
	if (r->node < w->nnodes) {
		ip = w->node[r->node].ip;
		snprintf(who, sizeof(who), "n%u %-5s %u.%u.%u.%u", r->node,
		    w->node[r->node].kind == SIM_OURS ? "ours" : "ucarp",
		    ip[0], ip[1], ip[2], ip[3]);
	} else
		snprintf(who, sizeof(who), "-");
	if (r->vi < w->nvhids && !(r->type == REC_OP && r->a != OP_RELOAD))
		snprintf(vh, sizeof(vh), "vhid %u", w->sc->vhid[r->vi]);
	else
		snprintf(vh, sizeof(vh), "-");
	fprintf(f, "%5" PRId64 ".%06" PRId64 "  %-26s %-9s ", t / SIM_US,
	    t % SIM_US, who, vh);
	print_body(w, r, f);
	fputc('\n', f);
}

/* The last `last` records (all that are kept if 0). */
void
sim_trace_print(const struct sim_world *w, FILE *f, size_t last)
{
	uint64_t	i, from, kept;

	kept = w->nrec < SIM_TRACE_MAX ? w->nrec : SIM_TRACE_MAX;
	if (last == 0 || last > kept)
		last = kept;
	from = w->nrec - last;
	if (from > 0)
		fprintf(f, "(%" PRIu64 " earlier records not shown)\n", from);
	for (i = from; i < w->nrec; i++)
		sim_rec_print(w, &w->rec[i % SIM_TRACE_MAX], f);
}

static void
print_cfg(const struct sim_icfg *c, FILE *f)
{
	fprintf(f, "advbase %u advskew %u deadratio %u%s%s%s%s%s%s",
	    c->advbase, c->advskew, c->deadratio, c->preempt ? " preempt" : "",
	    c->neutral ? " neutral" : "", c->bowout ? " shutdown" : "",
	    c->ignoreifstate ? " ignoreifstate" : "",
	    c->replay ? " replay_protect" : "", c->present ? "" : " (absent)");
}

/* The scenario as set up: nodes, their instances, the network. */
void
sim_scen_print(const struct sim_scen *sc, FILE *f)
{
	int	i, vi;

	fprintf(f, "scenario %s, seed %" PRIu64 ", %d nodes, %d vhids, "
	    "%.1f s\n", sc->name != NULL ? sc->name : "(random)", sc->seed,
	    sc->nnodes, sc->nvhids, (double)sc->duration / SIM_US);
	for (i = 0; i < sc->nnodes; i++) {
		fprintf(f, "  n%d %-5s %u.%u.%u.%u\n", i, sc->kind[i] ==
		    SIM_OURS ? "ours" : "ucarp", sc->ip[i][0], sc->ip[i][1],
		    sc->ip[i][2], sc->ip[i][3]);
		for (vi = 0; vi < sc->nvhids; vi++) {
			fprintf(f, "      vhid %-3u ", sc->vhid[vi]);
			print_cfg(&sc->cfg[i][vi], f);
			fputc('\n', f);
		}
	}
	fprintf(f, "  link:");
	for (i = 0; i < NET_MAX; i++)
		fprintf(f, " %s=%u", sim_net_name(i), sc->net[i]);
	fprintf(f, " (delays in µs, rates per mille)\n");
}
