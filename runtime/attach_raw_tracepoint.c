/* attach_raw_tracepoint.c - raw tracepoints (BPF_RAW_TRACEPOINT_OPEN): the
 * program gets the tracepoint's raw arguments; the fd is the attachment. */
#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "attach_int.h"

int bl_attach_raw_tracepoint(struct bl_object *o, const char *fn, const char *tp,
			     struct bl_link **out, struct bl_err *e)
{
	struct bpf_program *prog;
	struct bpf_link *link;
	int err;

	if (out)
		*out = NULL;
	prog = bl_object_prog(o, &(struct bl_prog_spec){
		.fn = fn, .type = BPF_PROG_TYPE_RAW_TRACEPOINT }, e);
	if (!prog || !out)
		return prog ? 0 : -e->code;
	link = bpf_program__attach_raw_tracepoint(prog, tp);
	if (!link) {
		err = errno;
		if (err == ENOENT) {
			bl_errf(e, err, "raw tracepoint '%s': no such tracepoint in this kernel", tp);
			bl_err_append(e, "hint: use the event name without its category, as listed "
				      "in available_events (e.g. \"sched_switch\", \"sys_enter\")");
		} else {
			bl_errf(e, err, "prog '%s': cannot attach to raw tracepoint '%s': %s",
				fn, tp, strerror(err));
		}
		return -err;
	}
	return bl_link_new(link, &(struct bl_link_spec){
		.kind = BL_PROBE_RAW_TRACEPOINT, .fn = fn, .target = tp }, out, e);
}
