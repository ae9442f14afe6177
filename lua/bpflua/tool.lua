-- bpflua.tool - what the tools in scripts/ share, so each tool is only its
-- probe and its output:
--   parser(name, description, examples)   lua-argparse with BCC's -h layout
--   snoop(b, opts)                        poll event buffers until Ctrl-C, -d
--                                         or opts.done()
--   every(interval, count, fn)            interval tools: fn() per interval,
--                                         and once more on Ctrl-C
--   filter(text, cond)                    BCC's FILTER placeholder idiom
--   clock(), clock_ms(utc)                "%H:%M:%S"[.mmm], as BCC's strftime
--   signame(n), uid(s), positive(s)       names and argument converters
--   inet_ntop(af, p), tcpstate(n)         addresses and TCP states as text
--   tcp_options(p), ports_cond(list, var), time_columns(args)
--                                         the TCP tools' options and columns
--   print_totals(t, fmt, name_of, factor) BCC's sorted "NAME  TOTAL" table
--   getpid(), pid_max()                   this process, /proc/sys/kernel/pid_max
--   EXTENSION_STORE, print_extension(t, label), print_avg(total, n, label)
--                                         BCC's -e "avg = ..." summaries
--   has_kprobes(), note(name, what)       say which probe stands in for BCC's
--   pid_width()                           PID column width from pid_max
--   print_stacks(b, opts)                 profile's and offcputime's stacks,
--                                         multi-line or folded
--   open_ip_events(b, fn), sorted(t, asc)  the TCP tools' ipv4/ipv6 events
--                                         and count tables
--   tcp_port_filters(text, args, map), tcp_formats(args, f), ip_column(args, af)
--                                         tcplife's and tcpstates' filters
--                                         and default/-w/-s columns
--   interval_args(p, name), hist_unit(text, args), hist_store(text, key, ext),
--   print_hists(b, args, label, section, fn)
--                                         the latency histogram tools
--   irq_options(p, ...), irq_units(args, flag), irq_summary(b, args, o)
--                                         hardirqs and softirqs
--   disks()                               the block tools' disk names, by
--                                         dev and by name, and -d's filter
-- Output goes out a line at a time (tools are piped into grep), and Ctrl-C
-- ends a tool with status 0 after its final summary, as BCC's tools do.
local argparse = require "argparse"
local ffi = require "ffi"
local core = require "bpflua.core"
local BPF = require "bpflua.bpf"
local tables = require "bpflua.table"

local M = {}

io.stdout:setvbuf("line")

local function interrupted(err)
  return type(err) == "string" and err:find("interrupted", 1, true) ~= nil
end

-- Runs fn(); Ctrl-C inside it is the tool's normal end. Any other error is
-- the user's to see.
local function until_interrupt(fn)
  local ok, err = pcall(fn)
  if not ok and not interrupted(err) then error(err, 0) end
  return ok
end

function M.parser(name, description, examples)
  local p = argparse(name, description)
  if examples then p:epilog("examples:\n" .. examples) end
  -- wide enough for "-d <duration>, --duration <duration>" on one line
  p:help_description_margin(40)
  return p
end

-- An argparse converter for positive integers, used by -p, intervals, ...
function M.positive(s)
  local n = tonumber(s)
  if n and n > 0 and n == math.floor(n) then return n end
  return nil, "expected a positive integer, got '" .. s .. "'"
end

-- -u USER: a uid or a user name, as BCC's parse_uid takes it.
function M.uid(s)
  local n = tonumber(s)
  if n and n >= 0 and n == math.floor(n) then return n end
  for line in io.lines("/etc/passwd") do
    local name, uid = line:match("^([^:]*):[^:]*:(%d+):")
    if name == s then return tonumber(uid) end
  end
  return nil, "no such user '" .. s .. "'"
end

-- This process's pid (BCC's tools leave their own events out).
function M.getpid()
  local f = assert(io.open("/proc/self/stat"))
  local pid = f:read("*n")
  f:close()
  return pid
end

-- /proc/sys/kernel/pid_max: sizes per-PID maps and the PID column.
function M.pid_max()
  local f = io.open("/proc/sys/kernel/pid_max")
  local max = f and tonumber(f:read("*l"))
  if f then f:close() end
  return max or 32768
end

-- The PID column's width, from pid_max, as BCC's snoop tools size it.
function M.pid_width()
  return #tostring(M.pid_max()) + 1
end

-- Whether this kernel has kprobes (the PMU BCC's kprobe tools need).
function M.has_kprobes()
  local f = io.open("/sys/bus/event_source/devices/kprobe/type")
  if f then f:close() end
  return f ~= nil
end

-- Says once on stderr which probe stands in for the one BCC's tool uses.
function M.note(name, what)
  io.stderr:write(name, ": ", what, "\n")
end

function M.clock()
  return os.date("%H:%M:%S")
end
-- The C library reads the time zone file at the first local-time call: do
-- it now, before the tool's probes are live, so that a tool counting reads
-- (vfsstat) does not count its own first time stamp.
os.date("%H:%M:%S")

ffi.cdef[[
struct bl_tool_timeval { long tv_sec; long tv_usec; };
int gettimeofday(struct bl_tool_timeval *tv, void *tz);
const char *inet_ntop(int af, const void *src, char *dst, unsigned int size);
]]
local tv = ffi.new("struct bl_tool_timeval")

-- "%H:%M:%S.mmm", as BCC's strftime("%H:%M:%S.%f")[:-3]; utc for --utc
function M.clock_ms(utc)
  ffi.C.gettimeofday(tv, nil)
  local sec = tonumber(tv.tv_sec)
  return os.date((utc and "!" or "") .. "%H:%M:%S", sec)
    .. string.format(".%03d", math.floor(tonumber(tv.tv_usec) / 1000))
end

M.AF_INET, M.AF_INET6 = 2, 10
local addrbuf = ffi.new("char[64]")

local addr4 = ffi.new("uint32_t[1]")

-- An address (a pointer to its bytes in network order, or an IPv4 u32 as
-- it lies in memory) as text, as Python's socket.inet_ntop gives it.
function M.inet_ntop(af, addr)
  if type(addr) == "number" then
    addr4[0] = addr
    addr = addr4
  end
  return ffi.string(ffi.C.inet_ntop(af, addr, addrbuf, 64))
end

-- include/net/tcp_states.h, as bcc.tcp.state2str names them
local tcpstates = {"ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
  "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN",
  "CLOSING", "NEW_SYN_RECV"}
function M.tcpstate(n)
  return tcpstates[tonumber(n)] or tostring(n)
end

-- "80,81" -> "lport != 80 && lport != 81" (BCC's port list filters)
function M.ports_cond(list, var)
  local parts = {}
  for s in list:gmatch("[^,]+") do
    local n = tonumber(s)
    if not n then error("bad port '" .. s .. "'", 0) end
    parts[#parts + 1] = var .. " != " .. n
  end
  return table.concat(parts, " && ")
end

-- The options tcpstates and tcplife share, as BCC's have them.
function M.tcp_options(p)
  p:flag("-T --time", "include time column on output (HH:MM:SS)")
  p:flag("-t --timestamp", "include timestamp on output (seconds)")
  p:flag("-w --wide", "wide column output (fits IPv6 addresses)")
  p:flag("-s --csv", "comma separated values output")
  p:option("-L --localport", "comma-separated list of local ports to trace.")
  p:option("-D --remoteport", "comma-separated list of remote ports to trace.")
  p:mutex(p:flag("-4 --ipv4", "trace IPv4 family only"),
    p:flag("-6 --ipv6", "trace IPv6 family only"))
  p:option("-d --duration", "total duration of trace in seconds"):convert(M.positive)
end

-- The -T (HH:MM:SS) and -t (seconds since the first event) columns of the
-- TCP tools, plain or with -s as CSV: returns the header text and a function
-- of an event's ts_us giving the line's prefix.
function M.time_columns(args)
  local head, start_ts = {}, nil
  if args.time then head[#head + 1] = args.csv and "TIME," or string.format("%-8s ", "TIME") end
  if args.timestamp then
    head[#head + 1] = args.csv and "TIME(s)," or string.format("%-9s ", "TIME(s)")
  end
  return table.concat(head), function(ts_us)
    local out = {}
    if args.time then
      out[#out + 1] = args.csv and (M.clock() .. ",") or string.format("%-8s ", M.clock())
    end
    if args.timestamp then
      start_ts = start_ts or tonumber(ts_us)
      local delta = (tonumber(ts_us) - start_ts) / 1e6
      out[#out + 1] = args.csv and string.format("%.6f,", delta) or string.format("%-9.6f ", delta)
    end
    return table.concat(out)
  end
end

-- Signal names as Python's signal module gives them, without "SIG".
local signames = {"HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
  "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD",
  "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
  "PROF", "WINCH", "IO", "PWR", "SYS"}
function M.signame(n)
  return signames[n] or ("SIGRT" .. n)
end

-- BCC's tools splice "if (cond) return 0;" at each FILTER marker.
function M.filter(text, marker, cond)
  return (text:gsub(marker, cond and ("if (" .. cond .. ") { return 0; }") or ""))
end

-- Polls the object's perf and ring buffers until Ctrl-C, or for `duration`
-- seconds, or until opts.done() says the tool has seen enough (trace -M).
-- opts: {duration =, ring = true, done =}
function M.snoop(b, opts)
  opts = opts or {}
  local deadline = opts.duration and BPF.monotonic_time() + opts.duration * 1e9
  until_interrupt(function()
    while (not deadline or BPF.monotonic_time() < deadline)
        and not (opts.done and opts.done()) do
      if opts.ring then b:ring_buffer_poll(100) else b:perf_buffer_poll(100) end
    end
  end)
end

-- The "NAME TOTAL" table of BCC's summary tools: one line per key, largest
-- value first, value divided by factor (integer division, as BCC's %d does).
function M.print_totals(t, fmt, name_of, factor)
  local rows = {}
  for k, v in t:items() do rows[#rows + 1] = {name_of(k), tonumber(v)} end
  table.sort(rows, function(a, b) return a[2] > b[2] end)
  for _, r in ipairs(rows) do
    print(string.format(fmt, r[1], math.floor(r[2] / (factor or 1))))
  end
end

-- BCC's -e extension: an array "extension" of {total, count} the BPF side
-- adds each delta to (EXTENSION_STORE is that code).
M.EXTENSION_STORE = [[
    u32 index = 0;
    ext_val_t *ext_val = extension.lookup(&index);
    if (ext_val) {
        lock_xadd(&ext_val->total, delta);
        lock_xadd(&ext_val->count, 1);
    }]]

-- BCC's "avg = N unit, total: N unit, count: N" line, when count > 0.
function M.print_avg(total, count, label)
  if count > 0 then
    print(string.format("\navg = %d %s, total: %d %s, count: %d\n",
      math.floor(total / count), label, math.floor(total), label, count))
  end
end

-- The extension's summary, then cleared for the next interval.
function M.print_extension(extension, label)
  local e = extension[0]
  M.print_avg(tonumber(e.total), tonumber(e.count), label)
  extension:clear()
end

-- Interval tools: fn() every `interval` seconds, `count` times (nil: until
-- Ctrl-C); Ctrl-C calls fn(true) once more for the final summary.
function M.every(interval, count, fn)
  local n = 0
  local done = not until_interrupt(function()
    while not count or n < count do
      core.sleep(interval)
      n = n + 1
      fn(false)
    end
  end)
  if done then fn(true) end
end

-- get_stackid's -EFAULT is no loss: a sample in user mode has no kernel
-- stack, a kernel thread no user stack. Anything else is a lost stack.
local EFAULT = 14
local function stack_id_err(id) return id < 0 and id ~= -EFAULT end

local function frames(stacks, id)
  local out = {}
  if id >= 0 then for addr in stacks:walk(id) do out[#out + 1] = addr end end
  return out
end

local function folded_line(b, o, k, user, kernel)
  local kid, uid = k.kernel_stack_id, k.user_stack_id
  local line = { tables.str(k.name) }
  if not o.kernel_only then
    if stack_id_err(uid) then line[#line + 1] = "[Missed User Stack]" end
    for i = #user, 1, -1 do line[#line + 1] = b:sym(user[i], o.sym_pid(k)) end
  end
  if not o.user_only then
    if o.delimited and kid >= 0 and uid >= 0 then line[#line + 1] = "-" end
    if stack_id_err(kid) then line[#line + 1] = "[Missed Kernel Stack]" end
    for i = #kernel, 1, -1 do line[#line + 1] = b:ksym(kernel[i]) end
  end
  return table.concat(line, ";")
end

local function print_multiline(b, o, k, user, kernel, value)
  local kid, uid = k.kernel_stack_id, k.user_stack_id
  if not o.user_only then
    if stack_id_err(kid) then print("    [Missed Kernel Stack]") end
    for _, addr in ipairs(kernel) do print("    " .. b:ksym(addr, o.module, o.offset)) end
  end
  if not o.kernel_only then
    if o.delimited and uid >= 0 and kid >= 0 then print("    --") end
    if stack_id_err(uid) then print("    [Missed User Stack]") end
    for _, addr in ipairs(user) do
      print("    " .. b:sym(addr, o.sym_pid(k), o.module, o.offset))
    end
  end
  print(string.format("    %-16s %s (%d)", "-", tables.str(k.name), o.pid(k)))
  print(string.format("        %d\n", value))
end

-- The stacks of b's "counts" (keys with kernel_stack_id, user_stack_id,
-- name) and "stack_traces", least frequent first, as BCC's profile and
-- offcputime print them. opts: folded, user_only, kernel_only, delimited
-- (the "--"/"-" separator), module, offset (symbol detail), pid(k) for
-- the "- comm (pid)" line, sym_pid(k) for user symbols, kernel_ip(k) (an
-- address to put first on the kernel stack, or nil). Returns the number of
-- lost stacks and whether one was lost to a full (-ENOMEM) or colliding
-- (-EEXIST) stack map.
function M.print_stacks(b, o)
  local counts, stacks = b["counts"], b["stack_traces"]
  local rows = {}
  for k, v in counts:items() do rows[#rows + 1] = { k = k, v = tonumber(v) } end
  table.sort(rows, function(x, y) return x.v < y.v end)
  local missing, full = 0, false
  for _, row in ipairs(rows) do
    local k = row.k
    for _, id in ipairs({ not o.user_only and k.kernel_stack_id or 0,
                          not o.kernel_only and k.user_stack_id or 0 }) do
      if stack_id_err(id) then
        missing = missing + 1
        full = full or id == -12 or id == -17
      end
    end
    local user, kernel = frames(stacks, k.user_stack_id), frames(stacks, k.kernel_stack_id)
    local ip = o.kernel_ip and o.kernel_ip(k)
    if ip and k.kernel_stack_id >= 0 and kernel[1] ~= ip then table.insert(kernel, 1, ip) end
    if o.folded then
      print(string.format("%s %d", folded_line(b, o, k, user, kernel), row.v))
    else
      print_multiline(b, o, k, user, kernel, row.v)
    end
  end
  return missing, full, #rows
end

-- The TCP tools' two perf buffers, ipv4_events and ipv6_events: fn(event,
-- address family) per record.
function M.open_ip_events(b, fn)
  for name, af in pairs{ipv4_events = M.AF_INET, ipv6_events = M.AF_INET6} do
    local t = b[name]
    t:open_perf_buffer(function(cpu, data) fn(t:event(data), af) end, 64)
  end
end

-- A table's {k =, v =} rows by value, largest first (ascending: smallest).
function M.sorted(t, ascending)
  local rows = {}
  for k, v in t:items() do rows[#rows + 1] = {k = k, v = tonumber(v)} end
  table.sort(rows, function(x, y)
    if ascending then return x.v < y.v end
    return x.v > y.v
  end)
  return rows
end

-- -L/-D of tcplife and tcpstates at FILTER_LPORT/FILTER_DPORT: a socket
-- filtered out is forgotten from `map` (its birth or last change).
function M.tcp_port_filters(text, args, map)
  local function port_filter(marker, list, var)
    text = text:gsub(marker, list and ("if (" .. M.ports_cond(list, var) .. ") { "
      .. map .. ".delete(&sk); return 0; }") or "")
  end
  port_filter("FILTER_LPORT", args.localport, "lport")
  port_filter("FILTER_DPORT", args.remoteport, "dport")
  return text
end

-- The header and line formats of a TCP tool for its output mode: formats
-- = {default = {header, line}, wide = {...}, csv = {...}} (-w, -s).
function M.tcp_formats(args, formats)
  local f = (args.csv and formats.csv) or (args.wide and formats.wide) or formats.default
  return f[1], f[2]
end

-- The IP version column: only with -w or -s (the default fits 80 columns).
function M.ip_column(args, af)
  if not (args.wide or args.csv) then return "" end
  return af == M.AF_INET and "4" or "6"
end

-- interval and count, the positional arguments of BCC's summary tools
function M.interval_args(p, count_name)
  p:argument("interval", "output interval, in seconds", "99999999"):convert(M.positive)
  p:argument(count_name or "count", "number of outputs", "99999999"):convert(M.positive)
end

-- -m of the latency histogram tools: FACTOR becomes the statement scaling
-- a delta in ns to the unit; returns the text and the unit's label.
function M.hist_unit(text, args)
  local out = text:gsub("FACTOR", args.milliseconds and "delta /= 1000000;" or "delta /= 1000;")
  return out, args.milliseconds and "msecs" or "usecs"
end

-- STORAGE and STORE of the latency histogram tools: one histogram "dist",
-- or with key = {type =, field =, expr =, size =} one per value of expr
-- (the key struct's field beside its slot); with extension, -e's sums.
function M.hist_store(text, key, extension)
  local storage, store = {}, {}
  if key then
    storage[#storage + 1] = "BPF_HISTOGRAM(dist, " .. key.type
      .. (key.size and (", " .. key.size) or "") .. ");"
    store[#store + 1] = key.type .. " hkey = {}; hkey." .. key.field .. " = " .. key.expr
      .. "; hkey.slot = bpf_log2l(delta); dist.atomic_increment(hkey);"
  else
    storage[#storage + 1] = "BPF_HISTOGRAM(dist);"
    store[#store + 1] = "dist.atomic_increment(bpf_log2l(delta));"
  end
  if extension then
    storage[#storage + 1] = "BPF_ARRAY(extension, ext_val_t, 1);"
    store[#store + 1] = M.EXTENSION_STORE
  end
  return (text:gsub("STORAGE", table.concat(storage, "\n")):gsub("STORE", table.concat(store, "\n")))
end

-- Each interval (args.interval, args.count times, and on Ctrl-C): a blank
-- line, -T's time, the histograms of "dist" (sections named by fn), -e's
-- summary; then cleared for the next, as BCC's latency tools print them.
function M.print_hists(b, args, label, section, fn)
  local dist, extension = b["dist"], args.extension and b["extension"]
  M.every(args.interval, args.count, function()
    print()
    if args.timestamp then print(M.clock()) end
    dist:print_log2_hist(label, section, fn)
    if extension then M.print_extension(extension, label) end
    dist:clear()
  end)
end

-- hardirqs' and softirqs' options: their -C is --count_flag, their number
-- of outputs the argument outputs.
function M.irq_options(p, count_flag, count_help, outputs)
  p:flag("-T --timestamp", "include timestamp on output")
  p:flag("-N --nanoseconds", "output in nanoseconds")
  p:flag("-C --" .. count_flag, count_help)
  p:flag("-d --dist", "show distributions as histograms")
  p:option("-c --cpu", "trace this CPU only"):convert(tonumber)
  M.interval_args(p, outputs)
end

-- -C counts, so it excludes -d and -N (exit 1, as BCC's); returns the
-- factor from ns and the unit's label.
function M.irq_units(args, count_flag)
  if args[count_flag] and (args.dist or args.nanoseconds) then
    print("The --" .. count_flag .. " option can't be used with time-based options")
    os.exit(1)
  end
  if args[count_flag] then return 1, "count" end
  if args.nanoseconds then return 1, "nsecs" end
  return 1000, "usecs"
end

-- The irq tools' summaries each interval: histograms with -d, else the
-- "NAME TOTAL_unit" table. o: outputs (the count argument's name), kind
-- ("hardirq"), width (of the name column), field (of the key naming the
-- irq), name_of(field value), factor, label.
function M.irq_summary(b, args, o)
  local dist = b["dist"]
  local fmt = "%-" .. o.width .. "s %11"
  M.every(args.interval, args[o.outputs], function()
    print()
    if args.timestamp then print(M.clock()) end
    if args.dist then
      dist:print_log2_hist(o.label, o.kind, o.name_of)
    else
      print(string.format(fmt .. "s", o.kind:upper(), "TOTAL_" .. o.label))
      M.print_totals(dist, fmt .. "d", function(k) return o.name_of(k[o.field]) end, o.factor)
    end
    dist:clear()
  end)
end

-- The disks of /proc/diskstats for the block tools, with dev as the block
-- tracepoints (and BCC's ddevt()) give it: major << 20 | minor. Returns
-- name_of(dev) (nil when unknown) and filter(name): -d's C condition
-- "key.dev != DEV" (nil without a name; exit 1 for an unknown disk, as
-- BCC's "no such disk").
function M.disks()
  local by_dev = {}
  for line in io.lines("/proc/diskstats") do
    local major, minor, name = line:match("^%s*(%d+)%s+(%d+)%s+(%S+)")
    if major then by_dev[tonumber(major) * 2 ^ 20 + tonumber(minor)] = name end
  end
  local function name_of(dev) return by_dev[tonumber(dev)] end
  local function filter(name)
    if not name then return nil end
    for dev, n in pairs(by_dev) do
      if n == name then return "key.dev != " .. dev end
    end
    print(string.format("no such disk '%s'", name))
    os.exit(1)
  end
  return name_of, filter
end

return M
