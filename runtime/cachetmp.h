/* cachetmp.h - temporary files in the cache directory, and their cleaning.
 *
 * Everything bpflua writes there (object entries, vmlinux.h, the
 * precompiled header, clang's own temp files for it) is written under a
 * name containing ".tmp" and renamed into place; a writer killed midway
 * leaves that file behind. A process about to write holds a shared flock on
 * <cachedir>/lock (bl_cachetmp_hold) until it is done; whoever gets that
 * lock exclusively knows no writer is alive, so every temp file is stale.
 * While writers are active, only temp files untouched for an hour count
 * as stale.
 */
#ifndef BL_CACHETMP_H
#define BL_CACHETMP_H

#include "err.h"

/* Sweeps stale temp files if no other writer is active, then takes the
 * shared writer lock. Returns its fd, or -1 (the cache is unusable: the
 * writes that follow will find out and fall back). */
int bl_cachetmp_hold(void);
void bl_cachetmp_release(int fd);

/* Counts (remove = 0) or removes (remove = 1) the stale temp files in the
 * cache directory and objects/. */
int bl_cachetmp_sweep(int remove, long *n, long long *bytes, struct bl_err *e);

#endif
