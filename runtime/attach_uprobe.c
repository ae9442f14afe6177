/* attach_uprobe.c - uprobes/uretprobes through the uprobe perf PMU (never
 * tracefs uprobe_events, whose entries outlive a killed process). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "attach_int.h"
#include "sym/elf_sym.h"
#include "features.h"

static int resolve(const char *path, const char *sym, unsigned long offset,
		   uint64_t *off, const char *what, struct bl_err *e)
{
	int err;

	if (sym && *sym) {
		err = bl_elf_sym_offset(path, sym, off, e);
		*off += offset;
	} else {
		/* No symbol: `offset` is an address in the file, as BCC's addr=. */
		err = bl_elf_vaddr_offset(path, offset, off, e);
	}
	if (err) {
		char why[BL_ERR_MSG_MAX];

		snprintf(why, sizeof(why), "%s", e->msg);
		bl_errf(e, err, "%s: %s", what, why);
	}
	return err;
}

struct bpf_program *bl_uprobe_prog(struct bl_object *o, const char *fn, const char *what,
				   struct bl_err *e)
{
	if (!bl_has_uprobe_pmu()) {
		bl_errf(e, EOPNOTSUPP, "%s: this kernel has no uprobe perf PMU "
			"(CONFIG_UPROBE_EVENTS off, or older than 4.17)", what);
		return NULL;
	}
	return bl_object_prog(o, &(struct bl_prog_spec){
		.fn = fn, .type = BPF_PROG_TYPE_KPROBE }, e);
}

int bl_attach_uprobe(struct bl_object *o, const char *fn, const char *path,
		     const char *sym, unsigned long offset, int pid, int retprobe,
		     struct bl_link **out, struct bl_err *e)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = retprobe);
	const char *kind = retprobe ? "uretprobe" : "uprobe";
	char target[512], what[600];
	struct bpf_program *prog;
	struct bpf_link *link;
	uint64_t off = 0;
	int err;

	*out = NULL;
	if (bl_object_check_prog(o, fn, e))
		return -e->code;
	if (sym && *sym)
		snprintf(target, sizeof(target), "%s:%s%s", path, sym, offset ? "+" : "");
	else
		snprintf(target, sizeof(target), "%s:0x%lx", path, offset);
	if (sym && *sym && offset)
		snprintf(target + strlen(target), sizeof(target) - strlen(target), "0x%lx", offset);
	snprintf(what, sizeof(what), "%s '%s'", kind, target);
	err = resolve(path, sym, offset, &off, what, e);
	if (err)
		return err;
	prog = bl_uprobe_prog(o, fn, what, e);
	if (!prog)
		return -e->code;
	link = bpf_program__attach_uprobe_opts(prog, pid, path, off, &opts);
	if (!link) {
		err = errno;
		bl_errf(e, err, "prog '%s': cannot attach %s at offset 0x%" PRIx64 ": %s",
			fn, what, off, strerror(err));
		if (err == ESRCH)
			bl_err_append(e, "hint: no process with pid %d", pid);
		return -err;
	}
	return bl_link_new(link, &(struct bl_link_spec){
		.kind = retprobe ? BL_PROBE_URETPROBE : BL_PROBE_UPROBE,
		.fn = fn, .target = target }, out, e);
}
