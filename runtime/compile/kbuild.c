/* kbuild.c - see kbuild.h */
#include "kbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* BCC's helpers.h includes these for every program; bpflua's dialect
 * (bcc.h) needs struct pt_regs and the uapi BPF names from them too. */
const char bl_kbuild_prelude[] =
	"/* bpflua prelude: the kernel's own headers, then the BCC dialect. */\n"
	"#pragma clang system_header\n"
	"#include <linux/kconfig.h>\n"
	"#include <linux/types.h>\n"
	"#include <uapi/linux/bpf.h>\n"
	"#include <uapi/linux/if_packet.h>\n"
	"#include <uapi/linux/ptrace.h>\n"
	"#include <linux/version.h>\n"
	"#include <linux/log2.h>\n"
	"#include <asm/page.h>\n"
	"#include <bpflua/kheaders.h>\n"
	"#include <bpflua/bcc.h>\n";

/* kbuild's LINUXINCLUDE order (the kernel's top Makefile): S is srctree,
 * B objtree. */
static const struct { char tree; const char *dir; } include_dirs[] = {
	{ 'S', "arch/" BL_KBUILD_ARCH "/include" },
	{ 'B', "arch/" BL_KBUILD_ARCH "/include/generated" },
	{ 'S', "include" },
	{ 'B', "include" },
	{ 'S', "arch/" BL_KBUILD_ARCH "/include/uapi" },
	{ 'B', "arch/" BL_KBUILD_ARCH "/include/generated/uapi" },
	{ 'S', "include/uapi" },
	{ 'B', "include/generated/uapi" },
};

#define N_DIRS (int)(sizeof(include_dirs) / sizeof(include_dirs[0]))

/* What kbuild defines for kernel code; CONFIG_CC_IS_CLANG as BCC does (the
 * headers were configured for the compiler that built the kernel). */
static const char *const defines[] = {
	"-D__KERNEL__",
	"-D__BPF_TRACING__",
	"-DKBUILD_MODNAME=\"bpflua\"",
	"-DCONFIG_CC_IS_CLANG",
	"-D__BPFLUA_KERNEL_HEADERS__",
	"-Wno-unused-value",
	"-Wno-pointer-sign",
	"-Wno-gnu-variable-sized-type-not-at-end",
	"-Wno-address-of-packed-member",
};

#define N_DEFINES (int)(sizeof(defines) / sizeof(defines[0]))

void bl_kbuild_free(char **flags)
{
	if (!flags)
		return;
	for (char **f = flags; *f; f++)
		free(*f);
	free(flags);
}

char **bl_kbuild_flags(const struct bl_compile_opts *o)
{
	char **v = calloc(2 * N_DIRS + N_DEFINES + 1, sizeof(*v));
	int i, n = 0, ok = v != NULL;

	for (i = 0; ok && i < N_DIRS; i++) {
		const char *tree = include_dirs[i].tree == 'S' ? o->kheaders_src : o->kheaders_build;

		ok = (v[n++] = strdup("-isystem")) &&
		     asprintf(&v[n++], "%s/%s", tree, include_dirs[i].dir) >= 0;
	}
	for (i = 0; ok && i < N_DEFINES; i++)
		ok = (v[n++] = strdup(defines[i])) != NULL;
	if (!ok) {
		if (v && n)
			v[n - 1] = NULL;	/* a failed asprintf leaves it undefined */
		bl_kbuild_free(v);
		return NULL;
	}
	return v;
}

static int under(const char *path, const char *dir)
{
	size_t n = dir ? strlen(dir) : 0;

	return n && !strncmp(path, dir, n) && path[n] == '/';
}

int bl_kbuild_is_kernel_file(const struct bl_compile_opts *o, const char *path)
{
	return under(path, o->kheaders_src) || under(path, o->kheaders_build);
}
