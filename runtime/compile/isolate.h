/* isolate.h - code generation in a child process.
 *
 * LLVM's BPF backend keeps state from one module to the next: in LLVM 14
 * (and later) BPFAbstractMemberAccess caches the globals standing for CO-RE
 * relocations in a static map keyed by the access ("llvm.pt_regs:0:112$0:14")
 * and never clears it, so the second program in a process that makes the
 * same CO-RE access uses a global of a freed module: a crash, or worse.
 * bpflua compiles many programs per process (the REPL, several BPF
 * objects), so each code generation runs in a fork()ed child that has only
 * the parent's state, and sends its object (or error) back through a pipe.
 * A crash there is an error here, never the end of the host.
 */
#ifndef BL_COMPILE_ISOLATE_H
#define BL_COMPILE_ISOLATE_H

#include "env.h"

/* bl_codegen() (codegen.h), with the same results, in a child process. */
int bl_codegen_isolated(const struct bl_cc_env *env, const struct bl_compile_opts *o,
			const char *text, void **elf, size_t *size, struct bl_err *e);

#endif
