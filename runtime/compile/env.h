/* env.h - what a compile sees: the in-memory include tree, the prelude and
 * the clang flags common to the rewriter's parse and to code generation.
 *
 * The one place that knows how headers reach clang, so that a precompiled
 * prelude (vmlinux.h + bpflua/bcc.h) can replace the text prelude here
 * without touching the stages.
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

struct bl_cc_file {
	const char *path;	/* absolute, under BL_CC_ROOT */
	const char *data;
	size_t size;
};

struct bl_cc_env {
	struct bl_cc_file *files;	/* embedded headers + the prelude */
	int n_files;
	const char **args;		/* NULL-terminated common clang flags */
	int n_args;
	char *prelude;			/* generated text of BL_CC_PRELUDE */
	char **owned;			/* strings args point to */
	int n_owned;
};

int bl_cc_env_init(struct bl_cc_env *env, const struct bl_compile_opts *o,
		   struct bl_err *e);
void bl_cc_env_free(struct bl_cc_env *env);

#endif
