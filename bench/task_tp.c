/* A program that reads kernel memory through task_struct, as most tools
 * do, for bench/run's "kernel struct" start-up: what compiling against
 * the kernel's types costs, beside the sync example that uses none.
 * bpftrace's version is task_tp.bt. */
BPF_HASH(parents, u32, u64);
int do_trace(void *ctx) {
    struct task_struct *t = (struct task_struct *)bpf_get_current_task();
    u32 ppid = t->real_parent->tgid;
    parents.increment(ppid);
    return 0;
}
