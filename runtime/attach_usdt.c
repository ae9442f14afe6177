/* attach_usdt.c - USDT probes: a uprobe at the probe's address, with
 *  - the probe's argument spec written into the program's __bl_usdt_specs
 *    slot `slot` (when the program reads arguments) and slot + 1 as the
 *    link's BPF cookie, so bpf_usdt_readarg finds it (bpf-headers/bpflua/usdt.h);
 *  - the probe's semaphore as the uprobe's reference counter: the kernel
 *    increments it in every process the uprobe is placed in and decrements
 *    it when the uprobe goes, even when bpflua is killed - no writes to
 *    /proc/PID/mem, no tracefs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "attach_int.h"
#include "sym/elf_sym.h"
#include "usdt.h"

static int symaddr(void *path, const char *sym, uint64_t *addr)
{
	struct bl_err e = { 0 };
	int err = bl_elf_data_sym_addr(path, sym, addr, &e);

	bl_err_clear(&e);
	return err;
}

static int store_spec(struct bl_object *o, const char *path, const struct bl_usdt_note *n,
		      int slot, const char *what, struct bl_err *e)
{
	struct bl_usdt_spec spec;
	char why[BL_ERR_MSG_MAX];
	int err = bl_usdt_parse_args(n->args, n->pc, symaddr, (void *)path, &spec, e);

	if (err) {
		snprintf(why, sizeof(why), "%s", e->msg);
		return bl_errf(e, -err, "%s: %s", what, why);
	}
	if (slot < 0 || slot >= BL_USDT_MAX_SPECS)
		return bl_errf(e, E2BIG, "%s: more than %d USDT probe locations in one BPF "
			       "object", what, BL_USDT_MAX_SPECS);
	err = bl_object_write_global(o, BL_USDT_SPECS_SEC, BL_USDT_SPECS_VAR, slot * sizeof(spec),
				     &spec, sizeof(spec));
	if (err == -ENOENT)
		return 0;       /* the program reads no arguments */
	if (err)
		return bl_errf(e, -err, "%s: cannot store its argument spec: %s", what,
			       strerror(-err));
	return 0;
}

int bl_attach_usdt(struct bl_object *o, const char *fn, const char *path,
		   const struct bl_usdt_note *n, int pid, int slot,
		   struct bl_link **out, struct bl_err *e)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .ref_ctr_offset = n->sema_offset,
		    .bpf_cookie = (uint64_t)slot + 1);
	char target[512], what[600];
	struct bpf_program *prog;
	struct bpf_link *link;
	int err;

	*out = NULL;
	if (bl_object_check_prog(o, fn, e))
		return -e->code;
	snprintf(target, sizeof(target), "%s:%s:%s", path, n->provider, n->name);
	snprintf(what, sizeof(what), "USDT probe '%s' at 0x%" PRIx64, target, n->pc);
	err = store_spec(o, path, n, slot, what, e);
	if (err)
		return err;
	prog = bl_uprobe_prog(o, fn, what, e);
	if (!prog)
		return -e->code;
	link = bpf_program__attach_uprobe_opts(prog, pid, path, n->offset, &opts);
	if (!link) {
		err = errno;
		bl_errf(e, err, "prog '%s': cannot attach %s: %s", fn, what, strerror(err));
		if (err == ESRCH)
			bl_err_append(e, "hint: no process with pid %d", pid);
		else if (n->sema_offset && (err == EINVAL || err == EOPNOTSUPP))
			bl_err_append(e, "hint: the probe has a semaphore, which needs a kernel "
				      "with uprobe reference counters (4.20+)");
		return -err;
	}
	return bl_link_new(link, &(struct bl_link_spec){
		.kind = BL_PROBE_USDT, .fn = fn, .target = target }, out, e);
}
