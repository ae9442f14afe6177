BPF_HASH(start, u32, u64);
BPF_HASH(counts, struct { u32 pid; char comm[16]; }, u64, 1024);
int syscall__sync(struct pt_regs *ctx) {
    u32 pid = bpf_get_current_pid_tgid();
    u64 ts = bpf_ktime_get_ns();
    start.update(&pid, &ts);
    return 0;
}
int kretprobe__sys_sync(struct pt_regs *ctx) {
    u32 pid = bpf_get_current_pid_tgid();
    u64 *tsp = start.lookup(&pid), zero = 0;
    if (!tsp) return 0;
    start.delete(&pid);
    u64 *c = counts.lookup_or_try_init(&pid, &zero);
    if (c) __sync_fetch_and_add(c, PT_REGS_RC(ctx));
    return 0;
}
