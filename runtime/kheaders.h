/* kheaders.h - a tree of the kernel's real headers, for programs that
 * compile against them instead of the kernel's BTF (README: "The kernel's
 * own headers"): where it is, which kernel it is for, and its identity in
 * the object cache's key.
 *
 * A tree is a build directory (objtree, with include/generated/autoconf.h)
 * and its sources (srctree, with include/linux/kconfig.h): the same
 * directory for a full tree; for Debian's split packages the `source` link
 * next to /lib/modules/RELEASE/build, or the directory the build
 * directory's Makefile includes.
 */
#ifndef BL_KHEADERS_H
#define BL_KHEADERS_H

#include <limits.h>
#include <stddef.h>

#include "err.h"

struct bl_kheaders {
	char src[PATH_MAX];	/* absolute, symlinks resolved */
	char build[PATH_MAX];
	char release[128];	/* the tree's UTS_RELEASE, "" when it has none */
	char running[128];	/* uname -r */
};

/* Finds the tree at path (a build directory), or the running kernel's
 * (/lib/modules/$(uname -r)/build) when path is NULL or "". Errors: -ENOENT
 * (no such tree, e->msg naming the path, with a hint how to install one or
 * which directory to give), -ENAMETOOLONG. */
int bl_kheaders_find(const char *path, struct bl_kheaders *kh, struct bl_err *e);

/* The tree (srctree, objtree) for the object cache's key: its directories
 * and the size, time and inode of its autoconf.h and utsrelease.h. Never
 * fails. */
void bl_kheaders_identity(const char *src, const char *build, char *buf, size_t len);

/* A warning when the tree is for another kernel release than the running
 * one (programs bake its struct offsets in), the first time only in this
 * process; NULL otherwise. */
const char *bl_kheaders_notice(const struct bl_kheaders *kh);

#endif
