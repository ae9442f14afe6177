#!/usr/bin/env bpflua
-- argdist: trace functions, tracepoints or USDT probes and print a frequency
-- count (-C) or a log2 histogram (-H) of expressions over their arguments,
-- every interval (BCC's argdist). User functions (p:LIB:f), tracepoints
-- (t:cat:event) and USDT probes (u:LIB:probe) work everywhere; kernel
-- functions (p::f, r::f) need kprobes, where a syscall function falls back
-- to its syscalls tracepoint (bpflua says so on stderr). The specifier
-- language is bpflua.argdist_spec.
local tool = require "bpflua.tool"
local spec = require "bpflua.argdist_spec"
local tables = require "bpflua.table"
local ffi = require "ffi"

local p = tool.parser("argdist", "Trace a function and display a summary of its parameter values.")
p:epilog([==[
Probe specifier syntax:
        {p,r,t,u}:{[library],category}:function(signature):type[,type...]:expr[,expr...][:filter]][#label]
Where:
        p,r,t,u    -- probe at function entry, function exit, kernel
                      tracepoint, or USDT probe
                      in exit probes: can use $retval, $entry(param), $latency
        library    -- the library that contains the function
                      (leave empty for kernel functions)
        category   -- the category of the kernel tracepoint (e.g. net, sched)
        function   -- the function name to trace (or tracepoint name)
        signature  -- the function's parameters, as in the C header
        type       -- the type of the expression to collect (supports multiple)
        expr       -- the expression to collect (supports multiple)
        filter     -- the filter that is applied to collected values
        label      -- the label for this probe in the resulting output

EXAMPLES:

argdist -H 'p::__kmalloc(u64 size):u64:size'
        Print a histogram of allocation sizes passed to kmalloc

argdist -p 1005 -C 'p:c:malloc(size_t size):size_t:size:size==16'
        Print a frequency count of how many times process 1005 called malloc
        with an allocation size of 16 bytes

argdist -C 'r:c:gets():char*:(char*)$retval#snooped strings'
        Snoop on all strings returned by gets()

argdist -H 'r::__kmalloc(size_t size):u64:$latency/$entry(size)#ns per byte'
        Print a histogram of nanoseconds per byte from kmalloc allocations

argdist -C 'p::__kmalloc(size_t sz, gfp_t flags):size_t:sz:flags&GFP_ATOMIC'
        Print frequency count of kmalloc allocation sizes that have GFP_ATOMIC

argdist -p 1005 -C 'p:c:write(int fd):int:fd' -T 5
        Print frequency counts of how many times writes were issued to a
        particular file descriptor number, in process 1005, but only show
        the top 5 busiest fds

argdist -p 1005 -H 'r:c:read()'
        Print a histogram of results (sizes) returned by read() in process 1005

argdist -C 'r::__vfs_read():u32:$PID:$latency > 100000'
        Print frequency of reads by process where the latency was >0.1ms

argdist -C 'r::__vfs_read():u32:$COMM:$latency > 100000'
        Print frequency of reads by process name where the latency was >0.1ms

argdist -H 'r::__vfs_read(void *file, void *buf, size_t count):size_t:
            $entry(count):$latency > 1000000'
        Print a histogram of read sizes that were longer than 1ms

argdist -H \
        'p:c:write(int fd, const void *buf, size_t count):size_t:count:fd==1'
        Print a histogram of buffer sizes passed to write() across all
        processes, where the file descriptor was 1 (STDOUT)

argdist -C 'p:c:fork()#fork calls'
        Count fork() calls in libc across all processes
        Can also use funccount, which is easier and more flexible

argdist -H 't:block:block_rq_complete():u32:args->nr_sector'
        Print histogram of number of sectors in completing block I/O requests

argdist -C 't:irq:irq_handler_entry():int:args->irq'
        Aggregate interrupts by interrupt request (IRQ)

argdist -C 'u:pthread:pthread_start():u64:arg2' -p 1337
        Print frequency of function addresses used as a pthread start function,
        relying on the USDT pthread_start probe in process 1337

argdist -H 'p:c:sleep(u32 seconds):u32:seconds' \
        -H 'p:c:nanosleep(struct timespec *req):long:req->tv_nsec'
        Print histograms of sleep() and nanosleep() parameter values

argdist -p 2780 -z 120 \
        -C 'p:c:write(int fd, char* buf, size_t len):char*:buf:fd==1'
        Spy on writes to STDOUT performed by process 2780, up to a string size
        of 120 characters

argdist -I 'kernel/sched/sched.h' \
        -C 'p::__account_cfs_rq_runtime(struct cfs_rq *cfs_rq):s64:cfs_rq->runtime_remaining'
        Trace on the cfs scheduling runqueue remaining runtime. The struct cfs_rq is defined
        in kernel/sched/sched.h which is in kernel source tree and not in kernel-devel
        package.  So this command needs to run at the kernel source tree root directory
        so that the added header file can be found by the compiler.]==])
p:option("-p --pid", "id of the process to trace (optional)"):convert(tool.positive)
p:option("-t --tid", "id of the thread to trace (optional)"):convert(tool.positive)
p:option("-z --string-size", "maximum string size to read from char* arguments", "80")
  :argname("<size>"):show_default(false):convert(tool.positive)
p:option("-i --interval", "output interval, in seconds (default 1 second)", "1")
  :show_default(false):convert(tool.positive)
p:option("-d --duration", "total duration of trace, in seconds"):convert(tool.positive)
p:option("-n --number", "number of outputs"):convert(tool.positive)
p:flag("-v --verbose", "print resulting BPF program code before executing")
p:flag("-c --cumulative", "do not clear histograms and freq counts at each interval")
p:option("-T --top", "number of top results to show (not applicable to histograms)")
  :convert(tool.positive)
p:option("-H --histogram", "probe specifier to capture histogram of (see examples below)")
  :argname("<specifier>"):count("*")
p:option("-C --count", "probe specifier to capture count of (see examples below)")
  :argname("<specifier>"):count("*")
p:option("-I --include", "additional header files to include in the BPF program as either "
  .. "full path, or relative to current working directory, or relative to default kernel "
  .. "header search path"):argname("<header>"):count("*")
local args = p:parse()

local parser = spec.parser{pid = args.pid, tid = args.tid, string_size = args.string_size}

local function create_probes()
  local probes = {}
  for _, s in ipairs(args.count) do probes[#probes + 1] = parser:probe("freq", s) end
  for _, s in ipairs(args.histogram) do probes[#probes + 1] = parser:probe("hist", s) end
  if #probes == 0 then
    print("at least one specifier is required")
    os.exit(1)
  end
  return probes
end

-- A USDT probe's argument n as the C type of its note's operand size
-- ("-4@%eax" is an int32_t), as BCC's get_probe_arg_ctype gives it.
local function usdt_arg_ctype(probe, n)
  for _, u in ipairs(probe.usdt_ctx:enumerate_probes()) do
    local name = probe.function_name
    if name == u.name or name == u.provider .. ":" .. u.name then
      local operand = {}
      for a in u.locations[1].args:gmatch("%S+") do operand[#operand + 1] = a end
      local sign, size = (operand[n] or ""):match("^(%-?)(%d+)@")
      if not size then probe:bail("USDT probe " .. name .. " has no argument " .. n) end
      return (sign == "-" and "int" or "uint") .. (8 * tonumber(size)) .. "_t"
    end
  end
  probe:bail("no USDT probe " .. probe.function_name)
end

local function enable_usdt(probe)
  probe.usdt_ctx = USDT{path = probe.library, pid = args.pid}
  probe.usdt_ctx:enable_probe{probe = probe.function_name, fn_name = probe.probe_func_name}
  return probe.usdt_ctx
end

-- The working directory, for -I ./header (BCC includes it by absolute path).
local function cwd()
  for _, inc in ipairs(args.include) do
    if inc:sub(1, 1) == "." then
      local p = io.popen("pwd")
      local dir = p:read("*l")
      p:close()
      return dir
    end
  end
end

local function user_path(probe)
  local path = BPF.find_library(probe.library) or BPF.find_exe(probe.library)
  if not path or path == "" then probe:bail("unable to find library " .. probe.library) end
  return path
end

local function attach(b, probe)
  if probe.probe_type == "u" or probe.probe_type == "t" then return end -- attached by BPF{}
  local r = probe.probe_type == "r"
  if probe.is_user then
    local path = user_path(probe)
    local how = {name = path, sym = probe.function_name, pid = args.pid or -1}
    how.fn_name = probe.probe_func_name
    if r then b:attach_uretprobe(how) else b:attach_uprobe(how) end
    if probe.entry_probe_required then
      how.fn_name = probe.entry_probe_func
      b:attach_uprobe(how)
    end
  else
    local how = {event = probe.function_name, fn_name = probe.probe_func_name}
    if r then b:attach_kretprobe(how) else b:attach_kprobe(how) end
    if probe.entry_probe_required then
      b:attach_kprobe{event = probe.function_name, fn_name = probe.entry_probe_func}
    end
  end
end

-- A key field as BCC's str() shows it: integers in decimal, strings as text.
local function v2s(v)
  if type(v) == "cdata" then
    if ffi.istype("int64_t", v) or ffi.istype("uint64_t", v) then
      return (tostring(v):gsub("U?LL$", ""))
    end
    local ok, s = pcall(function() return tables.str(v.s) end)
    if ok then return s end
  end
  return tostring(v)
end

local function display(b, probe)
  local data = b[probe.probe_hash_name]
  if probe.type == "freq" then
    print(probe.label or probe.raw_spec)
    print(string.format("\t%-10s %s", "COUNT", "EVENT"))
    local rows = {}
    for k, v in data:items() do rows[#rows + 1] = {key = k, value = tonumber(v)} end
    table.sort(rows, function(x, y) return x.value < y.value end)
    local first = args.top and math.max(1, #rows - args.top + 1) or 1
    for i = first, #rows do
      print(string.format("\t%-10s %s", tostring(rows[i].value), probe:event_text(rows[i].key, v2s)))
    end
  else
    data:print_log2_hist(probe:hist_label())
  end
  if not args.cumulative then data:clear() end
end

local function run()
  local probes = create_probes()
  local contexts = {}
  for _, probe in ipairs(probes) do
    if probe.probe_type == "u" then contexts[#contexts + 1] = enable_usdt(probe) end
  end
  local text = parser:program(probes, args.include, usdt_arg_ctype, cwd())
  if args.verbose then print(text) end
  local b = BPF{text = text, usdt_contexts = contexts}
  for _, probe in ipairs(probes) do attach(b, probe) end
  return b, probes
end

-- As BCC's argdist, a failure is one line on stdout and status 1 (-v: the
-- whole error); Ctrl-C while it starts is bpflua's usual exit.
local ok, b, probes = pcall(run)
if not ok then
  if tostring(b):find("interrupted", 1, true) then error(b, 0) end
  if args.verbose then print(b) else print((tostring(b):gsub("^[^\n]-:%d+: ", ""))) end
  os.exit(1)
end

-- BCC stops after -n outputs or once -d seconds have passed, whichever is
-- first; Ctrl-C ends it without another output.
local count = args.number
if args.duration then
  local by_duration = math.ceil(args.duration / args.interval)
  count = count and math.min(count, by_duration) or by_duration
end
tool.every(args.interval, count, function(interrupted)
  if interrupted then return end
  print("[" .. tool.clock() .. "]")
  for _, probe in ipairs(probes) do display(b, probe) end
end)
