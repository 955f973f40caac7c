/*
 * instance_priv.h: struct instance and the functions the instance*.c
 * files share; for those files only (everyone else uses instance.h).
 *   instance.c         life cycle and the state machine's driver (step,
 *                      exec, the one timer, sends)
 *   instance_rx.c      receive policy: group, verify, rekey window,
 *                      replay, verdict counters and their logs
 *   instance_script.c  scripts' argv and environment, the record of the
 *                      last queued script, its rebuild on reload
 *   instance_reload.c  reload in place, address moves, removal
 *   instance_ctl.c     the instance for the control socket: status, events
 *   instance_health.c  the health model around the instances: levels and
 *                      holds pushed into the state machines
 *   instance_addrs.c   manage_addresses: addresses added and removed over
 *                      netlink, removals behind our back put right
 */
#ifndef INSTANCE_PRIV_H
#define INSTANCE_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "addr_plan.h"
#include "carp_fsm.h"
#include "carp_hmac.h"
#include "carp_pkt.h"
#include "carp_rekey.h"
#include "carp_replay.h"
#include "cfg.h"
#include "dheap.h"
#include "health.h"
#include "log.h"
#include "script.h"
#include "ucast.h"

#define INSTANCE_WARN_PERIOD_US	1000000

/*
 * What the last script queued was queued for, so that a reload can
 * rebuild it while it waits to start (instance_update).
 */
struct instance_script_rec {
	enum script_kind	 kind;
	enum carp_state		 state;		/* UCARP_STATE */
	enum carp_state		 prev;		/* UCARP_PREV_STATE */
	const char		*reason;	/* static */
	char			**addrs;	/* the addresses it was given */
	size_t			 naddrs;
};

/* How instance_script_queue() hands a script to the queue. */
enum instance_script_how {
	INSTANCE_SCRIPT_PUSH,	/* a transition's script */
	INSTANCE_SCRIPT_UNDO,	/* a down script later ones do not replace */
	INSTANCE_SCRIPT_REBUILD	/* replaces the script waiting to start */
};

/* manage_addresses: one slot per address of cfg (slot NULL: off). */
struct instance_addrs {
	struct addr_plan_slot	*slot;
	size_t			 n;
	unsigned		 ifindex;	/* when last placed */
	int			 err;		/* the last request's errno */
	uint64_t		 restores;	/* removals behind our back */
	uint64_t		 errors;	/* failed requests */
};

/*
 * What only a dropped frame needs, made at the first one (most instances
 * never see one): the counters per verdict (but CARP_OK's: received), a
 * log rate limiter per verdict, and what the control socket's monitors
 * were told of.
 */
struct instance_drops {
	uint64_t		 count[CARP_VERDICT_MAX];
	uint64_t		 told[CARP_VERDICT_MAX]; /* monitor */
	struct log_rate		 rate[CARP_VERDICT_MAX];
};

/*
 * One per vhid, 10,000 in a daemon: what most instances never use is
 * made when first needed (auth_old, replay, drops).
 */
struct instance {
	struct cfg_instance	*cfg;
	struct carp_fsm		 fsm;
	struct carp_auth	 auth;
	struct carp_auth	*auth_old;	/* before a reload changed it:
						   while a rekey window is open */
	struct carp_rekey	 rekey;		/* when auth_old is used */
	struct carp_replay	*replay;	/* per-peer counters (opt-in),
						   at the first advert checked */
	struct iface		*ifp;
	struct ucast		*uc;		/* unicast peers, sockets */
	struct dheap_node	 tnode;		/* in the instances' timer */
	struct instance		*txq_next;	/* adverts sent in a tick */
	unsigned		 txq_n;		/* their number */
	uint32_t		 txq_fail;	/* bit i: advert i failed */
	int			 txq_depth;	/* of the event that sent them */
	struct script_q		*sq;		/* at the first script */
	struct instance_script_rec	 queued;	/* the last script queued */
	char			*prefix;	/* "eth0 vhid 42 (web): " */
	enum carp_state		 last_from;	/* of the last transition */
	enum carp_cause		 last_cause;
	uint64_t		 sent;
	uint64_t		 send_errors;
	uint64_t		 received;
	uint64_t		 transitions;
	struct instance_drops	*drops;		/* see instance_counters */
	uint64_t		 garps;		/* GARP rounds sent */
	int64_t			 since_us;	/* wall clock, last change */
	bool			 heard;		/* master holds an address */
	struct carp_addr	 master;	/* last peer heard from */
	struct log_rate		 rate_nonpref;
	size_t			 hidx;		/* in the health model */
	struct health_level	 hl;		/* as last pushed */
	bool			 maint;		/* maintenance mode */
	enum script_kind	 sq_last;	/* recorded while sq is NULL */
	time_t			 maint_since;
	struct instance_addrs	 am;
};

/* instance.c */
char	*instance_make_prefix(const struct cfg_instance *);
const uint8_t	*instance_src4(const struct cfg_instance *);
bool	 instance_src6(struct instance *, uint8_t out[16]);
bool	 instance_has(const struct cfg_instance *, uint8_t family);
bool	 instance_joins6(const struct cfg_instance *);
void	 instance_params(const struct cfg_instance *, struct carp_params *);
/* ev->now 0: the event happens now; else the caller read the clock. */
void	 instance_step(struct instance *, struct carp_event *, int depth);
void	 instance_event(struct instance *, enum carp_event_type);
void	 instance_exec(struct instance *, const struct carp_actions *, int depth);
void	 instance_arm(struct instance *);
void	 instance_rekey_close(struct instance *, int64_t now);
bool	 instance_auth_init(struct carp_auth *, const struct cfg_instance *);
struct event_base *instance_event_base(void);

/* instance_rx.c: the interface's input callback. */
void	 instance_rx_input(void *arg, const uint8_t *frame, size_t len,
	    const struct carp_advert *adv);
void	 instance_rx_free(struct instance *);
void	 instance_counters(const struct instance *,
	    uint64_t out[CARP_VERDICT_MAX]);

/* instance_script.c */
char	*instance_addrs_str(char *const *addrs, size_t naddrs, int family);
void	 instance_script_queue(struct instance *, const struct cfg_instance *,
	    char *const *addrs, size_t naddrs, enum script_kind,
	    enum carp_state state, enum carp_state prev, const char *reason,
	    enum instance_script_how);
void	 instance_script_transition(struct instance *, const struct carp_action *);
void	 instance_script_rebuild(struct instance *, const struct cfg_instance *,
	    enum script_kind waiting);
void	 instance_script_rec_clear(struct instance_script_rec *);

/* instance_ctl.c: events for the control socket's monitors. */
void	 instance_ctl_transition(struct instance *,
	    const struct carp_action *);
void	 instance_ctl_script_cb(void *, enum script_kind, bool ok,
	    const char *cause);
void	 instance_ctl_drops(struct instance *, enum carp_verdict);

/* instance_addrs.c: manage_addresses. */
void	 instance_addrs_new(struct instance *);
void	 instance_addrs_free(struct instance *);
void	 instance_addrs_transition(struct instance *,
	    const struct carp_action *);
bool	 instance_addrs_managed(const struct instance *);
void	 instance_addrs_release(struct instance *);
void	 instance_addrs_update(struct instance *,
	    const struct cfg_instance *old);
struct ctl_instance;
void	 instance_addrs_to_ctl(const struct instance *, struct ctl_instance *);

#endif /* INSTANCE_PRIV_H */
