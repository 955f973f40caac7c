/*
 * notify.c: tell systemd when we are ready, reloading or stopping, and
 * give it a one-line status.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "maint.h"
#include "notify.h"
#include "registry.h"
#include "xmalloc.h"

int
notify_send(const char *fmt, ...)
{
	struct sockaddr_un	 sun;
	const char		*path;
	char			*msg;
	va_list			 ap;
	size_t			 plen;
	int			 fd, rc = -1, n;

	if ((path = getenv("NOTIFY_SOCKET")) == NULL || *path == '\0')
		return 0;
	plen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || plen >= sizeof(sun.sun_path))
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, plen);
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';		/* abstract namespace */
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd != -1) {
		if (sendto(fd, msg, (size_t)n, MSG_NOSIGNAL,
		    (struct sockaddr *)&sun,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen)) == n)
			rc = 0;
		close(fd);
	}
	free(msg);
	return rc;
}

/*
 * The status line: the instances by state, those in maintenance, and
 * the last reload if any.
 */
void
notify_status(const char *last_reload)
{
	struct registry_counts	rc;
	char			m[64] = "";
	size_t			nm;

	if (getenv("NOTIFY_SOCKET") == NULL)
		return;			/* no count to make */
	registry_counts(&rc);
	if ((nm = maint_count()) > 0)
		snprintf(m, sizeof(m), ", %zu in maintenance", nm);
	notify_send("READY=1\nSTATUS=%zu instances: %zu MASTER, %zu BACKUP"
	    "%s%s%s", rc.total, rc.state[CARP_MASTER], rc.state[CARP_BACKUP], m,
	    last_reload != NULL ? "; " : "",
	    last_reload != NULL ? last_reload : "");
}
