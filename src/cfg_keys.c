/*
 * cfg_keys.c: the one table of configuration keys, and the pure helpers
 * that read a key's value wherever it lives (pure core).
 *
 * Order matters twice: --print-config prints keys in table order, and
 * --help lists options in table order.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "cfg_diff.h"
#include "cfg_keys.h"

#define V(f)	offsetof(struct cfg_instance, f)
#define G(f)	offsetof(struct cfg, f)
#define INST	(CFG_S_INSTANCE | CFG_S_DEFAULTS)

const struct cfg_key cfg_keys[] = {
	{ "name", 0, NULL, NULL, CFG_T_NAME, CFG_S_INSTANCE, 0, V(name),
	    0, 0, 0, NULL, CFG_CH_NAME, NULL, NULL },
	{ "interface", 'i', "interface", NULL, CFG_T_STRING, INST,
	    CFG_F_IDENTITY, V(interface), 0, 0, 0, NULL, 0,
	    "if", "bind interface <if>" },
	{ "srcip", 's', "srcip", NULL, CFG_T_ADDR, INST,
	    CFG_F_NONZERO | CFG_F_ALWAYS, V(srcip), 0, 0, 0, NULL,
	    CFG_CH_PROTO, "ip", "source (real) IP address of that host" },
	{ "vhid", 'v', "vhid", NULL, CFG_T_U8, INST,
	    CFG_F_IDENTITY | CFG_F_ALWAYS, V(vhid), 1, 255, 0, NULL, 0,
	    "id", "virtual IP identifier (1-255)" },
	{ "pass", 'p', "pass", NULL, CFG_T_SECRET, INST, 0, V(pass),
	    0, CARP_PASS_MAX, 0, NULL, CFG_CH_AUTH,
	    "pass", "password (at most 19 bytes)" },
	/* The password it holds is compared under pass. */
	{ "passfile", 'o', "passfile", NULL, CFG_T_PASSFILE, INST, 0,
	    V(passfile), 0, 0, 0, NULL, 0,
	    "file", "read password from file" },
	{ "addr", 'a', "addr", NULL, CFG_T_ADDRLIST, INST, 0, V(addrs),
	    0, 0, 0, NULL, CFG_CH_AUTH | CFG_CH_SCRIPTS,
	    "ip[/len]", "virtual shared IPv4 or IPv6 address (repeatable)" },
	{ "advbase", 'b', "advbase", NULL, CFG_T_U8, INST, CFG_F_ALWAYS,
	    V(advbase), 0, 255, CFG_DEFAULT_ADVBASE, NULL, CFG_CH_PROTO,
	    "seconds", "advertisement frequency (0-255)" },
	{ "advskew", 'k', "advskew", NULL, CFG_T_U8, INST, CFG_F_ALWAYS,
	    V(advskew), 0, 255, 0, NULL, CFG_CH_PROTO,
	    "skew", "advertisement skew (0-255)" },
	{ "deadratio", 'r', "deadratio", NULL, CFG_T_U32, INST,
	    CFG_F_ALWAYS | CFG_F_CLI_ZERO, V(deadratio), 1, 255,
	    CFG_DEFAULT_DEADRATIO, NULL, CFG_CH_PROTO,
	    "ratio", "ratio to consider a host as dead" },
	{ "preempt", 'P', "preempt", NULL, CFG_T_BOOL, INST, CFG_F_ALWAYS,
	    V(preempt), 0, 1, 0, NULL, CFG_CH_PROTO,
	    NULL, "becomes a master as soon as possible" },
	/* The state machine reads it, and so does the first downscript. */
	{ "neutral", 'n', "neutral", NULL, CFG_T_BOOL, INST, CFG_F_ALWAYS,
	    V(neutral), 0, 1, 0, NULL, CFG_CH_PROTO | CFG_CH_SCRIPTS,
	    NULL, "don't run downscript at start if backup" },
	{ "shutdown", 'z', "shutdown", NULL, CFG_T_BOOL, INST, CFG_F_ALWAYS,
	    V(shutdown), 0, 1, 0, NULL, CFG_CH_PROTO,
	    NULL, "call shutdown script at exit" },
	{ "mcast", 'm', "mcast", "mcastip", CFG_T_IPV4, INST, CFG_F_ALWAYS,
	    V(mcast), 0, 0, 0, "224.0.0.18", CFG_CH_GROUP,
	    "ip", "multicast group IP address (default 224.0.0.18)" },
	{ "nomcast", 'M', "nomcast", NULL, CFG_T_BOOL, INST, CFG_F_ALWAYS,
	    V(nomcast), 0, 1, 0, NULL, CFG_CH_GROUP,
	    NULL, "use broadcast (instead of multicast) advertisements" },
	{ "ignoreifstate", 'S', "ignoreifstate", NULL, CFG_T_BOOL, INST,
	    CFG_F_ALWAYS, V(ignoreifstate), 0, 1, 0, NULL, CFG_CH_PROTO,
	    NULL, "ignore interface state (down, no carrier)" },
	{ "replay_protect", CFG_OPT_REPLAY_PROTECT, "replay-protect", NULL,
	    CFG_T_BOOL, INST, CFG_F_ALWAYS, V(replay_protect), 0, 1, 0, NULL,
	    CFG_CH_PROTO, NULL, "monotonic counters, reject replayed adverts "
	    "(only\n    when every node runs this ucarp; see ucarp(8))" },
	{ "manage_addresses", CFG_OPT_MANAGE_ADDRESSES, "manage-addresses",
	    NULL, CFG_T_BOOL, INST, 0, V(manage_addresses), 0, 1, 0, NULL,
	    CFG_CH_ADDRMGR, NULL, "add and remove the addresses over netlink "
	    "(no scripts needed;\n    see ucarp(8))" },
	{ "on_address_removed", 0, NULL, NULL, CFG_T_NAME, INST, 0,
	    V(on_address_removed), 0, 0, 0, NULL, CFG_CH_ADDRMGR, NULL, NULL },
	{ "peer", CFG_OPT_PEER, "peer", NULL, CFG_T_PEERS, INST, 0, V(peer),
	    0, 0, 0, NULL, CFG_CH_PEERS, "ip", "send adverts by unicast to <ip> "
	    "(repeatable; IPv4 or IPv6)" },
	{ "unicast_ttl_check", 0, NULL, NULL, CFG_T_BOOL, INST, 0,
	    V(unicast_ttl_check), 0, 1, 1, NULL, CFG_CH_PEERS, NULL, NULL },
	{ "unicast_also_multicast", 0, NULL, NULL, CFG_T_BOOL, INST, 0,
	    V(unicast_also_multicast), 0, 1, 0, NULL, CFG_CH_PEERS, NULL,
	    NULL },
	{ "upscript", 'u', "upscript", NULL, CFG_T_SCRIPT, INST, 0,
	    V(upscript), 0, 0, 0, NULL, CFG_CH_SCRIPTS,
	    "file", "run <file> to become a master" },
	{ "downscript", 'd', "downscript", NULL, CFG_T_SCRIPT, INST, 0,
	    V(downscript), 0, 0, 0, NULL, CFG_CH_SCRIPTS,
	    "file", "run <file> to become a backup" },
	{ "xparam", 'x', "xparam", NULL, CFG_T_STRING, INST, CFG_F_EMPTY_OK,
	    V(xparam), 0, 0, 0, NULL, CFG_CH_SCRIPTS,
	    "value", "extra parameter to send to up/down scripts" },
	{ "groups", 0, NULL, NULL, CFG_T_NAMES, INST, 0, V(groups),
	    0, 0, 0, NULL, CFG_CH_HEALTH, NULL, NULL },
	{ "track_check", 0, NULL, NULL, CFG_T_NAMES, INST, 0, V(track_check),
	    0, 0, 0, NULL, CFG_CH_HEALTH, NULL, NULL },
	{ "track_interface", 0, NULL, NULL, CFG_T_NAMES, INST, 0,
	    V(track_interface), 0, 0, 0, NULL, CFG_CH_HEALTH, NULL, NULL },

	{ "facility", 'f', "facility", "syslog", CFG_T_FACILITY,
	    CFG_S_GLOBAL, CFG_F_ALWAYS, G(facility), 0, 0, 0, "daemon",
	    CFG_CH_GLOBAL, "facility", "set syslog facility (default=daemon)" },
	{ "debug", 'D', "debug", NULL, CFG_T_BOOL, CFG_S_GLOBAL,
	    CFG_F_ALWAYS, G(debug), 0, 1, 0, NULL, CFG_CH_GLOBAL,
	    NULL, "enable debug output" },
	{ "script_jobs", 0, NULL, NULL, CFG_T_U32, CFG_S_GLOBAL,
	    CFG_F_ALWAYS, G(script_jobs), 1, 1000, CFG_DEFAULT_SCRIPT_JOBS,
	    NULL, CFG_CH_GLOBAL, NULL, NULL },
	{ "script_timeout", 0, NULL, NULL, CFG_T_SECONDS, CFG_S_GLOBAL,
	    CFG_F_ALWAYS, G(script_timeout_ms), 1, 3600 * 1000,
	    CFG_DEFAULT_SCRIPT_TIMEOUT_MS, NULL, CFG_CH_GLOBAL, NULL, NULL },
	{ "pidfile", CFG_OPT_PIDFILE, "pidfile", NULL, CFG_T_PATH,
	    CFG_S_GLOBAL, 0, G(pidfile), 0, 0, 0, NULL, CFG_CH_GLOBAL,
	    "file", "write the daemon's process id to <file>" },
	{ "control", CFG_OPT_CONTROL, "control", NULL, CFG_T_PATH,
	    CFG_S_GLOBAL, 0, G(control), 0, 0, 0, NULL, CFG_CH_GLOBAL,
	    "path", "control socket for ucarpctl (default with a file: "
	    "/run/ucarp/ucarp.sock)" },
	{ "control_ro", 0, NULL, NULL, CFG_T_PATH, CFG_S_GLOBAL, 0,
	    G(control_ro), 0, 0, 0, NULL, CFG_CH_GLOBAL, NULL, NULL },
	{ "checks", 0, NULL, NULL, CFG_T_CHECKS, CFG_S_GLOBAL, 0, G(checks),
	    0, 0, 0, NULL, CFG_CH_GLOBAL, NULL, NULL },
	{ "startup_hold", 0, NULL, NULL, CFG_T_SECONDS, CFG_S_GLOBAL, 0,
	    G(startup_hold_ms), 0, 3600 * 1000, 0, NULL, CFG_CH_GLOBAL,
	    NULL, NULL },
	{ "state_dir", CFG_OPT_STATE_DIR, "state-dir", NULL, CFG_T_PATH,
	    CFG_S_GLOBAL, 0, G(state_dir), 0, 0, 0, NULL, CFG_CH_GLOBAL,
	    "dir", "keep maintenance (ucarpctl) there across restarts\n"
	    "    (default with a file: " CFG_DEFAULT_STATE_DIR ")" },

	{ NULL, 'B', "daemonize", NULL, CFG_T_BOOL, CFG_S_CLI, 0,
	    G(daemonize), 0, 1, 0, NULL, 0, NULL, "run in background" },
	{ NULL, 'h', "help", NULL, CFG_T_NONE, CFG_S_CLI, CFG_F_NOFIELD, 0,
	    0, 0, 0, NULL, 0, NULL, "summary of command-line options" },
	{ NULL, CFG_OPT_VERSION, "version", NULL, CFG_T_NONE, CFG_S_CLI,
	    CFG_F_NOFIELD, 0, 0, 0, 0, NULL, 0, NULL,
	    "print the version and exit" },
	{ NULL, 'c', "config", NULL, CFG_T_PATH, CFG_S_CLI, CFG_F_NOFIELD, 0,
	    0, 0, 0, NULL, 0, "file", "run every instance of <file> "
	    "(libconfig);\n    without instance options ucarp reads "
	    CFG_DEFAULT_FILE },
	{ NULL, 't', "config-test", NULL, CFG_T_NONE, CFG_S_CLI, CFG_F_NOFIELD,
	    0, 0, 0, 0, NULL, 0, NULL, "check the configuration, print "
	    "problems, exit 0 or 1" },
	{ NULL, CFG_OPT_PRINT_CONFIG, "print-config", NULL, CFG_T_NONE,
	    CFG_S_CLI, CFG_F_NOFIELD, 0, 0, 0, 0, NULL, 0, NULL,
	    "print the effective configuration and exit" },
};

const size_t cfg_nkeys = sizeof(cfg_keys) / sizeof(cfg_keys[0]);

_Static_assert(sizeof(cfg_keys) / sizeof(cfg_keys[0]) <= CFG_NKEYS_MAX,
    "raise CFG_NKEYS_MAX");

const struct cfg_key *
cfg_key_find(const char *name)
{
	size_t	i;

	for (i = 0; i < cfg_nkeys; i++)
		if (cfg_keys[i].name != NULL &&
		    strcmp(cfg_keys[i].name, name) == 0)
			return &cfg_keys[i];
	return NULL;
}

const struct cfg_key *
cfg_key_by_opt(int opt)
{
	size_t	i;

	for (i = 0; opt != 0 && i < cfg_nkeys; i++)
		if (cfg_keys[i].opt == opt)
			return &cfg_keys[i];
	return NULL;
}

bool
cfg_key_is_instance(const struct cfg_key *k)
{
	return (k->scope & CFG_S_INSTANCE) != 0;
}

void *
cfg_key_ptr(const struct cfg_key *k, void *obj)
{
	return (char *)obj + k->off;
}

const void *
cfg_key_cptr(const struct cfg_key *k, const void *obj)
{
	return (const char *)obj + k->off;
}

bool
cfg_key_is_str(const struct cfg_key *k)
{
	return k->type == CFG_T_STRING || k->type == CFG_T_NAME ||
	    k->type == CFG_T_PATH || k->type == CFG_T_SCRIPT ||
	    k->type == CFG_T_PASSFILE;
}

size_t
cfg_key_size(const struct cfg_key *k)
{
	switch (k->type) {
	case CFG_T_BOOL:
		return sizeof(bool);
	case CFG_T_U8:
		return sizeof(uint8_t);
	case CFG_T_U32:
	case CFG_T_SECONDS:
		return sizeof(uint32_t);
	case CFG_T_IPV4:
		return 4;
	case CFG_T_ADDR:
		return sizeof(struct carp_addr);
	case CFG_T_FACILITY:
		return sizeof(int);
	default:
		return 0;
	}
}

/* Both NULL, or equal strings. */
static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Addresses to the state machine (AUTH), their strings to scripts. */
static unsigned
addrs_diff(const struct cfg_key *k, const struct cfg_instance *a,
    const struct cfg_instance *b)
{
	unsigned	ch = 0;
	size_t		i;

	/* The prefixes are not hashed: the strings carry them to scripts. */
	if (a->naddrs != b->naddrs)
		ch |= k->reload & CFG_CH_AUTH;
	for (i = 0; i < a->naddrs && i < b->naddrs; i++)
		if (!carp_addr_eq(&a->addrs[i], &b->addrs[i]))
			ch |= k->reload & CFG_CH_AUTH;
	for (i = 0; i < a->naddrs && i < b->naddrs; i++)
		if (!str_eq(a->addr_strs[i], b->addr_strs[i])) {
			ch |= k->reload & CFG_CH_SCRIPTS;
			break;
		}
	return ch;
}

/* Two name lists, in order. */
static bool
names_eq(const struct cfg_names *a, const struct cfg_names *b)
{
	size_t	i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!str_eq(a->v[i], b->v[i]))
			return false;
	return true;
}

/* The same peers in the same order. */
static bool
peers_eq(const struct cfg_peers *a, const struct cfg_peers *b)
{
	size_t	i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!carp_addr_eq(&a->v[i], &b->v[i]))
			return false;
	return true;
}

static bool
value_eq(const struct cfg_key *k, const void *pa, const void *pb,
    const struct cfg_instance *a, const struct cfg_instance *b)
{
	if (cfg_key_is_str(k))
		return str_eq(*(char *const *)pa, *(char *const *)pb);
	switch (k->type) {
	case CFG_T_NAMES:
		return names_eq(pa, pb);
	case CFG_T_PEERS:
		return peers_eq(pa, pb);
	case CFG_T_SECRET:
		return a->passlen == b->passlen &&
		    memcmp(a->pass, b->pass, a->passlen) == 0;
	default:
		return memcmp(pa, pb, cfg_key_size(k)) == 0;
	}
}

unsigned
cfg_key_diff(const struct cfg_key *k, const struct cfg_instance *a,
    const struct cfg_instance *b)
{
	if (!cfg_key_is_instance(k) || (k->flags & CFG_F_IDENTITY))
		return 0;
	if (k->type == CFG_T_ADDRLIST)
		return addrs_diff(k, a, b);
	if (value_eq(k, cfg_key_cptr(k, a), cfg_key_cptr(k, b), a, b))
		return 0;
	return k->reload;
}
