/*
 * instance_addrs.h: built-in address management (manage_addresses) around
 * the instances, for main.c: where the ownership record lives, the
 * start-up clean-up of our stale addresses, and the end.
 */
#ifndef INSTANCE_ADDRS_H
#define INSTANCE_ADDRS_H

/*
 * The ownership record: path, or NULL for the default (beside the
 * control socket, else in /run/ucarp, one per network namespace).
 */
void	instance_addrs_init(const char *control);

/*
 * Before the first election: remove the addresses an earlier run left
 * (tagged as ours or in the record), warn about an operator's copy of an
 * address an instance manages.
 */
void	instance_addrs_startup(void);

void	instance_addrs_shutdown(void);

#endif /* INSTANCE_ADDRS_H */
