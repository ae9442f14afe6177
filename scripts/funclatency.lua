#!/usr/bin/env bpflua
-- funclatency: time a function's calls and print the latency as a histogram
-- (BCC's funclatency). lib:func times a user function with uprobes (works
-- everywhere); a kernel function needs kprobes (a syscall function falls
-- back to its syscalls tracepoints where kprobes are missing).
local tool = require "bpflua.tool"

local p = tool.parser("funclatency", "Time functions and print latency as a histogram", [[
    ./funclatency do_sys_open       # time the do_sys_open() kernel function
    ./funclatency c:read            # time the read() C library function
    ./funclatency -u vfs_read       # time vfs_read(), in microseconds
    ./funclatency -m do_nanosleep   # time do_nanosleep(), in milliseconds
    ./funclatency -i 2 -d 10 c:open # output every 2 seconds, for duration 10s
    ./funclatency -mTi 5 vfs_read   # output every 5 seconds, with timestamps
    ./funclatency -p 181 vfs_read   # time process 181 only
    ./funclatency 'vfs_fstat*'      # time both vfs_fstat() and vfs_fstatat()
    ./funclatency 'c:*printf'       # time the *printf family of functions]])
p:option("-p --pid", "trace this PID only"):convert(tool.positive)
p:option("-i --interval", "summary interval, in seconds"):convert(tool.positive)
p:option("-d --duration", "total duration of trace, in seconds"):convert(tool.positive)
p:flag("-T --timestamp", "include timestamp on output")
p:flag("-u --microseconds", "microsecond histogram")
p:flag("-m --milliseconds", "millisecond histogram")
p:flag("-r --regexp", 'use regular expressions. Default is "*" wildcards only.')
p:flag("-v --verbose", "print the BPF program (for debugging purposes)")
p:argument("pattern", "search expression for functions")
local args = p:parse()

local function bail(msg)
  print("Error: " .. msg)
  os.exit(1)
end

local library, func
local lib, f = args.pattern:match("^([^:]*):([^:]*)$")
if lib then
  library = BPF.find_library(lib) or lib
  func = f
elseif not args.pattern:find(":", 1, true) then
  func = args.pattern
else
  bail("unrecognized pattern format '" .. args.pattern .. "'")
end
local wildcard = args.regexp or func:find("*", 1, true)
local pattern = args.regexp and func or ("^" .. func:gsub("%*", ".*") .. "$")
if library and wildcard then
  bail("wildcards in user-space patterns are not supported yet; name one function")
end

-- per-process sections when a user function is timed in every process
local need_key = library and not args.pid

local text = [[
#include <uapi/linux/ptrace.h>

typedef struct ip_pid {
    u64 ip;
    u64 pid;
} ip_pid_t;

typedef struct hist_key {
    ip_pid_t key;
    u64 slot;
} hist_key_t;

BPF_ARRAY(avg, u64, 2);
BPF_HASH(start, u32);
STORAGE

int trace_func_entry(struct pt_regs *ctx)
{
    u64 pid_tgid = bpf_get_current_pid_tgid();
    u32 pid = pid_tgid;
    u32 tgid = pid_tgid >> 32;
    u64 ts = bpf_ktime_get_ns();

    FILTER
    start.update(&pid, &ts);
    return 0;
}

int trace_func_return(struct pt_regs *ctx)
{
    u64 *tsp, delta;
    u64 pid_tgid = bpf_get_current_pid_tgid();
    u32 pid = pid_tgid;
    u32 tgid = pid_tgid >> 32;

    tsp = start.lookup(&pid);
    if (tsp == 0)
        return 0;   // missed start
    delta = bpf_ktime_get_ns() - *tsp;
    start.delete(&pid);

    u32 lat = 0;
    u32 cnt = 1;
    avg.atomic_increment(lat, delta);
    avg.atomic_increment(cnt);

    FACTOR
    STORE
    return 0;
}
]]
text = tool.filter(text, "FILTER", args.pid and ("tgid != " .. args.pid))
local label = "nsecs"
if args.milliseconds then
  text, label = text:gsub("FACTOR", "delta /= 1000000;"), "msecs"
elseif args.microseconds then
  text, label = text:gsub("FACTOR", "delta /= 1000;"), "usecs"
else
  text = text:gsub("FACTOR", "")
end
if need_key then
  text = text:gsub("STORAGE", "BPF_HISTOGRAM(dist, hist_key_t);")
    :gsub("STORE", "hist_key_t key = {}; key.key.pid = tgid; key.slot = bpf_log2l(delta); "
      .. "dist.atomic_increment(key);")
else
  text = text:gsub("STORAGE", "BPF_HISTOGRAM(dist);")
    :gsub("STORE", "dist.atomic_increment(bpf_log2l(delta));")
end
if args.verbose then print(text) end

local b = BPF{text = text}
local matched
if library then
  b:attach_uprobe{name = library, sym = func, fn_name = "trace_func_entry", pid = args.pid or -1}
  b:attach_uretprobe{name = library, sym = func, fn_name = "trace_func_return", pid = args.pid or -1}
  matched = 1
elseif wildcard then
  b:attach_kprobe{event_re = pattern, fn_name = "trace_func_entry"}
  b:attach_kretprobe{event_re = pattern, fn_name = "trace_func_return"}
  matched = b:num_open_kprobes() / 2
else
  b:attach_kprobe{event = func, fn_name = "trace_func_entry"}
  b:attach_kretprobe{event = func, fn_name = "trace_func_return"}
  matched = 1
end
if matched == 0 then
  print(string.format('0 functions matched by "%s". Exiting.', args.pattern))
  os.exit(1)
end
print(string.format('Tracing %d functions for "%s"... Hit Ctrl-C to end.', matched, args.pattern))

local interval, count = args.interval, nil
if args.duration then
  interval = interval or args.duration
  count = math.max(1, math.floor(args.duration / interval))
end
local dist, avg = b["dist"], b["avg"]
local printed = 0
tool.every(interval or 99999999, count, function(interrupted)
  printed = printed + 1
  print()
  if args.timestamp then print(tool.clock()) end
  if need_key then
    dist:print_log2_hist(label, "Function",
      function(pid) return string.format("%s [%d]", func, pid) end,
      function(k) return tonumber(k.pid) end)
  else
    dist:print_log2_hist(label)
  end
  local total, n = tonumber(avg[0]) or 0, tonumber(avg[1]) or 0
  if label == "msecs" then total = total / 1e6 elseif label == "usecs" then total = total / 1e3 end
  tool.print_avg(total, n, label)
  dist:clear()
  avg:clear()
  if interrupted or printed == count then print("Detaching...") end
end)
