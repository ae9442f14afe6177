#!/usr/bin/env bpflua
-- killsnoop: trace signals issued by the kill() syscall (BCC's killsnoop).
local tool = require "bpflua.tool"

local p = tool.parser("killsnoop", "Trace signals issued by the kill() syscall", [[
    killsnoop           # trace all kill() signals
    killsnoop -x        # only show failed kills
    killsnoop -p 181    # only trace PID 181
    killsnoop -T 189    # only trace target PID 189
    killsnoop -s 9      # only trace signal 9
    killsnoop -s 9,15   # trace signal 9 and 15]])
p:flag("-x --failed", "only show failed kill syscalls")
p:option("-p --pid", "trace this PID only which is the sender of signal"):convert(tool.positive)
p:option("-T --tpid", "trace this target PID only which is the receiver of signal"):convert(tool.positive)
p:option("-s --signal", "trace a signal or a signal list")
p:option("-d --duration", "total duration of trace in seconds"):convert(tool.positive)
local args = p:parse()

local text = [[
struct val_t {
   u32 pid;
   int sig;
   int tpid;
   char comm[TASK_COMM_LEN];
};

struct data_t {
   u32 pid;
   int tpid;
   int sig;
   int ret;
   char comm[TASK_COMM_LEN];
};

BPF_HASH(infotmp, u32, struct val_t);
BPF_PERF_OUTPUT(events);

int syscall__kill(struct pt_regs *ctx, int tpid, int sig)
{
    u64 pid_tgid = bpf_get_current_pid_tgid();
    u32 pid = pid_tgid >> 32;
    u32 tid = (u32)pid_tgid;

    TPID_FILTER
    PID_FILTER
    SIGNAL_FILTER

    struct val_t val = {.pid = pid};
    if (bpf_get_current_comm(&val.comm, sizeof(val.comm)) == 0) {
        val.tpid = tpid;
        val.sig = sig;
        infotmp.update(&tid, &val);
    }
    return 0;
}

int do_ret_sys_kill(struct pt_regs *ctx)
{
    struct data_t data = {};
    struct val_t *valp;
    u64 pid_tgid = bpf_get_current_pid_tgid();
    u32 tid = (u32)pid_tgid;

    valp = infotmp.lookup(&tid);
    if (valp == 0)
        return 0;   // missed entry

    __builtin_memcpy(&data.comm, valp->comm, sizeof(data.comm));
    data.pid = pid_tgid >> 32;
    data.tpid = valp->tpid;
    data.ret = PT_REGS_RC(ctx);
    data.sig = valp->sig;

    events.perf_submit(ctx, &data, sizeof(data));
    infotmp.delete(&tid);
    return 0;
}
]]

text = tool.filter(text, "TPID_FILTER", args.tpid and ("tpid != " .. args.tpid))
text = tool.filter(text, "PID_FILTER", args.pid and ("pid != " .. args.pid))
local sigcond
if args.signal then
  local parts = {}
  for s in args.signal:gmatch("[^,]+") do
    local n = tonumber(s)
    if not n then p:error("bad signal '" .. s .. "'") end
    parts[#parts + 1] = "sig != " .. n
  end
  sigcond = table.concat(parts, " && ")
end
text = tool.filter(text, "SIGNAL_FILTER", sigcond)

local b = BPF{text = text}
local fn = b:get_syscall_fnname("kill")
b:attach_kprobe{event = fn, fn_name = "syscall__kill"}
b:attach_kretprobe{event = fn, fn_name = "do_ret_sys_kill"}

local pid_w = tool.pid_width()
print(string.format("%-9s %-" .. pid_w .. "s %-16s %-4s %-" .. pid_w .. "s %s",
  "TIME", "PID", "COMM", "SIG", "TPID", "RESULT"))

local bpflua = require "bpflua"
local events = b["events"]
events:open_perf_buffer(function(cpu, data)
  local e = events:event(data)
  if args.failed and e.ret >= 0 then return end
  print(string.format("%-9s %-" .. pid_w .. "d %-16s %-4d %-" .. pid_w .. "d %d",
    tool.clock(), e.pid, bpflua.str(e.comm), e.sig, e.tpid, e.ret))
end)
tool.snoop(b, {duration = args.duration})
