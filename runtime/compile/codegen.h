/* codegen.h - plain C (the rewriter's output) -> BPF ELF object, in memory,
 * with clang/LLVM's C++ API. The only file that sees LLVM's C++ API and
 * its version differences. */
#ifndef BL_COMPILE_CODEGEN_H
#define BL_COMPILE_CODEGEN_H

#include <stddef.h>

#include "env.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Compiles `text` as the user's file with env's headers and flags, at -O2
 * with BTF. *elf is malloc'd. Errors: -EINVAL with e->msg "compile failed:
 * <first error>" and e->log clang's output, named as o->filename; -ESTALE
 * when env's PCH could not be loaded. */
int bl_codegen(const struct bl_cc_env *env, const struct bl_compile_opts *o,
	       const char *text, void **elf, size_t *size, struct bl_err *e);

/* 0 once this process must not compile again: it made an object with
 * CO-RE relocations, which LLVM 14 keeps in a static table a later compile
 * would read, or LLVM crashed or failed in it (codegen.cpp). */
int bl_codegen_reusable(void);

/* Registers the BPF target and LLVM's crash recovery, once per process;
 * done before the host forks its compile workers so they start with it. */
void bl_codegen_init(void);

/* In a compile worker: an allocation that fails (the worker's memory
 * limit) exits with BL_COMPILER_EXIT_NOMEM instead of aborting. */
void bl_codegen_worker_init(void);

/* Precompiles env's prelude (with env's flags but the prelude's own include
 * and the user's) into the file out. Errors: -EINVAL, clang's output in e->log.
 * Code generation and the rewriter report a PCH that fails to load as
 * -ESTALE, so the caller can rebuild it. */
int bl_codegen_pch(const struct bl_cc_env *env, const char *out, struct bl_err *e);

/* clang's builtin headers (stddef.h, ...) for -resource-dir, found next to
 * the clang library in use (libclang's own guess fails on Debian's layout);
 * "" when unknown. Both stages pass it, so they see the same headers. */
const char *bl_codegen_resource_dir(void);

#ifdef __cplusplus
}
#endif

#endif
