# The sync example on the syscall tracepoint, in BCC Python, for bench/run.
import sys
from bcc import BPF

b = BPF(text="""
BPF_HASH(last);
int do_trace(void *ctx) {
    u64 ts, *tsp, delta, key = 0;
    tsp = last.lookup(&key);
    if (tsp != NULL) {
        delta = bpf_ktime_get_ns() - *tsp;
        if (delta < 1000000000)
            bpf_trace_printk("%d\\n", delta / 1000000);
        last.delete(&key);
    }
    ts = bpf_ktime_get_ns();
    last.update(&key, &ts);
    return 0;
}
""")
b.attach_tracepoint(tp="syscalls:sys_enter_sync", fn_name="do_trace")
print("ready", file=sys.stderr, flush=True)
b.trace_fields()
