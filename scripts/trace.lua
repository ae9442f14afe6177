#!/usr/bin/env bpflua
-- trace: attach to functions, tracepoints and USDT probes and print a line
-- per event, with a predicate and a printf-style message (BCC's trace).
-- The probe language is parsed by bpflua.probespec; this script makes one
-- BPF function and perf buffer per probe and prints the events. Kernel
-- functions need kprobes (a syscall function falls back to its syscalls
-- tracepoint, and bpflua says so on stderr); uprobes, tracepoints and USDT
-- probes work everywhere.
local tool = require "bpflua.tool"
local spec = require "bpflua.probespec"
local bpflua = require "bpflua"
local ffi = require "ffi"

local p = tool.parser("trace", "Attach to functions and print trace messages.", [[
trace do_sys_open
        Trace the open syscall and print a default trace message when entered
trace kfree_skb+0x12
        Trace the kfree_skb kernel function after the instruction on the 0x12 offset
trace 'do_sys_open "%s", arg2@user'
        Trace the open syscall and print the filename being opened @user is
        added to arg2 in kprobes to ensure that char * should be copied from
        the userspace stack to the bpf stack.
trace 'do_sys_open "%s", arg2@user' -n main
        Trace the open syscall and only print event that process names containing "main"
trace 'do_sys_open "%s", arg2@user' --uid 1001
        Trace the open syscall and only print event that processes with user ID 1001
trace 'do_sys_open "%s", arg2@user' -f config
        Trace the open syscall and print the filename being opened filtered by "config"
trace 'sys_read (arg3 > 20000) "read %d bytes", arg3'
        Trace the read syscall and print a message for reads >20000 bytes
trace 'r::do_sys_open "%llx", retval'
        Trace the return from the open syscall and print the return value
trace 'c:open (arg2 == 42) "%s %d", arg1, arg2'
        Trace the open() call from libc only if the flags (arg2) argument is 42
trace 'c:malloc "size = %d", arg1'
        Trace malloc calls and print the size being allocated
trace 'p:c:write (arg1 == 1) "writing %d bytes to STDOUT", arg3'
        Trace the write() call from libc to monitor writes to STDOUT
trace 'r::__kmalloc (retval == 0) "kmalloc failed!"'
        Trace returns from __kmalloc which returned a null pointer
trace 'r:c:malloc (retval) "allocated = %x", retval'
        Trace returns from malloc and print non-NULL allocated buffers
trace 't:block:block_rq_complete "sectors=%d", args->nr_sector'
        Trace the block_rq_complete kernel tracepoint and print # of tx sectors
trace 't:syscalls:sys_enter_openat "%s", args->filename'
        Trace the openat syscall tracepoint and print the filename
trace 'u:pthread:pthread_create (arg4 != 0)'
        Trace the USDT probe pthread_create when its 4th argument is non-zero
trace 'u:pthread:libpthread:pthread_create (arg4 != 0)'
        Ditto, but the provider name "libpthread" is specified.
trace 'p::SyS_nanosleep(struct timespec *ts) "sleep for %lld ns", ts->tv_nsec'
        Trace the nanosleep syscall and print the sleep duration in ns
trace -c /sys/fs/cgroup/system.slice/workload.service '__x64_sys_nanosleep' '__x64_sys_clone'
        Trace nanosleep/clone syscall calls only under workload.service
        cgroup hierarchy.
trace -I 'net/sock.h' 'udpv6_sendmsg(struct sock *sk) (sk->sk_dport == 13568)'
        Trace udpv6 sendmsg calls only if socket's destination port is equal
        to 53 (DNS; 13568 in big endian order)
trace -I 'linux/fs_struct.h' 'mntns_install "users = %d", $task->fs->users'
        Trace the number of users accessing the file system of the current task
trace -M 10 -U 'p:c:inet_pton'
        Print the user stacks of the first 10 inet_pton calls, then exit]])
p:option("-b --buffer-pages", "number of pages to use for perf_events ring buffer", "64")
  :argname("<pages>"):convert(tool.positive)
p:option("-p --pid", "id of the process to trace (optional)"):convert(tool.positive)
p:option("-L --tid", "id of the thread to trace (optional)"):convert(tool.positive)
p:option("--uid", "id of the user to trace (optional)"):convert(tool.uid)
p:flag("-v --verbose", "print resulting BPF program code before executing")
p:option("-Z --string-size", "maximum size to read from strings", "80"):argname("<size>")
  :convert(tool.positive)
p:flag("-S --include-self", "do not filter trace's own pid from the trace")
p:option("-M --max-events", "number of events to print before quitting"):argname("<n>")
  :convert(tool.positive)
p:flag("-t --timestamp", "print timestamp column (offset from trace start)")
p:flag("-u --unix-timestamp", "print UNIX timestamp instead of offset from trace start, requires -t")
p:flag("-T --time", "print time column")
p:flag("-C --print_cpu", "print CPU id")
p:option("-c --cgroup-path", "cgroup path"):argname("<path>")
p:option("-n --name", "only print process names containing this name")
p:option("-f --msg-filter", "only print the msg of event containing this string"):argname("<text>")
p:flag("-B --bin_cmp", "allow to use STRCMP with binary values")
p:flag("-K --kernel-stack", "output kernel stack trace")
p:flag("-U --user-stack", "output user stack trace")
p:flag("-a --address", "print virtual address in stacks")
p:option("-I --include", "additional header files to include in the BPF program as either "
  .. "full path, or relative to current working directory, or relative to default kernel "
  .. "header search path"):argname("<header>"):count("*")
p:flag("-A --aggregate", "aggregate amount of each trace")
p:argument("probe", "probe specifier (see examples)"):args("+")
local args = p:parse()
if args.pid and args.tid then p:error("only one of -p and -L may be specified") end
if args.aggregate and not args.max_events then
  p:error("-M/--max-events should be specified with -A/--aggregate")
end

local function fail(msg)
  io.stderr:write(msg, "\n")
  os.exit(1)
end

-- The syscall wrappers whose one argument is the syscall's pt_regs: their
-- argN are the syscall's arguments (BCC's trace does the same for __x64_sys_).
local WRAPPERS = { "__x64_sys_", "__ia32_sys_", "__x32_compat_sys_", "__ia32_compat_sys_",
  "__arm64_sys_", "__s390x_sys_", "__s390_sys_", "__riscv_sys_" }
local function is_wrapper(probe)
  if probe.kind ~= "p" or probe.library ~= "" then return false end
  for _, w in ipairs(WRAPPERS) do
    if probe.func:sub(1, #w) == w then return true end
  end
  return false
end

local CTYPES = { u = "unsigned int", d = "int", lu = "unsigned long", ld = "long",
  llu = "unsigned long long", lld = "long long", hu = "unsigned short", hd = "short",
  x = "unsigned int", lx = "unsigned long", llx = "unsigned long long", c = "char",
  K = "unsigned long long", U = "unsigned long long" }

-- A USDT argument's C type from its note ("-4@%edx" -> int), as BCC's
-- get_probe_arg_ctype gives it.
local function usdt_ctype(probe, n)
  local loc = probe.note.locations[1]
  local arg = {}
  for a in loc.args:gmatch("%S+") do arg[#arg + 1] = a end
  local size = arg[n] and arg[n]:match("^(%-?%d+)@")
  if not size then fail(string.format("error in probe '%s': %s has no argument %d",
    probe.raw, probe.usdt, n)) end
  local bytes = math.abs(tonumber(size))
  return string.format("%sint%d_t", tonumber(size) < 0 and "" or "u", bytes * 8)
end

-- The file a probe's library names: a library ("c") or an executable.
local function binary_of(probe)
  local path = BPF.find_library(probe.library) or BPF.find_exe(probe.library)
  if not path then fail(string.format("error in probe '%s': unable to find library %s",
    probe.raw, probe.library)) end
  return path
end

local function find_usdt(probe)
  probe.context = USDT{ path = binary_of(probe), pid = args.pid }
  local provider, name = probe.usdt:match("^(.-):(.+)$")
  for _, n in ipairs(probe.context:enumerate_probes()) do
    if (not provider or n.provider == provider) and n.name == (name or probe.usdt) then
      probe.note = n
      return
    end
  end
  fail(string.format("error in probe '%s': unrecognized USDT probe %s", probe.raw, probe.usdt))
end

local probes = {}
for i, raw in ipairs(args.probe) do
  local probe, err = spec.parse(raw)
  if not probe then fail(err) end
  probe.fn = ("probe_" .. probe.name .. "_" .. i):gsub("[^%w_]", "_")
  probe.syscall = is_wrapper(probe)
  -- bpflua reads a syscall__ function's signature parameters as the
  -- syscall's arguments, whichever way the probe is attached
  if probe.syscall then probe.fn = "syscall__" .. probe.fn:sub(7) end
  if probe.kind == "u" then find_usdt(probe) end
  probes[i] = probe
end

-- The reads that put USDT arguments named in the probe's expressions into
-- locals argN (BCC reads them with bpf_usdt_readarg too).
local function usdt_reads(probe, exprs)
  if probe.kind ~= "u" then return "" end
  local out = {}
  for n = 1, 6 do
    local a = "arg" .. n
    for _, e in ipairs(exprs) do
      if e:find("%f[%w_]" .. a .. "%f[^%w_]") then
        out[#out + 1] = string.format("        %s %s = 0;\n        bpf_usdt_readarg(%d, ctx, &%s);\n",
          usdt_ctype(probe, n), a, n, a)
        break
      end
    end
  end
  return table.concat(out)
end

-- "%s" reads up to -Z bytes of a string from kernel memory, or from user
-- memory where that fails (a user pointer: uprobe arguments, syscalls).
local function field_assign(probe, i, expr)
  local t = probe.types[i]
  local f = "__data.v" .. (i - 1)
  if t == "s" then
    local first = probe.library ~= "" and "user" or "kernel"
    local second = first == "user" and "kernel" or "user"
    return string.format([[
        if (%s != 0) {
                void *__tmp = (void *)%s;
                if (bpf_probe_read_%s_str(&%s, sizeof(%s), __tmp) < 0)
                        bpf_probe_read_%s_str(&%s, sizeof(%s), __tmp);
        }
]], expr, expr, first, f, f, second, f, f)
  end
  return string.format("        %s = (%s)%s;\n", f, CTYPES[t], expr)
end

local function data_decl(probe)
  local fields = {}
  if args.timestamp then fields[#fields + 1] = "        u64 timestamp_ns;" end
  if args.print_cpu then fields[#fields + 1] = "        int cpu;" end
  fields[#fields + 1] = "        u32 tgid;\n        u32 pid;\n        char comm[TASK_COMM_LEN];"
  for i, t in ipairs(probe.types) do
    fields[#fields + 1] = t == "s" and string.format("        char v%d[%d];", i - 1, args.string_size)
      or string.format("        %s v%d;", CTYPES[t], i - 1)
  end
  if args.kernel_stack then fields[#fields + 1] = "        int kernel_stack_id;" end
  if args.user_stack then fields[#fields + 1] = "        int user_stack_id;" end
  fields[#fields + 1] = "        u32 uid;"
  local text = string.format("\nstruct %s_data_t {\n%s\n};\n\nBPF_PERF_OUTPUT(%s_events);\n",
    probe.fn, table.concat(fields, "\n"), probe.fn)
  if args.kernel_stack or args.user_stack then
    text = text .. string.format("BPF_STACK_TRACE(%s_stacks, 1024);\n", probe.fn)
  end
  return text
end

local MYPID = tool.getpid()

local function filters()
  local out = {}
  if args.tid then out[#out + 1] = "if (__pid != " .. args.tid .. ") { return 0; }"
  elseif args.pid then out[#out + 1] = "if (__tgid != " .. args.pid .. ") { return 0; }"
  elseif not args.include_self then out[#out + 1] = "if (__tgid == " .. MYPID .. ") { return 0; }" end
  if args.uid then out[#out + 1] = "if (__uid != " .. args.uid .. ") { return 0; }" end
  if args.cgroup_path then out[#out + 1] = "if (__cgroup.check_current_task(0) <= 0) { return 0; }" end
  return "        " .. table.concat(out, "\n        ")
end

local streqs = { n = 0 } -- STRCMP's functions, numbered across probes
local function probe_program(probe)
  local ctx = { library = probe.library, syscall = probe.syscall, usdt = probe.kind == "u",
    bin_cmp = args.bin_cmp, streqs = streqs }
  local filter = spec.rewrite(probe.filter, ctx)
  local values = {}
  for i, v in ipairs(probe.values) do values[i] = spec.rewrite(v, ctx) end
  local heading, ctx_name
  if probe.kind == "t" then
    heading, ctx_name = string.format("TRACEPOINT_PROBE(%s, %s)", probe.category, probe.event), "args"
  else
    heading = string.format("int %s(struct pt_regs *ctx%s)", probe.fn,
      probe.signature and (", " .. probe.signature) or "")
    ctx_name = "ctx"
  end
  local body = {}
  for i, v in ipairs(values) do body[#body + 1] = field_assign(probe, i, v) end
  if args.user_stack then
    body[#body + 1] = string.format("        __data.user_stack_id = %s_stacks.get_stackid(%s, BPF_F_USER_STACK);\n",
      probe.fn, ctx_name)
  end
  if args.kernel_stack then
    body[#body + 1] = string.format("        __data.kernel_stack_id = %s_stacks.get_stackid(%s, 0);\n",
      probe.fn, ctx_name)
  end
  local all = { filter }
  for _, v in ipairs(values) do all[#all + 1] = v end
  return (ctx.functions or "") .. data_decl(probe) .. "\n" .. heading .. string.format([[

{
        u64 __pid_tgid = bpf_get_current_pid_tgid();
        u32 __tgid = __pid_tgid >> 32;
        u32 __pid = __pid_tgid; // the thread id: the bottom half
        u32 __uid = bpf_get_current_uid_gid();
%s
%s        if (!(%s)) return 0;

        struct %s_data_t __data = {0};
%s%s        __data.tgid = __tgid;
        __data.pid = __pid;
        __data.uid = __uid;
        bpf_get_current_comm(&__data.comm, sizeof(__data.comm));
%s        %s_events.perf_submit(%s, &__data, sizeof(__data));
        return 0;
}
]], filters(), usdt_reads(probe, all), filter, probe.fn,
    args.timestamp and "        __data.timestamp_ns = bpf_ktime_get_ns();\n" or "",
    args.print_cpu and "        __data.cpu = bpf_get_smp_processor_id();\n" or "",
    table.concat(body), probe.fn, ctx_name)
end

local function program()
  local text = { "#include <linux/ptrace.h>\n#include <linux/sched.h>        /* For TASK_COMM_LEN */\n\n" }
  for _, inc in ipairs(args.include) do
    if inc:find("^[./]") then
      local abs = inc:sub(1, 1) == "/" and inc
        or (os.getenv("PWD") or ".") .. "/" .. inc:gsub("^%./", "")
      text[#text + 1] = '#include "' .. abs .. '"\n'
    else
      text[#text + 1] = "#include <" .. inc .. ">\n"
    end
  end
  if args.cgroup_path then text[#text + 1] = "BPF_CGROUP_ARRAY(__cgroup, 1);\n" end
  for _, probe in ipairs(probes) do text[#text + 1] = probe_program(probe) end
  return table.concat(text)
end

local text = program()
if args.verbose then print(text) end

local contexts = {}
for _, probe in ipairs(probes) do
  if probe.context then
    probe.context:enable_probe{ probe = probe.usdt, fn_name = probe.fn }
    contexts[#contexts + 1] = probe.context
  end
end

pcall(ffi.cdef, "int open(const char *path, int flags, ...);")

local function attach(b, probe)
  if probe.kind == "t" or probe.kind == "u" then return end -- attached by BPF{}
  if probe.library == "" then
    if probe.kind == "r" then
      b:attach_kretprobe{ event = probe.func, fn_name = probe.fn }
    else
      b:attach_kprobe{ event = probe.func, fn_name = probe.fn, event_off = probe.offset }
    end
    return
  end
  local how = { name = binary_of(probe), sym = probe.func, fn_name = probe.fn, pid = args.pid or -1 }
  if probe.kind == "r" then b:attach_uretprobe(how) else
    how.sym_off = probe.offset
    b:attach_uprobe(how)
  end
end

local b
local ok, err = pcall(function()
  b = BPF{ text = text, usdt_contexts = contexts }
  if args.cgroup_path then
    local fd = ffi.C.open(args.cgroup_path, 0)
    if fd < 0 then error("cannot open cgroup " .. args.cgroup_path, 0) end
    b["__cgroup"][0] = fd
  end
  for _, probe in ipairs(probes) do attach(b, probe) end
end)
if not ok then fail((tostring(err):gsub("^[^:\n]*:%d+: ", ""))) end

-- Output -------------------------------------------------------------------

local first_ts = BPF.monotonic_time()
local first_ts_real
do -- tool.lua declares gettimeofday and its struct
  local tv = ffi.new("struct bl_tool_timeval")
  ffi.C.gettimeofday(tv, nil)
  first_ts_real = tonumber(tv.tv_sec) + tonumber(tv.tv_usec) / 1e6
end

-- A 64-bit cdata or a number, in decimal or hexadecimal.
local function decimal(v)
  if type(v) == "number" then return string.format("%d", v) end
  return (tostring(v):gsub("[UL]+$", ""))
end
local function hex(v)
  if type(v) == "number" then return string.format("%x", v) end
  return (bit.tohex(v, 16):gsub("^0+(%x)", "%1"))
end

-- The message of one event: the format with its conversions filled in,
-- as BCC's trace prints them with Python's % operator.
local function message(probe, e)
  local n = 0
  local function conv(t)
    n = n + 1
    local v = e["v" .. (n - 1)]
    if t == "s" then return bpflua.str(v) end
    if t == "c" then return string.char(tonumber(v) % 256) end
    if t == "K" then return b:ksym(v, false, true) end
    if t == "U" then return b:sym(v, e.tgid, true, true) end
    if t:sub(-1) == "x" then return hex(v) end
    return decimal(v)
  end
  local fmt = probe.format or ""
  local out, i = {}, 1
  while i <= #fmt do
    local c = fmt:sub(i, i)
    if c == "%" and fmt:sub(i + 1, i + 1) == "%" then
      out[#out + 1] = "%"; i = i + 2
    elseif c == "%" and probe.types[n + 1] and fmt:sub(i + 1, i + #probe.types[n + 1]) == probe.types[n + 1] then
      local t = probe.types[n + 1]
      out[#out + 1] = conv(t); i = i + 1 + #t
    else
      out[#out + 1] = c; i = i + 1
    end
  end
  return table.concat(out)
end

local function time_column(e)
  local t
  if args.timestamp then
    local off = 1e-9 * tonumber(e.timestamp_ns - first_ts)
    t = string.format("%.6f", args.unix_timestamp and off + first_ts_real or off)
  else
    t = os.date("%H:%M:%S")
  end
  if args.unix_timestamp then return string.format("%-17s ", t:sub(1, 17)) end
  return string.format("%-8s ", t:sub(1, 8))
end

local function stack_text(probe, id, tgid)
  if id < 0 then return string.format("        %d", id) end
  local out = {}
  for addr in b[probe.fn .. "_stacks"]:walk(id) do
    out[#out + 1] = "        " .. (args.address and string.format("%16s ", hex(addr)) or "")
      .. b:sym(addr, tgid, true, true) .. "\n"
  end
  return table.concat(out)
end

local done, count, aggregated, order = false, 0, {}, {}

local function print_event(probe, data)
  if done then return end
  local e = b[probe.fn .. "_events"]:event(data)
  local comm = bpflua.str(e.comm)
  if args.name and not comm:find(args.name, 1, true) then return end
  local msg = message(probe, e)
  if args.msg_filter and not msg:find(args.msg_filter, 1, true) then return end
  local line = {}
  if args.timestamp or args.time then line[#line + 1] = time_column(e) end
  if args.print_cpu then line[#line + 1] = string.format("%-3s ", tostring(e.cpu)) end
  line[#line + 1] = string.format("%-7d %-7d %-15s %-16s %s\n", e.tgid, e.pid, comm, probe.name, msg)
  if args.kernel_stack then line[#line + 1] = stack_text(probe, e.kernel_stack_id, -1) end
  if args.user_stack then line[#line + 1] = stack_text(probe, e.user_stack_id, e.tgid) end
  local s = table.concat(line)
  if args.aggregate then
    if not aggregated[s] then order[#order + 1] = s end
    aggregated[s] = (aggregated[s] or 0) + 1
  else
    io.stdout:write(s)
    if args.kernel_stack or args.user_stack then io.stdout:write("\n") end
    io.stdout:flush()
  end
  count = count + 1
  if args.max_events and count >= args.max_events then done = true end
end

for _, probe in ipairs(probes) do
  b[probe.fn .. "_events"]:open_perf_buffer(function(_, data) print_event(probe, data) end,
    args.buffer_pages)
end

local trivial = true
for _, probe in ipairs(probes) do trivial = trivial and probe.format == nil end
local head = {}
if args.timestamp or args.time then
  head[#head + 1] = string.format(args.unix_timestamp and "%-17s " or "%-8s ", "TIME")
end
if args.print_cpu then head[#head + 1] = string.format("%-3s ", "CPU") end
head[#head + 1] = string.format("%-7s %-7s %-15s %-16s %s", "PID", "TID", "COMM", "FUNC",
  trivial and "" or "-")
print(table.concat(head))

tool.snoop(b, { done = function() return done end })

if args.aggregate and done then
  local rank = {}
  for i, s in ipairs(order) do rank[s] = i end
  table.sort(order, function(x, y)
    if aggregated[x] ~= aggregated[y] then return aggregated[x] > aggregated[y] end
    return rank[x] < rank[y]
  end)
  for _, s in ipairs(order) do io.stdout:write(string.format("%s-->COUNT %d\n\n", s, aggregated[s])) end
end
