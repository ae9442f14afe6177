/* fdio.c - see fdio.h */
#include "fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int bl_write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Sizes from stat are hints only: /proc and sysfs files report 0 or 4096.
 * The slack past the hint lets the read that sees the end fit. */
int bl_read_fd(int fd, size_t hint, char **out, size_t *len)
{
	size_t cap = hint + (1 << 16), n = 0;
	char *buf = malloc(cap), *tmp;
	ssize_t got;

	*out = NULL;
	*len = 0;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (n + 1 == cap) {
			tmp = realloc(buf, cap *= 2);
			if (!tmp) {
				free(buf);
				return -ENOMEM;
			}
			buf = tmp;
		}
		got = read(fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int err = errno;

			free(buf);
			return -err;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int bl_read_file(const char *path, char **out, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	err = bl_read_fd(fd, fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size : 0,
			 out, len);
	close(fd);
	return err;
}

int bl_tmp_create(const char *path, char *tmp, size_t tmp_len)
{
	int fd;

	if ((size_t)snprintf(tmp, tmp_len, "%s.tmp.XXXXXX", path) >= tmp_len)
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int bl_tmp_commit(const char *tmp, const char *path, int err)
{
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

/* O_NONBLOCK: opening a FIFO would wait for a writer. */
int bl_read_regular(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), err;
	struct stat st;

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = -ENXIO;
	else
		err = bl_read_fd(fd, (size_t)st.st_size, out, len);
	close(fd);
	return err;
}
