#!/usr/bin/env bpflua
-- syncsnoop: trace the sync() family of syscalls (BCC's syncsnoop). Without
-- kprobes the syscalls tracepoints stand in (noted on stderr).
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("syncsnoop", "Trace sync() variety of syscalls", [[
    ./syncsnoop           # trace sync(), fsync(), fdatasync(), msync(), ...
    ./syncsnoop -d 10     # trace for 10 seconds only]])
p:option("-d --duration", "total duration of trace in seconds"):convert(tool.positive)
local args = p:parse()

local calls = {"sync", "fsync", "fdatasync", "msync", "sync_file_range", "syncfs"}
local text = {[[
#include <linux/sched.h>

struct data_t {
    char comm[TASK_COMM_LEN];
    u32 sys;
    u64 ts;
};

BPF_PERF_OUTPUT(events);

static void submit(void *ctx, u32 sys) {
    struct data_t data = {};
    bpf_get_current_comm(data.comm, sizeof(data.comm));
    data.ts = bpf_ktime_get_ns() / 1000;
    data.sys = sys;
    events.perf_submit(ctx, &data, sizeof(data));
}
]]}
for i, c in ipairs(calls) do
  text[#text + 1] = string.format(
    "int syscall__%s(struct pt_regs *ctx) { submit(ctx, %d); return 0; }\n", c, i)
end

local b = BPF{text = table.concat(text)}
for _, c in ipairs(calls) do
  b:attach_kprobe{event = b:get_syscall_fnname(c), fn_name = "syscall__" .. c}
end

print(string.format("%-18s %-16s %-16s", "TIME(s)", "COMM", "CALL"))
local events = b["events"]
events:open_perf_buffer(function(cpu, data)
  local e = events:event(data)
  print(string.format("%-18.9f %-16s %-16s", tonumber(e.ts) / 1e6,
    bpflua.str(e.comm), calls[e.sys] or "N/A"))
end)
tool.snoop(b, {duration = args.duration})
