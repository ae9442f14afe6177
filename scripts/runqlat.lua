#!/usr/bin/env bpflua
-- runqlat: run queue (scheduler) latency as a histogram (BCC's runqlat),
-- from the sched_wakeup, sched_wakeup_new and sched_switch raw tracepoints
-- (BCC's choice when raw tracepoints exist, as here).
local tool = require "bpflua.tool"

local p = tool.parser("runqlat", "Summarize run queue (scheduler) latency as a histogram", [[
    ./runqlat            # summarize run queue latency as a histogram
    ./runqlat 1 10       # print 1 second summaries, 10 times
    ./runqlat -mT 1      # 1s summaries, milliseconds, and timestamps
    ./runqlat -P         # show each PID separately
    ./runqlat -p 185     # trace PID 185 only
    ./runqlat -L         # show each TID separately]])
p:flag("-T --timestamp", "include timestamp on output")
p:flag("-m --milliseconds", "millisecond histogram")
p:flag("-P --pids", "print a histogram per process ID")
p:flag("-L --tids", "print a histogram per thread ID")
p:option("-p --pid", "trace this PID only"):convert(tool.positive)
tool.interval_args(p)
local args = p:parse()

local text = [[
#include <uapi/linux/ptrace.h>
#include <linux/sched.h>

typedef struct pid_key {
    u32 id;
    u64 slot;
} pid_key_t;

BPF_HASH(start, u32);
STORAGE

static int trace_enqueue(u32 tgid, u32 pid)
{
    if (FILTER || pid == 0)
        return 0;
    u64 ts = bpf_ktime_get_ns();
    start.update(&pid, &ts);
    return 0;
}

RAW_TRACEPOINT_PROBE(sched_wakeup)
{
    // TP_PROTO(struct task_struct *p)
    struct task_struct *p = (struct task_struct *)ctx->args[0];
    return trace_enqueue(p->tgid, p->pid);
}

RAW_TRACEPOINT_PROBE(sched_wakeup_new)
{
    struct task_struct *p = (struct task_struct *)ctx->args[0];
    return trace_enqueue(p->tgid, p->pid);
}

RAW_TRACEPOINT_PROBE(sched_switch)
{
    // TP_PROTO(bool preempt, struct task_struct *prev, struct task_struct *next)
    struct task_struct *prev = (struct task_struct *)ctx->args[1];
    struct task_struct *next = (struct task_struct *)ctx->args[2];
    u32 pid, tgid;

    // involuntary context switch: the task is still runnable, so it queues again
    if (prev->__state == TASK_RUNNING) {
        tgid = prev->tgid;
        pid = prev->pid;
        if (!(FILTER || pid == 0)) {
            u64 ts = bpf_ktime_get_ns();
            start.update(&pid, &ts);
        }
    }

    tgid = next->tgid;
    pid = next->pid;
    if (FILTER || pid == 0)
        return 0;
    u64 *tsp = start.lookup(&pid);
    if (tsp == 0)
        return 0;   // missed enqueue
    u64 delta = bpf_ktime_get_ns() - *tsp;
    FACTOR
    STORE
    start.delete(&pid);
    return 0;
}
]]
-- task_struct.state became __state in 5.14
if BPF.kernel_struct_has_field and not BPF.kernel_struct_has_field("task_struct", "__state") then
  text = text:gsub("__state", "state")
end
text = text:gsub("FILTER", args.pid and ("tgid != " .. args.pid) or "0")
local label
text, label = tool.hist_unit(text, args)
local section = (args.tids and "tid") or (args.pids and "pid") or ""
text = tool.hist_store(text, section ~= "" and {type = "pid_key_t", field = "id",
  expr = args.tids and "pid" or "tgid", size = "MAX_PID"})

local b = BPF{text = text, cflags = {"-DMAX_PID=" .. tool.pid_max()}}
print("Tracing run queue latency... Hit Ctrl-C to end.")

tool.print_hists(b, args, label, section, tonumber)
