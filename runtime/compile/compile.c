/* compile.c - the module's entry point: bl_compiler_api() and the pipeline
 * env -> rewrite (libclang) -> codegen (clang/LLVM). */
#include "compile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm/Config/llvm-config.h>

#include "codegen.h"
#include "env.h"
#include "rewrite.h"

#define DEBUG_PREPROCESSOR 0x4

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

static int compile(const struct bl_compile_opts *o, struct bl_compile_result *out,
		   struct bl_err *e)
{
	struct bl_cc_env env;
	int err;

	memset(out, 0, sizeof(*out));
	if (!o || !o->text)
		return bl_errf(e, EINVAL, "compile: no program text");
	err = bl_cc_env_init(&env, o, e);
	if (err)
		return err;
	err = bl_rewrite(&env, o, &out->rewritten, &out->warnings, e);
	if (!err) {
		err = bl_codegen(&env, o, out->rewritten, &out->elf, &out->elf_size, e);
		if (err && (o->debug & DEBUG_PREPROCESSOR))
			log_rewritten(e, out->rewritten);
	}
	bl_cc_env_free(&env);
	if (err)
		result_free(out);
	return err;
}

static const struct bl_compiler_api api = {
	.abi = BL_COMPILER_ABI,
	.llvm_version = LLVM_VERSION_STRING,
	.compile = compile,
	.result_free = result_free,
};

__attribute__((visibility("default")))
const struct bl_compiler_api *bl_compiler_api(void)
{
	return &api;
}
