/* loader_instance.c - loading one function as one program type.
 *
 * The instance is a second libbpf object opened from the same ELF bytes: its
 * maps take the master's fds (bpf_map__reuse_fd), so all instances share the
 * tables, except the .rodata map holding __bl_flavor/__bl_nargs, which gets
 * this instance's values before load. The kernel freezes .rodata, so the
 * verifier sees the flavor as a constant and drops the other flavors' code.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "../bpf-headers/bpflua/flavor.h"
#include "btf/kernel_btf.h"
#include "libbpf_log.h"
#include "loader_int.h"
#include "verifier_log.h"

/* The kernel keeps the tail when the log overflows (6.4+) and older ones
 * fail with ENOSPC; 16 MiB fits any program that loads within the 1M
 * instruction limit at log level 1. Pages not written are never touched. */
#define VERIFIER_LOG_SIZE (16u << 20)

struct flavor_vars {
	struct bpf_map *map;        /* the instance's .rodata, or NULL */
	long flavor_off, nargs_off, cpus_off, pk_task_off; /* -1 when absent */
};

const char *bl_prog_type_desc(enum bpf_prog_type type, enum bpf_attach_type eat)
{
	switch (type) {
	case BPF_PROG_TYPE_KPROBE: return "kprobe";
	case BPF_PROG_TYPE_TRACEPOINT: return "tracepoint";
	case BPF_PROG_TYPE_RAW_TRACEPOINT: return "raw tracepoint";
	case BPF_PROG_TYPE_PERF_EVENT: return "perf event";
	case BPF_PROG_TYPE_TRACING:
		if (eat == BPF_TRACE_FENTRY)
			return "fentry";
		if (eat == BPF_TRACE_FEXIT)
			return "fexit";
		return "tracing";
	default: {
		const char *s = libbpf_bpf_prog_type_str(type);

		return s ? s : "unknown program type";
	}
	}
}

/* Offset of a variable in a DATASEC, or -1. */
static long datasec_var_off(const struct btf *btf, const struct btf_type *sec,
			    const char *name)
{
	const struct btf_var_secinfo *vs = btf_var_secinfos(sec);

	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (var && !strcmp(btf__name_by_offset(btf, var->name_off), name))
			return vs->size == sizeof(int) ? (long)vs->offset : -1;
	}
	return -1;
}

/* libbpf names the .rodata map "<object prefix>.rodata"; ".rodata.str1.1"
 * and friends are other maps. */
static struct bpf_map *rodata_map(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);
		size_t len = strlen(n);

		if (bpf_map__is_internal(m) && len >= 7 && !strcmp(n + len - 7, ".rodata"))
			return m;
	}
	return NULL;
}

static void find_flavor_vars(struct bpf_object *obj, struct flavor_vars *fv)
{
	const struct btf *btf = bpf_object__btf(obj);
	int id;

	fv->map = NULL;
	fv->flavor_off = fv->nargs_off = fv->cpus_off = fv->pk_task_off = -1;
	if (!btf)
		return;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (id <= 0)
		return;
	fv->flavor_off = datasec_var_off(btf, btf__type_by_id(btf, id), BL_FLAVOR_VAR);
	fv->nargs_off = datasec_var_off(btf, btf__type_by_id(btf, id), BL_NARGS_VAR);
	fv->cpus_off = datasec_var_off(btf, btf__type_by_id(btf, id), BL_NUM_CPUS_VAR);
	fv->pk_task_off = datasec_var_off(btf, btf__type_by_id(btf, id), BL_PK_TASK_VAR);
	fv->map = rodata_map(obj);
}

static void set_int(char *data, size_t size, long off, int value)
{
	if (off >= 0 && (size_t)off + sizeof(int) <= size)
		*(int *)(data + off) = value;
}

/* Program types that run in a task's context: BL_PK_TASK_VAR (flavor.h). */
static int in_task(enum bpf_prog_type type)
{
	switch (type) {
	case BPF_PROG_TYPE_KPROBE: case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT: case BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE:
	case BPF_PROG_TYPE_PERF_EVENT: case BPF_PROG_TYPE_TRACING: case BPF_PROG_TYPE_LSM:
		return 1;
	default:
		return 0;
	}
}

static int set_flavor(struct bl_object *o, const struct bl_prog_spec *s,
		      const struct flavor_vars *fv, struct bl_err *e)
{
	size_t size = 0;
	char *data = fv->map ? (char *)bpf_map__initial_value(fv->map, &size) : NULL;

	if (data)
		set_int(data, size, fv->pk_task_off, in_task(s->type));

	if (!data || fv->flavor_off < 0 || (size_t)fv->flavor_off + sizeof(int) > size) {
		if (s->flavor == BL_FLAVOR_NATIVE)
			return 0;
		bl_errf(e, EINVAL, "prog '%s': cannot load it as %s: object '%s' has no '%s' "
			"variable to tell the program how its ctx looks there",
			s->fn, bl_prog_type_desc(s->type, s->expected_attach_type), o->name,
			BL_FLAVOR_VAR);
		bl_err_append(e, "hint: compile with bpflua's prelude (bpf-headers/bpflua), "
			      "or attach it as the probe type it was written for");
		return -EINVAL;
	}
	set_int(data, size, fv->flavor_off, s->flavor);
	set_int(data, size, fv->nargs_off, s->nargs);
	set_int(data, size, fv->cpus_off, libbpf_num_possible_cpus()); /* bpf_num_cpus() */
	return 0;
}

/* Maps come in the same order in both objects: the same ELF, the same libbpf. */
static int share_maps(struct bl_object *o, struct bpf_object *obj,
		      const struct flavor_vars *fv, struct bl_err *e)
{
	struct bpf_map *m, *mm = NULL;
	int err;

	bpf_object__for_each_map(m, obj) {
		mm = bpf_object__next_map(o->master, mm);
		if (!mm || strcmp(bpf_map__name(m), bpf_map__name(mm)))
			return bl_errf(e, EINVAL, "object '%s': map '%s' does not match the "
				       "loaded object's maps", o->name, bpf_map__name(m));
		if (m == fv->map)
			continue;
		err = bpf_map__reuse_fd(m, bpf_map__fd(mm));
		if (err)
			return bl_errf(e, err, "object '%s': cannot share map '%s': %s",
				       o->name, bpf_map__name(m), strerror(-err));
	}
	return 0;
}

static int setup_prog(struct bl_object *o, struct bpf_object *obj,
		      const struct bl_prog_spec *s, struct bpf_program **out,
		      struct bl_err *e)
{
	struct bpf_program *p, *prog = bpf_object__find_program_by_name(obj, s->fn);
	int err;

	if (!prog)
		return bl_errf(e, ENOENT, "object '%s': no function '%s'", o->name, s->fn);
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, p == prog);
	bpf_program__set_type(prog, s->type);
	if (s->expected_attach_type)
		bpf_program__set_expected_attach_type(prog, s->expected_attach_type);
	if (s->attach_func) {
		/* Needs the expected attach type set first: it picks the BTF name prefix. */
		err = bpf_program__set_attach_target(prog, 0, s->attach_func);
		if (err) {
			bl_errf(e, err, "prog '%s': cannot target kernel function '%s' as %s: %s",
				s->fn, s->attach_func,
				bl_prog_type_desc(s->type, s->expected_attach_type), strerror(-err));
			bl_err_append(e, "hint: the function must be in the kernel's BTF "
				      "(/sys/kernel/btf/vmlinux) and not inlined");
			return err;
		}
	}
	*out = prog;
	return 0;
}

/* The helpers bpf_trace_printk's private path calls (bpflua/printk.h). */
static int printk_helper(const char *reason)
{
	static const char *const helpers[] = {
		"bpf_get_current_comm", "bpf_get_current_pid_tgid", "bpf_probe_read_kernel",
		"bpf_probe_read_user_str", "bpf_ringbuf_reserve", "bpf_ringbuf_submit",
		"bpf_ktime_get_ns", "bpf_get_smp_processor_id", NULL,
	};
	int i;

	if (!strstr(reason, "unknown func") && !strstr(reason, "cannot use helper"))
		return 0;
	for (i = 0; helpers[i]; i++)
		if (strstr(reason, helpers[i]))
			return 1;
	return 0;
}

/* Hints for what the verifier says about bpflua's own dialect. */
static void verifier_hints(const char *reason, struct bl_err *e)
{
	if (strstr(reason, "GPL-restricted"))
		bl_err_append(e, "hint: the program's license (#define BPF_LICENSE ...; GPL "
			      "when it has none) is not GPL-compatible, and the kernel gives "
			      "this helper to GPL-compatible programs only");
	if (strstr(reason, "BPF_LD_[ABS|IND]"))
		bl_err_append(e, "hint: packet loads (load_byte/half/word, and the fields of "
			      "bcc/proto.h's headers read through cursor_advance) are for socket "
			      "filters and TC programs: b:load_func(name, BPF.SOCKET_FILTER) or "
			      "BPF.SCHED_CLS");
	if (printk_helper(reason))
		bl_err_append(e, "hint: if this is bpf_trace_printk: its private output (the "
			      "default) needs this helper, which this program type lacks here; "
			      "BPF{..., trace_pipe = \"global\"} prints to the kernel's trace pipe "
			      "instead");
}

static void describe_load_error(const struct bl_prog_spec *s, int err,
				const char *vlog, struct bl_err *e)
{
	const char *as = bl_prog_type_desc(s->type, s->expected_attach_type);
	char reason[512];

	if (vlog && bl_verifier_reason(vlog, reason, sizeof(reason))) {
		bl_errf(e, bl_libbpf_errno(err), "prog '%s': the BPF verifier rejected it (loading as %s): %s",
			s->fn, as, reason);
		verifier_hints(reason, e);
		bl_err_append(e, "hint: the full verifier log comes with this error");
		return;
	}
	bl_errf(e, bl_libbpf_errno(err), "prog '%s': loading as %s%s%s failed: %s", s->fn, as,
		s->attach_func ? " of " : "", s->attach_func ? s->attach_func : "",
		bl_libbpf_strerror(err));
	if (err == -EPERM && s->type == BPF_PROG_TYPE_LSM)
		bl_err_append(e, "hint: this kernel refuses BPF LSM programs (BPF LSM not active: "
			      "\"bpf\" missing from /sys/kernel/security/lsm, or lockdown or a sandbox)");
	else if (err == -EPERM && s->type == BPF_PROG_TYPE_TRACING)
		bl_err_append(e, "hint: this kernel refuses fentry/fexit programs even for root "
			      "(lockdown or a sandbox); use attach_tracepoint or attach_raw_tracepoint");
	else if (err == -EPERM)
		bl_err_append(e, "hint: loading BPF programs needs root (CAP_BPF and CAP_PERFMON)");
	else if (*bl_libbpf_log_last())
		bl_err_append(e, "%s", bl_libbpf_log_last());
}

static int load(struct bl_object *o, struct bpf_object *obj, struct bpf_program *prog,
		const struct bl_prog_spec *s, struct bl_err *e)
{
	char *vlog = calloc(1, VERIFIER_LOG_SIZE);
	int err;

	if (!vlog)
		return bl_errf(e, ENOMEM, "prog '%s': out of memory", s->fn);
	/* Log level 0: libbpf asks the kernel for a log only after a failure. */
	bpf_program__set_log_buf(prog, vlog, VERIFIER_LOG_SIZE);
	err = bpf_object__load(obj);
	bpf_program__set_log_buf(prog, NULL, 0);
	if (err) {
		describe_load_error(s, err, vlog, e);
		if (vlog[0])
			bl_err_set_log(e, strdup(vlog));
		else
			bl_err_set_log(e, bl_libbpf_log_take());
	}
	free(vlog);
	return err ? bl_libbpf_errno(err) : 0;
}

static struct bl_instance *instance_new(const struct bl_prog_spec *s)
{
	struct bl_instance *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->fn = strdup(s->fn);
	in->attach_func = s->attach_func ? strdup(s->attach_func) : NULL;
	in->type = s->type;
	in->expected_attach_type = s->expected_attach_type;
	in->flavor = s->flavor;
	in->nargs = s->nargs;
	if (!in->fn || (s->attach_func && !in->attach_func)) {
		bl_instance_free(in);
		return NULL;
	}
	return in;
}

static int open_instance(struct bl_object *o, struct bl_instance *in,
			 const struct bl_prog_spec *s, struct bl_err *e)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = o->name,
		    .btf_custom_path = bl_kernel_btf_copy_path());
	struct flavor_vars fv;
	int err;

	in->obj = bpf_object__open_mem(o->elf, o->size, &opts);
	if (!in->obj) {
		err = -errno;
		return bl_errf(e, bl_libbpf_errno(err), "object '%s': cannot reopen the BPF ELF "
			       "for '%s': %s", o->name, s->fn, bl_libbpf_strerror(err));
	}
	find_flavor_vars(in->obj, &fv);
	err = setup_prog(o, in->obj, s, &in->prog, e);
	err = err ? : set_flavor(o, s, &fv, e);
	err = err ? : share_maps(o, in->obj, &fv, e);
	err = err ? : load(o, in->obj, in->prog, s, e);
	return err;
}

int bl_instance_load(struct bl_object *o, const struct bl_prog_spec *s,
		     struct bl_instance **out, struct bl_err *e)
{
	struct bl_instance *in = instance_new(s);
	int err;

	*out = NULL;
	if (!in)
		return bl_errf(e, ENOMEM, "prog '%s': out of memory", s->fn);
	bl_libbpf_log_begin();
	err = open_instance(o, in, s, e);
	if (err) {
		bl_instance_free(in);
		return err;
	}
	*out = in;
	return 0;
}

void bl_instance_free(struct bl_instance *in)
{
	if (!in)
		return;
	bpf_object__close(in->obj);
	free(in->fn);
	free(in->attach_func);
	free(in);
}
