/* cfg_mem.h: creating and freeing configuration data (shell). */
#ifndef CFG_MEM_H
#define CFG_MEM_H

#include "cfg.h"

struct cfg_vhost *cfg_vhost_new(void);
void		 cfg_vhost_add_addr(struct cfg_vhost *, const uint8_t [4],
		    const char *);
void		 cfg_vhost_free(struct cfg_vhost *);
struct cfg_key;
/* Key k's value from src into dst (strings and lists copied). */
void		 cfg_key_copy(const struct cfg_key *, struct cfg_vhost *dst,
		    const struct cfg_vhost *src);
struct cfg	*cfg_new(void);
void		 cfg_add_vhost(struct cfg *, struct cfg_vhost *);
void		 cfg_free(struct cfg *);

#endif /* CFG_MEM_H */
