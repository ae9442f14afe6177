/* pch.h - the precompiled prelude.
 *
 * Both stages would otherwise parse the 3 MB vmlinux.h (and libbpf's and
 * bpflua's headers) on every compile. The prelude is precompiled once per
 * kernel and bpflua build into a PCH kept next to vmlinux.h in the cache
 * directory, named <vmlinux-stem>.<hash of headers, flags, clang>.pch, written
 * atomically (tmp file + rename). A PCH that fails to load is rebuilt once;
 * after that, and whenever the PCH can't be built, a compile falls back to
 * the text prelude: slower, never wrong.
 */
#ifndef BL_COMPILE_PCH_H
#define BL_COMPILE_PCH_H

#include <stddef.h>

#include "env.h"

/* Points env at the PCH for this compile, building it when missing; path
 * (len bytes, kept by the caller while env is used) receives its name.
 * Leaves the text prelude when o's flags could change what the prelude
 * means (a -D the headers test, an -I, -O...), with the kernel's real
 * headers (env->kheaders), or when the PCH can't be built. Returns 1 when
 * env uses the PCH, else 0. */
int bl_pch_use(struct bl_cc_env *env, const struct bl_compile_opts *o, char *path,
	       size_t len);

/* Precompiles env's prelude into path: under a private name, renamed into
 * place, so a concurrent compile sees the old PCH, the new one or none,
 * never half of one. 0 or -errno. */
int bl_pch_build(const struct bl_cc_env *env, const char *path);

/* The PCH at path failed to load: removes it, then rebuilds it when
 * `rebuild` (env uses the new one) or switches env to the text prelude. */
void bl_pch_discard(struct bl_cc_env *env, const char *path, int rebuild);

#endif
