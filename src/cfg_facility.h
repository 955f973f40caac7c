/*
 * cfg_facility.h: syslog facility names, the one table (shell: the values
 * come from <syslog.h>).
 */
#ifndef CFG_FACILITY_H
#define CFG_FACILITY_H

/* What cfg_facility_parse() returns for a name it does not know. */
#define CFG_FACILITY_UNKNOWN	(-2)

/* The names, as glibc's facilitynames plus "none"; NULL-terminated. */
const char *const *cfg_facility_names(void);

/* The value of a name (any case), or CFG_FACILITY_UNKNOWN. */
int		 cfg_facility_parse(const char *);

/* The first name of a value; "daemon" for CFG_FACILITY_UNSET. */
const char	*cfg_facility_name(int);

#endif /* CFG_FACILITY_H */
