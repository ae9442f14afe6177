/* compile.c - the module's entry point: bl_compiler_api() and the pipeline
 * env (+ the precompiled prelude, pch.h) -> rewrite (libclang) -> codegen
 * (clang/LLVM). The host runs all of it in a worker process
 * (runtime/compile_worker.h), never in its own. */
#include "compile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <llvm/Config/llvm-config.h>

#include "env.h"
#include "codegen.h"
#include "fsguard.h"
#include "pch.h"
#include "rewrite.h"
#include "skel.h"

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

/* The header of the records kt holds, cut from vmlinux.h. */
static int types_header(struct bl_ktypes *kt, const char *vmlinux_h, char **out)
{
	int fd = open(vmlinux_h, O_RDONLY | O_CLOEXEC), err = -EIO;
	struct stat st;
	void *text;

	if (fd < 0)
		return -errno;
	if (!fstat(fd, &st) && st.st_size > 0 &&
	    (text = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) != MAP_FAILED) {
		err = bl_ktypes_header(kt, text, st.st_size, out);
		munmap(text, st.st_size);
	}
	close(fd);
	return err;
}

/* Code generation with the pruned prelude (skel.h) and the records the
 * rewriter found in use. Its errors are not the program's: on any, the
 * full prelude decides (and a pruned PCH that did not load is rebuilt by
 * a later worker). -ENOENT when there is no pruned prelude to use. */
static int generate_pruned(const struct bl_cc_env *env, const char *pch,
			   const struct bl_compile_opts *o, struct bl_ktypes *kt,
			   struct bl_compile_result *out)
{
	struct bl_err e = { 0 };
	struct bl_skel_env s;
	char *types = NULL;
	int err;

	if (!kt->file || types_header(kt, o->vmlinux_h, &types))
		return -ENOENT;
	err = bl_skel_env(env, pch, types, &s);
	if (!err) {
		err = bl_codegen(&s.env, o, out->rewritten, &out->elf, &out->elf_size, &e);
		out->pruned = !err;
		if (err == -ESTALE)
			unlink(s.pch);
	}
	bl_skel_env_free(&s);
	bl_err_clear(&e);
	free(types);
	return err;
}

static int run_stages(const struct bl_cc_env *env, const char *pch,
		      const struct bl_compile_opts *o, struct bl_compile_result *out,
		      struct bl_err *e)
{
	struct bl_ktypes kt = { 0 };
	int err = bl_rewrite(env, o, &out->rewritten, &out->warnings, &kt, e);

	if (!err && generate_pruned(env, pch, o, &kt, out)) {
		err = bl_codegen(env, o, out->rewritten, &out->elf, &out->elf_size, e);
		if (err && err != -ESTALE && (o->debug & BL_DEBUG_PREPROCESSOR))
			log_rewritten(e, out->rewritten);
	}
	bl_ktypes_free(&kt);
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
	while ((err = run_stages(&env, pch, o, out, e)) == -ESTALE && env.pch_in_use) {
		bl_err_clear(e);
		bl_pch_discard(&env, pch, tries++ == 0);
	}
	bl_cc_env_free(&env);
	return err;
}

/* Beside the worker, once a compile's result is sent: the pruned prelude
 * (skel.h), if this PCH has none yet. Not at once: a run that ends within
 * the second (bpflua -e) takes its worker and this with it before anything
 * is written, and leaves the build to one that lasts. */
static void after_compile(const struct bl_compile_opts *o)
{
	struct bl_err e = { 0 };
	struct bl_cc_env env;
	char pch[4096];

	sleep(1);
	if (bl_cc_env_init(&env, o, &e)) {
		bl_err_clear(&e);
		return;
	}
	if (bl_pch_use(&env, o, pch, sizeof(pch)))
		bl_skel_build(&env, pch, o->vmlinux_h);
	bl_cc_env_free(&env);
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
	.after_compile = after_compile,
	.reusable = bl_codegen_reusable,
	.result_free = result_free,
};

__attribute__((visibility("default")))
const struct bl_compiler_api *bl_compiler_api(void)
{
	return &api;
}
