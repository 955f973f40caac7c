/*
 * vhost_reload.c: a reload applied to a running instance: new settings
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
#include "vhost.h"
#include "vhost_priv.h"

#define VHOST_REASON_ADDRS	"addresses changed (reload)"

/* The virtual addresses differ, in value or order (the first is argv[2]). */
static bool
vhost_addrs_differ(const struct cfg_vhost *a, const struct cfg_vhost *b)
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
 * set up yet: that script just gets the new addresses (vhost_update).
 * A backup has nothing set up and takes the new set as it is.
 */
static void
vhost_move_addrs(struct vhost *vh, const struct cfg_vhost *old,
    bool undo_queued)
{
	struct carp_actions	 acts;
	char			*from, *to;

	from = vhost_addrs_str(old->addr_strs, old->naddrs);
	to = vhost_addrs_str(vh->cfg->addr_strs, vh->cfg->naddrs);
	if (vh->fsm.state != CARP_MASTER)
		log_info("%saddresses changed by the reload (%s -> %s); the "
		    "new ones are set up at the next takeover", vh->prefix,
		    from, to);
	else if (undo_queued) {
		log_info("%saddresses changed by the reload (%s -> %s): down "
		    "script for the old ones, then up script for the new "
		    "ones", vh->prefix, from, to);
		vhost_script_queue(vh, vh->cfg, vh->cfg->addr_strs,
		    vh->cfg->naddrs, SCRIPT_UP, CARP_MASTER, CARP_MASTER,
		    VHOST_REASON_ADDRS, VHOST_SCRIPT_PUSH);
	} else
		log_info("%saddresses changed by the reload (%s -> %s): the "
		    "waiting up script gets the new ones", vh->prefix, from,
		    to);
	free(from);
	free(to);
	acts.n = 0;
	carp_fsm_addrs_changed(&vh->fsm, &acts);
	vhost_exec(vh, &acts, 0);
}

/*
 * A new password or address set changes the HMAC: the rekey window
 * (carp_rekey.h) keeps the key peers accept now, the one we send.
 * Returns false if the new key cannot be made.
 */
static bool
vhost_rekey(struct vhost *vh, const struct cfg_vhost *cv)
{
	struct carp_auth	na;

	if (!carp_auth_init(&na, cv->pass, cv->passlen, cv->vhid,
	    (const uint8_t (*)[4])cv->addrs, cv->naddrs)) {
		log_msg(LOG_ERR, "%sreload: unusable password or addresses; "
		    "kept the old ones", vh->prefix);
		return false;
	}
	if (carp_rekey_start(&vh->rekey, clock_mono_us()))
		carp_auth_move(&vh->auth_old, &vh->auth);
	carp_auth_move(&vh->auth, &na);
	return true;
}

/*
 * Apply a reloaded configuration of the same (interface, vhid) in place:
 * state, timers, counter, capture and script queue stay.  A new key goes
 * through the rekey window (vhost_rekey).  New addresses also move a
 * master's scripts (vhost_move_addrs).  A script still waiting to start
 * runs what the new configuration says (vhost_script_rebuild).  Returns
 * false (nothing changed, cv not taken) if the new settings cannot be
 * used.
 */
bool
vhost_update(struct vhost *vh, struct cfg_vhost *cv, unsigned changed)
{
	struct carp_params	 p;
	struct carp_actions	 acts;
	struct cfg_vhost	*old = vh->cfg;
	enum script_kind	 waiting;
	bool			 moved, undo = false;

	if ((changed & CFG_CH_AUTH) && !vhost_rekey(vh, cv))
		return false;
	moved = vhost_addrs_differ(old, cv);
	waiting = script_q_waiting(vh->sq);
	if (moved && vh->fsm.state == CARP_MASTER && waiting != SCRIPT_UP) {
		/* Before anything changes: the old script, label, addresses. */
		vhost_script_queue(vh, old, old->addr_strs, old->naddrs,
		    SCRIPT_DOWN, CARP_BACKUP, CARP_MASTER, VHOST_REASON_ADDRS,
		    VHOST_SCRIPT_UNDO);
		undo = true;
	}
	if (changed & CFG_CH_GROUP) {
		if (!old->nomcast)
			iface_leave(vh->ifp, old->mcast);
		if (!cv->nomcast)
			iface_join(vh->ifp, cv->mcast);
	}
	vh->cfg = cv;
	if (changed & CFG_CH_NAME) {
		free(vh->prefix);
		vh->prefix = vhost_make_prefix(cv);
		script_q_set_label(vh->sq, vh->prefix);
	}
	if (changed & CFG_CH_PROTO) {
		vhost_params(cv, &p);
		acts.n = 0;
		carp_fsm_set_params(&vh->fsm, &p, clock_mono_us(), &acts);
		vhost_exec(vh, &acts, 0);
	}
	if (!undo && waiting != SCRIPT_NONE &&
	    (moved || (changed & (CFG_CH_SCRIPTS | CFG_CH_NAME))))
		vhost_script_rebuild(vh, cv, waiting);
	if (moved)
		vhost_move_addrs(vh, old, undo);
	cfg_vhost_free(old);
	return true;
}

/*
 * Removed by a reload: a master bows out (advbase 255, advskew 255) so a
 * peer takes over at once, and runs its down script; the script queue
 * outlives the instance until that script has run.
 */
void
vhost_remove(struct vhost *vh)
{
	struct carp_params	p;
	struct carp_actions	acts;

	if (vh->fsm.state == CARP_MASTER) {
		vhost_params(vh->cfg, &p);
		p.bowout = true;
		acts.n = 0;
		carp_fsm_set_params(&vh->fsm, &p, clock_mono_us(), &acts);
		vhost_exec(vh, &acts, 0);
		vhost_event(vh, CARP_EV_SHUTDOWN);
	}
	log_info("%sremoved by the reload", vh->prefix);
	script_q_release(vh->sq);
	vh->sq = NULL;
	vhost_free(vh);
}
