/*
 * carp_fsm.c: one CARP virtual host's state machine (pure core).
 *
 * The elections follow ucarp 1.5.2 (shared/docs/carp-protocol.md section 3)
 * so that mixed clusters agree on who is master.  What is deliberately not
 * copied are its timing bugs: ucarp only noticed the master-down deadline
 * at its next poll wake-up, re-read the clock after blocking in scripts and
 * slept 3 s on SIGUSR2.  Here every deadline is absolute and exact, adverts
 * are scheduled drift-free and nothing ever blocks: the caller carries out
 * the returned actions and re-arms one timer at carp_fsm_next_deadline().
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carp_fsm.h"

#define USEC_PER_SEC		INT64_C(1000000)

/* ucarp's demotion advskew (3.7) and the bow-out advert's values. */
#define CARP_DEMOTED_SKEW	240
#define CARP_BOWOUT_BASE	255
#define CARP_BOWOUT_SKEW	255

/* Consecutive send failures before demotion, successes before promotion. */
#define CARP_SEND_MAX_ERRORS	3
#define CARP_SEND_MIN_SUCCESS	3

/* Adverts after a takeover until the delayed gratuitous ARP. */
#define CARP_DELAYED_GARP	2

static const char *const carp_state_names[CARP_STATE_MAX] = {
	"INIT",
	"BACKUP",
	"MASTER",
};

static const char *const carp_event_names[CARP_EV_MAX] = {
	"start",
	"timer",
	"advert",
	"link_down",
	"link_up",
	"stepdown",
	"shutdown",
	"send_ok",
	"send_fail",
	"health",
};

static const char *const carp_cause_names[CARP_CAUSE_MAX] = {
	"none",
	"start-up",
	"master down",
	"preemption",
	"master too slow",
	"preferred master",
	"non-preferred master",
	"link down",
	"link up",
	"step-down",
	"shutdown",
	"demoted (send errors)",
	"promoted",
	"unexpected event",
	"held (health)",
	"maintenance",
	"startup hold",
};

#define EV(e)		(1u << CARP_EV_##e)
#define EV_ALL		((1u << CARP_EV_MAX) - 1)

/*
 * The events each state handles (as ospfd's tables do); any other is
 * reported as unexpected and changes nothing.  A handled event may still
 * change nothing: a timer woken early, a repeated link event, the result
 * of the bow-out advert sent on the way to INIT.
 */
static const unsigned carp_expected[CARP_STATE_MAX] = {
	[CARP_INIT] = EV(START) | EV(LINK_DOWN) | EV(LINK_UP) |
	    EV(SHUTDOWN) | EV(SEND_OK) | EV(SEND_FAIL) | EV(HEALTH),
	[CARP_BACKUP] = EV_ALL & ~(EV(START) | EV(STEPDOWN)),
	[CARP_MASTER] = EV_ALL & ~EV(START),
};

static const char *const carp_action_names[CARP_ACT_MAX] = {
	"transition",
	"send_advert",
	"send_garp",
	"script_up",
	"script_down",
	"notice",
};

/* advbase + advskew/256 in microseconds. */
int64_t
carp_interval_us(uint8_t advbase, uint8_t advskew)
{
	return (int64_t)advbase * USEC_PER_SEC +
	    (int64_t)advskew * USEC_PER_SEC / 256;
}

/*
 * Advskew we advertise: min(240, advskew + demotion).  Failing sends are
 * one contributor (240) next to the health level; an advskew of 240 or
 * more is left alone, as FreeBSD's DEMOTE_ADVSKEW does.
 */
uint8_t
carp_fsm_effective_skew(const struct carp_fsm *fsm)
{
	uint64_t	sum;

	if (fsm->p.advskew >= CARP_DEMOTED_SKEW)
		return fsm->p.advskew;
	sum = (uint64_t)fsm->p.advskew + fsm->demote +
	    (fsm->demoted ? CARP_DEMOTED_SKEW : 0);
	return sum > CARP_DEMOTED_SKEW ? CARP_DEMOTED_SKEW : (uint8_t)sum;
}

/* Our advert interval, with demotion applied. */
int64_t
carp_fsm_advert_us(const struct carp_fsm *fsm)
{
	return carp_interval_us(fsm->p.advbase,
	    carp_fsm_effective_skew(fsm));
}

/*
 * Master-down interval.  As in ucarp (and OpenBSD with a fixed 3), the dead
 * ratio multiplies advbase only; the skew is added once.
 */
int64_t
carp_fsm_down_us(const struct carp_fsm *fsm)
{
	return (int64_t)fsm->p.advbase * (int64_t)fsm->p.deadratio *
	    USEC_PER_SEC +
	    (int64_t)carp_fsm_effective_skew(fsm) * USEC_PER_SEC / 256;
}

/*
 * Equal-interval tie-break.  ucarp compares the raw in_addr words, which on
 * the little-endian hosts it runs on orders addresses by their last octet
 * first (3.5); peers on x86 decide that way, so we must too.
 */
bool
carp_tiebreak_remote_wins(const uint8_t remote[4], const uint8_t own[4])
{
	int	i;

	for (i = 3; i >= 0; i--) {
		if (remote[i] != own[i])
			return remote[i] < own[i];
	}
	return false;
}

/* Which bytes of which address the tie-break compares (carp_fsm.h). */
void
carp_tiebreak_key(const struct carp_addr *own, const struct carp_addr *src,
    uint8_t key[4])
{
	const struct carp_addr	*a = own;

	if (src != NULL && src->family == own->family)
		a = src;
	memcpy(key, a->family == CARP_AF_INET6 ? a->a + 12 : a->a, 4);
}

const char *
carp_state_name(enum carp_state s)
{
	if ((unsigned)s >= CARP_STATE_MAX)
		return "unknown";
	return carp_state_names[s];
}

const char *
carp_event_name(enum carp_event_type e)
{
	if ((unsigned)e >= CARP_EV_MAX)
		return "unknown";
	return carp_event_names[e];
}

const char *
carp_cause_name(enum carp_cause c)
{
	if ((unsigned)c >= CARP_CAUSE_MAX)
		return "unknown";
	return carp_cause_names[c];
}

const char *
carp_action_name(enum carp_action_type a)
{
	if ((unsigned)a >= CARP_ACT_MAX)
		return "unknown";
	return carp_action_names[a];
}

/* Initialise in INIT with no deadline. */
void
carp_fsm_init(struct carp_fsm *fsm, const struct carp_params *p)
{
	*fsm = (struct carp_fsm){ .p = *p };
	fsm->state = CARP_INIT;
	fsm->link_down = false;
	fsm->counter_random = true;
}

/* Earliest pending deadline, or 0 if none. */
int64_t
carp_fsm_next_deadline(const struct carp_fsm *fsm)
{
	if (fsm->ad_at == 0)
		return fsm->md_at;
	if (fsm->md_at == 0 || fsm->ad_at < fsm->md_at)
		return fsm->ad_at;
	return fsm->md_at;
}

/*
 * The advert period used for scheduling.  advbase 0 with advskew 0 would
 * make the period 0 and the caller spin on a deadline that never moves; one
 * microsecond is the smallest step that keeps the schedule advancing.
 */
static int64_t
advert_step_us(const struct carp_fsm *fsm)
{
	int64_t	t;

	t = carp_fsm_advert_us(fsm);
	return t > 0 ? t : 1;
}

/*
 * Arm the master-down timer one down interval after from.  The cause is
 * reset: a stale "master too slow" would make a reload (which re-derives
 * the deadline by cause) take the bow-out stagger for a full interval.
 */
static void
arm_down(struct carp_fsm *fsm, int64_t from)
{
	fsm->md_from = from;
	fsm->md_at = from + carp_fsm_down_us(fsm);
	fsm->md_cause = CARP_CAUSE_NONE;
}

/*
 * How long a backup waits after a bow-out (or a master slower than its own
 * down interval) before it takes over: advskew/4096 s, at most 62 ms.
 */
static int64_t
stagger_us(const struct carp_fsm *fsm)
{
	return (int64_t)carp_fsm_effective_skew(fsm) * USEC_PER_SEC /
	    CARP_BOWOUT_SKEW_DIV;
}

/*
 * Append one action, tagged with the current state.  The list has room
 * for CARP_ACTIONS_WORST by construction: running out is a bug, and an
 * abort is better than a state changed without its script.
 */
static struct carp_action *
push(const struct carp_fsm *fsm, struct carp_actions *acts,
    enum carp_action_type type, enum carp_cause cause)
{
	struct carp_action	*a;

	if (acts->n >= CARP_ACTIONS_MAX)
		abort();
	a = &acts->a[acts->n++];
	*a = (struct carp_action){ .type = type, .cause = cause,
	    .from = fsm->state, .to = fsm->state };
	return a;
}

/* Record a state change (every transition passes here) and apply it. */
static void
transition(struct carp_fsm *fsm, enum carp_state to, enum carp_cause cause,
    struct carp_actions *acts)
{
	push(fsm, acts, CARP_ACT_TRANSITION, cause)->to = to;
	fsm->state = to;
}

/* Queue a script, tagged with the state it runs for. */
static void
script(struct carp_fsm *fsm, enum carp_action_type type,
    enum carp_cause cause, struct carp_actions *acts)
{
	push(fsm, acts, type, cause);
}

/* A log-only notice. */
static void
notice(struct carp_fsm *fsm, enum carp_cause cause, struct carp_actions *acts)
{
	push(fsm, acts, CARP_ACT_NOTICE, cause);
}

/* One gratuitous ARP for the virtual address. */
static void
send_garp(struct carp_fsm *fsm, struct carp_actions *acts)
{
	push(fsm, acts, CARP_ACT_SEND_GARP, CARP_CAUSE_NONE);
}

/*
 * Send one advert.  Until a peer has been heard ucarp puts a fresh random
 * counter in every advert; afterwards all nodes share one running counter,
 * the last one heard or sent plus one (wrapping), as in 2.4.  With
 * monotonic counters (replay protection) each node keeps its own
 * sequence: never below the wall clock in microseconds, so it also rises
 * across a restart, and always above the last one sent.
 */
static void
send_advert(struct carp_fsm *fsm, uint8_t advbase, uint8_t advskew,
    const struct carp_event *ev, struct carp_actions *acts)
{
	struct carp_action	*a;

	if (fsm->p.monotonic) {
		fsm->counter = fsm->counter + 1 > ev->wall ?
		    fsm->counter + 1 : ev->wall;
		fsm->counter_random = false;
	} else if (fsm->counter_random)
		fsm->counter = ev->rand;
	else
		fsm->counter++;
	a = push(fsm, acts, CARP_ACT_SEND_ADVERT, CARP_CAUSE_NONE);
	a->advbase = advbase;
	a->advskew = advskew;
	a->counter = fsm->counter;
}

/* An advert with our own interval (demotion applied). */
static void
send_own_advert(struct carp_fsm *fsm, const struct carp_event *ev,
    struct carp_actions *acts)
{
	send_advert(fsm, fsm->p.advbase, carp_fsm_effective_skew(fsm), ev,
	    acts);
}

/*
 * BACKUP -> MASTER.  The script is queued, not waited for, so the advert
 * schedule starts from the takeover itself; the GARP is repeated with the
 * third advert (ucarp's delayed ARP) for switches that missed the first.
 */
static void
become_master(struct carp_fsm *fsm, const struct carp_event *ev,
    enum carp_cause cause, struct carp_actions *acts)
{
	transition(fsm, CARP_MASTER, cause, acts);
	send_garp(fsm, acts);
	send_own_advert(fsm, ev, acts);
	script(fsm, CARP_ACT_SCRIPT_UP, cause, acts);
	fsm->md_at = 0;
	fsm->md_cause = CARP_CAUSE_NONE;
	fsm->ad_at = ev->now + advert_step_us(fsm);
	fsm->garp_countdown = CARP_DELAYED_GARP;
}

/* MASTER -> BACKUP; the caller arms the down timer. */
static void
become_backup(struct carp_fsm *fsm, enum carp_cause cause,
    struct carp_actions *acts)
{
	transition(fsm, CARP_BACKUP, cause, acts);
	script(fsm, CARP_ACT_SCRIPT_DOWN, cause, acts);
	fsm->ad_at = 0;
	fsm->garp_countdown = 0;
	fsm->md_cause = CARP_CAUSE_NONE;
}

/* The link is down and not ignored: act as without carrier. */
static bool
link_lost(const struct carp_fsm *fsm)
{
	return fsm->carrier_down && !fsm->p.ignoreifstate;
}

/* INIT -> BACKUP: every node waits a full master-down interval first. */
static void
on_start(struct carp_fsm *fsm, const struct carp_event *ev,
    struct carp_actions *acts)
{
	transition(fsm, CARP_BACKUP, CARP_CAUSE_START, acts);
	if (!fsm->p.neutral)
		script(fsm, CARP_ACT_SCRIPT_DOWN, CARP_CAUSE_START, acts);
	fsm->ad_at = 0;
	/*
	 * Started while the link is down (possible after a shutdown and a
	 * new START): the down timer waits for LINK_UP, otherwise a past
	 * deadline that cannot fire would be left for the caller to spin on.
	 */
	fsm->link_down = link_lost(fsm);
	if (fsm->link_down)
		fsm->md_at = 0;
	else
		arm_down(fsm, ev->now);
}

/* Handle every deadline that has passed. */
static void
on_timer(struct carp_fsm *fsm, const struct carp_event *ev,
    struct carp_actions *acts)
{
	int64_t	step;

	if (fsm->state == CARP_BACKUP && !fsm->link_down &&
	    fsm->md_at != 0 && fsm->md_at <= ev->now) {
		if (fsm->held) {
			/*
			 * The master is down but we may not take over: no
			 * deadline until the hold ends (on_health re-arms
			 * it from md_from, so it then fires at once).
			 */
			fsm->md_at = 0;
			return;
		}
		become_master(fsm, ev, fsm->md_cause == CARP_CAUSE_SLOW_MASTER ?
		    CARP_CAUSE_SLOW_MASTER : CARP_CAUSE_MASTER_DOWN, acts);
		return;
	}
	if (fsm->state != CARP_MASTER || fsm->ad_at == 0 ||
	    fsm->ad_at > ev->now)
		return;

	send_own_advert(fsm, ev, acts);
	/*
	 * Drift-free: the next advert is due one period after the previous
	 * deadline, not after whenever we got round to it.  If the loop was
	 * so late that this is past too, restart from now instead of sending
	 * a burst to catch up.
	 */
	step = advert_step_us(fsm);
	fsm->ad_at += step;
	if (fsm->ad_at <= ev->now)
		fsm->ad_at = ev->now + step;
	if (fsm->garp_countdown > 0 && --fsm->garp_countdown == 0)
		send_garp(fsm, acts);
}

/* A peer's authenticated advert: the election rules of 3.4. */
static void
on_advert(struct carp_fsm *fsm, const struct carp_event *ev,
    struct carp_actions *acts)
{
	int64_t	local, remote;

	if (fsm->link_down)
		return;

	/*
	 * All nodes share one running counter from now on (2.4), unless
	 * counters are monotonic: then each node keeps its own sequence,
	 * which peers check.
	 */
	if (!fsm->p.monotonic) {
		fsm->counter = ev->adv.counter;
		fsm->counter_random = false;
	}

	local = carp_fsm_advert_us(fsm);
	remote = carp_interval_us(ev->adv.advbase, ev->adv.advskew);

	if (fsm->state == CARP_MASTER) {
		/*
		 * On a tie ucarp peers yield by address, but a BSD master
		 * always yields: yielding to one as well (with the advert
		 * below, which makes it yield) would leave no master until a
		 * down timer expired.  Stay; it steps down on our next advert.
		 */
		if (remote < local || (remote == local &&
		    !ev->adv.yields_tie &&
		    carp_tiebreak_remote_wins(ev->adv.src, fsm->p.srcip))) {
			/*
			 * One more advert first, so the new master hears
			 * that it has won and reasserts at once.
			 */
			send_own_advert(fsm, ev, acts);
			become_backup(fsm, CARP_CAUSE_PREFERRED_MASTER, acts);
			arm_down(fsm, ev->now);
		} else {
			/* Two masters: reclaim the VIP in the switches. */
			send_garp(fsm, acts);
			notice(fsm, CARP_CAUSE_NONPREFERRED_MASTER, acts);
			fsm->garp_countdown = CARP_DELAYED_GARP;
		}
		return;
	}

	/* Held: follow the master's liveness, never take over. */
	if (fsm->held) {
		arm_down(fsm, ev->now);
		fsm->md_cause = CARP_CAUSE_MASTER_DOWN;
		return;
	}

	/*
	 * BACKUP.  Preemption is one-directional: only a strictly slower
	 * master is preempted, and not while we hold off after stepping
	 * down.  A master slower than our own down interval (or bowing out
	 * with 255/255) would make us time out anyway, so take over now --
	 * staggered by advskew even with preemption (below), or every
	 * preempting backup would jump at once on a bow-out.
	 */
	if (fsm->p.preempt && local < remote && ev->now >= fsm->hold_until &&
	    (remote <= carp_fsm_down_us(fsm) ||
	    carp_fsm_effective_skew(fsm) == 0))
		become_master(fsm, ev, CARP_CAUSE_PREEMPT, acts);
	else if (carp_fsm_down_us(fsm) < remote) {
		/*
		 * With several backups, all would jump at once and the slower
		 * ones would flap (up then down script).  Each waits its own
		 * advskew/4096 s (up to 62 ms), so the fastest backup's first
		 * advert reaches the others before their turn; a backup with
		 * advskew 0 takes over at once, as ucarp does.
		 */
		int64_t	delay = stagger_us(fsm);

		if (delay == 0)
			become_master(fsm, ev, CARP_CAUSE_SLOW_MASTER, acts);
		else {
			fsm->md_from = ev->now;
			fsm->md_at = ev->now + delay;
			fsm->md_cause = CARP_CAUSE_SLOW_MASTER;
		}
	} else {
		arm_down(fsm, ev->now);
		fsm->md_cause = CARP_CAUSE_MASTER_DOWN;
	}
}

/* Act as without carrier: a master steps down, a backup stops its timer. */
static void
go_link_down(struct carp_fsm *fsm, struct carp_actions *acts)
{
	fsm->link_down = true;
	fsm->md_cause = CARP_CAUSE_NONE;
	if (fsm->state == CARP_MASTER)
		become_backup(fsm, CARP_CAUSE_LINK_DOWN, acts);
	else
		notice(fsm, CARP_CAUSE_LINK_DOWN, acts);
	fsm->ad_at = 0;
	fsm->md_at = 0;
}

/*
 * Carrier lost: nothing runs until the link returns.  The carrier is
 * recorded even when ignored, so that a reload changing ignoreifstate
 * acts on the real link.
 */
static void
on_link_down(struct carp_fsm *fsm, struct carp_actions *acts)
{
	fsm->carrier_down = true;
	if (fsm->state != CARP_INIT && !fsm->link_down && link_lost(fsm))
		go_link_down(fsm, acts);
}

/* Carrier back: wait a full down interval (or hear the master) first. */
static void
on_link_up(struct carp_fsm *fsm, const struct carp_event *ev,
    struct carp_actions *acts)
{
	fsm->carrier_down = false;
	if (!fsm->link_down)
		return;
	fsm->link_down = false;
	if (fsm->state == CARP_INIT)
		return;
	notice(fsm, CARP_CAUSE_LINK_UP, acts);
	arm_down(fsm, ev->now);
}

/*
 * SIGUSR2: a master yields.  ucarp slept 3 s before restarting its down
 * timer; we hold the same time without blocking, both in the down timer
 * and against preemption, so that a peer gets the chance to take over.
 */
static void
on_stepdown(struct carp_fsm *fsm, const struct carp_event *ev,
    struct carp_actions *acts)
{
	if (fsm->p.bowout)
		send_advert(fsm, CARP_BOWOUT_BASE, CARP_BOWOUT_SKEW, ev,
		    acts);
	become_backup(fsm, CARP_CAUSE_STEPDOWN, acts);
	fsm->hold_until = ev->now + CARP_STEPDOWN_HOLD_US;
	arm_down(fsm, fsm->hold_until);
}

/*
 * -z exit.  ucarp runs the down script whenever the state is not BACKUP,
 * which includes INIT: the VIP may be configured from an earlier run.
 */
static void
on_shutdown(struct carp_fsm *fsm, const struct carp_event *ev,
    struct carp_actions *acts)
{
	enum carp_state	old = fsm->state;

	if (old == CARP_MASTER && fsm->p.bowout)
		send_advert(fsm, CARP_BOWOUT_BASE, CARP_BOWOUT_SKEW, ev,
		    acts);
	if (old != CARP_INIT)
		transition(fsm, CARP_INIT, CARP_CAUSE_SHUTDOWN, acts);
	if (old != CARP_BACKUP)
		script(fsm, CARP_ACT_SCRIPT_DOWN, CARP_CAUSE_SHUTDOWN, acts);
	fsm->ad_at = 0;
	fsm->md_at = 0;
	fsm->hold_until = 0;
	fsm->garp_countdown = 0;
}

/*
 * A send that went out while not demoted (or in INIT): all it does is
 * clear the run of failures, with no action.  False if demoted (the run
 * of successes that undoes it), nothing changed.
 */
static bool
send_ok_quiet(struct carp_fsm *fsm)
{
	if (fsm->state == CARP_INIT)
		return true;
	if (fsm->demoted)
		return false;
	fsm->send_fail = 0;
	return true;
}

/*
 * Demotion (3.7): three consecutive failed sends make us advertise and
 * compare with advskew 240 so that a healthier peer wins; a demoted master
 * says so at once with an extra advert.  Three good sends undo it.
 */
static void
on_send_result(struct carp_fsm *fsm, const struct carp_event *ev,
    struct carp_actions *acts)
{
	if (ev->type == CARP_EV_SEND_OK && send_ok_quiet(fsm))
		return;
	if (fsm->state == CARP_INIT)
		return;
	if (ev->type == CARP_EV_SEND_FAIL) {
		if (fsm->send_fail < UINT_MAX)
			fsm->send_fail++;
		fsm->send_ok = 0;
		if (fsm->send_fail >= CARP_SEND_MAX_ERRORS && !fsm->demoted) {
			fsm->demoted = true;
			notice(fsm, CARP_CAUSE_DEMOTED, acts);
			if (fsm->state == CARP_MASTER)
				send_own_advert(fsm, ev, acts);
		}
		return;
	}
	if (++fsm->send_ok >= CARP_SEND_MIN_SUCCESS) {
		fsm->demoted = false;
		fsm->send_fail = 0;
		fsm->send_ok = 0;
		notice(fsm, CARP_CAUSE_PROMOTED, acts);
	}
}

/*
 * A master whose interval changed: a longer one is advertised at once, so
 * a preempting peer sees it now rather than one old interval later; a
 * shorter one brings the next advert forward.
 */
static void
health_master_skew(struct carp_fsm *fsm, uint8_t old,
    const struct carp_event *ev, struct carp_actions *acts)
{
	uint8_t	skew = carp_fsm_effective_skew(fsm);
	int64_t	next = ev->now + advert_step_us(fsm);

	if (skew > old) {
		send_own_advert(fsm, ev, acts);
		fsm->ad_at = next;
	} else if (skew < old && next < fsm->ad_at)
		fsm->ad_at = next;
}

/*
 * A backup re-derives its deadline from when the timer started, both
 * ways: a demoted backup waits longer (or it would still win the race), a
 * promoted one less.  At the end of a hold a deadline that had passed
 * while held is re-armed and fires at once if nobody was heard since.
 */
static void
health_backup_deadline(struct carp_fsm *fsm, bool was_held)
{
	if (fsm->link_down || fsm->held)
		return;
	if (was_held && fsm->md_at == 0) {
		fsm->md_at = fsm->md_from + carp_fsm_down_us(fsm);
		fsm->md_cause = CARP_CAUSE_NONE;
	} else if (fsm->md_at != 0)
		fsm->md_at = fsm->md_from +
		    (fsm->md_cause == CARP_CAUSE_SLOW_MASTER ?
		    stagger_us(fsm) : carp_fsm_down_us(fsm));
}

/*
 * New health input: the demotion level and the hold.  A held master bows
 * out with the 255/255 advert whatever -z says, so that any backup takes
 * over, with or without preemption; a held backup never takes over.
 */
static void
on_health(struct carp_fsm *fsm, const struct carp_event *ev,
    struct carp_actions *acts)
{
	uint8_t	old = carp_fsm_effective_skew(fsm);
	bool	was_held = fsm->held;

	fsm->demote = ev->health.demote;
	fsm->held = ev->health.held;
	if (fsm->state == CARP_MASTER && fsm->held) {
		send_advert(fsm, CARP_BOWOUT_BASE, CARP_BOWOUT_SKEW, ev, acts);
		become_backup(fsm, ev->health.cause != CARP_CAUSE_NONE ?
		    ev->health.cause : CARP_CAUSE_HELD, acts);
		arm_down(fsm, ev->now);
	} else if (fsm->state == CARP_MASTER)
		health_master_skew(fsm, old, ev, acts);
	else if (fsm->state == CARP_BACKUP)
		health_backup_deadline(fsm, was_held);
}

/* An event the state does not handle: reported, nothing changes. */
static void
on_unexpected(struct carp_fsm *fsm, enum carp_event_type type,
    struct carp_actions *acts)
{
	push(fsm, acts, CARP_ACT_NOTICE, CARP_CAUSE_UNEXPECTED)->event = type;
}

/*
 * SEND_OK without an event, when it makes no action (carp_fsm.h): the
 * usual result of every advert sent, so the shell need not run a step.
 */
bool
carp_fsm_send_ok_quiet(struct carp_fsm *fsm)
{
	if ((unsigned)fsm->state >= CARP_STATE_MAX ||
	    (carp_expected[fsm->state] & EV(SEND_OK)) == 0)
		return false;
	return send_ok_quiet(fsm);
}

/* Feed one event; actions are appended to acts. */
void
carp_fsm_step(struct carp_fsm *fsm, const struct carp_event *ev,
    struct carp_actions *acts)
{
	if ((unsigned)ev->type >= CARP_EV_MAX ||
	    (unsigned)fsm->state >= CARP_STATE_MAX ||
	    (carp_expected[fsm->state] & (1u << ev->type)) == 0) {
		on_unexpected(fsm, ev->type, acts);
		return;
	}
	switch (ev->type) {
	case CARP_EV_START:
		on_start(fsm, ev, acts);
		break;
	case CARP_EV_TIMER:
		on_timer(fsm, ev, acts);
		break;
	case CARP_EV_ADVERT:
		on_advert(fsm, ev, acts);
		break;
	case CARP_EV_LINK_DOWN:
		on_link_down(fsm, acts);
		break;
	case CARP_EV_LINK_UP:
		on_link_up(fsm, ev, acts);
		break;
	case CARP_EV_STEPDOWN:
		on_stepdown(fsm, ev, acts);
		break;
	case CARP_EV_SHUTDOWN:
		on_shutdown(fsm, ev, acts);
		break;
	case CARP_EV_SEND_OK:
	case CARP_EV_SEND_FAIL:
		on_send_result(fsm, ev, acts);
		break;
	case CARP_EV_HEALTH:
		on_health(fsm, ev, acts);
		break;
	default:
		break;
	}
}

/*
 * Reload: new settings without a state change.
 *
 * A BACKUP re-derives its master-down deadline from when the timer
 * started (the last advert heard, or start, link up, the end of a hold)
 * with the new settings, and keeps the earlier of that and the current
 * one: a reload never postpones a takeover already due (a bow-out being
 * staggered, a master silent for nearly the down interval), nor does a
 * slower new setting let a dead master live longer.  A new deadline in
 * the past fires at once: by the new settings the master is already
 * down.  The next advert heard arms the timer with the new settings
 * only.  A MASTER advertises at the new rate from its next advert and at
 * once brings a deadline forward if the new interval is shorter.
 *
 * ignoreifstate is applied to the carrier as last reported.  Set while
 * the link is down, the machine runs again as if the carrier had just
 * returned (a full down interval from now); cleared while it is down, it
 * acts as on LINK_DOWN, so a master steps down.
 */
void
carp_fsm_set_params(struct carp_fsm *fsm, const struct carp_params *p,
    int64_t now, struct carp_actions *acts)
{
	int64_t	due;

	fsm->p = *p;
	if (fsm->state != CARP_INIT && fsm->link_down && !link_lost(fsm)) {
		fsm->link_down = false;
		arm_down(fsm, now);
	} else if (fsm->state != CARP_INIT && !fsm->link_down &&
	    link_lost(fsm))
		go_link_down(fsm, acts);
	if (fsm->state == CARP_BACKUP && fsm->md_at != 0) {
		due = fsm->md_from + (fsm->md_cause == CARP_CAUSE_SLOW_MASTER ?
		    stagger_us(fsm) : carp_fsm_down_us(fsm));
		if (due < fsm->md_at)
			fsm->md_at = due;
	}
	if (fsm->state == CARP_MASTER && fsm->ad_at != 0) {
		int64_t	next = now + advert_step_us(fsm);

		if (next < fsm->ad_at)
			fsm->ad_at = next;
	}
}

/*
 * Reload changed the virtual addresses.  A master announces the new ones
 * as after a takeover: a gratuitous ARP now and another with the second
 * advert from now, for switches that missed the first.
 */
void
carp_fsm_addrs_changed(struct carp_fsm *fsm, struct carp_actions *acts)
{
	if (fsm->state != CARP_MASTER)
		return;
	send_garp(fsm, acts);
	fsm->garp_countdown = CARP_DELAYED_GARP;
}
