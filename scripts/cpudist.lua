#!/usr/bin/env bpflua
-- cpudist: on- and off-CPU time per task as a histogram (BCC's cpudist).
-- BCC kprobes finish_task_switch; this uses the sched_switch raw tracepoint
-- (as libbpf-tools' cpudist does), which needs no kprobes: the same switch,
-- seen from the outgoing task's side.
local tool = require "bpflua.tool"

local p = tool.parser("cpudist", "Summarize on- and off-CPU time per task as a histogram.", [[
    cpudist              # summarize on-CPU time as a histogram
    cpudist -O           # summarize off-CPU time as a histogram
    cpudist 1 10         # print 1 second summaries, 10 times
    cpudist -mT 1        # 1s summaries, milliseconds, and timestamps
    cpudist -P           # show each PID separately
    cpudist -p 185       # trace PID 185 only
    cpudist -I           # include CPU idle time
    cpudist -e           # show extension summary (average/total/count)]])
p:flag("-O --offcpu", "measure off-CPU time")
p:flag("-T --timestamp", "include timestamp on output")
p:flag("-m --milliseconds", "millisecond histogram")
p:flag("-P --pids", "print a histogram per process ID")
p:flag("-L --tids", "print a histogram per thread ID")
p:option("-p --pid", "trace this PID only"):convert(tool.positive)
p:flag("-I --include-idle", "include CPU idle time")
p:flag("-e --extension", "show average/total value")
tool.interval_args(p)
local args = p:parse()

local text = (args.offcpu and "" or "#define ONCPU\n") .. [[
#include <uapi/linux/ptrace.h>
#include <linux/sched.h>

typedef struct entry_key {
    u32 pid;
    u32 cpu;
} entry_key_t;

typedef struct pid_key {
    u64 id;
    u64 slot;
} pid_key_t;

typedef struct ext_val {
    u64 total;
    u64 count;
} ext_val_t;

BPF_HASH(start, entry_key_t, u64, MAX_PID);
STORAGE

static inline void store_start(u32 tgid, u32 pid, u32 cpu, u64 ts)
{
    if (PID_FILTER)
        return;
    if (IDLE_FILTER)
        return;
    // each CPU has its own idle task, all with pid 0
    entry_key_t entry_key = { .pid = pid, .cpu = (pid == 0 ? cpu : 0xFFFFFFFF) };
    start.update(&entry_key, &ts);
}

static inline void update_hist(u32 tgid, u32 pid, u32 cpu, u64 ts)
{
    if (PID_FILTER)
        return;
    if (IDLE_FILTER)
        return;
    entry_key_t entry_key = { .pid = pid, .cpu = (pid == 0 ? cpu : 0xFFFFFFFF) };
    u64 *tsp = start.lookup(&entry_key);
    if (tsp == 0)
        return;
    if (ts < *tsp)
        return;     // clock went backwards between CPUs
    u64 delta = ts - *tsp;
    FACTOR
    STORE
}

RAW_TRACEPOINT_PROBE(sched_switch)
{
    // TP_PROTO(bool preempt, struct task_struct *prev, struct task_struct *next)
    struct task_struct *prev = (struct task_struct *)ctx->args[1];
    struct task_struct *next = (struct task_struct *)ctx->args[2];
    u64 ts = bpf_ktime_get_ns();
    u32 cpu = bpf_get_smp_processor_id();
    u32 prev_pid = prev->pid, prev_tgid = prev->tgid;
    u32 pid = next->pid, tgid = next->tgid;
#ifdef ONCPU
    update_hist(prev_tgid, prev_pid, cpu, ts);
    store_start(tgid, pid, cpu, ts);
#else
    store_start(prev_tgid, prev_pid, cpu, ts);
    update_hist(tgid, pid, cpu, ts);
#endif
    return 0;
}
]]
text = text:gsub("PID_FILTER", args.pid and ("tgid != " .. args.pid) or "0")
  :gsub("IDLE_FILTER", args.include_idle and "0" or "pid == 0")
local label
text, label = tool.hist_unit(text, args)
local section = (args.tids and "tid") or (args.pids and "pid") or ""
text = tool.hist_store(text, section ~= "" and {type = "pid_key_t", field = "id",
  expr = args.tids and "pid" or "tgid", size = "MAX_PID"}, args.extension)

local b = BPF{text = text, cflags = {"-DMAX_PID=" .. tool.pid_max()}}
if not tool.has_kprobes() then
  tool.note("cpudist", "no kprobes for finish_task_switch: using raw tracepoint sched_switch")
end
print(string.format("Tracing %s-CPU time... Hit Ctrl-C to end.", args.offcpu and "off" or "on"))

-- BCC's section label: "PID COMM\n" while the process lives
local function pid_to_comm(pid)
  pid = tonumber(pid)
  local f = io.open("/proc/" .. pid .. "/comm")
  if not f then return tostring(pid) end
  local comm = f:read("*a")
  f:close()
  return pid .. " " .. comm
end

tool.print_hists(b, args, label, section, pid_to_comm)
