#!/usr/bin/env bpflua
-- opensnoop: trace open(), openat() and openat2() (BCC's opensnoop).
-- BCC probes the syscall functions with kprobes; without kprobes bpflua
-- falls back to the syscalls tracepoints (noted on stderr).
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("opensnoop", "Trace open() syscalls", [[
    ./opensnoop                        # trace all open() syscalls
    ./opensnoop -T                     # include timestamps
    ./opensnoop -U                     # include UID
    ./opensnoop -x                     # only show failed opens
    ./opensnoop -p 181                 # only trace PID 181
    ./opensnoop -t 123                 # only trace TID 123
    ./opensnoop -u 1000                # only trace UID 1000
    ./opensnoop -d 10                  # trace for 10 seconds only
    ./opensnoop -n main                # only print process names containing "main"
    ./opensnoop -e                     # show extended fields
    ./opensnoop -f O_WRONLY -f O_RDWR  # only print calls for writing]])
p:flag("-T --timestamp", "include timestamp on output")
p:flag("-U --print-uid", "print UID column")
p:flag("-x --failed", "only show failed opens")
p:option("-p --pid", "trace this PID only"):convert(tool.positive)
p:option("-t --tid", "trace this TID only"):convert(tool.positive)
p:option("-u --uid", "trace this UID only"):convert(tool.uid)
p:option("-d --duration", "total duration of trace in seconds"):convert(tool.positive)
p:option("-n --name", "only print process names containing this name")
p:flag("-e --extended_fields", "show extended fields")
p:option("-f --flag_filter", "filter on flags argument (e.g., O_WRONLY)"):count("*")
p:option("-b --buffer-pages", "size of the ring buffer in pages, default 64", "64")
  :convert(tool.positive)
local args = p:parse()

-- open(2)'s flags, x86_64 values, for -f
local O = {O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 64, O_EXCL = 128,
  O_NOCTTY = 256, O_TRUNC = 512, O_APPEND = 1024, O_NONBLOCK = 2048,
  O_DSYNC = 4096, O_ASYNC = 8192, O_DIRECT = 16384, O_LARGEFILE = 32768,
  O_DIRECTORY = 65536, O_NOFOLLOW = 131072, O_NOATIME = 262144,
  O_CLOEXEC = 524288, O_SYNC = 1052672, O_PATH = 2097152, O_TMPFILE = 4259840}
local mask = 0
for _, f in ipairs(args.flag_filter) do
  if not O[f] then p:error("Bad flag: " .. f) end
  mask = bit.bor(mask, O[f])
end

local text = [[
#include <uapi/linux/ptrace.h>
#include <linux/sched.h>

#define NAME_MAX 255
#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif

struct val_t {
    u64 id;
    char comm[TASK_COMM_LEN];
    const char *fname;
    int flags;
    u32 mode;
};

struct data_t {
    u64 id;
    u64 ts;
    u32 uid;
    int ret;
    char comm[TASK_COMM_LEN];
    char name[NAME_MAX];
    int flags;
    u32 mode;
};

BPF_RINGBUF_OUTPUT(events, BUFFER_PAGES);
BPF_HASH(infotmp, u64, struct val_t);

static int trace_entry(const char *filename, int flags, u32 mode)
{
    struct val_t val = {};
    u64 id = bpf_get_current_pid_tgid();
    u32 pid = id >> 32;
    u32 tid = id;
    u32 uid = bpf_get_current_uid_gid();

    PID_TID_FILTER
    UID_FILTER
    FLAGS_FILTER

    if (bpf_get_current_comm(&val.comm, sizeof(val.comm)) == 0) {
        val.id = id;
        val.fname = filename;
        val.flags = flags;
        val.mode = mode;
        infotmp.update(&id, &val);
    }
    return 0;
}

int syscall__trace_entry_open(struct pt_regs *ctx, const char __user *filename,
                              int flags, u32 mode)
{
    return trace_entry(filename, flags, mode);
}

int syscall__trace_entry_openat(struct pt_regs *ctx, int dfd,
                                const char __user *filename, int flags, u32 mode)
{
    return trace_entry(filename, flags, mode);
}

int syscall__trace_entry_openat2(struct pt_regs *ctx, int dfd,
                                 const char __user *filename, struct open_how *how)
{
    struct open_how h = {};
    bpf_probe_read_user(&h, sizeof(h), how);
    u32 mode = 0;
    if (h.flags & O_CREAT || (h.flags & O_TMPFILE) == O_TMPFILE)
        mode = h.mode;
    return trace_entry(filename, h.flags, mode);
}

int trace_return(struct pt_regs *ctx)
{
    u64 id = bpf_get_current_pid_tgid();
    struct val_t *valp = infotmp.lookup(&id);
    if (valp == 0)
        return 0;   // missed entry

    struct data_t *data = events.ringbuf_reserve(sizeof(struct data_t));
    if (data) {
        bpf_probe_read_kernel(&data->comm, sizeof(data->comm), valp->comm);
        bpf_probe_read_user_str(&data->name, sizeof(data->name), (void *)valp->fname);
        data->id = valp->id;
        data->ts = bpf_ktime_get_ns() / 1000;
        data->uid = bpf_get_current_uid_gid();
        data->flags = valp->flags;
        data->mode = valp->mode;
        data->ret = PT_REGS_RC(ctx);
        events.ringbuf_submit(data, 0);
    }
    infotmp.delete(&id);
    return 0;
}
]]
text = text:gsub("BUFFER_PAGES", tostring(args.buffer_pages))
local idcond
if args.tid then idcond = "tid != " .. args.tid
elseif args.pid then idcond = "pid != " .. args.pid end
text = tool.filter(text, "PID_TID_FILTER", idcond)
text = tool.filter(text, "UID_FILTER", args.uid and ("uid != " .. args.uid))
text = tool.filter(text, "FLAGS_FILTER", #args.flag_filter > 0 and ("!(flags & " .. mask .. ")"))

local b = BPF{text = text}
local attached = 0
for _, sc in ipairs{"open", "openat", "openat2"} do
  local fn = b:get_syscall_fnname(sc)
  -- open(2) is missing on arm64, openat2 before 5.6: skip what this kernel lacks
  local ok = pcall(function()
    b:attach_kprobe{event = fn, fn_name = "syscall__trace_entry_" .. sc}
    b:attach_kretprobe{event = fn, fn_name = "trace_return"}
  end)
  if ok then attached = attached + 1 end
end
if attached == 0 then error("opensnoop: could not attach to any open syscall", 0) end

local head = {}
if args.timestamp then head[#head + 1] = string.format("%-14s", "TIME(s)") end
if args.print_uid then head[#head + 1] = string.format("%-6s", "UID") end
head[#head + 1] = string.format("%-6s %-16s %4s %3s ", args.tid and "TID" or "PID", "COMM", "FD", "ERR")
if args.extended_fields then head[#head + 1] = string.format("%-8s %-4s ", "FLAGS", "MODE") end
head[#head + 1] = "PATH"
print(table.concat(head))

local initial_ts
local events = b["events"]
events:open_ring_buffer(function(ctx, data)
  local e = events:event(data)
  local ret = tonumber(e.ret)
  if args.failed and ret >= 0 then return end
  local comm = bpflua.str(e.comm)
  if args.name and not comm:find(args.name, 1, true) then return end
  local fd, err = ret, 0
  if ret < 0 then fd, err = -1, -ret end
  local ts = tonumber(e.ts)
  initial_ts = initial_ts or ts
  local out = {}
  if args.timestamp then out[#out + 1] = string.format("%-14.9f", (ts - initial_ts) / 1e6) end
  if args.print_uid then out[#out + 1] = string.format("%-6d", e.uid) end
  local id = args.tid and bit.band(e.id, 0xffffffff) or bit.rshift(e.id, 32)
  out[#out + 1] = string.format("%-6d %-16s %4d %3d ", tonumber(id), comm, fd, err)
  if args.extended_fields then
    local flags = tonumber(e.flags)
    if e.mode == 0 and bit.band(flags, O.O_CREAT) == 0
        and bit.band(flags, O.O_TMPFILE) ~= O.O_TMPFILE then
      out[#out + 1] = string.format("%08o n/a  ", flags)
    else
      out[#out + 1] = string.format("%08o %04o ", flags, e.mode)
    end
  end
  out[#out + 1] = bpflua.str(e.name)
  print(table.concat(out))
end)
tool.snoop(b, {duration = args.duration, ring = true})
