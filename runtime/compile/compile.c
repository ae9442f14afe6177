/* compile.c - the module's entry point: bl_compiler_api() and the pipeline
 * env (+ the precompiled prelude, pch.h) -> rewrite (libclang) -> codegen
 * (clang/LLVM). The host runs all of it in a worker process
 * (runtime/compile_worker.h), never in its own. */
#include "compile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm/Config/llvm-config.h>

#include "env.h"
#include "codegen.h"
#include "fsguard.h"
#include "pch.h"
#include "rewrite.h"

static void result_free(struct bl_compile_result *r)
{
	if (!r)
		return;
	free(r->elf);
	free(r->rewritten);
	free(r->warnings);
	memset(r, 0, sizeof(*r));
}

/* A code generation error is in the rewritten text's terms: with
 * DEBUG_PREPROCESSOR, show that text after clang's messages. */
static void log_rewritten(struct bl_err *e, const char *text)
{
	char *log;

	if (asprintf(&log, "%s\nrewritten text:\n%s", e->log ? e->log : "", text) >= 0)
		bl_err_set_log(e, log);
}

static int run_stages(const struct bl_cc_env *env, const struct bl_compile_opts *o,
		      struct bl_compile_result *out, struct bl_err *e)
{
	int err = bl_rewrite(env, o, &out->rewritten, &out->warnings, e);

	if (!err) {
		err = bl_codegen(env, o, out->rewritten, &out->elf, &out->elf_size, e);
		if (err && err != -ESTALE && (o->debug & BL_DEBUG_PREPROCESSOR))
			log_rewritten(e, out->rewritten);
	}
	if (err)
		result_free(out);
	return err;
}

/* A PCH that does not load (-ESTALE: truncated, or from a clang that
 * reports the same version but differs) is rebuilt once, then given up for
 * the text prelude, which can't fail that way. */
static int compile(const struct bl_compile_opts *o, struct bl_compile_result *out,
		   struct bl_err *e)
{
	struct bl_cc_env env;
	char pch[4096];
	int err, tries = 0;

	memset(out, 0, sizeof(*out));
	if (!o || !o->text)
		return bl_errf(e, EINVAL, "compile: no program text");
	err = bl_cc_env_init(&env, o, e);
	if (err)
		return err;
	bl_pch_use(&env, o, pch, sizeof(pch));
	while ((err = run_stages(&env, o, out, e)) == -ESTALE && env.pch_in_use) {
		bl_err_clear(e);
		bl_pch_discard(&env, pch, tries++ == 0);
	}
	bl_cc_env_free(&env);
	return err;
}

/* Once, in bpflua: LLVM ready, clang's builtin headers found, and clang
 * may open only regular files (fsguard.h); workers inherit all of it. */
static void prepare(void)
{
	bl_codegen_init();
	bl_codegen_resource_dir();
	bl_fsguard_install();
}

static const struct bl_compiler_api api = {
	.abi = BL_COMPILER_ABI,
	.llvm_version = LLVM_VERSION_STRING,
	.prepare = prepare,
	.worker_init = bl_codegen_worker_init,
	.compile = compile,
	.result_free = result_free,
};

__attribute__((visibility("default")))
const struct bl_compiler_api *bl_compiler_api(void)
{
	return &api;
}
