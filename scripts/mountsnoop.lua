#!/usr/bin/env bpflua
-- mountsnoop: trace mount() and umount() syscalls, as BCC's mountsnoop:
-- syscall kprobes and kretprobes (bpflua's syscall tracepoint fallback
-- where there are no kprobes). Each argument string goes out as its own
-- record, as BCC's do, and the return joins them into one line.
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("mountsnoop", "trace mount() and umount() syscalls")
p:flag("-P --parent_process", "also snoop the parent process")
local args = p:parse()

local b = BPF{text = [[
#include <uapi/linux/ptrace.h>
#include <linux/sched.h>
#include <linux/nsproxy.h>
#include <linux/ns_common.h>

// the strings are copied as far as the stack allows
#define MAX_STR_LEN 412

enum event_type {
    EVENT_MOUNT,
    EVENT_MOUNT_SOURCE,
    EVENT_MOUNT_TARGET,
    EVENT_MOUNT_TYPE,
    EVENT_MOUNT_DATA,
    EVENT_MOUNT_RET,
    EVENT_UMOUNT,
    EVENT_UMOUNT_TARGET,
    EVENT_UMOUNT_RET,
};

struct data_t {
    enum event_type type;
    pid_t pid, tgid;
    union {
        /* EVENT_MOUNT, EVENT_UMOUNT */
        struct {
            /* current->nsproxy->mnt_ns->ns.inum */
            unsigned int mnt_ns;
            char comm[TASK_COMM_LEN];
            char pcomm[TASK_COMM_LEN];
            pid_t ppid;
            unsigned long flags;
        } enter;
        /* the argument strings */
        char str[MAX_STR_LEN];
        /* EVENT_MOUNT_RET, EVENT_UMOUNT_RET */
        int retval;
    };
};

BPF_PERF_OUTPUT(events);

// who calls, with which flags: the first record of a call
static int submit_enter(struct pt_regs *ctx, struct data_t *event,
                        enum event_type type, unsigned long flags)
{
    struct task_struct *task;

    event->pid = bpf_get_current_pid_tgid() & 0xffffffff;
    event->tgid = bpf_get_current_pid_tgid() >> 32;
    event->type = type;
    bpf_get_current_comm(event->enter.comm, sizeof(event->enter.comm));
    event->enter.flags = flags;
    task = (struct task_struct *)bpf_get_current_task();
    event->enter.ppid = task->real_parent->tgid;
    bpf_probe_read_kernel_str(&event->enter.pcomm, TASK_COMM_LEN, task->real_parent->comm);
    event->enter.mnt_ns = task->nsproxy->mnt_ns->ns.inum;
    events.perf_submit(ctx, event, sizeof(*event));
    return 0;
}

static int submit_str(struct pt_regs *ctx, struct data_t *event,
                      enum event_type type, const char __user *str)
{
    event->type = type;
    __builtin_memset(event->str, 0, sizeof(event->str));
    bpf_probe_read_user(event->str, sizeof(event->str), str);
    events.perf_submit(ctx, event, sizeof(*event));
    return 0;
}

int syscall__mount(struct pt_regs *ctx, char __user *source,
                   char __user *target, char __user *type,
                   unsigned long flags, char __user *data)
{
    struct data_t event = {};

    submit_enter(ctx, &event, EVENT_MOUNT, flags);
    submit_str(ctx, &event, EVENT_MOUNT_SOURCE, source);
    submit_str(ctx, &event, EVENT_MOUNT_TARGET, target);
    submit_str(ctx, &event, EVENT_MOUNT_TYPE, type);
    submit_str(ctx, &event, EVENT_MOUNT_DATA, data);
    return 0;
}

int syscall__umount(struct pt_regs *ctx, char __user *target, int flags)
{
    struct data_t event = {};

    submit_enter(ctx, &event, EVENT_UMOUNT, flags);
    submit_str(ctx, &event, EVENT_UMOUNT_TARGET, target);
    return 0;
}

static int do_ret_sys(struct pt_regs *ctx, enum event_type type)
{
    struct data_t event = {};

    event.type = type;
    event.pid = bpf_get_current_pid_tgid() & 0xffffffff;
    event.tgid = bpf_get_current_pid_tgid() >> 32;
    event.retval = PT_REGS_RC(ctx);
    events.perf_submit(ctx, &event, sizeof(event));
    return 0;
}

int do_ret_sys_mount(struct pt_regs *ctx)
{
    return do_ret_sys(ctx, EVENT_MOUNT_RET);
}

int do_ret_sys_umount(struct pt_regs *ctx)
{
    return do_ret_sys(ctx, EVENT_UMOUNT_RET);
}
]]}

for _, call in ipairs{"mount", "umount"} do
  local fn = b:get_syscall_fnname(call)
  b:attach_kprobe{event = fn, fn_name = "syscall__" .. call}
  b:attach_kretprobe{event = fn, fn_name = "do_ret_sys_" .. call}
end

-- sys/mount.h
local MS_MGC_VAL = 0xc0ed0000  -- in the top half (MS_MGC_MSK)
local MOUNT_FLAGS = {
  {"MS_RDONLY", 1}, {"MS_NOSUID", 2}, {"MS_NODEV", 4}, {"MS_NOEXEC", 8},
  {"MS_SYNCHRONOUS", 16}, {"MS_REMOUNT", 32}, {"MS_MANDLOCK", 64}, {"MS_DIRSYNC", 128},
  {"MS_NOATIME", 1024}, {"MS_NODIRATIME", 2048}, {"MS_BIND", 4096}, {"MS_MOVE", 8192},
  {"MS_REC", 16384}, {"MS_SILENT", 32768}, {"MS_POSIXACL", 2 ^ 16},
  {"MS_UNBINDABLE", 2 ^ 17}, {"MS_PRIVATE", 2 ^ 18}, {"MS_SLAVE", 2 ^ 19},
  {"MS_SHARED", 2 ^ 20}, {"MS_RELATIME", 2 ^ 21}, {"MS_KERNMOUNT", 2 ^ 22},
  {"MS_I_VERSION", 2 ^ 23}, {"MS_STRICTATIME", 2 ^ 24}, {"MS_LAZYTIME", 2 ^ 25},
  {"MS_ACTIVE", 2 ^ 30}, {"MS_NOUSER", 2 ^ 31},
}
local UMOUNT_FLAGS = {{"MNT_FORCE", 1}, {"MNT_DETACH", 2}, {"MNT_EXPIRE", 4},
  {"UMOUNT_NOFOLLOW", 8}}

-- flags as "A|B|0xrest", or "0x0" when none is set (Python's formatting)
local function decode_flags(flags, list, out)
  out = out or {}
  local n = #out
  for _, f in ipairs(list) do
    if flags % (2 * f[2]) >= f[2] then
      out[#out + 1] = f[1]
      flags = flags - f[2]
    end
  end
  if flags ~= 0 or #out == n then out[#out + 1] = string.format("0x%x", flags) end
  return table.concat(out, "|")
end

local function decode_mount_flags(flags)
  if flags - flags % 2 ^ 16 == MS_MGC_VAL then
    return decode_flags(flags % 2 ^ 16, MOUNT_FLAGS, {"MS_MGC_VAL"})
  end
  return decode_flags(flags, MOUNT_FLAGS)
end

-- errno names as Python's errno.errorcode gives them
local ERRNO = {"EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC",
  "EBADF", "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST",
  "EXDEV", "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY",
  "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE"}
local function decode_errno(ret)
  if ret < 0 and ERRNO[-ret] then return "-" .. ERRNO[-ret] end
  return tostring(ret)
end

local escapes = {["\a"] = "\\a", ["\b"] = "\\b", ["\t"] = "\\t", ["\n"] = "\\n",
  ["\v"] = "\\v", ["\f"] = "\\f", ["\r"] = "\\r", ['"'] = '\\"', ["\\"] = "\\\\"}
local function decode_mount_string(s)
  return '"' .. s:gsub("[%c\"\\\128-\255]", function(c)
    return escapes[c] or string.format("\\x%02x", c:byte())
  end) .. '"'
end

local EVENT_MOUNT, EVENT_MOUNT_SOURCE, EVENT_MOUNT_TARGET, EVENT_MOUNT_TYPE,
  EVENT_MOUNT_DATA, EVENT_MOUNT_RET, EVENT_UMOUNT, EVENT_UMOUNT_TARGET,
  EVENT_UMOUNT_RET = 0, 1, 2, 3, 4, 5, 6, 7, 8
local strings = {[EVENT_MOUNT_SOURCE] = "source", [EVENT_MOUNT_TARGET] = "target",
  [EVENT_MOUNT_TYPE] = "type", [EVENT_MOUNT_DATA] = "data", [EVENT_UMOUNT_TARGET] = "target"}

local calls = {}  -- by thread id, until the return
local function on_event(e)
  local t, tid = tonumber(e.type), tonumber(e.pid)
  if t == EVENT_MOUNT or t == EVENT_UMOUNT then
    calls[tid] = {tgid = tonumber(e.tgid), mnt_ns = tonumber(e.enter.mnt_ns),
      comm = bpflua.str(e.enter.comm), pcomm = bpflua.str(e.enter.pcomm),
      ppid = tonumber(e.enter.ppid), flags = tonumber(e.enter.flags)}
    return
  end
  local c = calls[tid]
  if not c then return end  -- a lost record
  if strings[t] then
    c[strings[t]] = bpflua.str(e.str)
    return
  end
  calls[tid] = nil
  local call
  if t == EVENT_MOUNT_RET then
    call = string.format("mount(%s, %s, %s, %s, %s) = %s", decode_mount_string(c.source or ""),
      decode_mount_string(c.target or ""), decode_mount_string(c.type or ""),
      decode_mount_flags(c.flags), decode_mount_string(c.data or ""), decode_errno(e.retval))
  else
    call = string.format("umount(%s, %s) = %s", decode_mount_string(c.target or ""),
      decode_flags(c.flags, UMOUNT_FLAGS), decode_errno(e.retval))
  end
  if args.parent_process then
    print(string.format("%-16s %-7d %-7d %-16s %-7d %-11d %s", c.comm, c.tgid, tid, c.pcomm,
      c.ppid, c.mnt_ns, call))
  else
    print(string.format("%-16s %-7d %-7d %-11d %s", c.comm, c.tgid, tid, c.mnt_ns, call))
  end
end

local events = b["events"]
events:open_perf_buffer(function(cpu, data) on_event(events:event(data)) end, 64)
if args.parent_process then
  print(string.format("%-16s %-7s %-7s %-16s %-7s %-11s %s", "COMM", "PID", "TID", "PCOMM",
    "PPID", "MNT_NS", "CALL"))
else
  print(string.format("%-16s %-7s %-7s %-11s %s", "COMM", "PID", "TID", "MNT_NS", "CALL"))
end
tool.snoop(b)
