/*
 * sim.h: a discrete-event simulator of CARP clusters around the daemon's
 * pure core (carp_fsm, carp_pkt, carp_hmac, carp_replay), linked, never
 * copied.
 *
 * A world is N nodes on one shared link, each running several vhids.
 * Nodes are ours (the real state machine driven as src/instance.c drives it)
 * or ucarp 1.5.2 peers (a model of its loop: coarse timers, blocking
 * sleeps, no bow-out).  Time is simulated; frames are real adverts built
 * and verified by the codec.  A scenario is a list of operations (faults,
 * signals, reloads, network changes) at given times; invariants are
 * checked after every event and the first violation stops the run with
 * the event trace.
 */
#ifndef SIM_H
#define SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "carp_fsm.h"
#include "carp_hmac.h"
#include "carp_pkt.h"
#include "carp_replay.h"

#define SIM_NODES_MAX		8
#define SIM_VHIDS_MAX		4
#define SIM_OPS_MAX		96
#define SIM_BACKLOG_MAX		64	/* frames a stopped process queues */
#define SIM_TRACE_MAX		4096	/* records kept for a failure */
#define SIM_US			INT64_C(1000000)
#define SIM_T0			SIM_US	/* monotonic time at the start */
#define SIM_FULL_CHECK_US	(SIM_US / 10)	/* see sim_check_event() */
#define SIM_GROUPS		4	/* parts a partition makes, at most */
#define SIM_COMP_MAX		(SIM_GROUPS + SIM_NODES_MAX)	/* or alone */

/* Which kind of daemon a node runs. */
enum sim_kind {
	SIM_OURS = 0,
	SIM_UCARP		/* ucarp 1.5.2 model: one process per vhid */
};

/* The node's daemon process. */
enum sim_proc {
	SIM_DOWN = 0,		/* crashed or shut down */
	SIM_RUNNING,
	SIM_FROZEN		/* SIGSTOP: frames queue, timers wait */
};

/* Scenario operations.  Keep sim_op_names (sim_trace.c) in step. */
enum sim_op_type {
	OP_START = 0,		/* start the daemon (first start or restart) */
	OP_CRASH,		/* SIGKILL */
	OP_FREEZE,		/* SIGSTOP */
	OP_RESUME,		/* SIGCONT */
	OP_LINK_DOWN,
	OP_LINK_UP,
	OP_STEPDOWN,		/* SIGUSR2 */
	OP_SHUTDOWN,		/* SIGTERM (bow-out and scripts with -z) */
	OP_RELOAD,		/* one key of one vhid: field, value */
	OP_PARTITION,		/* value: bits 2i, 2i+1 = group of node i */
	OP_HEAL,
	OP_NET,			/* field, value: see enum sim_net_field */
	OP_SENDFAIL,		/* node's sends fail (value 1) or work (0) */
	OP_WALLJUMP,		/* node's wall clock steps to value - 900 ms
				   off the common time */
	OP_MAX
};

/* Keys a reload may change. */
enum sim_key {
	KEY_ADVBASE = 0,
	KEY_ADVSKEW,
	KEY_DEADRATIO,
	KEY_PREEMPT,
	KEY_IGNOREIFSTATE,
	KEY_MAX
};

/* Link properties an OP_NET changes (delays in microseconds). */
enum sim_net_field {
	NET_DELAY = 0,
	NET_JITTER,
	NET_LOSS,		/* per mille */
	NET_DUP,		/* per mille */
	NET_REORDER,		/* per mille of frames delayed by up to 1 s */
	NET_CORRUPT,		/* per mille of frames with a flipped byte */
	NET_MAX
};

/*
 * Known bugs the random scenarios leave out (-x NAME): the scripted
 * scenario of the same name is then an expected failure.
 */
enum sim_xfail {
	XF_IGNIF_ON = 0,	/* reload: ignoreifstate false -> true */
	XF_IGNIF_OFF,		/* reload: ignoreifstate true -> false */
	XF_MAX
};

struct sim_op {
	int64_t		at;		/* µs after SIM_T0 */
	enum sim_op_type type;
	uint8_t		node;
	uint8_t		vi;		/* vhid index (OP_RELOAD) */
	uint8_t		field;		/* sim_key or sim_net_field */
	uint32_t	value;
};

/* One instance's settings. */
struct sim_icfg {
	bool		present;
	uint8_t		advbase;
	uint8_t		advskew;
	uint32_t	deadratio;
	bool		preempt;
	bool		neutral;
	bool		bowout;		/* shutdown = true (-z) */
	bool		ignoreifstate;
	bool		replay;		/* replay_protect (ours only) */
};

/* A scenario: the cluster, the network and the operations. */
struct sim_scen {
	const char	*name;		/* NULL for a random scenario */
	uint64_t	 seed;
	int64_t		 duration;	/* µs */
	int		 nnodes;
	int		 nvhids;
	uint8_t		 vhid[SIM_VHIDS_MAX];
	enum sim_kind	 kind[SIM_NODES_MAX];
	uint8_t		 ip[SIM_NODES_MAX][4];
	struct sim_icfg	 cfg[SIM_NODES_MAX][SIM_VHIDS_MAX];
	uint32_t	 net[NET_MAX];
	int		 nops;
	struct sim_op	 op[SIM_OPS_MAX];
	/* Expected master node per vhid at the end, -1 = not checked. */
	int		 expect_master[SIM_VHIDS_MAX];
	/* The first takeover of vhid index 0: by whom and when (µs after
	   SIM_T0, within 2 ms); expect_at 0 = not checked. */
	int		 expect_first;
	int64_t		 expect_at;
	enum sim_xfail	 xfail;		/* scripted: the bug it shows */
	bool		 has_xfail;
};

/* ucarp 1.5.2's per-process state (carp-protocol.md section 3). */
struct sim_ucarp {
	enum carp_state	 state;
	int64_t		 ad_tmo;	/* 0 = none */
	int64_t		 md_tmo;
	bool		 init_counter;
	uint64_t	 counter;
	unsigned	 delayed_arp;
	unsigned	 write_err;
	unsigned	 write_ok;
	bool		 demoted;	/* suppress_preempt */
	bool		 ifdown;	/* in the sleep(10) loop */
	int64_t		 sleep_until;	/* sleep(3) or sleep(10) ends */
};

/* A running instance (one vhid on one node). */
struct sim_inst {
	struct sim_icfg	 cfg;
	struct carp_fsm	 fsm;		/* ours */
	struct carp_replay replay;	/* ours */
	struct sim_ucarp u;		/* ucarp */
	enum carp_state	 view;		/* state as its transitions told */
	int64_t		 timer_at;	/* armed timer, 0 = none */
	uint32_t	 timer_gen;
	int		 last_script;	/* 0, CARP_ACT_SCRIPT_UP or _DOWN */
	int64_t		 eligible;	/* may take over from here on */
	int64_t		 slow_until;	/* a timer armed while demoted may
					   still run: see sim_exec() */
	bool		 running;
};

/* A frame on the wire or queued. */
struct sim_frame {
	uint8_t		 from;
	uint8_t		 len;
	uint8_t		 b[CARP_FRAME_LEN];
};

struct sim_node {
	enum sim_kind	 kind;
	uint8_t		 ip[4];
	enum sim_proc	 proc;
	bool		 link_up;
	int		 group;		/* partition */
	bool		 send_fail;
	uint32_t	 epoch;		/* process incarnation */
	int64_t		 wall_off;	/* wall clock - monotonic, µs */
	int64_t		 wall_base;	/* the common time's wall_off */
	struct sim_inst	 inst[SIM_VHIDS_MAX];
	bool		 link_told;	/* what the daemon was last told */
	bool		 pend_usr2;	/* signals sent while stopped */
	bool		 pend_term;
	bool		 pend_hup;
	int		 nbacklog;
	struct sim_frame backlog[SIM_BACKLOG_MAX];
};

enum sim_ev_type {
	EV_TIMER = 0,		/* an instance's timer (ours or ucarp) */
	EV_FRAME,		/* a frame reaches a node */
	EV_OP			/* a scenario operation */
};

struct sim_ev {
	int64_t		 at;
	uint64_t	 seq;
	uint8_t		 type;
	uint8_t		 node;
	uint8_t		 vi;
	uint32_t	 gen;		/* timer generation, op index, or
					   1 + the process a frame waited for */
	uint32_t	 epoch;
	struct sim_frame f;
};

/* Trace records, formatted only when printed. */
enum sim_rec_type {
	REC_OP = 0,
	REC_TRANS,		/* a: from, b: to, c: cause, d: event */
	REC_SCRIPT,		/* a: action type, c: cause */
	REC_GARP,
	REC_NOTICE,		/* c: cause */
	REC_TX,			/* a: advbase, b: advskew, x: counter */
	REC_RX,			/* a: from node, b: verdict, x: counter */
	REC_FAIL,
	REC_MAX
};

struct sim_rec {
	int64_t		 at;
	uint8_t		 type;
	uint8_t		 node;
	uint8_t		 vi;
	uint8_t		 a, b, c, d;
	uint64_t	 x;
};

struct sim_rng {
	uint64_t	 s[4];
};

/* What the invariant checker remembers between events. */
struct sim_check {
	int64_t		 calm_from;	/* last disruption (+ its settling) */
	int64_t		 full_at;	/* next check of every vhid */
	int64_t		 horizon;	/* latest arrival of a frame in flight */
	int64_t		 last_arrival[SIM_NODES_MAX];	/* per sender */
	/* per vhid and connected part of the link (a group, or alone) */
	int64_t		 gap_from[SIM_VHIDS_MAX][SIM_COMP_MAX];
	int64_t		 gap_horizon[SIM_VHIDS_MAX][SIM_COMP_MAX];
	int64_t		 bow_at[SIM_VHIDS_MAX];	/* taken over by, 0 = none */
	int		 bow_node[SIM_VHIDS_MAX];
	/* ambiguous(): values change only at an epoch or a slow_until */
	uint64_t	 epoch;		/* operations, demotions, promotions */
	uint64_t	 amb_epoch[SIM_VHIDS_MAX][SIM_COMP_MAX];
	int64_t		 amb_until[SIM_VHIDS_MAX][SIM_COMP_MAX];
	bool		 amb[SIM_VHIDS_MAX][SIM_COMP_MAX];
	bool		 first_seen;	/* the first takeover of vhid 0 */
	int		 garp_by[SIM_VHIDS_MAX];	/* 1 + the node whose
					   gratuitous ARP the link last saw */
	uint64_t	 checks;
	uint64_t	 skipped;	/* ambiguous configurations */
};

struct sim_world {
	const struct sim_scen *sc;
	struct sim_rng	 rng;
	int64_t		 now;
	int		 nnodes;
	int		 nvhids;
	struct sim_node	 node[SIM_NODES_MAX];
	struct carp_auth auth[SIM_VHIDS_MAX];
	struct sim_icfg	 cfg[SIM_NODES_MAX][SIM_VHIDS_MAX];	/* the files */
	uint32_t	 net[NET_MAX];
	/* event queue: a binary heap on (at, seq) */
	struct sim_ev	*heap;
	size_t		 nheap, capheap;
	uint64_t	 seq;
	uint64_t	 events;
	bool		 acted;		/* the event produced actions */
	struct sim_check ck;
	/* trace ring */
	struct sim_rec	 rec[SIM_TRACE_MAX];
	uint64_t	 nrec;
	int		 verbose;	/* 1: print the trace as it goes */
	FILE		*out;
	/* outcome */
	bool		 failed;
	char		 why[512];
};

/* sim_world.c */
void	 sim_rng_seed(struct sim_rng *, uint64_t);
uint64_t sim_rng_next(struct sim_rng *);
uint32_t sim_rng_below(struct sim_rng *, uint32_t);
bool	 sim_run(struct sim_world *, const struct sim_scen *, int verbose,
	    FILE *);
void	 sim_world_free(struct sim_world *);
void	 sim_push(struct sim_world *, const struct sim_ev *);
void	 sim_arm(struct sim_world *, int node, int vi, int64_t at);
void	 sim_transmit(struct sim_world *, int node, int vi,
	    const struct carp_action *, bool *ok);
int64_t	 sim_wall(const struct sim_world *, int node);
bool	 sim_reaches(const struct sim_world *, int from, int to);

/* sim_ours.c: the shell around our state machine, as src/instance.c */
void	 ours_start(struct sim_world *, int node);
void	 ours_event(struct sim_world *, int node, int vi,
	    enum carp_event_type);
void	 ours_frame(struct sim_world *, int node, const struct sim_frame *);
void	 ours_reload(struct sim_world *, int node, int vi,
	    const struct sim_icfg *);
void	 ours_shutdown(struct sim_world *, int node);

/* sim_ucarp.c: the ucarp 1.5.2 model */
void	 ucarp_start(struct sim_world *, int node);
void	 ucarp_wake(struct sim_world *, int node, int vi);
void	 ucarp_frame(struct sim_world *, int node, const struct sim_frame *,
	    int only_vi);
void	 ucarp_stepdown(struct sim_world *, int node);
void	 ucarp_shutdown(struct sim_world *, int node);
int64_t	 ucarp_interval_us(uint8_t advbase, uint8_t advskew);
int64_t	 ucarp_down_us(const struct sim_inst *);
uint8_t	 ucarp_skew(const struct sim_inst *);

/* sim_exec.c: carry out and check one step's actions (both kinds) */
void	 sim_exec(struct sim_world *, int node, int vi, enum carp_event_type,
	    const struct carp_actions *, bool results[CARP_ACTIONS_MAX],
	    int *nres);

/* sim_check.c */
void	 sim_check_init(struct sim_world *);
void	 sim_check_event(struct sim_world *, int only_vi);
void	 sim_check_op(struct sim_world *, const struct sim_op *);
void	 sim_check_unsettle(struct sim_world *);
void	 sim_check_takeover(struct sim_world *, int node, int vi);
void	 sim_check_bowout(struct sim_world *, int node, int vi);
void	 sim_check_end(struct sim_world *);
void	 sim_fail(struct sim_world *, int node, int vi, const char *, ...)
	    __attribute__((format(printf, 4, 5)));

/* sim_trace.c */
void	 sim_rec(struct sim_world *, uint8_t type, int node, int vi,
	    unsigned a, unsigned b, unsigned c, unsigned d, uint64_t x);
void	 sim_trace_print(const struct sim_world *, FILE *, size_t last);
void	 sim_rec_print(const struct sim_world *, const struct sim_rec *,
	    FILE *);
void	 sim_scen_print(const struct sim_scen *, FILE *);
const char *sim_event_name(enum carp_event_type);
const char *sim_op_name(enum sim_op_type);
const char *sim_key_name(enum sim_key);
const char *sim_net_name(enum sim_net_field);
const char *sim_xfail_name(enum sim_xfail);
bool	 sim_xfail_parse(const char *, enum sim_xfail *);

/* sim_gen.c: random scenarios from a seed or from fuzzer bytes */
void	 sim_gen_seed(struct sim_scen *, uint64_t seed, unsigned xfail_mask);
void	 sim_gen_bytes(struct sim_scen *, const uint8_t *, size_t,
	    unsigned xfail_mask);

/* sim_scripted.c: the named scenarios */
size_t	 sim_scripted_count(void);
void	 sim_scripted(size_t, struct sim_scen *);

#endif /* SIM_H */
