/* build.c - see build.h */
#include "build.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "btf/vmlinux_h.h"
#include "compiler.h"

int bl_build(const struct bl_compile_opts *opts, struct bl_build_result *out,
	     struct bl_err *e)
{
	struct bl_compile_opts o = *opts;
	struct bl_compile_result r = {0};
	const struct bl_compiler_api *cc;
	char vmlinux[PATH_MAX];
	int err;

	memset(out, 0, sizeof(*out));
	if (!o.vmlinux_h) {
		err = bl_vmlinux_h(vmlinux, sizeof(vmlinux), NULL, 0, e);
		if (err)
			return err;
		o.vmlinux_h = vmlinux;
	}
	cc = bl_compiler_get(e);
	if (!cc)
		return -e->code;
	err = cc->compile(&o, &r, e);
	if (err)
		return err;
	/* The module's allocations are plain malloc: hand them over as they are. */
	out->elf = r.elf;
	out->elf_size = r.elf_size;
	out->rewritten = r.rewritten;
	out->warnings = r.warnings;
	return 0;
}

void bl_build_result_free(struct bl_build_result *r)
{
	free(r->elf);
	free(r->rewritten);
	free(r->warnings);
	memset(r, 0, sizeof(*r));
}
