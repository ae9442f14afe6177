BPF_HASH(last);
int do_trace(struct pt_regs *ctx) {
    u64 ts, *tsp, delta, key = 0;
    tsp = last.lookup(&key);
    if (tsp != NULL) {
        delta = bpf_ktime_get_ns() - *tsp;
        if (delta < 1000000000)
            bpf_trace_printk("%d\n", delta / 1000000);
        last.delete(&key);
    }
    ts = bpf_ktime_get_ns();
    last.update(&key, &ts);
    return 0;
}
