/* cachedir.h - bpflua's private cache directory.
 *
 * $BPFLUA_CACHE_DIR if set, else /var/cache/bpflua for root, else
 * $XDG_CACHE_HOME/bpflua or ~/.cache/bpflua. Created mode 0700; refused
 * (with a message saying why) when not owned by the current user or
 * writable by group/others, because cached objects are loaded into the kernel.
 */
#ifndef BL_CACHEDIR_H
#define BL_CACHEDIR_H

#include <stddef.h>

#include "err.h"

int bl_cachedir(char *path, size_t len, struct bl_err *e);

#endif
