/* env.c - see env.h */
#include "env.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../embed.h"
#include "codegen.h"
#include "kbuild.h"
#include "kinc.h"
#include "tp_format.h"
#include "user_tags.h"

/* bpf-headers/ and libbpf's BPF-side headers, embedded by the build. */
extern const struct bl_embedded_file bl_embedded_headers[];

#if defined(__x86_64__) || defined(__i386__)
#define TARGET_ARCH "x86"
#elif defined(__aarch64__)
#define TARGET_ARCH "arm64"
#elif defined(__s390x__)
#define TARGET_ARCH "s390"
#elif defined(__powerpc64__)
#define TARGET_ARCH "powerpc"
#elif defined(__riscv)
#define TARGET_ARCH "riscv"
#else
#error "bpflua: unknown target architecture for bpf_tracing.h"
#endif

/* The target both stages parse for: BPF, or the host with the kernel's
 * real headers (kbuild.h). */
static const char *const bpf_target[] = { "-target", "bpf", "-mcpu=" BL_CC_BPF_CPU };
static const char *const host_target[] = { "-target", BL_KBUILD_HOST_TRIPLE };

/* Clang flags for both stages and the precompiled prelude. Whatever clang
 * checks when it loads a PCH (target, CPU, language options such as -O2's
 * __OPTIMIZE__) must be the same in all three, so it is here (and above).
 * Warnings the BCC dialect triggers by design (pointer/integer
 * mixing in helpers, u64 printed with %d) are off. */
static const char *const common_flags[] = {
	"-O2",
	/* libclang adds these two language options to every parse. */
	"-fallow-editor-placeholders",
	"-fno-spell-checking",
	"-nostdlibinc",
	"-isystem", BL_CC_INCLUDE,
	"-D__TARGET_ARCH_" TARGET_ARCH,
	"-D__BPFLUA__",
	"-Wno-unused-value",
	"-Wno-pointer-sign",
	"-Wno-compare-distinct-pointer-types",
	"-Wno-gnu-variable-sized-type-not-at-end",
	"-Wno-address-of-packed-member",
	"-Wno-tautological-compare",
	"-Wno-unknown-warning-option",
	"-Wno-int-conversion",
	"-Wno-format",
	"-fno-stack-protector",
};

#define N_COMMON (int)(sizeof(common_flags) / sizeof(common_flags[0]))

static char *own(struct bl_cc_env *env, char *s)
{
	if (s)
		env->owned[env->n_owned++] = s;
	return s;
}

/* vmlinux.h is found through -isystem so that clang treats it (and
 * warnings in it) as a system header. The kernel's CONFIG_* and version
 * macros come last: nothing before them tests one, and in the PCH their
 * thousands of #defines cost a compile nothing until a program names one. */
static int build_prelude(struct bl_cc_env *env, const struct bl_compile_opts *o,
			 struct bl_err *e)
{
	char *copy;
	int n;

	if (env->kheaders) {
		env->prelude = strdup(bl_kbuild_prelude);
		return env->prelude ? 0 : bl_errf(e, ENOMEM, "out of memory");
	}
	copy = strdup(o->vmlinux_h);
	if (!copy)
		return bl_errf(e, ENOMEM, "out of memory");
	n = asprintf(&env->prelude,
		     "/* bpflua prelude: this kernel's types, then the BCC dialect. */\n"
		     "#pragma clang system_header\n"
		     "#include <%s>\n"
		     "#include <bpflua/bcc.h>\n%s", basename(copy),
		     o->kernel_header ? "#include <bpflua/kconfig.h>\n" : "");
	free(copy);
	if (n < 0)
		return bl_errf(e, ENOMEM, "out of memory");
	return 0;
}

static int build_files(struct bl_cc_env *env, const struct bl_compile_opts *o,
		       struct bl_err *e)
{
	const struct bl_embedded_file *f;
	int n = 0, i = 0;

	for (f = bl_embedded_headers; f->name; f++)
		n++;
	env->files = calloc(n + 5, sizeof(*env->files));
	if (!env->files)
		return bl_errf(e, ENOMEM, "out of memory");
	for (f = bl_embedded_headers; f->name; f++, i++) {
		char *path;

		if (asprintf(&path, "%s/%s", BL_CC_INCLUDE, f->name) < 0)
			return bl_errf(e, ENOMEM, "out of memory");
		env->files[i] = (struct bl_cc_file){ own(env, path), f->data, f->size };
	}
	env->n_embedded_files = i;
	if (o->kernel_header)
		env->files[i++] = (struct bl_cc_file){ BL_CC_KCONFIG_HEADER, o->kernel_header,
						       strlen(o->kernel_header) };
	env->files[i] = (struct bl_cc_file){ BL_CC_PRELUDE, env->prelude, strlen(env->prelude) };
	env->n_files = env->n_prelude_files = i + 1;
	return 0;
}

/* A generated header (text, or nothing when NULL), included after the
 * prelude. */
static void add_header(struct bl_cc_env *env, const char *path, const char *text)
{
	if (!text)
		return;
	env->files[env->n_files++] = (struct bl_cc_file){ path, text, strlen(text) };
	env->args[env->n_args++] = "-include";
	env->args[env->n_args++] = path;
}

/* The macros keyed to the program's kernel #includes (kinc.h): after the
 * prelude (the PCH is the same for every program), before the program. */
static void add_kernel_shims(struct bl_cc_env *env, const struct bl_compile_opts *o)
{
	const char *shims[BL_KINC_MAX];
	int i, n;

	/* The real headers have it all. */
	if (env->kheaders)
		return;
	if (o->kernel_header) {
		env->args[env->n_args++] = "-include";
		env->args[env->n_args++] = BL_CC_INCLUDE "/bpflua/kconfig_externs.h";
	}
	n = bl_kinc_shims(o->text, shims);
	for (i = 0; i < n; i++) {
		env->args[env->n_args++] = "-include";
		env->args[env->n_args++] = shims[i];
	}
}

/* TRACEPOINT_PROBE's records (the PCH can't know which tracepoints a
 * program names), and the renaming of the program's records named like the
 * kernel's (user_tags.h): headers of their own, after the prelude. */
static int add_program_headers(struct bl_cc_env *env, const struct bl_compile_opts *o,
			       struct bl_err *e)
{
	int err = bl_tp_header(o->text, o->filename, &env->tp_header, e);

	/* With the real headers, a program has the records of the headers
	 * it includes, as in BCC: nothing to rename. */
	if (!err && !env->kheaders)
		err = bl_user_tags_header(o->text, o->vmlinux_h, &env->user_tags, e);
	if (err)
		return err;
	add_header(env, BL_CC_TP_HEADER, env->tp_header);
	add_header(env, BL_CC_USER_TAGS, env->user_tags);
	return 0;
}

/* def is what follows -D: "NAME" or "NAME=value". */
static int defines_license(const char *def)
{
	return !strncmp(def, "BPF_LICENSE", 11) && (def[11] == '\0' || def[11] == '=');
}

/* As BCC: the license is part of the program's text, so that a caller
 * cannot load a program under another license. */
static int check_cflags(const struct bl_compile_opts *o, struct bl_err *e)
{
	int i;

	for (i = 0; i < o->n_cflags; i++) {
		const char *f = o->cflags[i];
		const char *def = !strcmp(f, "-D") ? (i + 1 < o->n_cflags ? o->cflags[i + 1] : "")
			: !strncmp(f, "-D", 2) ? f + 2 : "";

		if (defines_license(def)) {
			bl_errf(e, EINVAL, "compile failed: BPF_LICENSE cannot be given in cflags");
			bl_err_append(e, "hint: define it in the program's text: #define BPF_LICENSE GPL");
			return -EINVAL;
		}
	}
	return 0;
}

#define N_OF(a) (int)(sizeof(a) / sizeof((a)[0]))

/* The target, then where the kernel's types come from: vmlinux.h's
 * directory, or the real headers' tree (after bpflua's own headers, which
 * it does not shadow: no bpf/, bpflua/, bcc/ in it). */
static int add_kernel_args(struct bl_cc_env *env, int n, const char *vmlinux_dir)
{
	int i;

	for (i = 0; i < (env->kheaders ? N_OF(host_target) : N_OF(bpf_target)); i++)
		env->args[n++] = env->kheaders ? host_target[i] : bpf_target[i];
	for (i = 0; i < N_COMMON; i++)
		env->args[n++] = common_flags[i];
	for (i = 0; env->kbuild && env->kbuild[i]; i++)
		env->args[n++] = env->kbuild[i];
	if (!env->kheaders) {
		env->args[n++] = "-isystem";
		env->args[n++] = vmlinux_dir;
	}
	return n;
}

static int build_args(struct bl_cc_env *env, const struct bl_compile_opts *o,
		      const char *vmlinux_dir, struct bl_err *e)
{
	char *builtin_dir = NULL;
	int i, n = 0, n_kbuild = 0;

	if (*bl_codegen_resource_dir() &&
	    asprintf(&builtin_dir, "%s/include", bl_codegen_resource_dir()) < 0)
		return bl_errf(e, ENOMEM, "out of memory");
	own(env, builtin_dir);
	if (env->kheaders && !(env->kbuild = bl_kbuild_flags(o)))
		return bl_errf(e, ENOMEM, "out of memory");
	while (env->kbuild && env->kbuild[n_kbuild])
		n_kbuild++;
	env->args = calloc(BL_CC_PRELUDE_ARGS + N_OF(bpf_target) + N_COMMON + n_kbuild +
			   o->n_cflags + 17 + 2 * BL_KINC_MAX, sizeof(*env->args));
	if (!env->args)
		return bl_errf(e, ENOMEM, "out of memory");
	bl_cc_env_set_pch(env, NULL);
	n = add_kernel_args(env, BL_CC_PRELUDE_ARGS, vmlinux_dir);
	/* libclang replaces -resource-dir with its own guess, which is wrong
	 * on Debian (/lib/lib/clang/...): name the builtin headers directly. */
	if (builtin_dir) {
		env->args[n++] = "-resource-dir";
		env->args[n++] = bl_codegen_resource_dir();
		env->args[n++] = "-isystem";
		env->args[n++] = builtin_dir;
	}
	env->n_base_args = n;
	if (o->include_dir) {
		env->args[n++] = "-iquote";
		env->args[n++] = o->include_dir;
	}
	for (i = 0; i < o->n_cflags; i++)
		env->args[n++] = o->cflags[i];
	env->n_args = n;
	return 0;
}

void bl_cc_env_set_pch(struct bl_cc_env *env, const char *pch)
{
	env->args[0] = pch ? "-include-pch" : "-include";
	env->args[1] = pch ? pch : BL_CC_PRELUDE;
	env->pch_in_use = pch != NULL;
}

int bl_cc_env_init(struct bl_cc_env *env, const struct bl_compile_opts *o,
		   struct bl_err *e)
{
	const struct bl_embedded_file *f;
	char *dir;
	int n = 0, err;

	memset(env, 0, sizeof(*env));
	env->kheaders = o->kheaders_src && o->kheaders_build;
	env->types_h = env->kheaders ? NULL : o->vmlinux_h;
	if (!o->vmlinux_h && !env->kheaders)
		return bl_errf(e, EINVAL, "compile: no vmlinux.h given");
	for (f = bl_embedded_headers; f->name; f++)
		n++;
	env->owned = calloc(n + 3, sizeof(*env->owned));
	if (!env->owned)
		return bl_errf(e, ENOMEM, "out of memory");
	dir = own(env, strdup(o->vmlinux_h ? o->vmlinux_h : "/"));
	if (!dir)
		return bl_errf(e, ENOMEM, "out of memory");
	err = check_cflags(o, e);
	if (!err)
		err = build_prelude(env, o, e);
	if (!err)
		err = build_files(env, o, e);
	if (!err)
		err = build_args(env, o, dirname(dir), e);
	if (!err)
		add_kernel_shims(env, o);
	if (!err)
		err = add_program_headers(env, o, e);
	if (err)
		bl_cc_env_free(env);
	return err;
}

void bl_cc_env_free(struct bl_cc_env *env)
{
	int i;

	for (i = 0; i < env->n_owned; i++)
		free(env->owned[i]);
	free(env->owned);
	free(env->files);
	free(env->args);
	bl_kbuild_free(env->kbuild);
	free(env->prelude);
	free(env->tp_header);
	free(env->user_tags);
	memset(env, 0, sizeof(*env));
}

