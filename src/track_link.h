/*
 * track_link.h: tracked interfaces (track_interface): the link state
 * (admin up and carrier) of interfaces other than the instances' own,
 * followed over netlink (nl.c) and fed to the health model as results.
 */
#ifndef TRACK_LINK_H
#define TRACK_LINK_H

#include <stdbool.h>

/* Whether interface name is up and running now (false if it is missing). */
bool	track_link_up(const char *name);

/* Follow the model's tracked interfaces (after each rebuild). */
void	track_link_configure(void);
void	track_link_shutdown(void);

#endif /* TRACK_LINK_H */
