/* features.c - see features.h
 *
 * Every probe runs once per process and is cached: the answers cannot change
 * while we run, and some probes (loading a program) cost a syscall or more.
 */
#include "features.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btf/kernel_btf.h"
#include "tracefs_format.h"
#include "sym/ksyms.h"


static int file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

int bl_has_kprobe_pmu(void)
{
	static int cached = -1;

	if (cached < 0)
		cached = file_exists("/sys/bus/event_source/devices/kprobe/type");
	return cached;
}

int bl_has_uprobe_pmu(void)
{
	static int cached = -1;

	if (cached < 0)
		cached = file_exists("/sys/bus/event_source/devices/uprobe/type");
	return cached;
}

int bl_has_kprobes(void)
{
	static int cached = -1;
	char path[PATH_MAX];
	const char *fs;
	struct bl_err e = { 0 };

	if (cached >= 0)
		return cached;
	cached = bl_has_kprobe_pmu();
	if (!cached && (fs = bl_tracefs(&e))) {
		snprintf(path, sizeof(path), "%s/kprobe_events", fs);
		cached = file_exists(path);
	}
	return cached;
}

/* A BTF function to aim the fentry probe at: one that exists for testing
 * (bpf_fentry_test1), else common traceable ones. */
static int fentry_target(void)
{
	static const char *const names[] = {
		"bpf_fentry_test1", "ksys_sync", "vfs_read", "do_nanosleep",
	};
	struct bl_err e = { 0 };
	const struct btf *btf = bl_kernel_btf(&e);
	int id = -1;

	bl_err_clear(&e);
	if (!btf)
		return -1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && id < 0; i++)
		id = btf__find_by_name_kind(btf, names[i], BTF_KIND_FUNC);
	return id;
}

/* "r0 = 0; exit" */
static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

int bl_has_fentry(void)
{
	static int cached = -1;
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		.expected_attach_type = BPF_TRACE_FENTRY);
	int fd, id;

	if (cached >= 0)
		return cached;
	id = fentry_target();
	if (id < 0)
		return cached = 0;
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "bl_fentry_probe", "GPL",
			   ret0, 2, &opts);
	cached = fd >= 0;
	if (fd >= 0)
		close(fd);
	return cached;
}

int bl_has_raw_tracepoint(void)
{
	static int cached = -1;

	if (cached < 0)
		cached = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL) == 1;
	return cached;
}

int bl_has_ringbuf(void)
{
	static int cached = -1;

	if (cached < 0)
		cached = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1;
	return cached;
}

int bl_tracepoint_exists(const char *category, const char *event)
{
	char path[PATH_MAX];
	struct bl_err e = { 0 };
	const char *fs = bl_tracefs(&e);

	if (!fs || strchr(category, '/') || strchr(event, '/'))
		return 0;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", fs, category, event);
	return file_exists(path);
}

static int read_syscall_nargs(const char *name)
{
	char ev[160];
	struct bl_tp_field f;
	int n = 0, after_nr = 0;
	FILE *fmt;

	snprintf(ev, sizeof(ev), "sys_enter_%s", name);
	fmt = bl_tp_format_open("syscalls", ev);
	if (!fmt)
		return -1;
	/* The syscall's arguments are the fields after __syscall_nr. */
	while (bl_tp_format_next(fmt, &f)) {
		if (after_nr)
			n++;
		else if (!strcmp(f.name, "__syscall_nr"))
			after_nr = 1;
	}
	fclose(fmt);
	return after_nr ? n : -1;
}

/* Read once per syscall: the attach after a prepare (attach.h) reads no file. */
int bl_syscall_nargs(const char *name)
{
	static struct { char name[64]; int n; } cache[32];
	static int cached;
	int i, n;

	for (i = 0; i < cached; i++)
		if (!strcmp(cache[i].name, name))
			return cache[i].n;
	n = read_syscall_nargs(name);
	if (cached < 32 && strlen(name) < sizeof(cache[0].name)) {
		snprintf(cache[cached].name, sizeof(cache[0].name), "%s", name);
		cache[cached++].n = n;
	}
	return n;
}

/* The prefixes BCC's get_syscall_fnname tries, in its order. */
static const char *const syscall_prefixes[] = {
	"sys_", "__x64_sys_", "__x32_compat_sys_", "__ia32_compat_sys_",
	"__arm64_sys_", "__s390x_sys_", "__s390_sys_", "__riscv_sys_",
};

const char *bl_syscall_prefix(void)
{
	static const char *cached;
	char name[64];

	if (cached)
		return cached;
	for (size_t i = 0; i < sizeof(syscall_prefixes) / sizeof(syscall_prefixes[0]); i++) {
		snprintf(name, sizeof(name), "%sbpf", syscall_prefixes[i]);
		if (bl_ksym_exists(name))
			return cached = syscall_prefixes[i];
	}
	return cached = "sys_";
}

int bl_syscall_fix_fnname(const char *name, char *out, size_t len)
{
	for (size_t i = 0; i < sizeof(syscall_prefixes) / sizeof(syscall_prefixes[0]); i++) {
		size_t n = strlen(syscall_prefixes[i]);

		if (!strncmp(name, syscall_prefixes[i], n))
			return (size_t)snprintf(out, len, "%s%s", bl_syscall_prefix(), name + n) < len;
	}
	return (size_t)snprintf(out, len, "%s", name) < len;
}

/* Longest first, so "__se_sys_" is not taken for "sys_". */
static const char *const syscall_func_prefixes[] = {
	"__ia32_compat_sys_", "__x32_compat_sys_", "__arm64_sys_", "__s390x_sys_",
	"__s390_sys_", "__riscv_sys_", "__x64_sys_", "__ia32_sys_", "__se_sys_",
	"__do_sys_", "ksys_", "sys_",
};

int bl_syscall_name(const char *func, char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(syscall_func_prefixes) / sizeof(syscall_func_prefixes[0]); i++) {
		size_t n = strlen(syscall_func_prefixes[i]);

		if (strncmp(func, syscall_func_prefixes[i], n) || !func[n])
			continue;
		if ((size_t)snprintf(name, len, "%s", func + n) >= len)
			return 0;
		return 1;
	}
	return 0;
}
