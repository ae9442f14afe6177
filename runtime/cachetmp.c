/* cachetmp.c - see cachetmp.h */
#include "cachetmp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cachedir.h"

#define STALE_SECS 3600

struct sweep {
	int remove, all;
	long n;
	long long bytes;
};

static void sweep_dir(int dfd, struct sweep *s)
{
	struct dirent *d;
	struct stat st;
	DIR *dp = fdopendir(dfd);

	if (!dp) {
		close(dfd);
		return;
	}
	while ((d = readdir(dp))) {
		if (!strstr(d->d_name, ".tmp") ||
		    fstatat(dfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode) ||
		    (!s->all && st.st_mtime + STALE_SECS > time(NULL)))
			continue;
		if (s->remove && unlinkat(dfd, d->d_name, 0))
			continue;
		s->n++;
		s->bytes += st.st_size;
	}
	closedir(dp);
}

static int open_lock(const char *dir)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/lock", dir) >= (int)sizeof(path))
		return -1;
	return open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
}

/* With the exclusive lock (no writer alive) every temp file is stale. */
static void sweep(const char *dir, int lock_fd, struct sweep *s)
{
	int fd;

	s->all = lock_fd >= 0 && flock(lock_fd, LOCK_EX | LOCK_NB) == 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		int sub = openat(fd, "objects", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

		sweep_dir(fd, s);
		if (sub >= 0)
			sweep_dir(sub, s);
	}
}

int bl_cachetmp_hold(void)
{
	struct sweep s = { .remove = 1 };
	struct bl_err e = { 0 };
	char dir[PATH_MAX];
	int fd;

	if (bl_cachedir(dir, sizeof(dir), &e)) {
		bl_err_clear(&e);
		return -1;
	}
	fd = open_lock(dir);
	if (fd < 0)
		return -1;
	sweep(dir, fd, &s);
	/* Converting the exclusive lock (if we got it) to shared. */
	if (flock(fd, LOCK_SH)) {
		close(fd);
		return -1;
	}
	return fd;
}

void bl_cachetmp_release(int fd)
{
	if (fd >= 0)
		close(fd);
}

int bl_cachetmp_sweep(int remove, long *n, long long *bytes, struct bl_err *e)
{
	struct sweep s = { .remove = remove };
	char dir[PATH_MAX];
	int fd, err = bl_cachedir(dir, sizeof(dir), e);

	if (err)
		return err;
	fd = open_lock(dir);
	sweep(dir, fd, &s);
	if (fd >= 0)
		close(fd);
	*n = s.n;
	*bytes = s.bytes;
	return 0;
}
