#include <linux/sched.h>
struct data_t { u32 pid; u32 ppid; char comm[16]; };
BPF_PERF_OUTPUT(events);
int kprobe__do_exit(struct pt_regs *ctx, long code) {
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    struct data_t d = {};
    d.pid = task->tgid;
    d.ppid = task->real_parent->tgid;
    bpf_get_current_comm(&d.comm, sizeof(d.comm));
    events.perf_submit(ctx, &d, sizeof(d));
    return 0;
}
