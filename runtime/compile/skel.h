/* skel.h - the pruned prelude, for code generation.
 *
 * The same prelude as pch.h's, with vmlinux.h replaced by a copy in which
 * every record is only declared ("struct task_struct;") unless a typedef
 * or the prelude's own code needs it complete; those keep their
 * definitions, each followed by its guard macro (ktypes.h). A compile adds
 * the records its program needs (ktypes.h) in a header after it. Both
 * files live next to the PCH: <stem>.<key>.skel<version>.h and .pch.
 *
 * It is built once per PCH, beside the compile worker (a child of it), a
 * second after a compile that did not use it sent its result (compile.c's
 * after_compile, runtime/compile_serve.c); until then, and whenever code
 * generation fails with it, compiles use the full prelude.
 */
#ifndef BL_COMPILE_SKEL_H
#define BL_COMPILE_SKEL_H

#include <stddef.h>

#include "env.h"

/* The pruned header's path in the in-memory tree of a compile. */
#define BL_CC_KTYPES_HEADER BL_CC_INCLUDE "/bpflua/ktypes.h"

/* env with the pruned prelude: its own arrays, env's strings. */
struct bl_skel_env {
	struct bl_cc_env env;
	char pch[4096], header[4096];
	char *prelude;
};

/* Sets s up for code generation from env (which uses the full PCH at pch)
 * with `types` (ktypes.h's header, kept by the caller) after the pruned
 * prelude. 0, or -ENOENT when the pruned PCH is not built (yet), -ENOMEM. */
int bl_skel_env(const struct bl_cc_env *env, const char *pch, const char *types,
		struct bl_skel_env *s);
void bl_skel_env_free(struct bl_skel_env *s);

/* Builds the pruned header and its PCH for env (using the full PCH at
 * pch) unless they exist. Best effort: a failure leaves the full prelude
 * in use. */
void bl_skel_build(const struct bl_cc_env *env, const char *pch, const char *vmlinux_h);

#endif
