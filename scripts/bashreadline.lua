#!/usr/bin/env bpflua
-- bashreadline: print the commands entered in every running bash, from a
-- uretprobe on bash's readline (BCC's bashreadline).
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("bashreadline", "Print entered bash commands from all running shells", [[
    ./bashreadline                       # trace /bin/bash
    ./bashreadline -s /lib/libreadline.so   # bash linked to a shared libreadline]])
p:option("-s --shared", "specify the location of libreadline.so library. "
  .. "Default is /lib/libreadline.so"):args("?")
p:option("-d --duration", "total duration of trace in seconds"):convert(tool.positive)
local args = p:parse()

local name = "/bin/bash"
if args.shared then name = args.shared[1] or "/lib/libreadline.so" end

local text = [[
#include <uapi/linux/ptrace.h>
#include <linux/sched.h>

struct str_t {
    u32 pid;
    char str[80];
};

BPF_PERF_OUTPUT(events);

int printret(struct pt_regs *ctx) {
    struct str_t data  = {};
    char comm[TASK_COMM_LEN] = {};
    if (!PT_REGS_RC(ctx))
        return 0;
    data.pid = bpf_get_current_pid_tgid() >> 32;
    bpf_probe_read_user(&data.str, sizeof(data.str), (void *)PT_REGS_RC(ctx));
    // only bash itself: other programs share libreadline
    bpf_get_current_comm(&comm, sizeof(comm));
    if (comm[0] == 'b' && comm[1] == 'a' && comm[2] == 's' && comm[3] == 'h' && comm[4] == 0)
        events.perf_submit(ctx, &data, sizeof(data));
    return 0;
}
]]

local b = BPF{text = text}
-- newer readlines return the line from readline_internal_teardown, as BCC
-- prefers it; older ones only have readline
if not pcall(b.attach_uretprobe, b, {name = name, sym = "readline_internal_teardown",
    fn_name = "printret"}) then
  b:attach_uretprobe{name = name, sym = "readline", fn_name = "printret"}
end

print(string.format("%-9s %-7s %s", "TIME", "PID", "COMMAND"))
local events = b["events"]
events:open_perf_buffer(function(cpu, data)
  local e = events:event(data)
  print(string.format("%-9s %-7d %s", tool.clock(), e.pid, bpflua.str(e.str)))
end)
tool.snoop(b, {duration = args.duration})
