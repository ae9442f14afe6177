#!/usr/bin/env bpflua
-- funccount: count kernel functions, tracepoints or user functions matching
-- a pattern (BCC's funccount). Kernel functions need kprobes (a syscall
-- function falls back to its syscalls tracepoint where kprobes are missing);
-- tracepoints (t:cat:event) and user functions (lib:func) work everywhere.
local tool = require "bpflua.tool"
local core = require "bpflua.core"

local p = tool.parser("funccount", "Count functions, tracepoints, and USDT probes", [[
    ./funccount 'vfs_*'             # count kernel fns starting with "vfs"
    ./funccount -r '^vfs.*'         # same as above, using regular expressions
    ./funccount -Ti 5 'vfs_*'       # output every 5 seconds, with timestamps
    ./funccount -d 10 'vfs_*'       # trace for 10 seconds only
    ./funccount -p 185 'vfs_*'      # count vfs calls for PID 181 only
    ./funccount t:sched:sched_fork  # count calls to the sched_fork tracepoint
    ./funccount 't:syscalls:*sync*' # count the sync-family syscall tracepoints
    ./funccount c:malloc            # count all malloc() calls in libc
    ./funccount ./test:read         # count read() calls in the ./test binary
    ./funccount -c 1 'vfs_*'        # count vfs calls on CPU 1 only]])
p:option("-p --pid", "trace this PID only"):convert(tool.positive)
p:option("-i --interval", "summary interval, seconds"):convert(tool.positive)
p:option("-d --duration", "total duration of trace, seconds"):convert(tool.positive)
p:flag("-T --timestamp", "include timestamp on output")
p:flag("-r --regexp", 'use regular expressions. Default is "*" wildcards only.')
p:flag("-D --debug", "print BPF program before starting (for debugging purposes)")
p:option("-c --cpu", "trace this CPU only"):convert(tonumber)
p:argument("pattern", "search expression for events")
local args = p:parse()

local function fail(msg)
  io.stderr:write(msg, "\n")
  os.exit(1)
end

-- BCC's pattern grammar: func, lib:func, p::func, p:lib:func, t:cat:event
local parts = {}
for s in (args.pattern .. ":"):gmatch("([^:]*):") do parts[#parts + 1] = s end
local kind, lib, pattern
if #parts == 1 then kind, lib, pattern = "p", "", parts[1]
elseif #parts == 2 then kind, lib, pattern = "p", parts[1], parts[2]
elseif #parts == 3 then
  kind, lib, pattern = parts[1], parts[2], parts[3]
  if kind == "t" then lib, pattern = "", parts[2] .. ":" .. parts[3] end
  if kind == "u" then fail("USDT probes (u:) are not supported by this funccount yet") end
  if kind ~= "p" and kind ~= "t" then
    fail("Type must be 'p', 't', or 'u', but got " .. kind)
  end
else
  fail("Too many ':'-separated components in pattern " .. args.pattern)
end
local wildcard = args.regexp or pattern:find("*", 1, true)
if not args.regexp then pattern = "^" .. pattern:gsub("%*", ".*") .. "$" end

local names
if kind == "t" then
  names = core.tracepoints(pattern) or {}
elseif lib == "" then
  names = BPF.get_kprobe_functions(pattern) or {}
else
  -- a user function: needs the binary's symbols listed to match a pattern
  if wildcard then
    fail("funccount: wildcards in user-space patterns are not supported yet; "
      .. "name one function, e.g. c:malloc")
  end
  names = {args.pattern:match("([^:]+)$")}
  lib = BPF.find_library(lib) or lib
end
if #names == 0 then fail("No functions matched by pattern " .. pattern) end

local fn_text = [[
int trace_count_LOCATION(void *ctx) {
    FILTERPID
    FILTERCPU
    int loc = LOCATION;
    counts.atomic_increment(loc);
    return 0;
}
]]
fn_text = fn_text:gsub("FILTERPID", args.pid
  and ("u32 pid = bpf_get_current_pid_tgid() >> 32; if (pid != " .. args.pid .. ") { return 0; }")
  or "")
fn_text = fn_text:gsub("FILTERCPU", args.cpu
  and ("u32 cpu = bpf_get_smp_processor_id(); if (cpu != " .. args.cpu .. ") { return 0; }")
  or "")
local text = {"#include <uapi/linux/ptrace.h>\n\nBPF_ARRAY(counts, u64, " .. #names .. ");\n"}
for i = 1, #names do text[#text + 1] = (fn_text:gsub("LOCATION", tostring(i - 1))) end
text = table.concat(text)
if args.debug then print(text) end

local b = BPF{text = text}
for i, name in ipairs(names) do
  local fn_name = "trace_count_" .. (i - 1)
  if kind == "t" then
    b:attach_tracepoint{tp = name, fn_name = fn_name}
  elseif lib == "" then
    b:attach_kprobe{event = name, fn_name = fn_name}
  else
    b:attach_uprobe{name = lib, sym = name, fn_name = fn_name, pid = args.pid or -1}
  end
end

print(string.format('Tracing %d functions for "%s"... Hit Ctrl-C to end.', #names, args.pattern))

local interval, count = args.interval, nil
if args.duration then
  interval = interval or args.duration
  count = math.max(1, math.floor(args.duration / interval))
end
local counts = b["counts"]
local printed = 0
tool.every(interval or 99999999, count, function(interrupted)
  printed = printed + 1
  local last = interrupted or printed == count
  print()
  if args.timestamp then print(tool.clock()) end
  print(string.format("%-36s %8s", "FUNC", "COUNT"))
  local rows = {}
  for k, v in counts:items() do
    if tonumber(v) ~= 0 then rows[#rows + 1] = {names[tonumber(k) + 1], tonumber(v)} end
  end
  table.sort(rows, function(a, b) return a[2] < b[2] end)
  for _, r in ipairs(rows) do print(string.format("%-36s %8d", r[1], r[2])) end
  if last then print("Detaching...") else counts:zero() end
end)
