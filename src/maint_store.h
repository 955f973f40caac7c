/*
 * maint_store.h: the maintenance state file in state_dir, read at
 * start-up and replaced atomically on every change (the format is
 * maint_fmt.c's).
 */
#ifndef MAINT_STORE_H
#define MAINT_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "maint_fmt.h"

enum maint_load {
	MAINT_LOAD_OK,		/* read and good (entries given to cb) */
	MAINT_LOAD_NONE,	/* no file: nothing in maintenance */
	MAINT_LOAD_REFUSED	/* unreadable or damaged: err says why */
};

/*
 * Read dir/maintenance: cb(arg, entry) for each entry of a good file
 * (only once the whole file is known to be good).  On MAINT_LOAD_REFUSED,
 * err holds "PATH: what" (line number included).
 */
enum maint_load	 maint_store_load(const char *dir,
		    void (*cb)(void *, const struct maint_entry *), void *arg,
		    char *err, size_t errlen);

/*
 * Replace dir/maintenance with the n entries of v: a temporary file in
 * the same directory, written, fsync'd, renamed over the old one, then
 * the directory fsync'd, so a crash at any point leaves the old file or
 * the new one, whole.  dir is made (0755) if missing.  False, and err
 * "PATH: what: strerror", if it could not be done (the old file stays).
 */
bool		 maint_store_save(const char *dir,
		    const struct maint_entry *v, size_t n, char *err,
		    size_t errlen);

#endif /* MAINT_STORE_H */
