/* cachedir.c - see cachedir.h */
#include "cachedir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Picks the path by the documented precedence; does not touch the disk. */
static int cachedir_path(char *path, size_t len, struct bl_err *e)
{
	const char *env = getenv("BPFLUA_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (env && *env)
		n = snprintf(path, len, "%s", env);
	else if (geteuid() == 0)
		n = snprintf(path, len, "/var/cache/bpflua");
	else if (xdg && *xdg)
		n = snprintf(path, len, "%s/bpflua", xdg);
	else if (home && *home)
		n = snprintf(path, len, "%s/.cache/bpflua", home);
	else
		return bl_errf(e, ENOENT, "cache directory: neither $HOME nor $XDG_CACHE_HOME is set; set $BPFLUA_CACHE_DIR");
	if (n < 0 || (size_t)n >= len)
		return bl_errf(e, ENAMETOOLONG, "cache directory: path too long");
	return 0;
}

/* mkdir -p; parents get the usual 0755, the leaf 0700. */
static int mkdir_parents(char *path, struct bl_err *e)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			int err = errno;

			*p = '/';
			return bl_errf(e, err, "cache directory '%s': cannot create parent: %s",
				       path, strerror(err));
		}
		*p = '/';
	}
	if (mkdir(path, 0700) && errno != EEXIST)
		return bl_errf(e, errno, "cache directory '%s': %s", path, strerror(errno));
	return 0;
}

/* Cached objects end up in the kernel, so others must not be able to plant them. */
static int check_private(const char *path, struct bl_err *e)
{
	struct stat st;

	if (stat(path, &st))
		return bl_errf(e, errno, "cache directory '%s': %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return bl_errf(e, ENOTDIR, "cache directory '%s' is not a directory", path);
	if (st.st_uid != geteuid())
		return bl_errf(e, EPERM, "cache directory '%s' is owned by uid %u, not by the current user (uid %u); "
			       "set $BPFLUA_CACHE_DIR to a private directory",
			       path, (unsigned)st.st_uid, (unsigned)geteuid());
	if (st.st_mode & 022)
		return bl_errf(e, EPERM, "cache directory '%s' is writable by group or others (mode %04o); "
			       "run 'chmod 700 %s' or set $BPFLUA_CACHE_DIR",
			       path, (unsigned)(st.st_mode & 07777), path);
	return 0;
}

int bl_cachedir(char *path, size_t len, struct bl_err *e)
{
	int err;

	err = cachedir_path(path, len, e);
	if (err)
		return err;
	err = mkdir_parents(path, e);
	if (err)
		return err;
	return check_private(path, e);
}
