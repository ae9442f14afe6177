/* compile.h - the compiler module: BCC-dialect C text -> BPF ELF object.
 *
 * The module (build/bpflua-compiler.so) is the only code that links clang and
 * LLVM. The main binary dlopen()s it only when a compile is needed (see
 * runtime/compiler.c), so running from a cached object never loads LLVM,
 * and runs compiles in a fork()ed worker (runtime/compile_worker.h):
 * compile() may crash, run out of memory or never end without harm.
 * Pipeline: rewrite.c (libclang: parse, find BCC dialect constructs, emit
 * plain C that keeps the user's line numbers, note the kernel records in
 * use: ktypes.h) -> codegen.cpp (clang/LLVM C++ API: plain C -> BPF ELF in
 * memory, with BTF for maps, and CO-RE relocations where the program asks
 * for them; against the pruned prelude, skel.h, when it is built).
 *
 * Everything the compiled program includes is in memory: the embedded
 * bpf-headers/ and libbpf's BPF-side headers, plus vmlinux.h read from the
 * path given in the options (generated per kernel by runtime/btf/), or the
 * kernel's real headers from a tree the options name (kbuild.h).
 */
#ifndef BL_COMPILE_H
#define BL_COMPILE_H

#include <stddef.h>

#include "../err.h"

#define BL_COMPILER_ABI 6

/* A worker (runtime/compile_worker.h) that ran out of memory exits with this. */
#define BL_COMPILER_EXIT_NOMEM 86

struct bl_compile_opts {
	const char *text;          /* program text (NUL-terminated) */
	const char *filename;      /* name in diagnostics: the src_file path, or "<text>" */
	const char *const *cflags; /* extra clang flags, e.g. "-DFOO=1" */
	int n_cflags;
	const char *vmlinux_h;     /* path of this kernel's generated vmlinux.h */
	const char *include_dir;   /* directory of src_file for "..." includes, or NULL */
	int debug;                 /* BCC's debug flags (BL_DEBUG_*) */
	const char *kernel_header; /* the running kernel's CONFIG_* and version macros
				    * (runtime/kconfig.h), the prelude's last header; or NULL */
	/* Set (both, absolute, no symlinks: runtime/kheaders.h) to compile
	 * against a tree of the kernel's real headers instead of vmlinux.h
	 * and kernel_header (kbuild.h). */
	const char *kheaders_src;   /* srctree: include/linux/kconfig.h */
	const char *kheaders_build; /* objtree: include/generated/ */
	int no_pch;                 /* the prelude as text, never precompiled
				     * ($BPFLUA_NO_PCH, read by the host) */
};

/* BCC's debug flags bpflua honours (BPF{debug=}); the one place they are
 * defined, for the host and the module. DEBUG_PREPROCESSOR: show the
 * rewritten text (so the host compiles instead of using the object cache)
 * and add it to a code generation error's log. */
#define BL_DEBUG_PREPROCESSOR 0x4

struct bl_compile_result {
	void *elf;          /* malloc'd BPF ELF object */
	size_t elf_size;
	char *rewritten;    /* malloc'd rewritten C text (always set on success, for -d and the cache) */
	char *warnings;     /* malloc'd clang warnings text, or NULL */
	int pruned;         /* code generation saw only the kernel records in use
			     * (compile/skel.h) */
};

/* The function table the module exports through bl_compiler_api(). */
struct bl_compiler_api {
	int abi;            /* BL_COMPILER_ABI */
	const char *llvm_version;
	/* Once per process, after loading: LLVM's targets and crash recovery,
	 * clang refusing non-regular files, so that workers fork()ed later
	 * start with them ready. */
	void (*prepare)(void);
	/* In a worker, before compile(): an allocation failure exits with
	 * BL_COMPILER_EXIT_NOMEM. */
	void (*worker_init)(void);
	/* Returns 0, or -errno with e->msg "compile failed: <first error with
	 * file:line:col>" and e->log the full clang diagnostics (with source line
	 * and caret), line numbers being those of the user's text. */
	int (*compile)(const struct bl_compile_opts *opts,
		       struct bl_compile_result *out, struct bl_err *e);
	/* In a child of the worker, once per worker, after a successful
	 * compile that did not use the pruned prelude sent its result: cache
	 * work nobody waits for (building that prelude, compile/skel.h). It
	 * may be killed meanwhile. */
	void (*after_compile)(const struct bl_compile_opts *opts);
	/* 0 once the process must not compile again (codegen.h:
	 * bl_codegen_reusable); a worker then exits after its result. */
	int (*reusable)(void);
	void (*result_free)(struct bl_compile_result *r);
};

/* Exported by the module under this name (dlsym). */
const struct bl_compiler_api *bl_compiler_api(void);
typedef const struct bl_compiler_api *(*bl_compiler_api_fn)(void);

#endif
