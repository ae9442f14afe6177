/* kbuild.h - compiling against the kernel's real headers (README: "The
 * kernel's own headers"): the include order, defines and target that
 * kbuild gives kernel code, for the header tree in the compile options.
 *
 * The tree is a build directory (objtree: include/generated/) and its
 * source (srctree: include/linux/kconfig.h), the same directory for a full
 * tree, two for Debian's split linux-headers packages. Their headers are
 * system headers to clang (warnings in them are not the user's). An
 * architecture's headers carry inline assembly only its own target
 * accepts: both stages parse for the host (BL_KBUILD_HOST_TRIPLE) and code
 * generation retargets the module to BPF (codegen.h).
 */
#ifndef BL_COMPILE_KBUILD_H
#define BL_COMPILE_KBUILD_H

#include "compile.h"

#if defined(__x86_64__)
#define BL_KBUILD_HOST_TRIPLE "x86_64-unknown-linux-gnu"
#define BL_KBUILD_ARCH "x86"
#elif defined(__aarch64__)
#define BL_KBUILD_HOST_TRIPLE "aarch64-unknown-linux-gnu"
#define BL_KBUILD_ARCH "arm64"
#elif defined(__s390x__)
#define BL_KBUILD_HOST_TRIPLE "s390x-unknown-linux-gnu"
#define BL_KBUILD_ARCH "s390"
#elif defined(__powerpc64__)
#define BL_KBUILD_HOST_TRIPLE "powerpc64le-unknown-linux-gnu"
#define BL_KBUILD_ARCH "powerpc"
#elif defined(__riscv)
#define BL_KBUILD_HOST_TRIPLE "riscv64-unknown-linux-gnu"
#define BL_KBUILD_ARCH "riscv"
#else
#error "bpflua: unknown host architecture for the kernel's headers"
#endif

/* The prelude's text in this mode: the kernel headers every BCC program
 * has (as BCC's helpers.h includes them), then the BCC dialect. */
extern const char bl_kbuild_prelude[];

/* The clang flags for o's header tree: a malloc'd NULL-terminated array of
 * malloc'd strings (bl_kbuild_free), or NULL when out of memory. */
char **bl_kbuild_flags(const struct bl_compile_opts *o);
void bl_kbuild_free(char **flags);

/* Whether path (a header clang read) is in o's header tree. */
int bl_kbuild_is_kernel_file(const struct bl_compile_opts *o, const char *path);

#endif
