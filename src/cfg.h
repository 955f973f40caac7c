/*
 * cfg.h: the configuration as plain data, from the ucarp 1.5.2 command
 * line or the configuration file.  Every instance remembers where it came
 * from (file:line, or "command line") for its error messages.
 */
#ifndef CFG_H
#define CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carp_addr.h"
#include "carp_hmac.h"

/* A list of names as written (groups, track_check, track_interface). */
struct cfg_names {
	char		**v;
	size_t		  n;
};

/* Unicast peers of an instance: addresses, no prefixes. */
struct cfg_peers {
	struct carp_addr *v;
	size_t		  n;
};

/* One virtual host: the long option names of ucarp 1.5.2. */
struct cfg_instance {
	char		*name;		/* optional, for logs */
	char		*interface;
	struct carp_addr srcip;		/* IPv4 or IPv6, no prefix */
	uint8_t		 mcast[4];	/* group, 224.0.0.18 by default */
	uint8_t		 vhid;
	uint8_t		 pass[CARP_PASS_MAX];
	size_t		 passlen;
	char		*passfile;	/* where pass came from, if a file */
	size_t		 naddrs;
	size_t		 addrs_cap;	/* room in addrs and addr_strs */
	struct carp_addr *addrs;	/* IPv4 and IPv6, with prefixes */
	char		**addr_strs;	/* as written: scripts receive these */
	uint8_t		 advbase;
	uint8_t		 advskew;
	uint32_t	 deadratio;
	bool		 preempt;
	bool		 neutral;
	bool		 shutdown;
	bool		 nomcast;
	bool		 ignoreifstate;
	bool		 replay_protect;	/* monotonic counters, checked */
	bool		 manage_addresses; /* add/remove addrs over netlink */
	char		*on_address_removed; /* NULL or "restore", "stepdown" */
	struct cfg_peers peer;		/* unicast adverts go there */
	bool		 unicast_ttl_check;	/* unicast: TTL 255 required */
	bool		 unicast_also_multicast; /* migration: both ways */
	char		*upscript;
	char		*downscript;
	char		*xparam;
	struct cfg_names groups;	/* fail over together (health) */
	struct cfg_names track_check;	/* names in cfg.checks */
	struct cfg_names track_interface; /* links that count like checks */
	const char	*file;		/* source of this block: a literal or
					   cfg_file_name()'s, never freed */
	int		 line;
};

/* One check script of the global checks list. */
struct cfg_hcheck {
	char		*name;
	char		*script;	/* absolute path */
	uint32_t	 interval_ms;
	uint32_t	 timeout_ms;	/* 0: the interval */
	uint32_t	 rise;
	uint32_t	 fall;
	int		 weight;	/* 1..255, or -1: fatal */
	char		*file;
	int		 line;
};

struct cfg {
	struct cfg_instance **instances;
	size_t		   ninstances;
	size_t		   instances_cap;
	int		   facility;	/* LOG_*, LOG_FACILITY_NONE or
					   CFG_FACILITY_UNSET */
	bool		   debug;
	bool		   daemonize;
	bool		   legacy;	/* from the command line, no file */
	unsigned	   script_jobs;	/* scripts running at once, all instances */
	unsigned	   script_timeout_ms;
	char		  *pidfile;
	char		  *control;	/* control socket, NULL: default */
	char		  *control_ro;	/* read-only socket, NULL: none */
	struct cfg_hcheck *checks;	/* the checks list */
	size_t		   nchecks;
	uint32_t	   startup_hold_ms; /* no master before this */
	char		  *state_dir;	/* maintenance kept there, NULL:
					   the default (none on the
					   command line) */
	char		  *path;	/* the file, NULL on the command line */
	bool		   cli_debug;	/* -D on the command line */
	int		   cli_facility; /* -f on the command line, or
					    CFG_FACILITY_UNSET */
};

/* No facility given: LOG_DAEMON, unless a reload's file sets one. */
#define CFG_FACILITY_UNSET	(-3)

#define CFG_DEFAULT_FILE	"/etc/ucarp.conf"
#define CFG_DEFAULT_MCAST	{ 224, 0, 0, 18 }
#define CFG_DEFAULT_ADVBASE	1
#define CFG_DEFAULT_DEADRATIO	3
#define CFG_DEFAULT_SCRIPT_JOBS	16
#define CFG_DEFAULT_SCRIPT_TIMEOUT_MS	60000
#define CFG_DEFAULT_STATE_DIR	"/var/lib/ucarp"

#endif /* CFG_H */
