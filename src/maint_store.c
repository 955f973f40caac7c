/*
 * maint_store.c: read and atomically replace the maintenance state file
 * (state_dir/maintenance).  Only I/O: what the bytes mean is
 * maint_fmt.c's, what a refused file means is maint.c's.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "maint_store.h"
#include "xmalloc.h"

/* More than any real set (10 million entries): a file this big is junk. */
#define MAINT_FILE_LIMIT	(512u << 20)

/* Collected entries, handed on only once the file proved good. */
struct collect {
	struct maint_entry	*v;
	size_t			 n, cap;
};

static void
collect_cb(void *arg, const struct maint_entry *e)
{
	struct collect	*c = arg;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
	}
	c->v[c->n++] = *e;
}

/* The whole of fd (at most MAINT_FILE_LIMIT bytes) into *buf. */
static bool
read_all(int fd, uint8_t **buf, size_t *len)
{
	struct stat	st;
	ssize_t		r;
	size_t		cap;

	if (fstat(fd, &st) < 0)
		return false;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return false;
	}
	if ((uint64_t)st.st_size > MAINT_FILE_LIMIT) {
		errno = EFBIG;
		return false;
	}
	cap = (size_t)st.st_size + 1;
	*buf = xmalloc(cap);
	*len = 0;
	while ((r = read(fd, *buf + *len, cap - *len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return false;
		*len += (size_t)r;
		if (*len == cap) {		/* grew while we read */
			errno = EFBIG;
			return false;
		}
	}
	return true;
}

enum maint_load
maint_store_load(const char *dir,
    void (*cb)(void *, const struct maint_entry *), void *arg, char *err,
    size_t errlen)
{
	struct collect	 c = { NULL, 0, 0 };
	enum maint_err	 e;
	enum maint_load	 rc = MAINT_LOAD_REFUSED;
	uint8_t		*buf = NULL;
	size_t		 len, line, i;
	char		*path;
	int		 fd;

	xasprintf(&path, "%s/%s", dir, MAINT_FILE_NAME);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		if (errno == ENOENT)
			rc = MAINT_LOAD_NONE;
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!read_all(fd, &buf, &len)) {
		snprintf(err, errlen, "%s: %s", path, errno == EINVAL ?
		    "not a regular file" : strerror(errno));
		close(fd);
		goto out;
	}
	close(fd);
	if ((e = maint_parse(buf, len, collect_cb, &c, &line)) != MAINT_OK) {
		snprintf(err, errlen, "%s:%zu: %s", path, line,
		    maint_err_name(e));
		goto out;
	}
	for (i = 0; i < c.n; i++)
		cb(arg, &c.v[i]);
	rc = MAINT_LOAD_OK;
out:
	free(c.v);
	free(buf);
	free(path);
	return rc;
}

static bool
write_all(int fd, const char *buf, size_t len)
{
	ssize_t	w;

	while (len > 0) {
		if ((w = write(fd, buf, len)) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		buf += w;
		len -= (size_t)w;
	}
	return true;
}

/* Write buf to tmp, fsync it; the failing step in *step. */
static bool
save_tmp(const char *tmp, const char *buf, size_t len, const char **step)
{
	int	fd, saved;

	*step = "create";
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW | O_NOCTTY, 0644)) < 0)
		return false;
	*step = "write";
	if (write_all(fd, buf, len)) {
		*step = "fsync";
		if (fsync(fd) == 0) {
			*step = "close";
			return close(fd) == 0;
		}
	}
	saved = errno;
	close(fd);
	errno = saved;
	return false;
}

/* The directory's entry (the rename) on disk too. */
static bool
sync_dir(const char *dir)
{
	int	fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return false;
	rc = fsync(fd);
	close(fd);
	return rc == 0;
}

bool
maint_store_save(const char *dir, const struct maint_entry *v, size_t n,
    char *err, size_t errlen)
{
	const char	*step;
	char		*path, *tmp, *buf;
	size_t		 cap = maint_format_size(n), len;
	bool		 ok = false;

	xasprintf(&path, "%s/%s", dir, MAINT_FILE_NAME);
	xasprintf(&tmp, "%s/.%s.tmp", dir, MAINT_FILE_NAME);
	buf = xmalloc(cap);
	if ((len = maint_format(v, n, buf, cap)) == 0) {
		snprintf(err, errlen, "%s: an entry cannot be written (an "
		    "interface name with control bytes)", path);
		goto out;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot create the directory: %s",
		    dir, strerror(errno));
		goto out;
	}
	if (!save_tmp(tmp, buf, len, &step)) {
		snprintf(err, errlen, "%s: %s: %s", tmp, step,
		    strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) < 0) {
		snprintf(err, errlen, "%s: rename from %s: %s", path, tmp,
		    strerror(errno));
		unlink(tmp);
		goto out;
	}
	/* Renamed, but not known to be on disk: said as not saved. */
	if (!sync_dir(dir)) {
		snprintf(err, errlen, "%s: fsync of the directory: %s", dir,
		    strerror(errno));
		goto out;
	}
	ok = true;
out:
	free(buf);
	free(tmp);
	free(path);
	return ok;
}
