/*
 * maint_fmt.h: the maintenance state file's format (pure core): which
 * instances are in maintenance, and since when, as kept in state_dir
 * across restarts.
 *
 *	# comment lines, anywhere before "end"
 *	ucarp-maintenance 1
 *	eth0 42 1765000000		IFACE VHID SINCE (Unix seconds)
 *	end 1				the number of entries
 *
 * Every line ends in a newline and the count must match, so a file cut
 * short anywhere (by a full disk, say) is seen as such, not as a shorter
 * list.  The daemon writes it whole and renames it into place.
 */
#ifndef MAINT_FMT_H
#define MAINT_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAINT_FILE_NAME		"maintenance"
#define MAINT_MAGIC		"ucarp-maintenance 1"
#define MAINT_IFNAME_MAX	16	/* IFNAMSIZ, NUL included */
#define MAINT_LINE_MAX		128	/* longer lines are refused */
#define MAINT_SINCE_MAX		((int64_t)1 << 40)	/* AD 36812 */
/* The longest entry line, newline included: 15 + 1 + 3 + 1 + 13 + 1. */
#define MAINT_ENTRY_LEN		34

struct maint_entry {
	char		ifname[MAINT_IFNAME_MAX];
	uint8_t		vhid;
	int64_t		since;		/* Unix seconds */
};

/* What is wrong with a file (0: nothing). */
enum maint_err {
	MAINT_OK = 0,
	MAINT_E_MAGIC,		/* not our header, or another version */
	MAINT_E_SYNTAX,		/* a line that is not an entry */
	MAINT_E_IFNAME,		/* not a possible interface name */
	MAINT_E_VHID,		/* not 1 to 255 */
	MAINT_E_SINCE,		/* not a time */
	MAINT_E_COUNT,		/* "end N" does not match the entries */
	MAINT_E_TRUNCATED,	/* no "end" line, or no final newline */
	MAINT_E_TRAILING,	/* something after "end" */
	MAINT_E_BINARY,		/* a control byte, a line too long */
	MAINT_E_MAX
};

/*
 * Parse a whole file of len bytes: cb(arg, entry) for each entry, in
 * order, as they are read; MAINT_OK only if the whole file is good (the
 * caller discards what cb got otherwise), else what is wrong and on
 * which line (*line, from 1).
 */
enum maint_err	 maint_parse(const uint8_t *buf, size_t len,
		    void (*cb)(void *, const struct maint_entry *), void *arg,
		    size_t *line);

/* The bytes maint_format() needs for n entries, at most. */
size_t		 maint_format_size(size_t n);

/*
 * The file for the n entries of v into buf; its length, or 0 if it does
 * not fit in cap or an entry cannot be written (a bad name, vhid or
 * time): what is written always parses back to v.
 */
size_t		 maint_format(const struct maint_entry *v, size_t n,
		    char *buf, size_t cap);

const char	*maint_err_name(enum maint_err);

#endif /* MAINT_FMT_H */
