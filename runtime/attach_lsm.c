/* attach_lsm.c - BPF LSM programs on the kernel's security hooks (BCC's
 * LSM_PROBE(hook, ...), function lsm__hook). The program's return value is
 * the hook's verdict: 0 allows, -errno denies. */
#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "../bpf-headers/bpflua/flavor.h"
#include "attach_int.h"

int bl_attach_lsm(struct bl_object *o, const char *fn, const char *hook,
		  struct bl_link **out, struct bl_err *e)
{
	struct bpf_program *prog;
	struct bpf_link *link;
	int err;

	if (out)
		*out = NULL;
	if (bl_object_check_prog(o, fn, e))
		return -e->code;
	/* libbpf finds the hook as bpf_lsm_<hook> in the kernel's BTF. */
	prog = bl_object_prog(o, &(struct bl_prog_spec){
		.fn = fn, .type = BPF_PROG_TYPE_LSM, .expected_attach_type = BPF_LSM_MAC,
		.attach_func = hook, .flavor = BL_FLAVOR_NATIVE }, e);
	/* A prepare (attach.h: out NULL) stops once the program is loaded. */
	if (!prog || !out)
		return prog ? 0 : -e->code;
	link = bpf_program__attach_lsm(prog);
	if (!link) {
		err = errno;
		bl_errf(e, err, "prog '%s': cannot attach to LSM hook '%s': %s", fn, hook,
			strerror(err));
		bl_err_append(e, "hint: BPF LSM needs CONFIG_BPF_LSM and \"bpf\" in the "
			      "kernel's active LSMs (/sys/kernel/security/lsm, boot option lsm=)");
		return -err;
	}
	return bl_link_new(link, &(struct bl_link_spec){
		.kind = BL_PROBE_LSM, .fn = fn, .target = hook }, out, e);
}
