#!/usr/bin/env bpflua
-- exitsnoop: trace process termination (exit, fatal signal), from the
-- sched:sched_process_exit tracepoint, as BCC's exitsnoop.
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("exitsnoop", "Trace all process termination (exit, fatal signal)", [[
    exitsnoop                # trace all process termination
    exitsnoop -x             # trace only fails, exclude exit(0)
    exitsnoop -t             # include timestamp (local time)
    exitsnoop --utc          # include timestamp (UTC)
    exitsnoop -p 181         # only trace PID 181
    exitsnoop --label=exit   # label each output line with 'exit'
    exitsnoop --per-thread   # trace per thread termination]])
p:flag("-t --timestamp", "include timestamp (local time default)")
p:flag("--utc", "include timestamp in UTC (-t implied)")
p:option("-p --pid", "trace this PID only"):convert(tool.positive)
p:option("--label", "label each line")
p:flag("-x --failed", "trace only fails, exclude exit(0)")
p:flag("--per-thread", "trace per thread termination")
p:option("-d --duration", "total duration of trace in seconds"):convert(tool.positive)
local args = p:parse()
if args.utc then args.timestamp = true end

local text = [[
#include <linux/sched.h>

struct data_t {
    u64 start_time;
    u64 exit_time;
    u32 pid;
    u32 tid;
    u32 ppid;
    int exit_code;
    u32 sig_info;
    char task[TASK_COMM_LEN];
};

BPF_PERF_OUTPUT(events);

TRACEPOINT_PROBE(sched, sched_process_exit)
{
    struct task_struct *task = (typeof(task))bpf_get_current_task();
    if (FILTER_PID || FILTER_EXIT_CODE) { return 0; }

    struct data_t data = {};
    data.start_time = task->start_time;
    data.exit_time = bpf_ktime_get_ns();
    data.pid = task->tgid;
    data.tid = task->pid;
    data.ppid = task->real_parent->tgid;
    data.exit_code = task->exit_code >> 8;
    data.sig_info = task->exit_code & 0xFF;
    bpf_get_current_comm(&data.task, sizeof(data.task));
    events.perf_submit(args, &data, sizeof(data));
    return 0;
}
]]
local filter_pid
if args.pid then
  filter_pid = args.per_thread and ("task->tgid != " .. args.pid)
    or ("!(task->tgid == " .. args.pid .. " && task->pid == task->tgid)")
else
  filter_pid = args.per_thread and "0" or "task->pid != task->tgid"
end
text = text:gsub("FILTER_PID", filter_pid)
  :gsub("FILTER_EXIT_CODE", args.failed and "task->exit_code == 0" or "0")

local b = BPF{text = text}

local head = {}
if args.timestamp then
  head[#head + 1] = string.format("%-13s", "TIME-" .. (args.utc and "UTC" or os.date("%Z")))
end
if args.label then head[#head + 1] = string.format("%-6s", "LABEL") end
head[#head + 1] = string.format("%-16s %-7s %-7s %-7s %-7s %-10s",
  "PCOMM", "PID", "PPID", "TID", "AGE(s)", "EXIT_CODE")
print(table.concat(head))

local events = b["events"]
events:open_perf_buffer(function(cpu, data)
  local e = events:event(data)
  local out = {}
  if args.timestamp then out[#out + 1] = string.format("%-13s", tool.clock_ms(args.utc)) end
  if args.label then
    out[#out + 1] = string.format("%-6s", #args.label > 0 and args.label or "exit")
  end
  local age = tonumber(e.exit_time - e.start_time) / 1e9
  out[#out + 1] = string.format("%-16s %-7d %-7d %-7d %-7.2f ",
    bpflua.str(e.task), e.pid, e.ppid, e.tid, age)
  if e.sig_info == 0 then
    out[#out + 1] = e.exit_code == 0 and "0" or ("code " .. e.exit_code)
  else
    local sig = bit.band(e.sig_info, 0x7f)
    if sig ~= 0 then out[#out + 1] = string.format("signal %d (%s)", sig, tool.signame(sig)) end
    if bit.band(e.sig_info, 0x80) ~= 0 then out[#out + 1] = ", core dumped " end
  end
  print(table.concat(out))
end)
tool.snoop(b, {duration = args.duration})
