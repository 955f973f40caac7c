/*
 * cfg_diff.h: what a reload changes (pure core).
 *
 * Instances are matched by their identity, (interface, vhid), as keepalived
 * matches VRRP instances and bgpd its peers; each gets a plan entry: keep
 * (identical), update (same identity, settings changed, applied in place),
 * add or delete.  A change of identity is a delete plus an add.
 */
#ifndef CFG_DIFF_H
#define CFG_DIFF_H

#include <stddef.h>

#include "cfg.h"

/*
 * What changed in an instance kept across a reload (bits).  Which keys
 * need which is the reload column of the key table (cfg_keys.c).
 */
#define CFG_CH_PROTO	0x01	/* the state machine's parameters */
#define CFG_CH_AUTH	0x02	/* password or set of addresses */
#define CFG_CH_GROUP	0x04	/* multicast group membership */
#define CFG_CH_NAME	0x08	/* name (log prefix, UCARP_INSTANCE) */
#define CFG_CH_SCRIPTS	0x10	/* what scripts run or receive */
#define CFG_CH_HEALTH	0x20	/* groups or tracked objects */
#define CFG_CH_ADDRMGR	0x40	/* built-in address management */
#define CFG_CH_PEERS	0x80	/* unicast peers or their options */

enum cfg_plan_action {
	CFG_PLAN_KEEP = 0,
	CFG_PLAN_UPDATE,
	CFG_PLAN_ADD,
	CFG_PLAN_DELETE
};

struct cfg_plan {
	enum cfg_plan_action	action;
	size_t			old_idx;	/* KEEP, UPDATE, DELETE */
	size_t			new_idx;	/* KEEP, UPDATE, ADD */
	unsigned		changed;	/* CFG_CH_* for UPDATE */
};

/* Scratch the caller provides: one per instance of each side. */
struct cfg_diff_key {
	const struct cfg_instance	*cv;
	size_t			 idx;
};

/* Order of identities: interface name, then vhid. */
int		cfg_identity_cmp(const struct cfg_instance *, const struct cfg_instance *);

/* CFG_CH_* bits that differ between two instances of the same identity. */
unsigned	cfg_instance_changes(const struct cfg_instance *, const struct cfg_instance *);

/*
 * The plan from old to new: first every DELETE (in old order), then one
 * entry per new instance in new order.  plan has room for old->ninstances +
 * new->ninstances entries; ko and kn hold old->ninstances and new->ninstances keys.
 * Returns the number of entries.  Identities are unique on each side
 * (cfg_check guarantees it).
 */
size_t		cfg_diff(const struct cfg *old, const struct cfg *new,
		    struct cfg_diff_key *ko, struct cfg_diff_key *kn,
		    struct cfg_plan *plan);

#endif /* CFG_DIFF_H */
