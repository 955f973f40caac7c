/* cfg_mem.h: creating and freeing configuration data (shell). */
#ifndef CFG_MEM_H
#define CFG_MEM_H

#include "cfg.h"

struct cfg_instance *cfg_instance_new(void);
void		 cfg_instance_add_addr(struct cfg_instance *,
		    const struct carp_addr *, const char *);
void		 cfg_instance_free(struct cfg_instance *);
/* The one copy of a file's name, kept for the process's life. */
const char	*cfg_file_name(const char *name);
struct cfg_key;
/* Key k's value from src into dst (strings and lists copied). */
void		 cfg_key_copy(const struct cfg_key *, struct cfg_instance *dst,
		    const struct cfg_instance *src);
/* Append a copy of name to a list. */
void		 cfg_names_add(struct cfg_names *, const char *name);
void		 cfg_names_free(struct cfg_names *);
/* Append an address to a peer list; false if it is there already. */
bool		 cfg_peers_add(struct cfg_peers *, const struct carp_addr *);
void		 cfg_peers_free(struct cfg_peers *);
/* Free the checks list of c. */
void		 cfg_hchecks_free(struct cfg *);
struct cfg	*cfg_new(void);
void		 cfg_add_instance(struct cfg *, struct cfg_instance *);
void		 cfg_free(struct cfg *);

#endif /* CFG_MEM_H */
