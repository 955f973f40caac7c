/*
 * ctl_proto.h: the control socket's wire format (pure core), shared by
 * the daemon (control.c) and ucarpctl (ctl/).
 *
 * One message per SOCK_SEQPACKET record: a 12-byte header {version, type,
 * len, seq} in network byte order, then len bytes of payload.  Numbers
 * are big-endian, strings a 16-bit length and bytes (no NUL), addresses
 * a family byte (0 none, 4, 6), then the prefix byte (255: none) and 4 or
 * 16 bytes unless none.  Replies
 * echo the request's seq; a command's replies end with CTL_END or
 * CTL_RESULT.  Events (monitor) carry their own 64-bit sequence number
 * so that a consumer can tell it missed one.  The daemon checks the
 * version of every message, the first one included, and answers a
 * mismatch with CTL_RESULT CTL_RES_VERSION before closing.
 *
 * Replies are data, never text to print: the client renders text, JSON
 * and metrics (bgpctl's way), so the daemon never escapes anything.
 */
#ifndef CTL_PROTO_H
#define CTL_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#include "carp_addr.h"

#define CTL_VERSION		1
/* File mode's socket, unless control = "PATH"; or --control=PATH. */
#define CTL_DEFAULT_SOCKET	"/run/ucarp/ucarp.sock"
#define CTL_HDR_LEN		12
#define CTL_MSG_MAX		4096	/* header included */

/* Sizes of strings, NUL included. */
#define CTL_NAME_MAX		64	/* instance name, or "IFACE:VHID" */
#define CTL_IFNAME_MAX		32
#define CTL_PATH_MAX		1024
#define CTL_TEXT_MAX		1024
#define CTL_ADDRS_MAX		64
#define CTL_HEALTH_MAX		512	/* an instance's demotion, in words */

enum ctl_type {
	/* client -> daemon */
	CTL_REQ_STATUS = 1,	/* selector: "" all, NAME or IFACE:VHID */
	CTL_REQ_STEPDOWN,	/* selector: "all", NAME or IFACE:VHID */
	CTL_REQ_GARP,		/* selector as STEPDOWN */
	CTL_REQ_RELOAD,
	CTL_REQ_MONITOR,
	CTL_REQ_MAINT,		/* selector: NAME, IFACE:VHID, GROUP, "all";
				   on */
	CTL_REQ_DEMOTE,		/* selector: GROUP; op, n */
	/* daemon -> client */
	CTL_RESULT = 16,	/* the end of a command's replies */
	CTL_DAEMON,		/* status: the daemon, first */
	CTL_INSTANCE,		/* status: one per instance */
	CTL_RELOAD,		/* reload: the result, then CTL_TEXT lines */
	CTL_TEXT,		/* one FILE:LINE message */
	CTL_EVENT,		/* monitor */
	CTL_END,		/* the last reply of a successful status */
	CTL_CHECK,		/* status: one per check and tracked
				   interface, after the instances */
	CTL_TYPE_MAX
};

/* CTL_RESULT codes; the text says more. */
enum ctl_res {
	CTL_RES_OK = 0,
	CTL_RES_DENIED,		/* read-only socket */
	CTL_RES_NOT_FOUND,	/* no such instance */
	CTL_RES_BAD_REQUEST,	/* unknown type, bad payload */
	CTL_RES_VERSION,	/* protocol version mismatch */
	CTL_RES_REFUSED,	/* reload: the file was refused */
	CTL_RES_UNAVAILABLE,	/* e.g. reload without a file, exiting */
	CTL_RES_NOT_SAVED,	/* maintenance: done, but not kept on disk */
	CTL_RES_MAX
};

/* States, causes and drop reasons on the wire; names in ctl_msg.c. */
enum ctl_state { CTL_ST_INIT = 0, CTL_ST_BACKUP, CTL_ST_MASTER, CTL_ST_MAX };

/* The order of carp_verdict (carp_pkt.h); test_ctl_msg checks names. */
#define CTL_DROP_MAX		24

enum ctl_reload_res {
	CTL_RL_NONE = 0,	/* no reload yet */
	CTL_RL_APPLIED,
	CTL_RL_REFUSED,
	CTL_RL_MAX
};

enum ctl_text_kind {
	CTL_TX_ERROR = 0,	/* why the file was refused */
	CTL_TX_WARNING,
	CTL_TX_FAILURE,		/* an instance that failed to start/update */
	CTL_TX_MAX
};

enum ctl_event_kind {
	CTL_EV_TRANSITION = 0,	/* from, to, cause, master */
	CTL_EV_RELOAD,		/* reload: result and counts, text summary */
	CTL_EV_SCRIPT,		/* script: up/down, failed, text the cause */
	CTL_EV_DROPS,		/* drops of one reason since the last one */
	CTL_EV_MAINT,		/* maintenance on or off, text who asked */
	CTL_EV_DEMOTE,		/* a group's demotion: name the group, text
				   the change and who asked */
	CTL_EV_CHECK,		/* a check or tracked interface changed
				   state: name, failed (failing or ok),
				   script (0 check, 1 interface), text why */
	CTL_EV_MAX
};

struct ctl_hdr {
	uint16_t	version;
	uint16_t	type;
	uint32_t	len;		/* payload bytes */
	uint32_t	seq;
};

/* ucarpctl demote GROUP +N, -N or =N (0 is =0). */
enum ctl_demote_op { CTL_DEM_ADD = 0, CTL_DEM_SUB, CTL_DEM_SET, CTL_DEM_MAX };
#define CTL_DEMOTE_MAX		255	/* N */

struct ctl_request {
	char		selector[CTL_NAME_MAX];
	bool		on;		/* MAINT */
	uint8_t		op;		/* DEMOTE: enum ctl_demote_op */
	uint8_t		n;		/* DEMOTE */
};

struct ctl_result {
	uint8_t		code;		/* enum ctl_res */
	char		text[CTL_TEXT_MAX];
};

struct ctl_reload_counts {
	uint8_t		result;		/* enum ctl_reload_res */
	uint32_t	kept, updated, added, removed, failed;
	int64_t		elapsed_us;
};

struct ctl_daemon {
	char		version[32];	/* PACKAGE_VERSION */
	char		config[CTL_PATH_MAX]; /* "" on the command line */
	uint32_t	pid;
	int64_t		started;	/* wall clock, us since the epoch */
	uint32_t	instances;
	uint64_t	reloads_applied;
	uint64_t	reloads_refused;
	int64_t		reload_time;	/* of the last, 0: none */
	struct ctl_reload_counts last;
	char		reload_summary[CTL_TEXT_MAX];
	char		state_dir[CTL_PATH_MAX]; /* "": maintenance not kept */
	bool		state_refused;	/* its file, at start-up: all held */
	uint32_t	in_maint;	/* instances in maintenance */
};

/* A unicast peer (issue 18) and its counters. */
#define CTL_PEERS_MAX		16	/* in a status; more are left out */
struct ctl_peer {
	uint8_t		family;		/* 4 or 6 */
	uint8_t		addr[16];	/* IPv4 in addr[0..3] */
	uint64_t	sent, send_errors, received, drops;
	int64_t		heard;		/* last advert, us, wall; 0: never */
};

struct ctl_instance {
	char		name[CTL_NAME_MAX];	/* "" if unnamed */
	char		interface[CTL_IFNAME_MAX];
	uint8_t		vhid;
	uint8_t		state;		/* enum ctl_state */
	uint8_t		last_cause;	/* enum carp_cause (ctl_cause_name) */
	uint8_t		advbase;
	uint8_t		advskew;
	uint8_t		eff_advskew;	/* demotion included */
	uint8_t		naddrs;
	struct carp_addr addrs[CTL_ADDRS_MAX];	/* as configured */
	struct carp_addr srcip;
	bool		has_master;	/* a master was heard */
	struct carp_addr master;	/* its address, as last heard */
	int64_t		since;		/* the state's start, us, wall */
	uint64_t	sent, send_errors, received, transitions, garps;
	uint64_t	scripts_run, scripts_failed;
	uint32_t	scripts_queued;
	uint8_t		ndrops;		/* entries of drops[] on the wire */
	uint64_t	drops[CTL_DROP_MAX];	/* by carp_verdict */
	bool		maint;		/* in maintenance */
	int64_t		maint_since;	/* us, wall; 0 if not */
	uint32_t	demote;		/* health demotion (unclamped) */
	bool		held;		/* may not be master */
	char		health[CTL_HEALTH_MAX];	/* every contribution, "; " */
	uint8_t		addr_state;	/* CTL_AM_*: manage_addresses */
	uint64_t	addr_restores;	/* removed behind our back */
	uint64_t	addr_errors;	/* netlink requests that failed */
	uint8_t		npeers;		/* entries of peers[] */
	struct ctl_peer	peers[CTL_PEERS_MAX];
};

/* Health states of a check (enum health_state): names in ctl_msg.c. */
#define CTL_HS_MAX		3

/* One check script or tracked interface. */
struct ctl_check {
	char		name[CTL_NAME_MAX];
	bool		iface;		/* a tracked interface */
	uint8_t		state;		/* 0 unknown, 1 ok, 2 failing */
	uint16_t	weight;		/* 0: fatal */
	uint32_t	rise, fall;
	uint32_t	ok_run, fail_run;	/* consecutive results */
	uint64_t	results, failures;
	uint64_t	runs, timeouts, skipped;	/* checks only */
	bool		running;
	int64_t		last_ms;	/* the last run's length, -1: none */
	char		last[CTL_TEXT_MAX];	/* the last result in words */
};

/* manage_addresses, as status shows it. */
#define CTL_AM_UNMANAGED	0
#define CTL_AM_IN_PLACE	1	/* a master holds all, a backup none */
#define CTL_AM_NOT_IN_PLACE	2
#define CTL_AM_MAX		3

struct ctl_event {
	uint64_t	eseq;		/* event sequence, from 1 */
	int64_t		time;		/* us since the epoch */
	uint8_t		kind;		/* enum ctl_event_kind */
	char		name[CTL_NAME_MAX];
	char		interface[CTL_IFNAME_MAX];
	uint8_t		vhid;
	uint8_t		from, to;	/* TRANSITION */
	uint8_t		cause;		/* TRANSITION */
	bool		has_master;	/* TRANSITION */
	struct carp_addr master;
	uint8_t		script;		/* SCRIPT: 0 up, 1 down */
	bool		failed;		/* SCRIPT */
	uint8_t		reason;		/* DROPS: carp_verdict */
	bool		on;		/* MAINT */
	uint64_t	count;		/* DROPS */
	struct ctl_reload_counts reload; /* RELOAD */
	char		text[CTL_TEXT_MAX]; /* SCRIPT cause line, RELOAD
					       summary, MAINT and DEMOTE
					       who asked */
};

struct ctl_text {
	uint8_t		kind;		/* enum ctl_text_kind */
	char		text[CTL_TEXT_MAX];
};

/* A decoded message. */
struct ctl_msg {
	struct ctl_hdr	hdr;
	union {
		struct ctl_request	req;
		struct ctl_result	res;
		struct ctl_daemon	daemon;
		struct ctl_instance	inst;
		struct ctl_reload_counts reload;
		struct ctl_text		text;
		struct ctl_event	ev;
		struct ctl_check	check;
	} u;
};

/* What decoding found wrong (0: nothing). */
enum ctl_err {
	CTL_OK = 0,
	CTL_E_SHORT,		/* shorter than its header or its len */
	CTL_E_LONG,		/* longer than CTL_MSG_MAX or its len */
	CTL_E_VERSION,		/* another protocol version */
	CTL_E_TYPE,		/* unknown type */
	CTL_E_PAYLOAD,		/* a field out of range or truncated */
	CTL_E_MAX
};

/*
 * Encode m (hdr.type, hdr.seq and the payload of that type; version and
 * len are set here) into buf; the length, or 0 if it does not fit or a
 * field is out of range.
 */
size_t		 ctl_msg_encode(const struct ctl_msg *m, uint8_t *buf,
		    size_t cap);
/* Decode one whole message; CTL_OK and *m, or what is wrong. */
enum ctl_err	 ctl_msg_decode(const uint8_t *buf, size_t len,
		    struct ctl_msg *m);
/* Just the header (to answer a wrong version with its seq). */
enum ctl_err	 ctl_hdr_decode(const uint8_t *buf, size_t len,
		    struct ctl_hdr *h);

/* Stable names (JSON values, metric labels). */
const char	*ctl_err_name(enum ctl_err);
const char	*ctl_type_name(unsigned);
const char	*ctl_res_name(unsigned);	/* "denied" */
const char	*ctl_state_name(unsigned);	/* "MASTER" */
const char	*ctl_cause_name(unsigned);	/* "master down" */
const char	*ctl_cause_key(unsigned);	/* "master_down" */
const char	*ctl_drop_name(unsigned);	/* "bad_hmac" */
/* A peer's address as text ("198.18.0.12", "2001:db8::12"); buf returned. */
char		*ctl_peer_fmt(const struct ctl_peer *, char buf[CARP_ADDR_STRLEN]);
const char	*ctl_reload_name(unsigned);	/* "applied" */
const char	*ctl_text_name(unsigned);	/* "error" */
const char	*ctl_event_name(unsigned);	/* "transition" */
const char	*ctl_demote_op_name(unsigned);	/* "+" */
const char	*ctl_health_name(unsigned);	/* "failing" */

#endif /* CTL_PROTO_H */
