/*
 * vhost_priv.h: struct vhost and the functions the vhost*.c files share;
 * for those files only (everyone else uses vhost.h).
 *   vhost.c         life cycle and the state machine's driver (step, exec,
 *                   the one timer, sends)
 *   vhost_rx.c      receive policy: group, verify, rekey window, replay,
 *                   verdict counters and their logs
 *   vhost_script.c  scripts' argv and environment, the record of the last
 *                   queued script, its rebuild on reload
 *   vhost_reload.c  reload in place, address moves, removal
 */
#ifndef VHOST_PRIV_H
#define VHOST_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "carp_fsm.h"
#include "carp_hmac.h"
#include "carp_pkt.h"
#include "carp_rekey.h"
#include "carp_replay.h"
#include "cfg.h"
#include "log.h"
#include "script.h"

#define VHOST_WARN_PERIOD_US	1000000

/*
 * What the last script queued was queued for, so that a reload can
 * rebuild it while it waits to start (vhost_update).
 */
struct vhost_script_rec {
	enum script_kind	 kind;
	enum carp_state		 state;		/* UCARP_STATE */
	enum carp_state		 prev;		/* UCARP_PREV_STATE */
	const char		*reason;	/* static */
	char			**addrs;	/* the addresses it was given */
	size_t			 naddrs;
};

/* How vhost_script_queue() hands a script to the queue. */
enum vhost_script_how {
	VHOST_SCRIPT_PUSH,	/* a transition's script */
	VHOST_SCRIPT_UNDO,	/* a down script later ones do not replace */
	VHOST_SCRIPT_REBUILD	/* replaces the script waiting to start */
};

struct vhost {
	struct cfg_vhost	*cfg;
	struct carp_fsm		 fsm;
	struct carp_auth	 auth;
	struct carp_auth	 auth_old;	/* before a reload changed it */
	struct carp_rekey	 rekey;		/* when auth_old is used */
	struct carp_replay	 replay;	/* per-peer counters (opt-in) */
	struct iface		*ifp;
	struct event		*timer;
	struct script_q		*sq;
	struct vhost_script_rec	 queued;	/* the last script queued */
	char			*prefix;	/* "eth0 vhid 42 (web): " */
	enum carp_state		 last_from;	/* of the last transition */
	enum carp_cause		 last_cause;
	uint64_t		 sent;
	uint64_t		 send_errors;
	uint64_t		 received;
	uint64_t		 transitions;
	uint64_t		 counters[CARP_VERDICT_MAX];
	struct log_rate		 rate[CARP_VERDICT_MAX];
	struct log_rate		 rate_nonpref;
};

/* vhost.c */
char	*vhost_make_prefix(const struct cfg_vhost *);
void	 vhost_params(const struct cfg_vhost *, struct carp_params *);
void	 vhost_step(struct vhost *, struct carp_event *, int depth);
void	 vhost_event(struct vhost *, enum carp_event_type);
void	 vhost_exec(struct vhost *, const struct carp_actions *, int depth);
void	 vhost_arm(struct vhost *);
void	 vhost_rekey_close(struct vhost *, int64_t now);

/* vhost_rx.c: the interface's input callback. */
void	 vhost_rx_input(void *arg, const uint8_t *frame, size_t len,
	    const struct carp_advert *adv);

/* vhost_script.c */
char	*vhost_addrs_str(char *const *addrs, size_t naddrs);
void	 vhost_script_queue(struct vhost *, const struct cfg_vhost *,
	    char *const *addrs, size_t naddrs, enum script_kind,
	    enum carp_state state, enum carp_state prev, const char *reason,
	    enum vhost_script_how);
void	 vhost_script_transition(struct vhost *, const struct carp_action *);
void	 vhost_script_rebuild(struct vhost *, const struct cfg_vhost *,
	    enum script_kind waiting);
void	 vhost_script_rec_clear(struct vhost_script_rec *);

#endif /* VHOST_PRIV_H */
