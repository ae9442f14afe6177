/* events.bpf.c - the kernel side of bench/events_c.c: one record per
 * getpid syscall of uid `uid` into a ring buffer and a perf buffer (the
 * program matching the mode is the only one attached). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct rec { __u64 ts; __u32 pid; __u32 seq; char comm[16]; };

const volatile __u32 uid = 0;
__u32 seq;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(int));
	__uint(value_size, sizeof(int));
} perf SEC(".maps");

static __always_inline int fill(struct rec *r)
{
	if ((__u32)bpf_get_current_uid_gid() != uid)
		return 0;
	r->ts = bpf_ktime_get_ns();
	r->pid = bpf_get_current_pid_tgid() >> 32;
	r->seq = seq++;
	bpf_get_current_comm(r->comm, sizeof(r->comm));
	return 1;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int to_ring(void *ctx)
{
	struct rec r = {};

	if (fill(&r))
		bpf_ringbuf_output(&ring, &r, sizeof(r), 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int to_perf(void *ctx)
{
	struct rec r = {};

	if (fill(&r))
		bpf_perf_event_output(ctx, &perf, BPF_F_CURRENT_CPU, &r, sizeof(r));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
