/*
 * cfg_check.h: semantic checks of a whole configuration (pure core).
 *
 * The checks look at the values only; they allocate nothing and print
 * nothing.  Each problem goes to the caller's report function as a code,
 * the instance and the key it concerns, and its arguments: the words are
 * the caller's (cfg_msg.c has the file's and the command line's).
 */
#ifndef CFG_CHECK_H
#define CFG_CHECK_H

#include <stddef.h>

#include "cfg.h"
#include "cfg_keys.h"

#define CFG_IFNAME_MAX	15	/* bytes in an interface name (IFNAMSIZ - 1) */

/* In the order the checks of one instance run (ucarp 1.5.2's order). */
enum cfg_problem_code {
	CFG_P_NO_INTERFACE,
	CFG_P_IFNAME_LONG,	/* longer than CFG_IFNAME_MAX */
	CFG_P_IFNAME_BAD,	/* not a name Linux takes */
	CFG_P_NO_VHID,
	CFG_P_NO_PASS,
	CFG_P_NO_ADVBASE,	/* advbase and advskew both 0 */
	CFG_P_NO_SRCIP,
	CFG_P_NO_ADDR,
	CFG_P_ADDRS_MANY,	/* n: how many */
	CFG_P_ADDR_PREFIX,	/* n: the index of the address */
	CFG_P_ADDR_LL6,		/* n: the index of the address */
	CFG_P_ADDR_TWICE,	/* n: the index of the repeat */
	CFG_P_DEADRATIO_ZERO,
	CFG_P_MCAST_NOT_GROUP,
	CFG_P_VHID_USED,	/* other: the first instance using it */
	CFG_P_NAME_USED,	/* other: the first instance using it */
	CFG_P_CHECK_UNDEFINED,	/* n: the index in track_check */
	CFG_P_ADDR_POLICY,	/* on_address_removed: an unknown value */
	CFG_P_PEER_OWN,		/* n: the index of the peer */
	CFG_P_PEER_NO_SRC,	/* n: the index of the peer */
	CFG_P_PEER_NO_ADDR,	/* n: the index of the peer */
	CFG_P_PEER_FAMILY,	/* n: CARP_AF_* with addresses, no peer */
	CFG_P_N
};

struct cfg_problem {
	enum cfg_problem_code	 code;
	const struct cfg_instance	*cv;
	const struct cfg_key	*key;	/* NULL: the instance as a whole */
	const struct cfg_instance	*other;
	size_t			 n;
};

typedef void	(*cfg_check_report)(void *arg, const struct cfg_problem *);

/* Scratch the caller provides: one per instance. */
struct cfg_check_slot {
	const struct cfg_instance	*cv;
	size_t			 idx;
	const struct cfg_instance	*vhid_first;	/* earlier user of its vhid */
	const struct cfg_instance	*name_first;	/* earlier user of its name */
};

/*
 * Check every instance and the instances against each other: required
 * keys, interface names, advbase/advskew, the multicast group, the
 * address list, unique (interface, vhid) and unique names, and that
 * every tracked check is defined in the checks list.  Problems are
 * reported instance by instance, in order; sorting makes it O(n log n).
 * scratch holds c->ninstances slots.  Returns the number of problems.
 */
size_t	cfg_check(const struct cfg *, struct cfg_check_slot *scratch,
	    cfg_check_report, void *arg);

#endif /* CFG_CHECK_H */
