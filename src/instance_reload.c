/*
 * instance_reload.c: a reload applied to a running instance: new settings
 * of the same (interface, vhid) in place (key, group, name, protocol,
 * scripts, addresses), or the instance's removal.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cfg_diff.h"
#include "cfg_mem.h"
#include "clock.h"
#include "iface.h"
#include "instance.h"
#include "instance_priv.h"
#include "xmalloc.h"

#define INSTANCE_REASON_ADDRS	"addresses changed (reload)"

/*
 * The virtual addresses differ, in value, prefix or order (the first is
 * argv[2]; scripts set up the prefixes).
 */
static bool
instance_addrs_differ(const struct cfg_instance *a, const struct cfg_instance *b)
{
	return a->naddrs != b->naddrs ||
	    memcmp(a->addrs, b->addrs, a->naddrs * sizeof(*a->addrs)) != 0;
}

/*
 * A reload moved the addresses.  A master's old ones may be set up (its
 * up script started): the down script runs for them exactly as the old
 * configuration would have run it, then the up script for the new ones,
 * and gratuitous ARPs announce them; the state, timers and adverts do
 * not change.  If its up script is still waiting to start, nothing was
 * set up yet: that script just gets the new addresses (instance_update).
 * A backup has nothing set up and takes the new set as it is.
 */
static void
instance_move_addrs(struct instance *inst, const struct cfg_instance *old,
    bool undo_queued)
{
	struct carp_actions	 acts;
	char			*from, *to;

	from = instance_addrs_str(old->addr_strs, old->naddrs, 0);
	to = instance_addrs_str(inst->cfg->addr_strs, inst->cfg->naddrs, 0);
	if (inst->fsm.state != CARP_MASTER)
		log_info("%saddresses changed by the reload (%s -> %s); the "
		    "new ones are set up at the next takeover", inst->prefix,
		    from, to);
	else if (undo_queued) {
		log_info("%saddresses changed by the reload (%s -> %s): down "
		    "script for the old ones, then up script for the new "
		    "ones", inst->prefix, from, to);
		instance_script_queue(inst, inst->cfg, inst->cfg->addr_strs,
		    inst->cfg->naddrs, SCRIPT_UP, CARP_MASTER, CARP_MASTER,
		    INSTANCE_REASON_ADDRS, INSTANCE_SCRIPT_PUSH);
	} else
		log_info("%saddresses changed by the reload (%s -> %s): the "
		    "waiting up script gets the new ones", inst->prefix, from,
		    to);
	free(from);
	free(to);
	acts.n = 0;
	carp_fsm_addrs_changed(&inst->fsm, &acts);
	instance_exec(inst, &acts, 0);
}

/*
 * A new password or address set changes the HMAC: the rekey window
 * (carp_rekey.h) keeps the key peers accept now, the one we send.
 * Returns false if the new key cannot be made.
 */
static bool
instance_rekey(struct instance *inst, const struct cfg_instance *cv)
{
	struct carp_auth	na;

	if (!instance_auth_init(&na, cv)) {
		log_msg(LOG_ERR, "%sreload: unusable password or addresses; "
		    "kept the old ones", inst->prefix);
		return false;
	}
	if (carp_rekey_start(&inst->rekey, clock_mono_us())) {
		if (inst->auth_old == NULL)
			inst->auth_old = xcalloc(1, sizeof(*inst->auth_old));
		carp_auth_move(inst->auth_old, &inst->auth);
	}
	carp_auth_move(&inst->auth, &na);
	return true;
}

/*
 * Apply a reloaded configuration of the same (interface, vhid) in place:
 * state, timers, counter, capture and script queue stay.  A new key goes
 * through the rekey window (instance_rekey).  New addresses also move a
 * master's scripts (instance_move_addrs).  A script still waiting to start
 * runs what the new configuration says (instance_script_rebuild).  Returns
 * false (nothing changed, cv not taken) if the new settings cannot be
 * used.
 */
bool
instance_update(struct instance *inst, struct cfg_instance *cv, unsigned changed)
{
	struct carp_params	 p;
	struct carp_actions	 acts;
	struct cfg_instance	*old = inst->cfg;
	enum script_kind	 waiting;
	bool			 moved, undo = false;

	if ((changed & CFG_CH_AUTH) && !instance_rekey(inst, cv))
		return false;
	moved = instance_addrs_differ(old, cv);
	waiting = script_q_waiting(inst->sq);
	if (moved && inst->fsm.state == CARP_MASTER && waiting != SCRIPT_UP) {
		/* Before anything changes: the old script, label, addresses. */
		instance_script_queue(inst, old, old->addr_strs, old->naddrs,
		    SCRIPT_DOWN, CARP_BACKUP, CARP_MASTER, INSTANCE_REASON_ADDRS,
		    INSTANCE_SCRIPT_UNDO);
		undo = true;
	}
	if (changed & CFG_CH_GROUP) {
		if (!old->nomcast)
			iface_leave(inst->ifp, old->mcast);
		if (!cv->nomcast)
			iface_join(inst->ifp, cv->mcast);
	}
	/* The first IPv6 address joins ff02::12, the last one leaves. */
	if (instance_joins6(cv) && !instance_joins6(old))
		iface_join6(inst->ifp);
	else if (!instance_joins6(cv) && instance_joins6(old))
		iface_leave6(inst->ifp);
	inst->cfg = cv;
	/* Addresses in place before the GARPs and scripts of a move. */
	if (moved || (changed & CFG_CH_ADDRMGR))
		instance_addrs_update(inst, old);
	/* Peers' counters stay; the sockets reopen from the new srcip. */
	if (changed & (CFG_CH_PEERS | CFG_CH_PROTO))
		ucast_set_peers(inst->uc, &cv->peer);
	if (changed & CFG_CH_NAME) {
		free(inst->prefix);
		inst->prefix = instance_make_prefix(cv);
		script_q_set_label(inst->sq, inst->prefix);
	}
	if (changed & CFG_CH_PROTO) {
		instance_params(cv, &p);
		acts.n = 0;
		carp_fsm_set_params(&inst->fsm, &p, clock_mono_us(), &acts);
		instance_exec(inst, &acts, 0);
	}
	if (!undo && waiting != SCRIPT_NONE &&
	    (moved || (changed & (CFG_CH_SCRIPTS | CFG_CH_NAME))))
		instance_script_rebuild(inst, cv, waiting);
	if (moved)
		instance_move_addrs(inst, old, undo);
	cfg_instance_free(old);
	return true;
}

/*
 * Removed by a reload: a master bows out (advbase 255, advskew 255) so a
 * peer takes over at once, and runs its down script; the script queue
 * outlives the instance until that script has run.
 */
void
instance_remove(struct instance *inst)
{
	struct carp_params	p;
	struct carp_actions	acts;

	if (inst->fsm.state == CARP_MASTER) {
		instance_params(inst->cfg, &p);
		p.bowout = true;
		acts.n = 0;
		carp_fsm_set_params(&inst->fsm, &p, clock_mono_us(), &acts);
		instance_exec(inst, &acts, 0);
		instance_event(inst, CARP_EV_SHUTDOWN);
	}
	log_info("%sremoved by the reload", inst->prefix);
	script_q_release(inst->sq);
	inst->sq = NULL;
	instance_free(inst);
}
