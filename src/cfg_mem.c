/*
 * cfg_mem.c: creating, copying and freeing configuration data, key by
 * key as the key table describes them.
 */
#include "config.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_keys.h"
#include "cfg_mem.h"
#include "xmalloc.h"

/*
 * The names of the files instances came from, each kept once: 10,000
 * instances of one file held 10,000 copies of its path (issue 20).  They
 * are never freed, so the instances, the running configuration and a
 * reload's new one (built in the loader thread) share them with no count
 * to keep between threads; the mutex guards the list, which grows only
 * by the names of the files ever read (a load reads at most 256).
 */
static pthread_mutex_t	  names_mtx = PTHREAD_MUTEX_INITIALIZER;
static char		**names;
static size_t		  nnames, names_cap, names_last;

const char *
cfg_file_name(const char *name)
{
	const char	*r;
	size_t		 i;

	pthread_mutex_lock(&names_mtx);
	/* Instances come in runs from one file: try the last one first. */
	if (nnames > 0 && strcmp(names[names_last], name) == 0) {
		r = names[names_last];
		goto out;
	}
	for (i = 0; i < nnames; i++)
		if (strcmp(names[i], name) == 0)
			break;
	if (i == nnames) {
		if (nnames == names_cap) {
			names_cap = names_cap == 0 ? 4 : 2 * names_cap;
			names = xreallocarray(names, names_cap,
			    sizeof(*names));
		}
		names[nnames++] = xstrdup(name);
	}
	names_last = i;
	r = names[i];
out:
	pthread_mutex_unlock(&names_mtx);
	return r;
}

/* Key k's default into obj (an instance or a cfg, by the key's scope). */
static void
key_default(const struct cfg_key *k, void *obj)
{
	void	*p = cfg_key_ptr(k, obj);

	switch (k->type) {
	case CFG_T_BOOL:
		*(bool *)p = k->def != 0;
		break;
	case CFG_T_U8:
		*(uint8_t *)p = (uint8_t)k->def;
		break;
	case CFG_T_U32:
	case CFG_T_SECONDS:
		*(uint32_t *)p = (uint32_t)k->def;
		break;
	case CFG_T_IPV4:
		if (k->sdef != NULL && inet_pton(AF_INET, k->sdef, p) != 1)
			abort();	/* a typo in the table */
		break;
	case CFG_T_ADDR:
		/* Unset reads as 0.0.0.0, as ucarp 1.5.2's. */
		carp_addr_from4(p, (const uint8_t[4]){ 0, 0, 0, 0 });
		break;
	case CFG_T_FACILITY:
		*(int *)p = CFG_FACILITY_UNSET;
		break;
	default:
		break;		/* strings and lists: NULL, empty */
	}
}

struct cfg_instance *
cfg_instance_new(void)
{
	struct cfg_instance	*cv;
	size_t			 i;

	cv = xcalloc(1, sizeof(*cv));
	for (i = 0; i < cfg_nkeys; i++)
		if (cfg_key_is_instance(&cfg_keys[i]))
			key_default(&cfg_keys[i], cv);
	return cv;
}

/* Append one address (and the string scripts receive for it). */
void
cfg_instance_add_addr(struct cfg_instance *cv, const struct carp_addr *a,
    const char *s)
{
	if (cv->naddrs == cv->addrs_cap) {
		cv->addrs_cap = cv->addrs_cap == 0 ? 1 : 2 * cv->addrs_cap;
		cv->addrs = xreallocarray(cv->addrs, cv->addrs_cap,
		    sizeof(*cv->addrs));
		cv->addr_strs = xreallocarray(cv->addr_strs, cv->addrs_cap,
		    sizeof(*cv->addr_strs));
	}
	cv->addrs[cv->naddrs] = *a;
	cv->addr_strs[cv->naddrs] = xstrdup(s);
	cv->naddrs++;
}

void
cfg_names_add(struct cfg_names *l, const char *name)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(name);
}

void
cfg_names_free(struct cfg_names *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

bool
cfg_peers_add(struct cfg_peers *l, const struct carp_addr *a)
{
	if (carp_addr_index(l->v, l->n, a) < l->n)
		return false;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n] = *a;
	l->v[l->n++].prefix = CARP_PREFIX_NONE;
	return true;
}

void
cfg_peers_free(struct cfg_peers *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
cfg_hchecks_free(struct cfg *c)
{
	size_t	i;

	for (i = 0; i < c->nchecks; i++) {
		free(c->checks[i].name);
		free(c->checks[i].script);
		free(c->checks[i].file);
	}
	free(c->checks);
	c->checks = NULL;
	c->nchecks = 0;
}

static void
names_copy(struct cfg_names *dst, const struct cfg_names *src)
{
	size_t	i;

	cfg_names_free(dst);
	for (i = 0; i < src->n; i++)
		cfg_names_add(dst, src->v[i]);
}

/* A string key's value: NULL, or a copy of the source's. */
static void
copy_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src != NULL ? xstrdup(src) : NULL;
}

void
cfg_key_copy(const struct cfg_key *k, struct cfg_instance *dst,
    const struct cfg_instance *src)
{
	size_t	i;

	if (cfg_key_is_str(k)) {
		copy_str(cfg_key_ptr(k, dst),
		    *(char *const *)cfg_key_cptr(k, src));
		return;
	}
	switch (k->type) {
	case CFG_T_NAMES:
		names_copy(cfg_key_ptr(k, dst), cfg_key_cptr(k, src));
		break;
	case CFG_T_PEERS:
		cfg_peers_free(&dst->peer);
		for (i = 0; i < src->peer.n; i++)
			cfg_peers_add(&dst->peer, &src->peer.v[i]);
		break;
	case CFG_T_ADDRLIST:
		for (i = 0; i < src->naddrs; i++)
			cfg_instance_add_addr(dst, &src->addrs[i],
			    src->addr_strs[i]);
		break;
	case CFG_T_SECRET:
		memcpy(dst->pass, src->pass, src->passlen);
		dst->passlen = src->passlen;
		break;
	default:
		/* A scalar: its bytes. */
		memcpy(cfg_key_ptr(k, dst), cfg_key_cptr(k, src),
		    cfg_key_size(k));
		break;
	}
}

/* Free what key k owns in obj (an instance or a cfg). */
static void
key_free(const struct cfg_key *k, void *obj)
{
	struct cfg_instance	*cv = obj;
	size_t			 i;

	if (cfg_key_is_str(k)) {
		free(*(char **)cfg_key_ptr(k, obj));
		return;
	}
	switch (k->type) {
	case CFG_T_NAMES:
		cfg_names_free(cfg_key_ptr(k, obj));
		break;
	case CFG_T_PEERS:
		cfg_peers_free(&cv->peer);
		break;
	case CFG_T_ADDRLIST:
		for (i = 0; i < cv->naddrs; i++)
			free(cv->addr_strs[i]);
		free(cv->addr_strs);
		free(cv->addrs);
		break;
	case CFG_T_SECRET:
		explicit_bzero(cv->pass, sizeof(cv->pass));
		break;
	default:
		break;
	}
}

void
cfg_instance_free(struct cfg_instance *cv)
{
	size_t	i;

	if (cv == NULL)
		return;
	for (i = 0; i < cfg_nkeys; i++)
		if (cfg_key_is_instance(&cfg_keys[i]))
			key_free(&cfg_keys[i], cv);
	free(cv);
}

struct cfg *
cfg_new(void)
{
	struct cfg	*c;
	size_t		 i;

	c = xcalloc(1, sizeof(*c));
	for (i = 0; i < cfg_nkeys; i++)
		if (!cfg_key_is_instance(&cfg_keys[i]) &&
		    !(cfg_keys[i].flags & CFG_F_NOFIELD))
			key_default(&cfg_keys[i], c);
	c->cli_facility = CFG_FACILITY_UNSET;
	return c;
}

void
cfg_add_instance(struct cfg *c, struct cfg_instance *cv)
{
	if (c->ninstances == c->instances_cap) {
		c->instances_cap = c->instances_cap == 0 ? 8 : 2 * c->instances_cap;
		c->instances = xreallocarray(c->instances, c->instances_cap,
		    sizeof(*c->instances));
	}
	c->instances[c->ninstances++] = cv;
}

void
cfg_free(struct cfg *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->ninstances; i++)
		cfg_instance_free(c->instances[i]);
	free(c->instances);
	for (i = 0; i < cfg_nkeys; i++)
		if (!cfg_key_is_instance(&cfg_keys[i]) &&
		    cfg_keys[i].type == CFG_T_PATH &&
		    !(cfg_keys[i].flags & CFG_F_NOFIELD))
			free(*(char **)cfg_key_ptr(&cfg_keys[i], c));
	cfg_hchecks_free(c);
	free(c->path);
	free(c);
}
