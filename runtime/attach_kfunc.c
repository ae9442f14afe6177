/* attach_kfunc.c - fentry/fexit (BPF trampolines) on kernel functions
 * described by the kernel's BTF; also the kprobe fallback's second choice. */
#include <errno.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "../bpf-headers/bpflua/flavor.h"
#include "attach_int.h"
#include "btf/kernel_btf.h"

int bl_kfunc_nargs(const char *func)
{
	struct bl_err e = { 0 };
	const struct btf *btf = bl_kernel_btf(&e);
	const struct btf_type *t;
	int id;

	if (!btf) {
		bl_err_clear(&e);
		return -ENOENT;
	}
	id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	if (id < 0)
		return id;
	t = btf__type_by_id(btf, id);
	t = t ? btf__type_by_id(btf, t->type) : NULL;
	if (!t || !btf_is_func_proto(t))
		return -EINVAL;
	return btf_vlen(t);
}

static int not_in_btf(const char *func, const char *what, struct bl_err *e)
{
	bl_errf(e, ENOENT, "%s '%s': the kernel's BTF has no function '%s'", what, func, func);
	bl_err_append(e, "hint: fentry/fexit need a non-inlined function described in "
		      "/sys/kernel/btf/vmlinux (some syscall entry points are aliases, "
		      "e.g. __x64_sys_sync); BPF.support_kfunc() tells whether the kernel "
		      "allows them at all");
	return -ENOENT;
}

int bl_attach_fentry(struct bl_object *o, const struct bl_link_spec *s, int flavor,
		     struct bl_link **out, struct bl_err *e)
{
	int ret = s->kind == BL_PROBE_KRETFUNC || s->kind == BL_PROBE_KRETPROBE;
	enum bpf_attach_type eat = ret ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY;
	const char *what = ret ? "kretfunc" : "kfunc", *fn = s->fn, *func = s->target;
	int nargs = bl_kfunc_nargs(func), err;
	struct bpf_program *prog;
	struct bpf_link *link;

	if (out)
		*out = NULL;
	if (nargs < 0)
		return not_in_btf(func, what, e);
	prog = bl_object_prog(o, &(struct bl_prog_spec){
		.fn = fn, .type = BPF_PROG_TYPE_TRACING, .expected_attach_type = eat,
		.attach_func = func, .flavor = flavor,
		.nargs = flavor == BL_FLAVOR_FEXIT ? nargs : 0 }, e);
	if (!prog || !out)
		return prog ? 0 : -e->code;
	link = bpf_program__attach_trace(prog);
	if (!link) {
		err = errno;
		return bl_errf(e, err, "prog '%s': cannot attach as %s to '%s': %s",
			       fn, ret ? "fexit" : "fentry", func, strerror(err));
	}
	return bl_link_new(link, s, out, e);
}

int bl_attach_kfunc(struct bl_object *o, const char *fn, const char *func, int ret,
		    struct bl_link **out, struct bl_err *e)
{
	if (out)
		*out = NULL;
	if (bl_object_check_prog(o, fn, e))
		return -e->code;
	return bl_attach_fentry(o, &(struct bl_link_spec){
		.kind = ret ? BL_PROBE_KRETFUNC : BL_PROBE_KFUNC, .fn = fn, .target = func },
		BL_FLAVOR_NATIVE, out, e);
}
