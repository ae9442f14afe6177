#!/usr/bin/env bpflua
-- oomkill: trace the OOM killer, as BCC's oomkill: a kprobe on
-- oom_kill_process, for the trigger, the victim and the pages of the
-- constraint (oc->totalpages). No tracepoint carries totalpages, so this
-- tool needs kprobes.
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("oomkill", "Trace the OOM killer", [[
    ./oomkill              # trace OOM kills, with the trigger's user stack]])
p:parse()

local b = BPF{text = [[
#include <uapi/linux/ptrace.h>
#include <linux/oom.h>

struct data_t {
    u32 fpid;
    u32 tpid;
    u64 pages;
    u32 stack_id;
    char fcomm[TASK_COMM_LEN];
    char tcomm[TASK_COMM_LEN];
};

BPF_PERF_OUTPUT(events);
BPF_STACK_TRACE(stack_traces, 1024);

void kprobe__oom_kill_process(struct pt_regs *ctx, struct oom_control *oc, const char *message)
{
    struct task_struct *p = oc->chosen;
    struct data_t data = {};
    u32 pid = bpf_get_current_pid_tgid() >> 32;

    data.fpid = pid;
    data.tpid = p->tgid;
    data.pages = oc->totalpages;
    bpf_get_current_comm(&data.fcomm, sizeof(data.fcomm));
    bpf_probe_read_kernel(&data.tcomm, sizeof(data.tcomm), p->comm);

    // the user stack of the task whose allocation failed
    data.stack_id = stack_traces.get_stackid(ctx, BPF_F_USER_STACK);

    events.perf_submit(ctx, &data, sizeof(data));
}
]]}

local function loadavg()
  local f = io.open("/proc/loadavg")
  local line = f and f:read("*l") or ""
  if f then f:close() end
  return line
end

local stacks = b["stack_traces"]
local function print_event(e)
  print(string.format('%s Triggered by PID %d ("%s"), OOM kill of PID %d ("%s"), %d pages, '
    .. "loadavg: %s", tool.clock(), e.fpid, bpflua.str(e.fcomm), e.tpid,
    bpflua.str(e.tcomm), tonumber(e.pages), loadavg()))
  -- stack_id is a u32 here, as in BCC's struct: a failure is >= 2^31
  local id = tonumber(e.stack_id)
  if id < 0x80000000 then
    print("  Stack trace:")
    -- the stack is the trigger's (BCC symbolizes with the victim's pid)
    for addr in stacks:walk(id) do print("    " .. b:sym(addr, e.fpid)) end
  else
    print("  Failed to capture stack trace")
  end
end

print("Tracing OOM kills... Ctrl-C to stop.")
local events = b["events"]
events:open_perf_buffer(function(cpu, data) print_event(events:event(data)) end, 64)
tool.snoop(b)
