/* env.h - what a compile sees: the in-memory include tree, the prelude and
 * the clang flags common to the rewriter's parse and to code generation.
 *
 * The one place that knows how headers reach clang: the prelude (vmlinux.h
 * + bpflua/bcc.h + the kernel's configuration, kconfig.h) comes as text or,
 * usually, precompiled (pch.h), or is the kernel's real headers +
 * bpflua/bcc.h (kbuild.h), and the
 * program's tracepoint records (tp_format.h) and the renaming of its records
 * named like the kernel's (user_tags.h) as more headers; the stages
 * only pass env's files and flags on.
 */
#ifndef BL_COMPILE_ENV_H
#define BL_COMPILE_ENV_H

#include <stddef.h>

#include "compile.h"

/* Virtual paths: nothing exists on disk under this root. */
#define BL_CC_ROOT	"/__bpflua__"
#define BL_CC_INCLUDE	BL_CC_ROOT "/include"
#define BL_CC_MAIN	BL_CC_ROOT "/main.bpf.c"
#define BL_CC_PRELUDE	BL_CC_INCLUDE "/bpflua/prelude.h"
/* The program's tracepoint records (tp_format.h), included after the prelude. */
#define BL_CC_TP_HEADER	BL_CC_INCLUDE "/bpflua/tracepoints.h"
/* The renaming of the program's records named like the kernel's (user_tags.h). */
#define BL_CC_USER_TAGS	BL_CC_INCLUDE "/bpflua/user_tags.h"
/* BPF code generation: the target machine, and its CPU (v3, kernel 5.1+:
 * 32-bit subregisters and jumps, shorter programs for the verifier). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BL_CC_BPF_TRIPLE	"bpfel"
#else
#define BL_CC_BPF_TRIPLE	"bpfeb"
#endif
#define BL_CC_BPF_CPU		"v3"
/* The running kernel's configuration and version (compile.h: kernel_header),
 * the prelude's last header. */
#define BL_CC_KCONFIG_HEADER	BL_CC_INCLUDE "/bpflua/kconfig.h"

struct bl_cc_file {
	const char *path;	/* absolute, under BL_CC_ROOT */
	const char *data;
	size_t size;
};

/* args[0..1] bring in the prelude: "-include" BL_CC_PRELUDE, or
 * "-include-pch" and the precompiled prelude (pch.h). The rest is what the
 * PCH is built with. */
#define BL_CC_PRELUDE_ARGS 2

struct bl_cc_env {
	struct bl_cc_file *files;	/* embedded headers + the prelude, then
					 * the program's tracepoint records */
	int n_files;
	int n_embedded_files;		/* files[0..n) are bl_embedded_headers */
	int n_prelude_files;		/* the files the PCH is made of */
	const char **args;		/* NULL-terminated common clang flags */
	int n_args;
	int n_base_args;		/* args before the user's -iquote and cflags:
					 * what the PCH is built with */
	int pch_in_use;			/* args[0..1] name a PCH */
	int kheaders;			/* with the kernel's real headers (kbuild.h):
					 * parsed for the host, never precompiled */
	const char *types_h;		/* the kernel's types the prelude includes:
					 * vmlinux.h, the pruned one (skel.h), or
					 * NULL with the real headers */
	char *prelude;			/* generated text of BL_CC_PRELUDE */
	char *tp_header;		/* generated text of BL_CC_TP_HEADER, or NULL */
	char *user_tags;		/* generated text of BL_CC_USER_TAGS, or NULL */
	char **kbuild;			/* kbuild.h's flags, or NULL */
	char **owned;			/* strings args point to */
	int n_owned;
};

int bl_cc_env_init(struct bl_cc_env *env, const struct bl_compile_opts *o,
		   struct bl_err *e);
/* Includes the prelude through the PCH at path pch (kept by the caller),
 * or as text when pch is NULL. */
void bl_cc_env_set_pch(struct bl_cc_env *env, const char *pch);
void bl_cc_env_free(struct bl_cc_env *env);

#endif
