/*
 * track_link.c: tracked interfaces.  Each netlink link message about a
 * tracked interface (by name, or by the index last seen for it when a
 * deletion carries no name) becomes a result for the health model when
 * the state differs from the model's; after a netlink overrun every
 * tracked interface is asked again.  A missing interface is down.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "health.h"
#include "instance_health.h"
#include "log.h"
#include "nl.h"
#include "track_link.h"

static bool	tl_watching;

bool
track_link_up(const char *name)
{
	struct ifreq	ifr;
	int		s;
	bool		up = false;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0)
		up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	close(s);
	return up;
}

/* Track k is now up or down: a result if the model thinks otherwise. */
static void
track_link_set(size_t k, bool up, const char *why)
{
	const struct health_track	*t = &health_model()->tracks[k];

	if (up == (t->state == HEALTH_OK))
		return;
	health_result(k, up, why);
}

static void
track_link_cb(const struct nl_link *l)
{
	const struct health	*h = health_model();
	char			 name[IF_NAMESIZE];
	const char		*n = l->name;
	size_t			 k;

	if (n == NULL && !l->gone && if_indextoname(l->index, name) != NULL)
		n = name;
	for (k = 0; k < h->ntracks; k++) {
		if (h->tracks[k].kind != HEALTH_IFACE)
			continue;
		if (n != NULL ? strcmp(n, h->tracks[k].name) != 0 :
		    if_nametoindex(h->tracks[k].name) != 0)
			continue;
		track_link_set(k, l->up && !l->gone, l->gone ?
		    "interface removed" : l->up ? "link up" :
		    "link down or no carrier");
	}
}

/* Events were lost: ask for every tracked interface. */
static void
track_link_resync(void)
{
	const struct health	*h = health_model();
	size_t			 k;

	for (k = 0; k < h->ntracks; k++)
		if (h->tracks[k].kind == HEALTH_IFACE)
			track_link_set(k, track_link_up(h->tracks[k].name),
			    "asked again after lost netlink events");
}

void
track_link_configure(void)
{
	const struct health	*h = health_model();
	size_t			 k;
	bool			 any = false;

	for (k = 0; k < h->ntracks; k++)
		any |= h->tracks[k].kind == HEALTH_IFACE;
	if (!any || tl_watching)
		return;
	if (nl_watch_links(track_link_cb, track_link_resync) == -1)
		log_msg(LOG_ERR, "tracked interfaces: cannot follow links over "
		    "netlink; their state is read once, at start-up and "
		    "reload");
	else
		tl_watching = true;
}

void
track_link_shutdown(void)
{
	tl_watching = false;
}
