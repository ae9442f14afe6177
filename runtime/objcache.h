/* objcache.h - compiled BPF objects cached on disk, so that a script whose
 * program text did not change starts without loading LLVM at all.
 *
 * The key hashes everything that changes the compiler's output: the program
 * text, its file name, cflags, debug flags, bpflua's build id (version plus
 * a hash of the compiler sources and BPF headers, fixed at build time), the
 * LLVM version, the kernel's identity (bl_kernel_id, btf/kernel_btf.h;
 * tracepoint formats and vmlinux.h derive from the same kernel build) and
 * its configuration (kconfig.h: which file, its size and time), or the tree
 * of real kernel headers compiled against (kheaders.h: bl_kheaders_identity).
 * Entries live in <cachedir>/objects/ (cachedir.h: 0700, owner checked);
 * each is written to a temporary file and renamed, and carries its key and
 * a SHA-256 of key and object, checked on every read: a truncated, altered
 * or misplaced (another key's) entry is deleted and rebuilt, never loaded.
 * Reads open without blocking or following symlinks and take only regular
 * files of ours; objects/ must be a private directory, not a symlink. A hit refreshes the entry's mtime;
 * past 1024 entries, a write drops the least recently used down to 768.
 */
#ifndef BL_OBJCACHE_H
#define BL_OBJCACHE_H

#include <stddef.h>

#include "compile/compile.h"
#include "err.h"

#define BL_OBJCACHE_KEY_LEN 65

/* 0 when the cache is disabled: $BPFLUA_CACHE=0/off, or bl_objcache_disable(). */
int bl_objcache_enabled(void);
void bl_objcache_disable(void);

void bl_objcache_key(const struct bl_compile_opts *o, char key[BL_OBJCACHE_KEY_LEN]);
/* 0 and a malloc'd object on a valid hit; -ENOENT on a miss (a bad entry is
 * removed first); other -errno when the cache directory is unusable. */
int bl_objcache_get(const char *key, void **elf, size_t *size, struct bl_err *e);
int bl_objcache_put(const char *key, const void *elf, size_t size, struct bl_err *e);

/* For --cache-info / --cache-clear: the directory, entry count and bytes. */
int bl_objcache_stat(char *dir, size_t len, long *entries, long long *bytes,
		     struct bl_err *e);
int bl_objcache_clear(long *removed, struct bl_err *e);

#endif
