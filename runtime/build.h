/* build.h - program text -> BPF ELF, the way BPF{...} needs it: find this
 * kernel's vmlinux.h, load the compiler module, compile in a worker. (The compiled-object
 * cache plugs in here, in front of the compiler.)
 */
#ifndef BL_BUILD_H
#define BL_BUILD_H

#include <stddef.h>

#include "compile/compile.h"
#include "err.h"

struct bl_build_result {
	void *elf;          /* malloc'd; free() it */
	size_t elf_size;
	char *rewritten;    /* malloc'd or NULL: the rewritten C (debug) */
	char *warnings;     /* malloc'd or NULL */
};

/* Returns the cached object when there is a valid one (objcache.h), else
 * compiles (in a worker process: compile_worker.h) and caches.
 * opts->vmlinux_h may be NULL: it is found here; so may opts->kernel_header:
 * the running kernel's (kconfig.h) is made on a miss. kheaders: NULL, or
 * compile against the tree of real kernel headers at that path ("": the
 * running kernel's; kheaders.h), whose errors come back as they are; a
 * tree of another kernel adds a warning. cancel_fd (or -1) readable stops
 * a compile with -EINTR. */
int bl_build(const struct bl_compile_opts *opts, const char *kheaders, int cancel_fd,
	     struct bl_build_result *out, struct bl_err *e);
void bl_build_result_free(struct bl_build_result *r);

#endif
