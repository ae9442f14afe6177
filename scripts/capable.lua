#!/usr/bin/env bpflua
-- capable: trace security capability checks (BCC's capable), from a kprobe
-- on cap_capable: kernels without kprobes cannot run it.
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("capable", "Trace security capability checks", [[
    ./capable             # trace capability checks
    ./capable -v          # verbose: include non-audit checks
    ./capable -p 181      # only trace PID 181
    ./capable -x          # extra fields: show TID and INSETID columns
    ./capable --unique    # don't repeat the same capability check per process]])
p:flag("-v --verbose", "include non-audit checks")
p:option("-p --pid", "trace this PID only"):convert(tool.positive)
p:flag("-x --extra", "show extra fields in TID and INSETID columns")
p:flag("--unique", "don't repeat stacks for the same pid or cgroup")
p:option("-d --duration", "total duration of trace in seconds"):convert(tool.positive)
local args = p:parse()

local text = [[
#include <uapi/linux/ptrace.h>
#include <linux/sched.h>
#include <linux/security.h>

struct data_t {
   u32 tgid;
   u32 pid;
   u32 uid;
   int cap;
   int audit;
   int insetid;
   char comm[TASK_COMM_LEN];
};

BPF_PERF_OUTPUT(events);

#if UNIQUESET
struct repeat_t {
   int cap;
   u32 tgid;
};
BPF_HASH(seen, struct repeat_t, u64);
#endif

int kprobe__cap_capable(struct pt_regs *ctx, const struct cred *cred,
    struct user_namespace *targ_ns, int cap, int cap_opt)
{
    u64 __pid_tgid = bpf_get_current_pid_tgid();
    u32 tgid = __pid_tgid >> 32;
    u32 pid = __pid_tgid;
    // cap_opt bits since 5.1: CAP_OPT_NOAUDIT 0b10, CAP_OPT_INSETID 0b100
    int audit = (cap_opt & 0b10) == 0;
    int insetid = (cap_opt & 0b100) != 0;

    FILTER1
    FILTER2
    FILTER3

    u32 uid = bpf_get_current_uid_gid();
    struct data_t data = {};
    data.tgid = tgid;
    data.pid = pid;
    data.uid = uid;
    data.cap = cap;
    data.audit = audit;
    data.insetid = insetid;
#if UNIQUESET
    struct repeat_t repeat = {0,};
    repeat.cap = cap;
    repeat.tgid = tgid;
    if (seen.lookup(&repeat) != NULL)
        return 0;
    u64 zero = 0;
    seen.update(&repeat, &zero);
#endif
    bpf_get_current_comm(&data.comm, sizeof(data.comm));
    events.perf_submit(ctx, &data, sizeof(data));
    return 0;
}
]]
text = tool.filter(text, "FILTER1", args.pid and ("pid != " .. args.pid))
text = tool.filter(text, "FILTER2", not args.verbose and "audit == 0" or nil)
-- not this tool's own checks
text = tool.filter(text, "FILTER3", "tgid == " .. tool.getpid())
text = text:gsub("UNIQUESET", args.unique and "1" or "0")

-- include/uapi/linux/capability.h
local caps = {[0] = "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
  "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
  "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
  "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
  "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON",
  "CAP_BPF", "CAP_CHECKPOINT_RESTORE"}

local b = BPF{text = text}
if args.extra then
  print(string.format("%-9s %-6s %-6s %-6s %-16s %-4s %-20s %-6s %s",
    "TIME", "UID", "PID", "TID", "COMM", "CAP", "NAME", "AUDIT", "INSETID"))
else
  print(string.format("%-9s %-6s %-6s %-16s %-4s %-20s %-6s",
    "TIME", "UID", "PID", "COMM", "CAP", "NAME", "AUDIT"))
end
local events = b["events"]
events:open_perf_buffer(function(cpu, data)
  local e = events:event(data)
  local name = caps[e.cap] or "?"
  if args.extra then
    print(string.format("%-9s %-6d %-6d %-6d %-16s %-4d %-20s %-6d %s", tool.clock(),
      e.uid, e.pid, e.tgid, bpflua.str(e.comm), e.cap, name, e.audit, tostring(e.insetid)))
  else
    print(string.format("%-9s %-6d %-6d %-16s %-4d %-20s %-6d", tool.clock(),
      e.uid, e.pid, bpflua.str(e.comm), e.cap, name, e.audit))
  end
end)
tool.snoop(b, {duration = args.duration})
