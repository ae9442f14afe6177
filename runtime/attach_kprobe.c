/* attach_kprobe.c - kprobes/kretprobes, with the fallback chain README.md
 * describes ("When the kernel has no kprobes").
 *
 * Real kprobes go through the kprobe perf PMU only: libbpf would otherwise
 * fall back to tracefs kprobe_events, whose entries outlive a killed process.
 * Without the PMU, a syscall function becomes its syscalls:sys_enter_X /
 * sys_exit_X tracepoint, anything else fentry/fexit where the kernel allows
 * it; the program loads with the flavor that tells it how its ctx looks.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "../bpf-headers/bpflua/flavor.h"
#include "attach_int.h"
#include "features.h"
#include "sym/ksyms.h"

static const char *kind_name(int retprobe)
{
	return retprobe ? "kretprobe" : "kprobe";
}

/* The kprobe PMU's type and the config bit that makes a kretprobe, read
 * once per process (libbpf reads them at every attach, and a script's
 * later attaches must read no file once its first probe is live). */
static int kprobe_pmu(int *type, int *ret_bit)
{
	static int t = -1, bit = -1;
	char buf[64] = "";
	FILE *f;

	if (t < 0 && (f = fopen("/sys/bus/event_source/devices/kprobe/type", "re"))) {
		if (fscanf(f, "%d", &t) != 1)
			t = -1;
		fclose(f);
	}
	if (bit < 0 && (f = fopen("/sys/bus/event_source/devices/kprobe/format/retprobe", "re"))) {
		if (!fgets(buf, sizeof(buf), f) || sscanf(buf, "config:%d", &bit) != 1)
			bit = -1;
		fclose(f);
	}
	*type = t;
	*ret_bit = bit;
	return t >= 0 && bit >= 0 ? 0 : -ENOENT;
}

/* A kprobe perf event on func+offset (all CPUs' tasks: pid -1, cpu 0 as
 * bpflua's tracepoints), or -errno. */
static int perf_kprobe_open(const char *func, unsigned long offset, int retprobe)
{
	struct perf_event_attr attr = { .size = sizeof(attr) };
	int type, bit, fd;

	if (kprobe_pmu(&type, &bit))
		return -ENOENT;
	attr.type = type;
	attr.config = retprobe ? 1ULL << bit : 0;
	attr.config1 = (uintptr_t)func;         /* kprobe_func */
	attr.config2 = offset;                  /* probe_offset */
	fd = syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int attach_real(struct bl_object *o, const char *fn, const char *func,
		       unsigned long offset, int retprobe, struct bl_link **out,
		       struct bl_err *e)
{
	struct bpf_program *prog;
	struct bpf_link *link;
	int err, type, bit, pfd;

	prog = bl_object_prog(o, &(struct bl_prog_spec){
		.fn = fn, .type = BPF_PROG_TYPE_KPROBE, .flavor = BL_FLAVOR_NATIVE }, e);
	if (!prog)
		return -e->code;
	if (!out) {
		kprobe_pmu(&type, &bit);        /* read now: the attach reads nothing */
		return 0;
	}
	pfd = perf_kprobe_open(func, offset, retprobe);
	link = pfd < 0 ? NULL : bpf_program__attach_perf_event(prog, pfd);
	if (!link) {
		err = pfd < 0 ? -pfd : errno;
		if (pfd >= 0)
			close(pfd);
		bl_errf(e, err, "prog '%s': cannot attach %s to '%s': %s", fn,
			kind_name(retprobe), func, strerror(err));
		if (err == ENOENT || err == EINVAL)
			bl_err_append(e, "hint: the function may be inlined, notrace or blacklisted "
				      "(see available_filter_functions in tracefs)");
		return -err;
	}
	return bl_link_new(link, &(struct bl_link_spec){
		.kind = retprobe ? BL_PROBE_KRETPROBE : BL_PROBE_KPROBE,
		.fn = fn, .target = func }, out, e);
}

/* What the note of a fallback says (only the perf PMU counts as kprobes:
 * tracefs kprobe_events entries outlive the process). */
static const char *fallback_reason(void)
{
	return bl_has_kprobes() ? "kprobes could not attach here"
				: "kprobes are not available on this kernel";
}

/* Returns 1 and attaches, 0 when func has no syscall tracepoint, or -errno. */
static int try_syscall_tp(struct bl_object *o, const char *fn, const char *func,
			  int retprobe, struct bl_link **out, struct bl_err *e)
{
	char name[128], ev[160], via[256], what[320];
	struct bpf_program *prog;
	struct bpf_link *link;
	int err, nargs;

	if (!bl_syscall_name(func, name, sizeof(name)))
		return 0;
	snprintf(ev, sizeof(ev), "sys_%s_%s", retprobe ? "exit" : "enter", name);
	if (!bl_tracepoint_exists("syscalls", ev))
		return 0;
	snprintf(via, sizeof(via), "tracepoint syscalls:%s", ev);
	snprintf(what, sizeof(what), "%s '%s' (as %s)", kind_name(retprobe), func, via);
	/* The record holds only the syscall's own arguments, and a program
	 * reading past them is refused at attach: tell it how many there are. */
	nargs = retprobe ? 0 : bl_syscall_nargs(name);
	prog = bl_object_prog(o, &(struct bl_prog_spec){
		.fn = fn, .type = BPF_PROG_TYPE_TRACEPOINT,
		.flavor = retprobe ? BL_FLAVOR_SC_EXIT_TP : BL_FLAVOR_SC_ENTER_TP,
		.nargs = nargs < 0 ? 0 : nargs }, e);
	if (!prog)
		return -e->code;
	if (!out)
		return bl_attach_tracepoint_prepare("syscalls", ev, what, e) ?: 1;
	err = bl_attach_perf_tracepoint(prog, "syscalls", ev, what, &link, e);
	if (err)
		return err;
	err = bl_link_new(link, &(struct bl_link_spec){
		.kind = retprobe ? BL_PROBE_KRETPROBE : BL_PROBE_KPROBE,
		.fn = fn, .target = func, .via = via, .why = fallback_reason() }, out, e);
	return err ? err : 1;
}

static int no_fallback(const char *func, int retprobe, struct bl_err *e)
{
	const char *why = bl_has_kprobes()
		? "this kernel offers kprobes only through tracefs kprobe_events, which "
		  "bpflua does not use because its entries outlive the process"
		: "kprobes are not built into this kernel (CONFIG_KPROBES off)";

	bl_errf(e, EOPNOTSUPP, "%s '%s': %s; no syscall tracepoint or fentry fallback for '%s'",
		kind_name(retprobe), func, why, func);
	bl_err_append(e, "Alternatives: attach_tracepoint, attach_raw_tracepoint, attach_uprobe");
	return -EOPNOTSUPP;
}

static int fallback(struct bl_object *o, const char *fn, const char *func,
		    unsigned long offset, int retprobe, struct bl_link **out,
		    struct bl_err *e)
{
	char via[256];
	int err;

	if (offset) {
		bl_errf(e, EOPNOTSUPP, "%s '%s+0x%lx': kprobes are not available on this "
			"kernel and no fallback can probe an offset inside a function",
			kind_name(retprobe), func, offset);
		bl_err_append(e, "Alternatives: attach_tracepoint, attach_raw_tracepoint, attach_uprobe");
		return -EOPNOTSUPP;
	}
	err = try_syscall_tp(o, fn, func, retprobe, out, e);
	if (err)
		return err < 0 ? err : 0;
	if (bl_has_fentry() && bl_kfunc_nargs(func) >= 0) {
		snprintf(via, sizeof(via), "%s %s", retprobe ? "fexit" : "fentry", func);
		return bl_attach_fentry(o, &(struct bl_link_spec){
			.kind = retprobe ? BL_PROBE_KRETPROBE : BL_PROBE_KPROBE,
			.fn = fn, .target = func, .via = via, .why = fallback_reason() },
			retprobe ? BL_FLAVOR_FEXIT : BL_FLAVOR_FENTRY, out, e);
	}
	return no_fallback(func, retprobe, e);
}

/* When kallsyms can't be read (no permission), let the attach decide. */
static int func_missing(const char *func)
{
	struct bl_err e = { 0 };

	if (bl_ksyms_load(&e)) {
		bl_err_clear(&e);
		return 0;
	}
	return !bl_ksym_exists(func);
}

int bl_attach_kprobe(struct bl_object *o, const char *fn, const char *func,
		     unsigned long offset, int retprobe,
		     struct bl_link **out, struct bl_err *e)
{
	if (out)
		*out = NULL;
	if (bl_object_check_prog(o, fn, e))
		return -e->code;
	if (func_missing(func)) {
		bl_errf(e, ENOENT, "%s '%s': no such kernel function", kind_name(retprobe), func);
		bl_err_append(e, "hint: BPF.get_kprobe_functions('%s') lists kernel functions "
			      "matching a pattern; static functions may carry a suffix such as "
			      "'.isra.0'", func);
		return -ENOENT;
	}
	if (bl_has_kprobe_pmu())
		return attach_real(o, fn, func, offset, retprobe, out, e);
	return fallback(o, fn, func, offset, retprobe, out, e);
}
