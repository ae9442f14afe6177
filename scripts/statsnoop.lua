#!/usr/bin/env bpflua
-- statsnoop: trace the stat() family of syscalls (BCC's statsnoop). Without
-- kprobes the syscalls tracepoints stand in (noted on stderr).
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("statsnoop", "Trace stat() syscalls", [[
    ./statsnoop           # trace all stat() syscalls
    ./statsnoop -t        # include timestamps
    ./statsnoop -x        # only show failed stats
    ./statsnoop -p 181    # only trace PID 181]])
p:flag("-t --timestamp", "include timestamp on output")
p:flag("-s --sysname", "include syscall name on output")
p:flag("-x --failed", "only show failed stats")
p:option("-p --pid", "trace this PID only"):convert(tool.positive)
p:option("-d --duration", "total duration of trace in seconds"):convert(tool.positive)
local args = p:parse()

-- the syscalls BCC tries, in its order; the name's index is the event's type
local calls = {"stat", "statx", "statfs", "newstat", "newlstat", "fstatat64", "newfstatat"}
-- where the file name is: after a dirfd for the *at calls
local dirfd = {statx = true, fstatat64 = true, newfstatat = true}

local text = {[[
#include <uapi/linux/ptrace.h>
#include <uapi/linux/limits.h>
#include <linux/sched.h>

struct val_t {
    const char *fname;
    u32 type;
};

struct data_t {
    u32 pid;
    u64 ts_ns;
    int ret;
    u32 type;
    char comm[TASK_COMM_LEN];
    char fname[NAME_MAX];
};

BPF_HASH(infotmp, u32, struct val_t);
BPF_PERF_OUTPUT(events);

static int trace_entry(const char __user *filename, u32 type)
{
    u64 pid_tgid = bpf_get_current_pid_tgid();
    u32 pid = pid_tgid >> 32;
    u32 tid = (u32)pid_tgid;
    FILTER
    struct val_t val = {.fname = filename, .type = type};
    infotmp.update(&tid, &val);
    return 0;
}

int trace_return(struct pt_regs *ctx)
{
    u64 pid_tgid = bpf_get_current_pid_tgid();
    u32 tid = (u32)pid_tgid;
    struct val_t *valp = infotmp.lookup(&tid);
    if (valp == 0)
        return 0;   // missed entry

    struct data_t data = {.pid = pid_tgid >> 32};
    bpf_probe_read_user(&data.fname, sizeof(data.fname), (void *)valp->fname);
    data.type = valp->type;
    bpf_get_current_comm(&data.comm, sizeof(data.comm));
    data.ts_ns = bpf_ktime_get_ns();
    data.ret = PT_REGS_RC(ctx);
    events.perf_submit(ctx, &data, sizeof(data));
    infotmp.delete(&tid);
    return 0;
}
]]}
for i, c in ipairs(calls) do
  text[#text + 1] = string.format(
    "int syscall__%s_entry(struct pt_regs *ctx, %sconst char __user *filename)\n"
    .. "{ return trace_entry(filename, %d); }\n", c, dirfd[c] and "int dfd, " or "", i)
end
text = tool.filter(table.concat(text), "FILTER", args.pid and ("pid != " .. args.pid))

local b = BPF{text = text}
-- as BCC: attach what this architecture has (x86_64 has no plain "stat")
for _, c in ipairs(calls) do
  local fn = b:get_syscall_fnname(c)
  if BPF.ksymname(fn) ~= -1 or BPF.tracepoint_exists("syscalls", "sys_enter_" .. c) then
    pcall(function()
      b:attach_kprobe{event = fn, fn_name = "syscall__" .. c .. "_entry"}
      b:attach_kretprobe{event = fn, fn_name = "trace_return"}
    end)
  end
end

local head = {}
if args.timestamp then head[#head + 1] = string.format("%-14s", "TIME(s)") end
head[#head + 1] = string.format("%-7s %-16s %4s %3s", "PID", "COMM", "FD", "ERR")
if args.sysname then head[#head + 1] = string.format(" %-12s", "SYSCALL") end
head[#head + 1] = " PATH"
print(table.concat(head))

local start_ts
local events = b["events"]
events:open_perf_buffer(function(cpu, data)
  local e = events:event(data)
  local ret = e.ret
  if args.failed and ret >= 0 then return end
  local fd, err = ret, 0
  if ret < 0 then fd, err = -1, -ret end
  start_ts = start_ts or e.ts_ns
  local out = {}
  if args.timestamp then
    out[#out + 1] = string.format("%-14.9f", tonumber(e.ts_ns - start_ts) / 1e9)
  end
  out[#out + 1] = string.format("%-7d %-16s %4d %3d", e.pid, bpflua.str(e.comm), fd, err)
  if args.sysname then out[#out + 1] = string.format(" %-12s", calls[e.type] or "N/A") end
  out[#out + 1] = " " .. bpflua.str(e.fname)
  print(table.concat(out))
end, 64)
tool.snoop(b, {duration = args.duration})
