/* attach_perf_event.c - programs on sampling perf events (BCC's
 * attach_perf_event): one perf event per call, on one CPU or one process.
 * The caller opens one per online CPU when the user names no CPU
 * (bl_online_cpus), as BCC does. The program is loaded as perf_event type:
 * its ctx is a struct bpf_perf_event_data. */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "attach_int.h"
#include "fdio.h"

static const char *type_name(unsigned int type)
{
	static const char *const names[] = {
		[PERF_TYPE_HARDWARE] = "hardware", [PERF_TYPE_SOFTWARE] = "software",
		[PERF_TYPE_TRACEPOINT] = "tracepoint", [PERF_TYPE_HW_CACHE] = "hardware cache",
		[PERF_TYPE_RAW] = "raw", [PERF_TYPE_BREAKPOINT] = "breakpoint",
	};

	return type < sizeof(names) / sizeof(*names) ? names[type] : "dynamic PMU";
}

static int is_hardware(unsigned int type)
{
	return type == PERF_TYPE_HARDWARE || type == PERF_TYPE_HW_CACHE || type == PERF_TYPE_RAW;
}

static int open_failed(const struct bl_perf_event_spec *s, const char *what, int err,
		       struct bl_err *e)
{
	bl_errf(e, err, "%s: cannot open the perf event: %s", what, strerror(err));
	if (is_hardware(s->type) && (err == ENOENT || err == EOPNOTSUPP || err == ENODEV))
		bl_err_append(e, "hint: this machine has no hardware performance counters for "
			      "it (no 'cpu' PMU in /sys/bus/event_source/devices: a VM or a "
			      "sandbox); software events such as PerfSWConfig.CPU_CLOCK work");
	else if (err == EACCES || err == EPERM)
		bl_err_append(e, "hint: needs root (CAP_PERFMON), or a lower "
			      "kernel.perf_event_paranoid");
	else if (err == ESRCH)
		bl_err_append(e, "hint: no process with pid %d", s->pid);
	else if (err == EINVAL && s->sample_freq)
		bl_err_append(e, "hint: sample_freq may be above kernel.perf_event_max_sample_rate");
	return -err;
}

int bl_perf_event_open(const struct bl_perf_event_spec *s, const char *what,
		       struct bl_err *e)
{
	struct perf_event_attr attr = {
		.type = s->type,
		.size = sizeof(attr),
		.config = s->config,
	};
	int fd;

	if (s->sample_freq) {
		attr.freq = 1;
		attr.sample_freq = s->sample_freq;
	} else {
		attr.sample_period = s->sample_period;
	}
	fd = syscall(__NR_perf_event_open, &attr, s->pid, s->cpu, s->group_fd,
		     PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? open_failed(s, what, errno, e) : fd;
}

int bl_attach_perf_event(struct bl_object *o, const char *fn,
			 const struct bl_perf_event_spec *s, struct bl_link **out,
			 struct bl_err *e)
{
	char target[128], what[256];
	struct bpf_program *prog;
	struct bpf_link *link;
	int pfd, err;

	*out = NULL;
	if (bl_object_check_prog(o, fn, e))
		return -e->code;
	snprintf(target, sizeof(target), "%s config %llu on cpu %d", type_name(s->type),
		 (unsigned long long)s->config, s->cpu);
	if (s->pid >= 0)
		snprintf(target + strlen(target), sizeof(target) - strlen(target), " pid %d",
			 s->pid);
	snprintf(what, sizeof(what), "perf event %s", target);
	if (!s->sample_period == !s->sample_freq)
		return bl_errf(e, EINVAL, "%s: give exactly one of sample_period and sample_freq",
			       what);
	prog = bl_object_prog(o, &(struct bl_prog_spec){
		.fn = fn, .type = BPF_PROG_TYPE_PERF_EVENT }, e);
	if (!prog)
		return -e->code;
	pfd = bl_perf_event_open(s, what, e);
	if (pfd < 0)
		return pfd;
	link = bpf_program__attach_perf_event(prog, pfd);
	if (!link) {
		err = errno;
		close(pfd);
		return bl_errf(e, err, "prog '%s': cannot attach to %s: %s", fn, what,
			       strerror(err));
	}
	return bl_link_new(link, &(struct bl_link_spec){
		.kind = BL_PROBE_PERF_EVENT, .fn = fn, .target = target }, out, e);
}

/* "0-3,5,7-8\n" from /sys/devices/system/cpu/online into cpus[]. */
int bl_online_cpus(int *cpus, int max, struct bl_err *e)
{
	static const char path[] = "/sys/devices/system/cpu/online";
	char *buf, *p;
	size_t len;
	int n = 0, err = bl_read_file(path, &buf, &len);

	if (err)
		return bl_errf(e, -err, "cannot read %s: %s", path, strerror(-err));
	for (p = buf; *p && *p != '\n';) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (end == p)
			break;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		for (long c = lo; c <= hi && n < max; c++)
			cpus[n++] = (int)c;
		p = *end == ',' ? end + 1 : end;
	}
	err = n ? n : bl_errf(e, EINVAL, "cannot parse %s: '%s'", path, buf);
	free(buf);
	return err;
}
