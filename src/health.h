/*
 * health.h: the health model (pure core: no I/O, no clock, no allocation).
 *
 * Tracked objects (check scripts, interfaces) turn results into a state
 * with keepalived's rise/fall hysteresis.  Each instance tracks some of
 * them and belongs to named groups; from that the model derives its
 * demotion level (added to advskew by the state machine) and whether it
 * is held (may not be master), and lists every contribution with its
 * reason for status.  The shell owns the storage (arrays in struct
 * health) and feeds results, maintenance flags and manual demotions.
 *
 * The rules:
 *  - a failing track with a weight N adds N; with HEALTH_FATAL it holds;
 *  - an instance's own level is the sum of its failing weights; the
 *    members of a group share the highest own level among them, and each
 *    group's manual demotion is added to all its members;
 *  - a member held (fatal track, maintenance) holds every member of its
 *    groups (fate sharing: a firewall's two sides move together);
 *  - the startup hold holds every instance.
 */
#ifndef HEALTH_H
#define HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carp_fsm.h"

#define HEALTH_FATAL		(-1)	/* weight: held while failing */
#define HEALTH_WEIGHT_MAX	255	/* weights 1..255 (240 clamps) */
#define HEALTH_MANUAL_MAX	1000000	/* bound of a group's manual level */
#define HEALTH_RISE_MAX		1000	/* rise and fall 1..this */

enum health_kind {
	HEALTH_CHECK = 0,	/* a check script */
	HEALTH_IFACE		/* an interface's link (carrier, admin up) */
};

enum health_state {
	HEALTH_UNKNOWN = 0,	/* not enough results yet: counts as OK */
	HEALTH_OK,
	HEALTH_FAILING
};

/* One tracked object: a check or an interface, shared by instances. */
struct health_track {
	const char		*name;		/* the shell's string */
	enum health_kind	 kind;
	int			 weight;	/* 1..255 or HEALTH_FATAL */
	unsigned		 rise, fall;	/* consecutive results, >= 1 */
	enum health_state	 state;
	unsigned		 ok_run;	/* consecutive successes */
	unsigned		 fail_run;	/* consecutive failures */
	uint64_t		 results;	/* all results */
	uint64_t		 failures;	/* failed results */
	bool			 passed;	/* one success seen */
};

/*
 * What a group's members have to explain, for health_explain(): the
 * members with one failing track (or in maintenance), each with the
 * track's place in its own list, so that an explanation visits only
 * them, in the order of the members and their lists.
 */
#define HEALTH_GLIST_MAINT	UINT32_MAX	/* track: in maintenance */

struct health_gent {
	uint32_t	member;		/* instance index */
	uint32_t	pos;		/* the track's place in its list;
					   maintenance: after them all */
};

struct health_glist {
	uint32_t		 track;	/* or HEALTH_GLIST_MAINT */
	uint32_t		 n;
	struct health_gent	*v;	/* by member, then pos */
};

/* A named group of instances that fail over together. */
struct health_group {
	const char	*name;
	int32_t		 manual;	/* ucarpctl demote, 0..MANUAL_MAX */
	/* Its members, ascending (health_index()): */
	const uint32_t	*members;
	size_t		 nmembers;
	/* Derived by health_update() from the members: */
	uint32_t	 own_max;	/* highest own level of a member */
	bool		 held;		/* a member is held by a track */
	bool		 maint;		/* a member is in maintenance */
	struct health_glist *lists;	/* one per failing track, and one
					   for maintenance, if any */
	size_t		 nlists;
};

/* One instance as the model sees it. */
struct health_inst {
	const uint32_t	*tracks;	/* indexes into health.tracks */
	size_t		 ntracks;
	const uint32_t	*groups;	/* indexes into health.groups */
	size_t		 ngroups;
	bool		 maint;		/* maintenance: held */
	int64_t		 maint_since;	/* wall clock, seconds */
};

struct health {
	struct health_track	*tracks;
	size_t			 ntracks;
	struct health_group	*groups;
	size_t			 ngroups;
	struct health_inst	*insts;
	size_t			 ninsts;
	bool			 startup_hold;	/* every instance held */
	/*
	 * The shell's storage for the groups' indexes, as health_space()
	 * sizes it for the instances, tracks and groups above.
	 */
	uint32_t		*members;
	struct health_glist	*glists;
	struct health_gent	*gents;
	uint32_t		*tscratch;
};

/* How many of each the storage of struct health needs. */
struct health_space {
	size_t	members;	/* uint32_t */
	size_t	glists;		/* struct health_glist */
	size_t	gents;		/* struct health_gent */
	size_t	tscratch;	/* uint32_t */
};

/* What the state machine gets for one instance (CARP_EV_HEALTH). */
struct health_level {
	uint32_t	demote;		/* added to advskew, unclamped */
	bool		held;
	enum carp_cause	cause;		/* why held: MAINTENANCE, HELD or
					   STARTUP_HOLD; NONE if not held */
};

/* One reason in an instance's level. */
enum health_why {
	HEALTH_WHY_TRACK = 0,	/* own track failing (.track) */
	HEALTH_WHY_MEMBER,	/* a member's track (.group, .member, .track) */
	HEALTH_WHY_MANUAL,	/* a group's manual demotion (.group) */
	HEALTH_WHY_MAINT,	/* own maintenance */
	HEALTH_WHY_MEMBER_MAINT,/* a member in maintenance (.group, .member) */
	HEALTH_WHY_STARTUP	/* the startup hold */
};

struct health_contrib {
	enum health_why	why;
	uint32_t	track;
	uint32_t	group;
	uint32_t	member;		/* instance index */
	int32_t		amount;		/* demotion, or HEALTH_FATAL: held */
};

/* A track in its initial state (UNKNOWN, no results). */
void	health_track_init(struct health_track *, const char *name,
	    enum health_kind, int weight, unsigned rise, unsigned fall);

/*
 * One result (a check's exit, or a link state); true if the state
 * changed.  rise successes in a row make it OK, fall failures FAILING;
 * from UNKNOWN the first run of either decides.
 */
bool	health_track_result(struct health_track *, bool ok);

/*
 * Reload: the new definition keeps the old one's state and counters
 * (an unchanged check is not reset); a run the new rise or fall already
 * satisfies applies at once.  True if the state changed.
 */
bool	health_track_carry(struct health_track *to,
	    const struct health_track *from);

/* The track counts against its instances now. */
bool	health_track_failing(const struct health_track *);

/* The storage a model needs (its insts set, tracks and groups counted). */
void	health_space(const struct health *, struct health_space *);

/*
 * Each group's members, into the storage: once the instances are set,
 * before the first health_update().
 */
void	health_index(struct health *);

/*
 * Derive the groups' shared state from their members: after any change
 * of a result or maintenance flag, before health_eval() and
 * health_explain().  Linear in the memberships and their tracks.
 */
void	health_update(struct health *);

/* Level, hold and cause of instance i (after health_update()). */
void	health_eval(const struct health *, size_t i, struct health_level *);

/*
 * The contributions to instance i's level, in order: own tracks, then per
 * group its members' tracks and maintenance and its manual demotion, then
 * maintenance and the startup hold.  Writes at most max, returns how many
 * there are.  A group's share costs its failing tracks and max, not its
 * size: status explains thousands of members of one group.
 */
size_t	health_explain(const struct health *, size_t i,
	    struct health_contrib *out, size_t max);

/*
 * A group's manual demotion: op '+' or '-' adds or subtracts n, '='
 * sets it; the result is kept within 0..HEALTH_MANUAL_MAX.  False for
 * another op or a negative n.
 */
bool	health_group_adjust(struct health_group *, char op, int32_t n);

/* Every check has passed once (the startup hold may end). */
bool	health_checks_passed(const struct health *);

/* The index of a group or track by name, or -1. */
long	health_group_find(const struct health *, const char *name);
long	health_track_find(const struct health *, enum health_kind,
	    const char *name);

const char	*health_state_name(enum health_state);	/* "failing" */

#endif /* HEALTH_H */
