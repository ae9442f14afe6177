/* tracefs.c - see tracefs.h */
#include "tracefs.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <unistd.h>

#define TRACEFS_MAGIC_NR 0x74726163
#define TRACEFS_DIR "/sys/kernel/tracing"
#define DEBUGFS_TRACING "/sys/kernel/debug/tracing"

static int is_tracefs(const char *dir)
{
	struct statfs st;

	return statfs(dir, &st) == 0 && st.f_type == TRACEFS_MAGIC_NR;
}

const char *bl_tracefs(struct bl_err *e)
{
	static const char *cached;

	if (cached)
		return cached;
	if (is_tracefs(TRACEFS_DIR))
		return cached = TRACEFS_DIR;
	/* Not mounted: mount it where the kernel provides the mount point. */
	if (access(TRACEFS_DIR, F_OK) == 0 &&
	    mount("nodev", TRACEFS_DIR, "tracefs", 0, NULL) == 0)
		return cached = TRACEFS_DIR;
	/* Older setups expose it only through debugfs (automounted there). */
	if (access(DEBUGFS_TRACING "/trace_pipe", F_OK) == 0)
		return cached = DEBUGFS_TRACING;
	bl_errf(e, errno ? errno : ENOENT,
		"tracefs not found: %s is not mounted and mounting it failed (%s)",
		TRACEFS_DIR, strerror(errno ? errno : ENOENT));
	bl_err_append(e, "hint: run as root, or mount it: mount -t tracefs nodev %s",
		      TRACEFS_DIR);
	return NULL;
}
