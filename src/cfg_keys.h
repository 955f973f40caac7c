/*
 * cfg_keys.h: the one table of configuration keys (pure core).
 *
 * Every instance key, global setting and command-line option is one row:
 * its name in the file, its command-line letter and long names, its type,
 * where its value lives (offsetof into struct cfg_instance or struct cfg),
 * its range and default, where it may be written, and what a reload must
 * do when it changes.  The file loader, the command line, --print-config,
 * --help, the reload diff and freeing all walk this table: a new key is a
 * row here, the code that uses its value, and the man pages.
 */
#ifndef CFG_KEYS_H
#define CFG_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"

enum cfg_type {
	CFG_T_NONE,	/* a command-line switch with no value (-h, -t) */
	CFG_T_BOOL,	/* bool */
	CFG_T_U8,	/* uint8_t within [min, max] */
	CFG_T_U32,	/* uint32_t or unsigned within [min, max] */
	CFG_T_IPV4,	/* uint8_t[4] */
	CFG_T_ADDR,	/* struct carp_addr, either family, no prefix */
	CFG_T_ADDRLIST,	/* naddrs, addrs and addr_strs of struct cfg_instance */
	CFG_T_STRING,	/* char *, printable as given */
	CFG_T_NAME,	/* char *, no control characters */
	CFG_T_PATH,	/* char *, relative to the file's directory */
	CFG_T_SCRIPT,	/* char *, a path that must be executable */
	CFG_T_SECRET,	/* pass and passlen of struct cfg_instance */
	CFG_T_PASSFILE,	/* char *, the file pass was read from */
	CFG_T_FACILITY,	/* int, a syslog facility */
	CFG_T_SECONDS,	/* unsigned milliseconds, written as seconds */
	CFG_T_NAMES,	/* struct cfg_names: a name or a list of names */
	CFG_T_PEERS,	/* struct cfg_peers: an address or a list of them */
	CFG_T_CHECKS	/* the checks list of struct cfg (cfg_hcheck.c) */
};

/* Where a key may be written (bits). */
#define CFG_S_INSTANCE	0x01	/* an instance block; the value is in
				   struct cfg_instance */
#define CFG_S_DEFAULTS	0x02	/* the defaults block */
#define CFG_S_GLOBAL	0x04	/* the top level; the value is in struct cfg */
#define CFG_S_CLI	0x08	/* the command line only (value, if any, in
				   struct cfg) */

/* Flags (bits). */
#define CFG_F_EMPTY_OK	0x01	/* an empty string is a value */
#define CFG_F_NONZERO	0x02	/* 0.0.0.0 (or ::) is refused */
#define CFG_F_IDENTITY	0x04	/* part of the identity: a change is a
				   delete plus an add, not an update */
#define CFG_F_ALWAYS	0x08	/* printed even when unset or default */
#define CFG_F_CLI_ZERO	0x20	/* the command line takes 0, for cfg_check
				   to refuse in ucarp 1.5.2's words */
#define CFG_F_NOFIELD	0x10	/* a mode of the command line (-c, -t):
				   no value in a struct */

/* Long-only options: values getopt_long returns for them. */
#define CFG_OPT_VERSION		270
#define CFG_OPT_PRINT_CONFIG	256
#define CFG_OPT_PIDFILE		257
#define CFG_OPT_REPLAY_PROTECT	258
#define CFG_OPT_CONTROL		259
#define CFG_OPT_STATE_DIR	260
#define CFG_OPT_MANAGE_ADDRESSES	261
#define CFG_OPT_PEER		262

/* Reload class of a global setting: main.c's reload applies it. */
#define CFG_CH_GLOBAL	0x100

/* Rows in the table, at most (arrays indexed by row). */
#define CFG_NKEYS_MAX	48

struct cfg_key {
	const char	*name;		/* in the file; NULL: options only */
	int		 opt;		/* short letter, CFG_OPT_*, or 0 */
	const char	*lopt;		/* long option, NULL: none */
	const char	*lalias;	/* another long name, NULL: none */
	enum cfg_type	 type;
	unsigned	 scope;		/* CFG_S_* */
	unsigned	 flags;		/* CFG_F_* */
	size_t		 off;		/* of the value (types that have one) */
	long long	 min, max;	/* numbers; SECONDS in ms */
	long long	 def;		/* numbers and booleans */
	const char	*sdef;		/* IPV4 and FACILITY, as written */
	unsigned	 reload;	/* CFG_CH_* a change needs */
	const char	*arg;		/* --help: the value's name */
	const char	*help;		/* --help: what it does */
};

extern const struct cfg_key	cfg_keys[];
extern const size_t		cfg_nkeys;

/* The row of a file key, or NULL. */
const struct cfg_key	*cfg_key_find(const char *name);

/* The row of an option as getopt_long returns it, or NULL. */
const struct cfg_key	*cfg_key_by_opt(int opt);

/* True for a key written in instance blocks (its value in cfg_instance). */
bool		cfg_key_is_instance(const struct cfg_key *);

/* The value of k in an instance or cfg (by the row's scope). */
void		*cfg_key_ptr(const struct cfg_key *, void *obj);
const void	*cfg_key_cptr(const struct cfg_key *, const void *obj);

/* True for the types whose value is a char * (NULL: not given). */
bool		cfg_key_is_str(const struct cfg_key *);

/* The bytes of a scalar value (BOOL to FACILITY), 0 for the others. */
size_t		cfg_key_size(const struct cfg_key *);

/*
 * The CFG_CH_* bits a difference of key k between two instances needs: 0
 * if equal, else part of k->reload (an address list whose strings alone
 * differ needs only CFG_CH_SCRIPTS).
 */
unsigned	cfg_key_diff(const struct cfg_key *, const struct cfg_instance *,
		    const struct cfg_instance *);

#endif /* CFG_KEYS_H */
