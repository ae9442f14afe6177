/* build.c - see build.h */
#include "build.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/vmlinux_h.h"
#include "cachetmp.h"
#include "compile_worker.h"
#include "compiler.h"
#include "kconfig.h"
#include "kheaders.h"
#include "objcache.h"

/* Warnings plus a line of bpflua's own (the cache could not be used). */
static char *add_notice(char *warnings, const char *notice)
{
	char *s;

	if (asprintf(&s, "%s%s%s", notice, warnings && *warnings ? "\n" : "",
		     warnings ? warnings : "") < 0)
		return warnings;
	free(warnings);
	return s;
}

/* A program testing CONFIG_* on a kernel whose configuration cannot be
 * found (no /proc/config.gz, no /boot/config-RELEASE) would take its #else
 * branches silently (README: the running kernel's CONFIG_*): say so. */
static void kconfig_notice(const struct bl_compile_opts *o, struct bl_build_result *out)
{
	char id[PATH_MAX + 128];

	if (!o->text || !strstr(o->text, "CONFIG_") || o->kheaders_build)
		return;
	bl_kconfig_identity(id, sizeof(id));
	if (strcmp(id, "none") == 0)
		out->warnings = add_notice(out->warnings,
			"bpflua: warning: no kernel configuration found (/proc/config.gz, "
			"/boot/config-RELEASE): every CONFIG_* is undefined\n"
			"hint: BPFLUA_KCONFIG=FILE names the running kernel's configuration");
}

static int compile(const struct bl_compile_opts *opts, int cancel_fd,
		   struct bl_build_result *out, struct bl_err *e)
{
	struct bl_compile_opts o = *opts;
	struct bl_compile_result r = {0};
	const struct bl_compiler_api *cc;
	char vmlinux[PATH_MAX], *kheader = NULL;
	int err;

	if (!o.vmlinux_h && !o.kheaders_build) {
		err = bl_vmlinux_h(vmlinux, sizeof(vmlinux), e);
		if (err)
			return err;
		o.vmlinux_h = vmlinux;
	}
	cc = bl_compiler_get(e);
	if (!cc)
		return -e->code;
	/* Made only here, on a miss, in bpflua (the forked worker inherits it):
	 * the cache key covers the configuration's identity
	 * (bl_kconfig_identity), not this text. */
	if (!o.kernel_header && !o.kheaders_build) {
		err = bl_kconfig_header(&kheader, e);
		if (err)
			return err;
		o.kernel_header = kheader;
	}
	o.no_pch = getenv("BPFLUA_NO_PCH") != NULL;
	err = bl_compile_in_worker(cc, &o, cancel_fd, &r, e);
	free(kheader);
	if (err)
		return err;
	if (!opts->vmlinux_h && bl_vmlinux_h_notice())
		r.warnings = add_notice(r.warnings, bl_vmlinux_h_notice());
	out->elf = r.elf;
	out->elf_size = r.elf_size;
	out->rewritten = r.rewritten;
	out->warnings = r.warnings;
	return 0;
}

/* opts with the kernel header tree at `path` (kheaders.h); a warning
 * when it is for another kernel. */
static int use_kheaders(const char *path, struct bl_kheaders *kh, struct bl_compile_opts *o,
			const char **notice, struct bl_err *e)
{
	int err = bl_kheaders_find(path, kh, e);

	if (err)
		return err;
	o->kheaders_src = kh->src;
	o->kheaders_build = kh->build;
	*notice = bl_kheaders_notice(kh);
	return 0;
}

static int build(const struct bl_compile_opts *opts, int cancel_fd,
		 struct bl_build_result *out, struct bl_err *e)
{
	char key[BL_OBJCACHE_KEY_LEN];
	struct bl_err ignored = {0};
	/* The rewritten text DEBUG_PREPROCESSOR shows comes only from a compile. */
	int cached = bl_objcache_enabled() && !(opts->debug & BL_DEBUG_PREPROCESSOR);
	int err, lock;

	if (cached) {
		bl_objcache_key(opts, key);
		if (bl_objcache_get(key, &out->elf, &out->elf_size, &ignored) == 0) {
			kconfig_notice(opts, out);
			return 0;
		}
	}
	/* Writing the cache from here on (vmlinux.h, the PCH, the entry). */
	lock = bl_cachetmp_hold();
	err = compile(opts, cancel_fd, out, e);
	/* A cache that cannot be written only costs the next start a compile. */
	if (!err && cached)
		bl_objcache_put(key, out->elf, out->elf_size, &ignored);
	if (!err)
		kconfig_notice(opts, out);
	bl_cachetmp_release(lock);
	bl_err_clear(&ignored);
	return err;
}

int bl_build(const struct bl_compile_opts *opts, const char *kheaders, int cancel_fd,
	     struct bl_build_result *out, struct bl_err *e)
{
	struct bl_compile_opts o = *opts;
	const char *notice = NULL;
	struct bl_kheaders *kh = NULL;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (kheaders) {
		kh = malloc(sizeof(*kh));
		err = kh ? use_kheaders(kheaders, kh, &o, &notice, e)
			 : bl_errf(e, ENOMEM, "out of memory");
	}
	err = err ?: build(&o, cancel_fd, out, e);
	if (!err && notice)
		out->warnings = add_notice(out->warnings, notice);
	free(kh);
	return err;
}

void bl_build_result_free(struct bl_build_result *r)
{
	free(r->elf);
	free(r->rewritten);
	free(r->warnings);
	memset(r, 0, sizeof(*r));
}
