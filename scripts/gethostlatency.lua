#!/usr/bin/env bpflua
-- gethostlatency: show latency of host name lookups (getaddrinfo(),
-- gethostbyname[2]()) from uprobes on libc (BCC's gethostlatency).
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("gethostlatency", "Show latency for getaddrinfo/gethostbyname[2] calls", [[
    ./gethostlatency           # time getaddrinfo/gethostbyname[2] calls
    ./gethostlatency -p 181    # only trace PID 181]])
p:option("-p --pid", "trace this PID only"):convert(tool.positive)
p:option("-d --duration", "total duration of trace in seconds"):convert(tool.positive)
local args = p:parse()

local text = [[
#include <uapi/linux/ptrace.h>
#include <linux/sched.h>

struct val_t {
    u32 pid;
    char comm[TASK_COMM_LEN];
    char host[80];
    u64 ts;
};

struct data_t {
    u32 pid;
    u64 delta;
    char comm[TASK_COMM_LEN];
    char host[80];
};

BPF_HASH(start, u32, struct val_t);
BPF_PERF_OUTPUT(events);

int do_entry(struct pt_regs *ctx) {
    if (!PT_REGS_PARM1(ctx))
        return 0;
    struct val_t val = {};
    u64 pid_tgid = bpf_get_current_pid_tgid();
    u32 tid = (u32)pid_tgid;
    if (bpf_get_current_comm(&val.comm, sizeof(val.comm)) == 0) {
        bpf_probe_read_user_str(&val.host, sizeof(val.host), (void *)PT_REGS_PARM1(ctx));
        val.pid = pid_tgid >> 32;
        val.ts = bpf_ktime_get_ns();
        start.update(&tid, &val);
    }
    return 0;
}

int do_return(struct pt_regs *ctx) {
    struct data_t data = {};
    u64 pid_tgid = bpf_get_current_pid_tgid();
    u32 tid = (u32)pid_tgid;
    u64 tsp = bpf_ktime_get_ns();
    struct val_t *valp = start.lookup(&tid);
    if (valp == 0)
        return 0;       // missed start
    bpf_probe_read_kernel(&data.comm, sizeof(data.comm), valp->comm);
    bpf_probe_read_kernel(&data.host, sizeof(data.host), (void *)valp->host);
    data.pid = valp->pid;
    data.delta = tsp - valp->ts;
    events.perf_submit(ctx, &data, sizeof(data));
    start.delete(&tid);
    return 0;
}
]]

local b = BPF{text = text}
local pid = args.pid or -1
for _, sym in ipairs{"getaddrinfo", "gethostbyname", "gethostbyname2"} do
  b:attach_uprobe{name = "c", sym = sym, fn_name = "do_entry", pid = pid}
  b:attach_uretprobe{name = "c", sym = sym, fn_name = "do_return", pid = pid}
end

print(string.format("%-9s %-7s %-16s %10s %s", "TIME", "PID", "COMM", "LATms", "HOST"))
local events = b["events"]
events:open_perf_buffer(function(cpu, data)
  local e = events:event(data)
  print(string.format("%-9s %-7d %-16s %10.2f %s", tool.clock(), e.pid,
    bpflua.str(e.comm), tonumber(e.delta) / 1e6, bpflua.str(e.host)))
end)
tool.snoop(b, {duration = args.duration})
