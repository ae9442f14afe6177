#!/usr/bin/env bpflua
-- stackcount.lua - count events and their stack traces (BCC's stackcount).
--
--   stackcount.lua submit_bio            kernel function (kprobe)
--   stackcount.lua 'tcp_send*'           functions matching a wildcard
--   stackcount.lua -r '^tcp_send.*'      the same as a regular expression
--   stackcount.lua t:sched:sched_fork    a tracepoint
--   stackcount.lua -p 185 c:malloc       a user function in a library or program
--   stackcount.lua -U t:syscalls:sys_enter_getppid   user stacks only
--   stackcount.lua -f -P t:sched:sched_switch        folded, for flame graphs
--
-- Output as BCC's stackcount: each stack innermost frame first, kernel then
-- user frames, its process and count, least frequent first; -f prints one
-- "comm;outer;...;inner count" line per stack (flamegraph.pl's input).
-- USDT probes (u:lib:probe) are not supported yet.
local bpflua = require "bpflua"

local USAGE = [[
usage: stackcount.lua [-h] [-p PID] [-c CPU] [-i INTERVAL] [-D DURATION] [-T]
                      [-r] [-s] [-P] [-K] [-U] [-v] [-d] [-f] [--debug]
                      pattern

Count events and their stack traces

positional arguments:
  pattern               search expression for events

options:
  -h, --help            show this help message and exit
  -p PID, --pid PID     trace this PID only
  -c CPU, --cpu CPU     trace this CPU only
  -i INTERVAL, --interval INTERVAL
                        summary interval, seconds
  -D DURATION, --duration DURATION
                        total duration of trace, seconds
  -T, --timestamp       include timestamp on output
  -r, --regexp          use regular expressions. Default is "*" wildcards only.
  -s, --offset          show address offsets
  -P, --perpid          display stacks separately for each process
  -K, --kernel-stacks-only
                        kernel stack only
  -U, --user-stacks-only
                        user stack only
  -v, --verbose         show raw addresses
  -d, --delimited       insert delimiter between kernel/user stacks
  -f, --folded          output folded format
  --debug               print BPF program before starting (for debugging purposes)
]]

---------------------------------------------------------------- options

local FLAGS = {
  T = "timestamp", r = "regexp", s = "offset", P = "perpid", K = "kernel_only",
  U = "user_only", v = "verbose", d = "delimited", f = "folded",
}
local LONG = {
  timestamp = "T", regexp = "r", offset = "s", perpid = "P", ["kernel-stacks-only"] = "K",
  ["user-stacks-only"] = "U", verbose = "v", delimited = "d", folded = "f",
  pid = "p", cpu = "c", interval = "i", duration = "D", help = "h",
}
local VALUES = { p = "pid", c = "cpu", i = "interval", D = "duration" }

local function usage_error(msg)
  io.stderr:write(USAGE:match("^(.-)\n\n"), "\n", "stackcount.lua: error: ", msg, "\n")
  os.exit(2)
end

local function parse_args(argv)
  local o, i = {}, 1
  local function value(letter)
    i = i + 1
    local v = argv[i]
    if v == nil then usage_error("argument -" .. letter .. " expected one argument") end
    local n = tonumber(v)
    if not n or n % 1 ~= 0 then usage_error("argument -" .. letter .. ": invalid int value: '" .. v .. "'") end
    o[VALUES[letter]] = n
  end
  while i <= #argv do
    local a = argv[i]
    if a == "--debug" then
      o.debug = true
    elseif a:sub(1, 2) == "--" then
      local l = LONG[a:sub(3)]
      if not l then usage_error("unrecognized arguments: " .. a) end
      if l == "h" then io.write(USAGE) os.exit(0) end
      if VALUES[l] then value(l) else o[FLAGS[l]] = true end
    elseif a:sub(1, 1) == "-" and #a > 1 then
      for j = 2, #a do
        local l = a:sub(j, j)
        if l == "h" then io.write(USAGE) os.exit(0) end
        if VALUES[l] then
          if j < #a then argv[i] = a:sub(j + 1) i = i - 1 end
          value(l)
          break
        end
        if not FLAGS[l] then usage_error("unrecognized arguments: " .. a) end
        o[FLAGS[l]] = true
      end
    elseif o.pattern then
      usage_error("unrecognized arguments: " .. a)
    else
      o.pattern = a
    end
    i = i + 1
  end
  if not o.pattern then usage_error("the following arguments are required: pattern") end
  return o
end

local args = parse_args(arg)
if args.duration and not args.interval then args.interval = args.duration end
args.interval = args.interval or 99999999
if args.kernel_only and args.user_only then
  print("ERROR: -K and -U are mutually exclusive. If you want both stacks, that is the default.")
  os.exit(1)
end
local kernel_stack = not args.user_only
local user_stack = not args.kernel_only
if args.pid and args.pid > 0 then args.perpid = true end
local need_delimiter = args.delimited and not (args.kernel_only or args.user_only)

---------------------------------------------------------------- the probe

-- BCC's patterns: func, lib:func, p::func, p:lib:func, t:cat:event, u:lib:probe.
local function parse_pattern(pattern)
  local parts = {}
  for part in (pattern .. ":"):gmatch("([^:]*):") do parts[#parts + 1] = part end
  if #parts == 1 then
    parts = { "p", "", parts[1] }
  elseif #parts == 2 then
    parts = { "p", parts[1], parts[2] }
  elseif #parts == 3 then
    if parts[1] == "t" then parts = { "t", "", parts[2] .. ":" .. parts[3] } end
    if parts[1] ~= "p" and parts[1] ~= "t" and parts[1] ~= "u" then
      error(string.format("Type must be 'p', 't', or 'u', but got %s", parts[1]), 0)
    end
  else
    error("Too many ':'-separated components in pattern " .. pattern, 0)
  end
  return parts[1], parts[2], parts[3]
end

-- A library name, a path, or a program on $PATH (BCC: find_library, find_exe).
local function find_binary(name)
  if name:find("/") then return name end
  local lib = BPF.find_library(name)
  if lib then return lib end
  for dir in (os.getenv("PATH") or ""):gmatch("[^:]+") do
    local f = io.open(dir .. "/" .. name)
    if f then f:close() return dir .. "/" .. name end
  end
  error("unable to find library " .. name, 0)
end

local function program_text(kernel_probe)
  local filter = {}
  if kernel_probe and args.pid then
    filter[#filter + 1] = string.format(
      "u32 pid; pid = bpf_get_current_pid_tgid() >> 32; if (pid != %d) { return 0; }", args.pid)
  end
  if kernel_probe and args.cpu then
    filter[#filter + 1] = string.format(
      "if (bpf_get_smp_processor_id() != %d) { return 0; }", args.cpu)
  end
  return string.format([[
#include <uapi/linux/ptrace.h>

struct key_t {
    // no pid (thread ID) so that we do not needlessly split this key
    u32 tgid;
    int kernel_stack_id;
    int user_stack_id;
    char name[TASK_COMM_LEN];
};

BPF_HASH(counts, struct key_t);
BPF_STACK_TRACE(stack_traces, 1024);

int trace_count(void *ctx) {
    %s
    struct key_t key = {};
    key.tgid = %s;
    %s
    key.user_stack_id = %s;
    key.kernel_stack_id = %s;
    counts.atomic_increment(key);
    return 0;
}
]], table.concat(filter, "\n    "),
    args.perpid and "bpf_get_current_pid_tgid() >> 32" or "0xffffffff",
    args.perpid and "bpf_get_current_comm(&key.name, sizeof(key.name));" or "",
    user_stack and "stack_traces.get_stackid(ctx, BPF_F_USER_STACK)" or "-1",
    kernel_stack and "stack_traces.get_stackid(ctx, 0)" or "-1")
end

local function attach(b, kind, library, pattern)
  -- A plain name attaches by name, without matching every symbol.
  local name = pattern:match("^%^([%w_.@]+)%$$")
  if kind == "p" and library ~= "" then
    if name then
      b:attach_uprobe{name = library, sym = name, fn_name = "trace_count", pid = args.pid or -1}
    else
      b:attach_uprobe{name = library, sym_re = pattern, fn_name = "trace_count", pid = args.pid or -1}
    end
    return b:num_open_uprobes()
  elseif kind == "p" then
    if name then
      b:attach_kprobe{event = name, fn_name = "trace_count"}
    else
      b:attach_kprobe{event_re = pattern, fn_name = "trace_count"}
    end
    return b:num_open_kprobes()
  end
  b:attach_tracepoint{tp_re = pattern, fn_name = "trace_count"}
  return b:num_open_tracepoints()
end

local kind, library, pattern = parse_pattern(args.pattern)
if kind == "u" then error("USDT probes (u:" .. library .. ":" .. pattern .. ") are not supported yet", 0) end
if not args.regexp then pattern = "^" .. pattern:gsub("%*", ".*") .. "$" end
if kind == "p" and library ~= "" then library = find_binary(library) end
local text = program_text(kind == "t" or (kind == "p" and library == ""))
if args.debug then print(text) end
local b = BPF{text = text}
local matched = attach(b, kind, library, pattern)
if matched == 0 then error("No functions matched by pattern " .. pattern, 0) end

---------------------------------------------------------------- output

local function frame(addr, name)
  if args.verbose then
    io.write("  ", string.format("%-16x ", addr), name, "\n")
  else
    io.write("  ", name, "\n")
  end
end

local function frames(stacks, id)
  local out = {}
  if id >= 0 then for addr in stacks:walk(id) do out[#out + 1] = addr end end
  return out
end

local function print_stacks()
  local counts, stacks = b["counts"], b["stack_traces"]
  local rows = {}
  for k, v in counts:items() do rows[#rows + 1] = { k = k, v = v } end
  table.sort(rows, function(x, y) return x.v < y.v end)
  for _, row in ipairs(rows) do
    local k, v = row.k, row.v
    local user, kernel = frames(stacks, k.user_stack_id), frames(stacks, k.kernel_stack_id)
    if args.folded then
      local line = { bpflua.str(k.name) }
      for i = #user, 1, -1 do line[#line + 1] = b:sym(user[i], k.tgid) end
      if need_delimiter then line[#line + 1] = "-" end
      for i = #kernel, 1, -1 do line[#line + 1] = b:ksym(kernel[i]) end
      print(string.format("%s %d", table.concat(line, ";"), v))
    else
      for _, addr in ipairs(kernel) do frame(addr, b:ksym(addr, false, args.offset)) end
      if need_delimiter then print("    --") end
      for _, addr in ipairs(user) do frame(addr, b:sym(addr, k.tgid, false, args.offset)) end
      if not args.pid and k.tgid ~= 0xffffffff then
        print(string.format("    %s [%d]", bpflua.str(k.name), k.tgid))
      end
      print(string.format("    %d\n", v))
    end
  end
  counts:clear()
end

io.stdout:setvbuf("line")
if not args.folded then
  print(string.format('Tracing %d functions for "%s"... Hit Ctrl-C to end.', matched, args.pattern))
end
local seconds = 0
while true do
  local exiting = false
  local ok, err = pcall(bpflua.sleep, args.interval)
  if ok then
    seconds = seconds + args.interval
  elseif tostring(err):find("interrupted") then
    exiting = true
  else
    error(err, 0)
  end
  if args.duration and seconds >= args.duration then exiting = true end
  if not args.folded then print() end
  if args.timestamp then io.write(string.format("%-8s\n", os.date("%H:%M:%S"))) end
  print_stacks()
  if exiting then
    if not args.folded then print("Detaching...") end
    break
  end
end
