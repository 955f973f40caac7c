/*
 * maint.h: maintenance mode (ucarpctl maintenance): the set of instances
 * that may not be master, by identity (interface, vhid), kept in
 * state_dir across restarts and reboots; the health model holds each
 * instance (a master bows out).
 */
#ifndef MAINT_H
#define MAINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cfg;
struct instance;

/*
 * Start-up, once the registry holds the instances and before they
 * start: where the set is kept (state_dir; none on the command line
 * without --state-dir), read it, hold the instances it names.  A file
 * that cannot be read or is damaged holds every instance (said in the
 * log: who moved a service away may be working on this host).
 */
void		 maint_init(const struct cfg *);
/*
 * After a reload has applied the instances and the health model: hold
 * each new instance whose interface and vhid are in the set.
 */
void		 maint_reload(void);

/*
 * ucarpctl maintenance ON|OFF SEL: the n instances of v ("all": every
 * instance, and off also forgets identities no longer configured);
 * who asked, for the log and monitor.  The reply in msg; false if the
 * change could not be kept on disk (msg says why and what to do).
 */
bool		 maint_set(struct instance *const *v, size_t n, bool on,
		    bool all, const char *sel, const char *who, char *msg,
		    size_t msglen);

/*
 * The instances of a group (groups = [...]), in file order (free() the
 * array); NULL if none has it.
 */
struct instance	**maint_group(const char *group, size_t *n);

/* In maintenance, and since when (us since the epoch). */
bool		 maint_get(const struct instance *, int64_t *since_us);
/* Configured instances in maintenance. */
size_t		 maint_count(void);
/* Where the set is kept (NULL: nowhere), and whether its file was refused. */
const char	*maint_dir(void);
bool		 maint_refused(void);

void		 maint_shutdown(void);

#endif /* MAINT_H */
