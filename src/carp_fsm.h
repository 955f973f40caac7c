/*
 * carp_fsm.h: one CARP virtual host's state machine (pure core).
 *
 * Event in, actions out: carp_fsm_step() takes an event (with the current
 * monotonic time and a random number supplied by the caller) and appends
 * the actions the shell must carry out, in order.  Deadlines are data: the
 * caller arms one timer at carp_fsm_next_deadline() and delivers
 * CARP_EV_TIMER when it fires.  No I/O, no clock, no globals.
 *
 * Semantics follow ucarp 1.5.2 (shared/docs/carp-protocol.md section 3)
 * with its timing bugs fixed: deadlines are exact, nothing blocks.
 */
#ifndef CARP_FSM_H
#define CARP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carp_addr.h"

enum carp_state {
	CARP_INIT = 0,
	CARP_BACKUP,
	CARP_MASTER,
	CARP_STATE_MAX
};

enum carp_event_type {
	CARP_EV_START = 0,	/* INIT -> BACKUP, arms the master-down timer */
	CARP_EV_TIMER,		/* a deadline passed (any of them) */
	CARP_EV_ADVERT,		/* an authenticated advert from a peer */
	CARP_EV_LINK_DOWN,	/* carrier lost / interface down or gone */
	CARP_EV_LINK_UP,	/* carrier back */
	CARP_EV_STEPDOWN,	/* a master yields (SIGUSR2) */
	CARP_EV_SHUTDOWN,	/* -z exit: bow out, down script if not BACKUP */
	CARP_EV_SEND_OK,	/* an advert was sent */
	CARP_EV_SEND_FAIL,	/* sending an advert failed */
	CARP_EV_HEALTH,		/* new demotion level and hold (.health) */
	CARP_EV_MAX
};

/* Why something happened: carried by transitions and notices. */
enum carp_cause {
	CARP_CAUSE_NONE = 0,
	CARP_CAUSE_START,		/* start-up INIT -> BACKUP */
	CARP_CAUSE_MASTER_DOWN,		/* no advert for the master-down interval */
	CARP_CAUSE_PREEMPT,		/* -P and the master is slower than us */
	CARP_CAUSE_SLOW_MASTER,		/* master advertises slower than our down
					   interval (includes bow-out adverts) */
	CARP_CAUSE_PREFERRED_MASTER,	/* a faster (or tie-break winning) master */
	CARP_CAUSE_NONPREFERRED_MASTER,	/* notice: we reassert with a GARP */
	CARP_CAUSE_LINK_DOWN,
	CARP_CAUSE_LINK_UP,
	CARP_CAUSE_STEPDOWN,		/* asked to yield: the shell logs
					   by whom (SIGUSR2) */
	CARP_CAUSE_SHUTDOWN,		/* -z exit */
	CARP_CAUSE_DEMOTED,		/* notice: 3 send failures, advskew 240 */
	CARP_CAUSE_PROMOTED,		/* notice: sends work again */
	CARP_CAUSE_UNEXPECTED,		/* notice: event (in .event) not
					   expected in state .from; ignored */
	CARP_CAUSE_HELD,		/* a fatal check or tracked link
					   fails (the shell says which) */
	CARP_CAUSE_MAINTENANCE,		/* maintenance mode */
	CARP_CAUSE_STARTUP_HOLD,	/* startup_hold not over yet */
	CARP_CAUSE_MAX
};

enum carp_action_type {
	CARP_ACT_TRANSITION = 0,	/* from -> to, cause: log it */
	CARP_ACT_SEND_ADVERT,		/* advbase, advskew, counter */
	CARP_ACT_SEND_GARP,		/* gratuitous ARP for the addresses */
	CARP_ACT_SCRIPT_UP,		/* queue the up script (cause) */
	CARP_ACT_SCRIPT_DOWN,		/* queue the down script (cause) */
	CARP_ACT_NOTICE,		/* log-only: cause */
	CARP_ACT_MAX
};

struct carp_action {
	enum carp_action_type	type;
	enum carp_state		from;
	enum carp_state		to;
	enum carp_cause		cause;
	enum carp_event_type	event;		/* NOTICE (unexpected) */
	uint8_t			advbase;	/* SEND_ADVERT */
	uint8_t			advskew;	/* SEND_ADVERT */
	uint64_t		counter;	/* SEND_ADVERT */
};

/*
 * The most actions one call appends: a takeover (transition, gratuitous
 * ARP, advert, up script).  Every other step appends at most three: a
 * master that yields sends one more advert, then the transition and the
 * down script.  test_fsm drives every (state, event) pair, reloads and
 * address changes and checks this bound.
 */
#define CARP_ACTIONS_WORST	4

/*
 * Room in a list.  A caller must leave CARP_ACTIONS_WORST free before each
 * call; twice that leaves a margin.  Overflowing is a bug, never a dropped
 * action: the core aborts.
 */
#define CARP_ACTIONS_MAX	(2 * CARP_ACTIONS_WORST)

struct carp_actions {
	size_t			n;
	struct carp_action	a[CARP_ACTIONS_MAX];
};

/* Protocol settings of one virtual host (all of ucarp's that matter here). */
struct carp_params {
	uint8_t		advbase;	/* seconds */
	uint8_t		advskew;	/* 1/256 s */
	uint32_t	deadratio;	/* >= 1, multiplies advbase only */
	bool		preempt;	/* -P */
	bool		neutral;	/* -n: no down script at start-up */
	bool		bowout;		/* -z: bow-out advert on stepdown/exit */
	bool		ignoreifstate;	/* -S: link events are ignored */
	bool		monotonic;	/* own counter sequence, never adopted,
					   >= wall clock: for replay checks */
	uint8_t		srcip[4];	/* own source address, for the tie-break */
};

/*
 * Data carried by an event; adv is used by CARP_EV_ADVERT only, health by
 * CARP_EV_HEALTH only.
 */
struct carp_event {
	enum carp_event_type	type;
	int64_t			now;	/* monotonic, microseconds, > 0 */
	uint64_t		rand;	/* fresh random value for counters */
	uint64_t		wall;	/* wall clock, microseconds (monotonic
					   counters only) */
	struct {
		uint8_t		advbase;
		uint8_t		advskew;
		uint8_t		src[4];
		uint64_t	counter;
		bool		yields_tie;	/* the sender yields to an
						   equally frequent master:
						   a BSD kernel's CARP */
	} adv;
	struct {
		uint32_t	demote;	/* added to advskew (clamped) */
		bool		held;	/* may not be master */
		enum carp_cause	cause;	/* of a bow-out: HELD, MAINTENANCE,
					   STARTUP_HOLD */
	} health;
};

/* The machine.  Plain data: the shell may read every field. */
struct carp_fsm {
	struct carp_params	p;
	enum carp_state		state;
	bool			link_down;	/* acting as without carrier */
	bool			carrier_down;	/* as last reported, even while
						   ignoreifstate ignores it */
	bool			counter_random;	/* no peer heard yet */
	uint64_t		counter;	/* last counter sent or heard */
	int64_t			ad_at;		/* next advert, 0 = none */
	int64_t			md_at;		/* master down, 0 = none */
	int64_t			md_from;	/* md_at counts from: the last
						   advert heard, start, link up
						   or the end of a hold */
	enum carp_cause		md_cause;	/* why md_at was armed */
	int64_t			hold_until;	/* no preemption before this */
	unsigned		garp_countdown;	/* adverts until delayed GARP */
	unsigned		send_fail;	/* consecutive send failures */
	unsigned		send_ok;	/* consecutive sends since demotion */
	bool			demoted;	/* advertising advskew 240 */
	uint32_t		demote;		/* health demotion level */
	bool			held;		/* never master while set */
};

/* A backup takes over from a bow-out after advskew / this many seconds. */
#define CARP_BOWOUT_SKEW_DIV	4096

/* Seconds a stepped-down master stays out of elections (ucarp's sleep(3)). */
#define CARP_STEPDOWN_HOLD_US	3000000

/* Initialise in INIT with no deadline. */
void		 carp_fsm_init(struct carp_fsm *, const struct carp_params *);

/*
 * Replace the settings in place (reload); deadlines are re-derived, never
 * later than they were: a takeover already due is not postponed.  A
 * change of ignoreifstate applies the carrier as last reported: a master
 * that now sees its link down steps down (the actions are appended).
 */
void		 carp_fsm_set_params(struct carp_fsm *,
		    const struct carp_params *, int64_t now,
		    struct carp_actions *);

/*
 * Reload changed the virtual addresses: a master announces the new ones
 * (a gratuitous ARP now and the delayed one); no state or timer changes.
 */
void		 carp_fsm_addrs_changed(struct carp_fsm *,
		    struct carp_actions *);

/*
 * Feed one event; actions are appended to acts (acts->n is not reset).  An
 * event the state does not expect changes nothing and appends a notice
 * with cause CARP_CAUSE_UNEXPECTED.
 */
void		 carp_fsm_step(struct carp_fsm *, const struct carp_event *,
		    struct carp_actions *);

/*
 * The result of an advert that went out, applied as carp_fsm_step() with
 * CARP_EV_SEND_OK would when that is sure to make no action (not demoted:
 * it only clears the run of failures): true.  Otherwise false, the
 * machine unchanged: feed the event with carp_fsm_step().
 */
bool		 carp_fsm_send_ok_quiet(struct carp_fsm *);

/* Earliest pending deadline, or 0 if none. */
int64_t		 carp_fsm_next_deadline(const struct carp_fsm *);

/* advbase + advskew/256 in microseconds (skew*1000000/256, integer). */
int64_t		 carp_interval_us(uint8_t advbase, uint8_t advskew);

/* Our advert interval, with demotion applied. */
int64_t		 carp_fsm_advert_us(const struct carp_fsm *);

/* Master-down interval: advbase * deadratio + advskew/256. */
int64_t		 carp_fsm_down_us(const struct carp_fsm *);

/*
 * Advskew we advertise: min(240, advskew + demotion), where demotion is
 * the health level plus 240 while sends fail; an advskew above 240 is
 * kept as it is (FreeBSD's DEMOTE_ADVSKEW).
 */
uint8_t		 carp_fsm_effective_skew(const struct carp_fsm *);

/*
 * Equal-interval tie-break, as x86 ucarp 1.5.2 does it: the remote wins
 * (we yield) iff its 4 address bytes read last-octet-first are smaller
 * than ours read the same way.
 */
bool		 carp_tiebreak_remote_wins(const uint8_t remote[4],
		    const uint8_t own[4]);

/*
 * The 4 bytes of src the tie-break compares with own's (src NULL: own's):
 * an IPv4 address's 4, an IPv6 address's last 4.  Only a source of own's
 * family competes; one of the other family gets own's key, which never
 * wins, so that a dual-stack peer is judged on one family.
 */
void		 carp_tiebreak_key(const struct carp_addr *own,
		    const struct carp_addr *src, uint8_t key[4]);

const char	*carp_state_name(enum carp_state);	/* "MASTER" */
const char	*carp_event_name(enum carp_event_type);
const char	*carp_cause_name(enum carp_cause);	/* "master down" */
const char	*carp_action_name(enum carp_action_type);

#endif /* CARP_FSM_H */
