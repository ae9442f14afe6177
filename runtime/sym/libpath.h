/* libpath.h - BCC's library name resolution (BPF.find_library, uprobe name=). */
#ifndef BL_LIBPATH_H
#define BL_LIBPATH_H

#include <stddef.h>

#include "err.h"

/* Resolves a library as BCC does: a name containing '/' is a path that must
 * exist; otherwise "c" means libc.so.6 and "NAME" lib<NAME>.so*, looked up in
 * /etc/ld.so.cache, then in the standard library directories. Writes the
 * path into `path`; returns 0 or -ENOENT (e filled, with a hint). */
int bl_find_library(const char *name, char *path, size_t len, struct bl_err *e);

#endif
