/*
 * instance_script.c: an instance's scripts.  Builds ucarp's argv and our
 * UCARP_* environment, hands them to the script queue, and keeps the
 * record of what the last queued script was queued for, so that a reload
 * can rebuild the script still waiting to start.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instance_priv.h"
#include "xmalloc.h"

/* Forget the record of the last queued script. */
void
instance_script_rec_clear(struct instance_script_rec *r)
{
	size_t	i;

	for (i = 0; i < r->naddrs; i++)
		free(r->addrs[i]);
	free(r->addrs);
	r->addrs = NULL;
	r->naddrs = 0;
}

/*
 * Whether an address as written is of family (0: any).  They were parsed
 * already: only IPv6 ones hold a ':'.
 */
static bool
instance_addr_is(const char *addr, int family)
{
	return family == 0 ||
	    (strchr(addr, ':') != NULL) == (family == CARP_AF_INET6);
}

/*
 * The addresses of family (0: all) as scripts get them in UCARP_ADDRS,
 * UCARP_ADDRS4 and UCARP_ADDRS6: "a b c", as written.
 */
char *
instance_addrs_str(char *const *addrs, size_t naddrs, int family)
{
	char	*s;
	size_t	 i, n, len;

	for (i = 0, len = 1; i < naddrs; i++)
		len += strlen(addrs[i]) + 1;
	s = xcalloc(1, len);
	for (i = 0, n = 0; i < naddrs; i++)
		if (instance_addr_is(addrs[i], family))
			n += (size_t)snprintf(s + n, len - n, "%s%s",
			    n > 0 ? " " : "", addrs[i]);
	return s;
}

/* Remember what a script was queued for (addrs are copied). */
static void
instance_script_record(struct instance *inst, char *const *addrs, size_t naddrs,
    enum script_kind kind, enum carp_state state, enum carp_state prev,
    const char *reason)
{
	struct instance_script_rec	r;
	size_t			i;

	/* Copy first: addrs may be the record being replaced. */
	r = (struct instance_script_rec){ kind, state, prev, reason, NULL, naddrs };
	r.addrs = xcalloc(naddrs, sizeof(*r.addrs));
	for (i = 0; i < naddrs; i++)
		r.addrs[i] = xstrdup(addrs[i]);
	instance_script_rec_clear(&inst->queued);
	inst->queued = r;
}

/*
 * The queue is made at the first script there is to queue: 10,000
 * instances without scripts held 1.4 MB of queues and labels.  Until
 * then a transition is recorded here as an idle queue records it (runq.c):
 * a push sets the last kind, an undo turns an up into a down, and nothing
 * waits to be rebuilt.  True if that was all there was to do.
 */
static bool
instance_script_lazy(struct instance *inst, const char *path,
    enum script_kind kind, enum instance_script_how how)
{
	if (inst->sq != NULL)
		return false;
	if (path != NULL) {
		inst->sq = script_q_new(inst->prefix, inst->sq_last);
		script_q_on_exit(inst->sq, instance_ctl_script_cb, inst);
		return false;
	}
	if (how == INSTANCE_SCRIPT_PUSH)
		inst->sq_last = kind;
	else if (how == INSTANCE_SCRIPT_UNDO && inst->sq_last == SCRIPT_UP)
		inst->sq_last = SCRIPT_DOWN;
	return true;
}

/*
 * Hand a script to the queue with ucarp's argv and our environment: path,
 * xparam and name from cv, the addresses from addrs (the first one is the
 * second argument, as in ucarp).
 */
void
instance_script_queue(struct instance *inst, const struct cfg_instance *cv,
    char *const *addrs, size_t naddrs, enum script_kind kind,
    enum carp_state state, enum carp_state prev, const char *reason,
    enum instance_script_how how)
{
	const char	*path;
	char		*argv[5], *env[10], *as, *as4, *as6;
	int		 k = 0;

	path = kind == SCRIPT_UP ? cv->upscript : cv->downscript;
	if (instance_script_lazy(inst, path, kind, how))
		goto record;
	argv[0] = (char *)(path != NULL ? path : "");
	argv[1] = cv->interface;
	argv[2] = addrs[0];
	argv[3] = cv->xparam;
	argv[4] = NULL;

	as = instance_addrs_str(addrs, naddrs, 0);
	as4 = instance_addrs_str(addrs, naddrs, CARP_AF_INET);
	as6 = instance_addrs_str(addrs, naddrs, CARP_AF_INET6);
	xasprintf(&env[k++], "UCARP_INSTANCE=%s", cv->name != NULL ?
	    cv->name : "");
	xasprintf(&env[k++], "UCARP_VHID=%u", cv->vhid);
	xasprintf(&env[k++], "UCARP_INTERFACE=%s", cv->interface);
	xasprintf(&env[k++], "UCARP_ADDRS=%s", as);
	xasprintf(&env[k++], "UCARP_ADDRS4=%s", as4);
	xasprintf(&env[k++], "UCARP_ADDRS6=%s", as6);
	xasprintf(&env[k++], "UCARP_STATE=%s", carp_state_name(state));
	xasprintf(&env[k++], "UCARP_PREV_STATE=%s", carp_state_name(prev));
	xasprintf(&env[k++], "UCARP_REASON=%s", reason);
	env[k] = NULL;
	switch (how) {
	case INSTANCE_SCRIPT_PUSH:
		script_q_push(inst->sq, kind, path, argv, env);
		break;
	case INSTANCE_SCRIPT_UNDO:
		script_q_push_undo(inst->sq, path, argv, env);
		break;
	case INSTANCE_SCRIPT_REBUILD:
		script_q_repoint(inst->sq, path, argv, env);
		break;
	}
	while (k > 0)
		free(env[--k]);
	free(as);
	free(as4);
	free(as6);
record:
	/* An undo is never replaced: the record stays the last push's. */
	if (how != INSTANCE_SCRIPT_UNDO)
		instance_script_record(inst, addrs, naddrs, kind, state, prev,
		    reason);
}

/* Queue a transition's up or down script. */
void
instance_script_transition(struct instance *inst, const struct carp_action *a)
{
	instance_script_queue(inst, inst->cfg, inst->cfg->addr_strs, inst->cfg->naddrs,
	    a->type == CARP_ACT_SCRIPT_UP ? SCRIPT_UP : SCRIPT_DOWN,
	    a->to, inst->last_from, carp_cause_name(a->cause), INSTANCE_SCRIPT_PUSH);
}

/*
 * Reload: the script waiting to start runs what cv says (path, xparam,
 * name).  A down script keeps the addresses it was queued with, because
 * it undoes what the up script before it set up; an up script gets cv's.
 */
void
instance_script_rebuild(struct instance *inst, const struct cfg_instance *cv,
    enum script_kind waiting)
{
	const struct instance_script_rec	*r = &inst->queued;

	if (waiting == SCRIPT_DOWN)
		instance_script_queue(inst, cv, r->addrs, r->naddrs, waiting,
		    r->state, r->prev, r->reason, INSTANCE_SCRIPT_REBUILD);
	else
		instance_script_queue(inst, cv, cv->addr_strs, cv->naddrs, waiting,
		    r->state, r->prev, r->reason, INSTANCE_SCRIPT_REBUILD);
}
