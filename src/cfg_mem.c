/* cfg_mem.c: creating and freeing configuration data. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cfg_mem.h"
#include "xmalloc.h"

struct cfg_vhost *
cfg_vhost_new(void)
{
	struct cfg_vhost	*cv;
	static const uint8_t	 group[4] = CFG_DEFAULT_MCAST;

	cv = xcalloc(1, sizeof(*cv));
	memcpy(cv->mcast, group, 4);
	cv->advbase = CFG_DEFAULT_ADVBASE;
	cv->deadratio = CFG_DEFAULT_DEADRATIO;
	return cv;
}

/* Append one address (and the string scripts receive for it). */
void
cfg_vhost_add_addr(struct cfg_vhost *cv, const uint8_t a[4], const char *s)
{
	cv->addrs = xreallocarray(cv->addrs, cv->naddrs + 1, sizeof(*cv->addrs));
	cv->addr_strs = xreallocarray(cv->addr_strs, cv->naddrs + 1,
	    sizeof(*cv->addr_strs));
	memcpy(cv->addrs[cv->naddrs], a, 4);
	cv->addr_strs[cv->naddrs] = xstrdup(s);
	cv->naddrs++;
}

void
cfg_vhost_free(struct cfg_vhost *cv)
{
	size_t	i;

	if (cv == NULL)
		return;
	for (i = 0; i < cv->naddrs; i++)
		free(cv->addr_strs[i]);
	free(cv->addr_strs);
	free(cv->addrs);
	free(cv->name);
	free(cv->interface);
	free(cv->passfile);
	free(cv->upscript);
	free(cv->downscript);
	free(cv->xparam);
	free(cv->file);
	explicit_bzero(cv->pass, sizeof(cv->pass));
	free(cv);
}

struct cfg *
cfg_new(void)
{
	struct cfg	*c;

	c = xcalloc(1, sizeof(*c));
	c->facility = -3;	/* unset: LOG_DAEMON */
	c->script_jobs = CFG_DEFAULT_SCRIPT_JOBS;
	c->script_timeout_ms = CFG_DEFAULT_SCRIPT_TIMEOUT_MS;
	return c;
}

void
cfg_add_vhost(struct cfg *c, struct cfg_vhost *cv)
{
	c->vhosts = xreallocarray(c->vhosts, c->nvhosts + 1,
	    sizeof(*c->vhosts));
	c->vhosts[c->nvhosts++] = cv;
}

void
cfg_free(struct cfg *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nvhosts; i++)
		cfg_vhost_free(c->vhosts[i]);
	free(c->vhosts);
	free(c->pidfile);
	free(c->path);
	free(c);
}
