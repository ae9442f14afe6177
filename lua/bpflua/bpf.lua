-- bpf.lua - the BPF class: BCC's Python API, method for method.
--
--   local b = BPF{text = [[...]]}      -- or BPF[[...]], src_file=, cflags=, debug=
--   b:attach_kprobe{event = b:get_syscall_fnname("sync"), fn_name = "do_trace"}
--   b:trace_print()
--
-- Every method takes BCC's keyword names in one table or its arguments in
-- Python's order (args.lua). Failures are Lua errors at the user's line.
-- An object lives until b:cleanup() or exit (as BCC keeps it alive through
-- its atexit handler): probes never vanish because a script dropped its
-- last reference. The object userdata's __gc detaches everything at exit.

local ffi = require "ffi"
local core = require "bpflua.core"
local args = require "bpflua.args"
local tables = require "bpflua.table"
local events = require "bpflua.events"
require "bpflua.stacks"
local perf = require "bpflua.perf"
local usdt = require "bpflua.usdt"
local funcs = require "bpflua.funcs"
local iter = require "bpflua.iter"
require "bpflua.table_kinds"

local C = require "bpflua.cdef"
local raise = args.error

local BPF = {}
local P = {}            -- key of an instance's private state
local mt = {}
local live = {}         -- objects not cleaned up yet

local function is_bpf(x)
  return type(x) == "table" and rawget(x, P) ~= nil
end

local function method(name, params)
  return args.spec(name, params, { receiver = "b", self = is_bpf })
end

local function priv(self)
  local p = rawget(self, P)
  if not p.life.open then raise("BPF object: used after cleanup()") end
  return p
end

-- Class functions work on the class and on an instance alike, as
-- Python's static methods do.
local statics = setmetatable({}, { __mode = "k" })
local function static(f)
  local g = function(first, ...)
    if first == BPF or is_bpf(first) then return f(...) end
    return f(first, ...)
  end
  statics[g] = true
  return g
end

---------------------------------------------------------------- errors

-- A failure of bpflua.core (nil, msg, log): the message, and the long log
-- (verifier, clang) when debug asks for it; it stays reachable through
-- bpflua.last_log() anyway.
local function fail(p, msg, log)
  args.set_log(log)
  if log and log ~= "" then
    if p and p.debug ~= 0 then
      msg = msg .. "\n" .. log
    else
      msg = msg .. "\n(full log: bpflua.last_log(), or BPF{..., debug = 2} to print it)"
    end
  end
  raise(msg)
end

---------------------------------------------------------------- construction

-- BCC looks for src_file as given, then next to the script. Only a
-- regular file is read (core.read_source), and Ctrl-C interrupts it.
local function read_src(path)
  local text, err = core.read_source(path)
  if text then return text, path end
  local dir = not path:find("^/") and arg and arg[0] and arg[0]:match("^(.*)/[^/]*$")
  if dir then
    local alt = dir .. "/" .. path
    local t2 = core.read_source(alt)
    if t2 then return t2, alt end
  end
  raise(string.format("BPF: cannot read src_file '%s': %s", path,
    (err or ""):gsub("^.-: ", "")))
end

-- kernel_headers = true (the running kernel's), a build directory's path,
-- or false; unset: $BPFLUA_KERNEL_HEADERS (1 or a path) decides. -> nil
-- (the kernel's BTF), "" (the running kernel's headers) or the path, and
-- the variable's value when it decided.
local function kernel_headers(v)
  if v == nil then
    v = os.getenv("BPFLUA_KERNEL_HEADERS")
    if v == nil or v == "" or v == "0" then return nil end
    return v == "1" and "" or v, v
  end
  if v == true then return "" end
  if v == false then return nil end
  if type(v) ~= "string" or v == "" then
    raise(string.format("BPF: kernel_headers must be true, false or a path, got %s",
      type(v) == "string" and '""' or type(v)))
  end
  return v
end

local function compile(text, filename, cflags, debug, kheaders, kh_env)
  local include_dir = filename ~= "<text>" and filename:match("^(.*)/[^/]*$") or nil
  local elf, rewritten, warnings = core.build(text, filename, cflags, include_dir, debug,
    kheaders)
  if not elf then
    -- a tree the script did not name: say who asked for it
    if kh_env then
      rewritten = rewritten:gsub("^kernel_headers:",
        "kernel_headers (BPFLUA_KERNEL_HEADERS=" .. kh_env .. "):", 1)
    end
    -- A compile error: clang's full output is what the user must see.
    args.set_log(warnings)
    raise(rewritten .. (warnings and warnings ~= "" and "\n" .. warnings:gsub("\n$", "") or "")
      .. iter.compile_hint(rewritten))
  end
  -- C returns the rewritten text when debug asks for it (DEBUG_PREPROCESSOR).
  if rewritten then io.stderr:write(rewritten, "\n") end
  -- clang's default warnings are few and point at real mistakes: shown as
  -- BCC shows them (only when compiling: a cached object had them before).
  if warnings and warnings ~= "" then io.stderr:write(warnings, "\n") end
  return elf
end

local new_spec = args.spec("BPF", {
  { "src_file", "string", "" }, { "hdr_file", "string", "" }, { "text", "string" },
  { "debug", "integer", 0 }, { "cflags", "table", {} }, { "usdt_contexts", "table", {} },
  { "allow_rlimit", "boolean", true }, { "device", "any" },
  { "attach_usdt_ignore_pid", "boolean", false }, { "trace_pipe", "string", "private" },
  { "kernel_headers", "any" },
})

local autoload, private_stream

-- trace_pipe = "global" keeps bpf_trace_printk on the kernel's pipe
-- (bpf-headers/bpflua/printk.h); "private" (the default) gives the object
-- its own stream: a ring buffer, or a perf buffer where the kernel has no
-- ring buffers (BPFLUA_PRINTK_PERF=1 forces that: a test hook).
local function trace_cflags(cflags, mode)
  local flag = "-DBPFLUA_TRACE_PIPE_GLOBAL"
  if mode == nil or mode == "private" then
    if os.getenv("BPFLUA_PRINTK_PERF") ~= "1" and core.has_ringbuf() then return cflags end
    flag = "-DBPFLUA_PRINTK_PERF"
  elseif mode ~= "global" then
    raise(string.format("BPF: trace_pipe must be \"private\" or \"global\", got \"%s\"", mode))
  end
  local out = { flag }
  for i, f in ipairs(cflags) do out[i + 1] = f end
  return out
end

local function new(...)
  local src_file, hdr_file, text, dbg, cflags, usdt_ctxs, ignore_pid, trace_mode, kh
  if select("#", ...) == 1 and type((...)) == "string" then
    text, src_file, hdr_file, dbg, cflags, usdt_ctxs = ..., "", "", 0, {}, {}
  else
    local _
    src_file, hdr_file, text, dbg, cflags, usdt_ctxs, _, _, ignore_pid, trace_mode, kh =
      new_spec(...)
  end
  local kh_env
  kh, kh_env = kernel_headers(kh)
  if hdr_file ~= "" then raise("BPF: hdr_file is not supported") end
  local filename = "<text>"
  if not text then
    if src_file == "" then raise("BPF: give the program as text= or src_file=") end
    text, filename = read_src(src_file)
  end
  for i, f in ipairs(cflags) do
    if type(f) ~= "string" then
      raise(string.format("BPF: cflags[%d] must be a string, got %s", i, type(f)))
    end
  end
  dbg = tonumber(dbg)
  cflags = trace_cflags(cflags, trace_mode)
  local trace_global = false
  for _, f in ipairs(cflags) do
    if f:match("^%-DBPFLUA_TRACE_PIPE_GLOBAL") then trace_global = true end
  end
  local elf = compile(text, filename, cflags, dbg, kh, kh_env)
  local obj, msg, log = core.open(elf, filename)
  if not obj then fail({ debug = dbg }, msg, log) end
  local self = setmetatable({ [P] = {
    obj = obj, debug = dbg, life = { open = true, obj = obj }, tables = {}, trace_global = trace_global,
    probes = { kprobe = {}, tracepoint = {}, raw_tracepoint = {}, uprobe = {}, kfunc = {},
               perf_event = {}, lsm = {}, socket = {}, xdp = {}, func = {}, tc = {} },
    usdt_slots = 0,
  } }, mt)
  live[self] = true
  -- A perf buffer keeps only what comes while it is open (a ring buffer
  -- keeps everything): open the private stream before any probe.
  local pk = obj:map("__bl_printk")
  local ok, err = true, nil
  if pk and pk.type == "perf_event_array" then ok, err = pcall(private_stream, self[P]) end
  if ok then ok, err = pcall(autoload, self, usdt_ctxs, ignore_pid) end
  if not ok then
    self:cleanup()
    error(err, 0)
  end
  return self
end

-- Every method defined from here on checks its receiver (args.lua).
setmetatable(BPF, args.check_receivers({ __call = function(_, ...) return new(...) end },
  "b", is_bpf, statics))

---------------------------------------------------------------- probes

-- Attaches through `call(obj, prep)` and files the link under
-- probes[group][key][fn]. C checks that fn_name is in the program, and gives
-- the note to print the first time a kind of probe falls back to another
-- mechanism. While p.preparing, call only prepares (loads the instance,
-- reads what the attach will need: runtime/attach.h).
local function attach(p, what, group, key, fn_name, call)
  local g = p.probes[group]
  if g[key] and g[key][fn_name] then
    raise(string.format("%s: '%s' is already attached to %s", what, fn_name, key))
  end
  local link, msg, log = call(p.obj, p.preparing)
  if not link then fail(p, msg, log) end
  if p.preparing then return end
  if msg then io.stderr:write("bpflua: ", msg, "\n") end
  g[key] = g[key] or {}
  g[key][fn_name] = link
  return link
end

-- label names the probe in messages ("kprobe 'x'").
local function detach(p, what, group, key, fn_name, label)
  local links = p.probes[group][key]
  if not links or (fn_name and not links[fn_name]) then
    raise(string.format("%s: %s is not attached%s", what, label or "'" .. key .. "'",
      fn_name and " to '" .. fn_name .. "'" or ""))
  end
  for fn, link in pairs(links) do
    if not fn_name or fn == fn_name then
      link:detach()
      links[fn] = nil
    end
  end
  if next(links) == nil then p.probes[group][key] = nil end
end

local function count(p, group)
  local n = 0
  for _ in pairs(p.probes[group]) do n = n + 1 end
  return n
end

-- Probes open in every live object (BCC's global count, for its quota).
local function open_probes()
  local n = 0
  for obj in pairs(live) do
    for _, group in pairs(rawget(obj, P).probes) do
      for _, links in pairs(group) do
        for _ in pairs(links) do n = n + 1 end
      end
    end
  end
  return n
end

-- Runs attach_one for each match; fails only when none attaches, as BCC.
-- As BCC, an expression may not open more than BCC_PROBE_LIMIT (1000)
-- probes in all: ".*" would otherwise attach to every kernel function.
local function attach_each(what, kind, matches, re, attach_one)
  if #matches == 0 then
    raise(string.format("%s: no %s matches '%s'", what, kind, re))
  end
  local limit = tonumber(os.getenv("BCC_PROBE_LIMIT") or "") or 1000
  if open_probes() + #matches > limit then
    raise(string.format("%s: '%s' makes %d probes; with the %d open that exceeds "
      .. "the limit of %d probes (BCC_PROBE_LIMIT)", what, re, #matches, open_probes(), limit))
  end
  local errs = {}
  for _, m in ipairs(matches) do
    local ok, err = pcall(attach_one, m)
    if not ok then errs[#errs + 1] = err end
  end
  if #errs == #matches then
    raise(string.format("%s: could not attach to any of the %d %ss matching '%s'; first error: %s",
      what, #matches, kind, re, tostring(errs[1]):gsub("^[^:]*:%d+: ", "")))
  end
end

local function kprobe(self, what, ret, event, off, fn_name, event_re)
  local p = priv(self)
  if event_re ~= "" then
    local fns, msg = core.kprobe_functions(event_re)
    if not fns then raise(what .. ": " .. msg) end
    return attach_each(what, "kernel function", fns, event_re, function(fn)
      return kprobe(self, what, ret, fn, 0, fn_name, "")
    end)
  end
  if event == "" then raise(what .. ": give 'event' or 'event_re'") end
  local key = (ret and "r_" or "p_") .. event
  attach(p, what, "kprobe", key, fn_name, function(obj, prep)
    return obj:attach_kprobe(fn_name, event, off, ret, prep)
  end)
end

local p_kprobe = method("attach_kprobe", {
  { "event", "string", "" }, { "event_off", "integer", 0 },
  { "fn_name", "string", required = true }, { "event_re", "string", "" },
})
-- Python's order is (event, event_off, fn_name, event_re); the common
-- two-string call b:attach_kprobe(event, fn_name) is accepted too.
function BPF:attach_kprobe(...)
  if select("#", ...) == 2 and type(select(2, ...)) == "string" then
    local event, fn_name = ...
    return self:attach_kprobe{ event = event, fn_name = fn_name }
  end
  local event, off, fn_name, event_re = p_kprobe(self, ...)
  kprobe(self, "attach_kprobe", false, event, off, fn_name, event_re)
end

local p_kretprobe = method("attach_kretprobe", {
  { "event", "string", "" }, { "fn_name", "string", required = true },
  { "event_re", "string", "" }, { "maxactive", "integer", 0 },
})
function BPF:attach_kretprobe(...)
  local event, fn_name, event_re, maxactive = p_kretprobe(self, ...)
  if maxactive ~= 0 then
    raise(string.format("attach_kretprobe: maxactive=%s cannot be honoured: bpflua attaches "
      .. "kretprobes only through the kernel's perf kprobe PMU (tracefs kprobe_events entries "
      .. "outlive the process), and that PMU always uses the kernel's default number of "
      .. "instances; leave maxactive out", tostring(maxactive)))
  end
  kprobe(self, "attach_kretprobe", true, event, 0, fn_name, event_re)
end

local p_dkprobe = method("detach_kprobe", { { "event", "string", required = true }, { "fn_name", "string" } })
function BPF:detach_kprobe(...)
  local event, fn_name = p_dkprobe(self, ...)
  detach(priv(self), "detach_kprobe", "kprobe", "p_" .. event, fn_name,
    "kprobe '" .. event .. "'")
end

local p_dkretprobe = method("detach_kretprobe", { { "event", "string", required = true }, { "fn_name", "string" } })
function BPF:detach_kretprobe(...)
  local event, fn_name = p_dkretprobe(self, ...)
  detach(priv(self), "detach_kretprobe", "kprobe", "r_" .. event, fn_name,
    "kretprobe '" .. event .. "'")
end

local function tracepoint(self, tp, fn_name)
  local p = priv(self)
  if not tp:find("^[^:]+:[^:]+$") then
    raise(string.format("attach_tracepoint: 'tp' must be \"category:event\", got '%s'", tp))
  end
  attach(p, "attach_tracepoint", "tracepoint", tp, fn_name, function(obj, prep)
    return obj:attach_tracepoint(fn_name, tp, prep)
  end)
end

local p_tracepoint = method("attach_tracepoint", {
  { "tp", "string", "" }, { "tp_re", "string", "" }, { "fn_name", "string", required = true },
})
-- Python's order is (tp, tp_re, fn_name); (tp, fn_name) is accepted too.
function BPF:attach_tracepoint(...)
  if select("#", ...) == 2 and type(select(2, ...)) == "string" then
    local tp, fn_name = ...
    return self:attach_tracepoint{ tp = tp, fn_name = fn_name }
  end
  local tp, tp_re, fn_name = p_tracepoint(self, ...)
  if tp_re ~= "" then
    local tps, msg = core.tracepoints(tp_re)
    if not tps then raise("attach_tracepoint: " .. msg) end
    return attach_each("attach_tracepoint", "tracepoint", tps, tp_re, function(t)
      return tracepoint(self, t, fn_name)
    end)
  end
  if tp == "" then raise("attach_tracepoint: give 'tp' or 'tp_re'") end
  tracepoint(self, tp, fn_name)
end

local p_dtracepoint = method("detach_tracepoint", { { "tp", "string", required = true } })
function BPF:detach_tracepoint(...)
  detach(priv(self), "detach_tracepoint", "tracepoint", p_dtracepoint(self, ...))
end

local p_raw = method("attach_raw_tracepoint", {
  { "tp", "string", required = true }, { "fn_name", "string", required = true },
})
function BPF:attach_raw_tracepoint(...)
  local tp, fn_name = p_raw(self, ...)
  attach(priv(self), "attach_raw_tracepoint", "raw_tracepoint", tp, fn_name, function(obj, prep)
    return obj:attach_raw_tracepoint(fn_name, tp, prep)
  end)
end

local p_draw = method("detach_raw_tracepoint", { { "tp", "string", required = true } })
function BPF:detach_raw_tracepoint(...)
  detach(priv(self), "detach_raw_tracepoint", "raw_tracepoint", p_draw(self, ...))
end

-- A library name ("c", "pthread") or a path, as BCC resolves it.
local function library_path(what, name)
  if name:find("/") then return name end
  local path, msg = core.find_library(name)
  if not path then raise(what .. ": " .. msg) end
  return path
end

local function uprobe_key(ret, path, sym, addr, pid)
  return string.format("%s_%s:%s_%d", ret and "r" or "p", path,
    sym ~= "" and sym or string.format("0x%x", addr or 0), pid)
end

local uprobe
function uprobe(self, what, ret, name, sym, sym_re, addr, fn_name, pid, sym_off)
  local p = priv(self)
  if name == "" then raise(what .. ": 'name' (a binary or library) is required") end
  if sym_re ~= "" then
    -- As BCC: one probe per distinct address whose symbol matches.
    local addrs = BPF.get_user_addresses(library_path(what, name), sym_re)
    return attach_each(what, "function of '" .. name .. "'", addrs, sym_re, function(a)
      uprobe(self, what, ret, name, "", "", a, fn_name, pid, 0)
    end)
  end
  if sym == "" and not addr then raise(what .. ": give 'sym' or 'addr'") end
  local path = library_path(what, name)
  local key = uprobe_key(ret, path, sym, addr, pid)
  attach(p, what, "uprobe", key, fn_name, function(obj)
    if sym ~= "" then return obj:attach_uprobe(fn_name, path, sym, sym_off, pid, ret) end
    return obj:attach_uprobe(fn_name, path, nil, tonumber(addr), pid, ret)
  end)
end

local p_uprobe = method("attach_uprobe", {
  { "name", "string", "" }, { "sym", "string", "" }, { "sym_re", "string", "" },
  { "addr", "integer" }, { "fn_name", "string", required = true },
  { "pid", "integer", -1 }, { "sym_off", "integer", 0 },
})
function BPF:attach_uprobe(...)
  uprobe(self, "attach_uprobe", false, p_uprobe(self, ...))
end

local p_uretprobe = method("attach_uretprobe", {
  { "name", "string", "" }, { "sym", "string", "" }, { "sym_re", "string", "" },
  { "addr", "integer" }, { "fn_name", "string", required = true }, { "pid", "integer", -1 },
})
function BPF:attach_uretprobe(...)
  local name, sym, sym_re, addr, fn_name, pid = p_uretprobe(self, ...)
  uprobe(self, "attach_uretprobe", true, name, sym, sym_re, addr, fn_name, pid, 0)
end

local function detach_uprobe(what, ret)
  local parse = method(what, {
    { "name", "string", required = true }, { "sym", "string", "" },
    { "addr", "integer" }, { "pid", "integer", -1 },
  })
  return function(self, ...)
    local name, sym, addr, pid = parse(self, ...)
    local key = uprobe_key(ret, library_path(what, name), sym, addr, pid)
    detach(priv(self), what, "uprobe", key, nil, string.format("%s '%s'",
      ret and "uretprobe" or "uprobe", name .. ":" .. (sym ~= "" and sym or tostring(addr))))
  end
end
BPF.detach_uprobe = detach_uprobe("detach_uprobe", false)
BPF.detach_uretprobe = detach_uprobe("detach_uretprobe", true)

-- BCC names kfunc programs kfunc__X (or kfunc__vmlinux__X): X is the target.
local function kfunc_target(what, prefix, fn_name)
  local target = fn_name:match("^" .. prefix .. "__(.+)$")
  if not target then
    raise(string.format("%s: fn_name must be %s__<kernel function>, got '%s'", what, prefix, fn_name))
  end
  return target:match("^vmlinux__(.+)$") or target
end

local function kfunc(what, prefix, ret)
  local parse = method(what, { { "fn_name", "string", required = true } })
  return function(self, ...)
    local fn_name = parse(self, ...)
    local target = kfunc_target(what, prefix, fn_name)
    attach(priv(self), what, "kfunc", fn_name, fn_name, function(obj, prep)
      return obj:attach_kfunc(fn_name, target, ret, prep)
    end)
  end
end
BPF.attach_kfunc = kfunc("attach_kfunc", "kfunc", false)
BPF.attach_kretfunc = kfunc("attach_kretfunc", "kretfunc", true)

local function detach_kfunc(what)
  local parse = method(what, { { "fn_name", "string", required = true } })
  return function(self, ...)
    local fn_name = parse(self, ...)
    detach(priv(self), what, "kfunc", fn_name)
  end
end
BPF.detach_kfunc = detach_kfunc("detach_kfunc")
BPF.detach_kretfunc = detach_kfunc("detach_kretfunc")

---------------------------------------------------------------- perf events

for k, v in pairs(perf.constants) do BPF[k] = v end

-- Links attached together, detached together (one perf event per CPU).
local function link_group(links)
  return {
    detach = function() for _, l in ipairs(links) do l:detach() end end,
  }
end

local p_perf = method("attach_perf_event", {
  { "ev_type", "integer", required = true }, { "ev_config", "integer", required = true },
  { "fn_name", "string", required = true }, { "sample_period", "integer", 0 },
  { "sample_freq", "integer", 0 }, { "pid", "integer", -1 }, { "cpu", "integer", -1 },
  { "group_fd", "integer", -1 },
})
function BPF:attach_perf_event(...)
  local ev_type, ev_config, fn_name, period, freq, pid, cpu, group_fd = p_perf(self, ...)
  local p = priv(self)
  local cpus = { cpu }
  if cpu < 0 then
    local msg
    cpus, msg = core.online_cpus()
    if not cpus then raise("attach_perf_event: " .. msg) end
  end
  attach(p, "attach_perf_event", "perf_event", ev_type .. ":" .. ev_config, fn_name, function(obj)
    local links = {}
    for _, c in ipairs(cpus) do
      local l, msg, log = obj:attach_perf_event(fn_name, ev_type, ev_config, period, freq,
        pid, c, group_fd)
      if not l then
        link_group(links).detach()
        return nil, msg, log
      end
      links[#links + 1] = l
    end
    return link_group(links)
  end)
end

local p_dperf = method("detach_perf_event", {
  { "ev_type", "integer", required = true }, { "ev_config", "integer", required = true },
})
function BPF:detach_perf_event(...)
  local ev_type, ev_config = p_dperf(self, ...)
  detach(priv(self), "detach_perf_event", "perf_event", ev_type .. ":" .. ev_config, nil,
    string.format("perf event type %d config %d", ev_type, ev_config))
end

local p_none = {}
for _, name in ipairs({ "num_open_kprobes", "num_open_tracepoints", "num_open_uprobes",
                        "cleanup", "get_syscall_prefix" }) do
  p_none[name] = method(name, {})
end

function BPF:num_open_kprobes()
  p_none.num_open_kprobes(self)
  return count(priv(self), "kprobe")
end

function BPF:num_open_tracepoints()
  p_none.num_open_tracepoints(self)
  return count(priv(self), "tracepoint")
end

function BPF:num_open_uprobes()
  p_none.num_open_uprobes(self)
  return count(priv(self), "uprobe")
end

-- Each location of each probe the contexts enabled; counted as uprobes, as BCC.
local function attach_usdt(self, ctxs, ignore_pid)
  local p = priv(self)
  for _, u in ipairs(ctxs) do
    for _, a in ipairs(usdt.attachments(u, ignore_pid)) do
      local n = a.note
      local key = string.format("usdt_%s:%s:%s@0x%x_%d", a.path, n.provider, n.name, n.pc, a.pid)
      attach(p, "BPF: usdt_contexts", "uprobe", key, a.fn_name, function(obj)
        p.usdt_slots = p.usdt_slots + 1
        return obj:attach_usdt(a.fn_name, a.path, n, a.pid, p.usdt_slots - 1)
      end)
    end
  end
end

-- Functions named after their probe are attached when the object is made:
-- all of them prepared first, then all attached, so that nothing is loaded
-- or read once the first probe is live (a tool counting reads must not
-- count bpflua's own start-up).
local function autoload_pass(self, p)
  for _, fn in ipairs(p.obj:programs()) do
    local rest = fn:match("^kprobe__(.+)$")
    if rest then self:attach_kprobe{ event = core.fix_syscall_fnname(rest), fn_name = fn } end
    rest = fn:match("^kretprobe__(.+)$")
    if rest then self:attach_kretprobe{ event = core.fix_syscall_fnname(rest), fn_name = fn } end
    local cat, ev = fn:match("^tracepoint__(.-)__(.+)$")
    if cat then self:attach_tracepoint{ tp = cat .. ":" .. ev, fn_name = fn } end
    rest = fn:match("^raw_tracepoint__(.+)$")
    if rest then self:attach_raw_tracepoint{ tp = rest, fn_name = fn } end
    if fn:match("^kfunc__.") then self:attach_kfunc{ fn_name = fn } end
    if fn:match("^kretfunc__.") then self:attach_kretfunc{ fn_name = fn } end
    if fn:match("^lsm__.") then self:attach_lsm{ fn_name = fn } end
  end
end

-- The probes of the object's USDT contexts come first (uprobes on user
-- code: a read counted by a kernel probe is never theirs).
function autoload(self, usdt_ctxs, ignore_pid)
  attach_usdt(self, usdt_ctxs or {}, ignore_pid)
  local p = priv(self)
  p.preparing = true
  local ok, err = pcall(autoload_pass, self, p)
  p.preparing = nil
  if not ok then error(err, 0) end
  autoload_pass(self, p)
end

function BPF:cleanup()
  p_none.cleanup(self)
  local p = rawget(self, P)
  if not p.life.open then return end
  p.life.open = false
  for _, group in pairs(p.probes) do
    for key, links in pairs(group) do
      for _, link in pairs(links) do link:detach() end
      group[key] = nil
    end
  end
  events.close_all(p.life)
  perf.close_all(p.life)
  p.obj:close()
  live[self] = nil
end

---------------------------------------------------------------- syscalls

local p_fnname = method("get_syscall_fnname", { { "name", "string", required = true } })
function BPF:get_syscall_fnname(...)
  return core.syscall_prefix() .. p_fnname(self, ...)
end

function BPF:get_syscall_prefix()
  p_none.get_syscall_prefix(self)
  return core.syscall_prefix()
end

---------------------------------------------------------------- tables

-- The object's own maps (__bl_printk, ...) are not the user's tables.
local function user_maps(p)
  local out = {}
  for _, m in ipairs(p.obj:maps()) do
    if m.name:sub(1, 5) ~= "__bl_" then out[#out + 1] = m end
  end
  return out
end

local function table_names(p)
  local names = {}
  for _, m in ipairs(user_maps(p)) do names[#names + 1] = m.name end
  return #names > 0 and "its tables: " .. table.concat(names, ", ") or "it has no tables"
end

local function open_table(self, what, name, keytype, leaftype)
  local p = priv(self)
  local cached = not keytype and not leaftype and p.tables[name]
  if cached then return cached end
  local info = name:sub(1, 5) ~= "__bl_" and p.obj:map(name)
  if not info then
    raise(string.format("%s: no table '%s' in the BPF program (%s)", what, name, table_names(p)))
  end
  local t = tables.new(info, p.life, keytype, leaftype)
  if not keytype and not leaftype then p.tables[name] = t end
  return t
end

local p_get_table = method("get_table", {
  { "name", "string", required = true }, { "keytype", "string|cdata" },
  { "leaftype", "string|cdata" }, { "reducer", "function" }, { "single", "boolean", false },
})
function BPF:get_table(...)
  local name, keytype, leaftype = p_get_table(self, ...)
  return open_table(self, "get_table", name, keytype, leaftype)
end

local function method_names()
  local names = {}
  for k, v in pairs(BPF) do
    if type(k) == "string" and type(v) == "function" and not k:find("^_") then
      names[#names + 1] = k
    end
  end
  return names
end

-- b.x is a method, else a table; a name that is neither says so, with the
-- closest method name (b:attach_perf_evnt is more likely a typo than a
-- missing table).
mt.__index = function(self, k)
  local m = BPF[k]
  if m ~= nil then return m end
  if type(k) ~= "string" then return nil end
  local p = priv(self)
  if p.tables[k] or p.obj:map(k) then return open_table(self, "BPF", k) end
  local near = args.closest(k, method_names())
  near = near and "b:" .. near
  if not near then
    local names = {}
    for _, m in ipairs(p.obj:maps()) do names[#names + 1] = m.name end
    near = args.closest(k, names)
    near = near and string.format('b["%s"]', near)
  end
  raise(string.format("'%s' is not a method of BPF, nor a table in its program (%s)%s", k,
    table_names(p), near and "; did you mean " .. near .. "?" or ""))
end

-- For the REPL's Tab completion (bpflua.completion): the methods, and the
-- names of the object's tables (completed inside b["...").
mt.__complete = function(self)
  local methods, tables = {}, {}
  for k, v in pairs(BPF) do
    if type(k) == "string" and type(v) == "function" then methods[#methods + 1] = k end
  end
  local p = rawget(self, P)
  if p.life.open then
    for _, m in ipairs(user_maps(p)) do tables[#tables + 1] = m.name end
  end
  return methods, tables
end

mt.__tostring = function(self)
  local p = rawget(self, P)
  return p.life.open and "BPF object (" .. p.obj:name() .. ")" or "BPF object (cleaned up)"
end

---------------------------------------------------------------- event buffers

-- Poll rounds over the buffers opened with t:open_perf_buffer and
-- t:open_ring_buffer (lua/bpflua/events.lua); each returns the number of
-- records delivered. BCC's default timeout, -1, waits for the first records.
-- A plain integer timeout (or none) skips the argument parser: scripts
-- call these in their hottest loop.
local function poll_timeout(parse, self, ...)
  local n, t = select("#", ...), ...
  if type(self) == "table" and rawget(self, P) then
    if n == 0 then return -1 end
    if n == 1 and type(t) == "number" and t % 1 == 0 then return t end
  end
  return tonumber((parse(self, ...)))
end

local p_perf_poll = method("perf_buffer_poll", { { "timeout", "integer", -1 } })
function BPF:perf_buffer_poll(...)
  local timeout = poll_timeout(p_perf_poll, self, ...)
  return events.poll(priv(self).life, "perf", "perf_buffer_poll", timeout)
end

local p_ring_poll = method("ring_buffer_poll", { { "timeout", "integer", -1 } })
function BPF:ring_buffer_poll(...)
  local timeout = poll_timeout(p_ring_poll, self, ...)
  return events.poll(priv(self).life, "ring", "ring_buffer_poll", timeout)
end

local p_ring_consume = method("ring_buffer_consume", {})
function BPF:ring_buffer_consume(...)
  p_ring_consume(self, ...)
  return events.consume(priv(self).life, "ring_buffer_consume")
end

---------------------------------------------------------------- trace pipe

-- bpf_trace_printk output: the object's private stream (the hidden ring
-- buffer __bl_printk, formatted by C as the kernel's pipe would show it,
-- runtime/printk.h), or, for objects built with trace_pipe = "global", the
-- kernel's trace_pipe, one for all objects.

local pipe      -- shared by all global-mode objects: there is one trace_pipe

local function trace_pipe()
  if not pipe then
    local tp, msg = core.trace_open()
    if not tp then raise(msg) end
    pipe = tp
  end
  return pipe
end

local LINE_MAX = 8192
local PRINTK_MAP = "__bl_printk"
local PRINTK_PERF_PAGES = 64   -- per CPU: 256 KiB, as the ring buffer

-- The object's stream { ev, ptr, lines, head }, or false in global mode.
-- Its buffer is closed with the object's other buffers (events.close_all).
-- A private-mode object that never calls bpf_trace_printk has no buffer
-- (bpf-headers/bpflua/printk.h): its stream is empty, { lines = {} }.
function private_stream(p)
  if p.printk ~= nil then return p.printk end
  if p.trace_global then p.printk = false; return false end
  local info = p.obj:map(PRINTK_MAP)
  if not info then
    p.printk = { lines = {}, head = 1 }
    return p.printk
  end
  local ev, msg
  if info.type == "perf_event_array" then
    ev, msg = core.open_perf(info.fd, info.name, PRINTK_PERF_PAGES, 1)
  else
    ev, msg = core.open_ring(info.fd, info.name)
  end
  if not ev then raise(msg) end
  local s = { ev = ev, ptr = ffi.cast("struct bl_events *", ev:ptr()), lines = {}, head = 1,
              buf = ffi.new("char[?]", LINE_MAX) }
  p.life.buffers = p.life.buffers or { perf = {}, ring = {} }
  p.life.buffers.printk = { s }
  p.printk = s
  return s
end

-- Formats the records of the last poll into s.lines (blank lines dropped,
-- as the pipe reader drops them).
local function take_records(s)
  local recs = C.bl_events_records(s.ptr)
  s.lines, s.head = {}, 1
  while true do
    local n = C.bl_events_next(s.ptr)
    if n < 0 then raise("trace: reading the private stream failed: " .. tables.strerror(n)) end
    if n == 0 then break end
    for i = 0, n - 1 do
      local len = C.bl_printk_line(recs[i].data, recs[i].size, s.buf, LINE_MAX)
      if len > 0 then
        for l in ffi.string(s.buf, len):gmatch("[^\n]+") do
          if l:find("%S") then s.lines[#s.lines + 1] = l end
        end
      end
    end
  end
  C.bl_events_release(s.ptr)
end

local function private_line(s, nonblocking)
  if not s.ev then  -- nothing can ever print: wait as a reader would, interruptibly
    while not nonblocking do core.sleep(3600) end
    return nil
  end
  while s.head > #s.lines do
    local ready, msg = core.events_poll(nonblocking and 0 or -1, s.ev)
    if ready == nil then raise(msg) end
    if ready then take_records(s) end
    if nonblocking and s.head > #s.lines then return nil end
  end
  local line = s.lines[s.head]
  s.head = s.head + 1
  return line
end

local function readline(self, nonblocking)
  local p = priv(self)
  local s = private_stream(p)
  if s then return private_line(s, nonblocking) end
  local line, msg = trace_pipe():readline(nonblocking)
  if line == nil and msg then raise(msg) end
  return line
end

local p_readline = method("trace_readline", { { "nonblocking", "boolean", false } })
function BPF:trace_readline(...)
  return readline(self, p_readline(self, ...))
end

local function fields(self, nonblocking)
  local s = private_stream(priv(self))
  if s then
    repeat
      local line = private_line(s, nonblocking)
      if not line then return nil end
      local f = { core.trace_parse(line) }
      if f[1] then return unpack(f, 1, 6) end
    until false
  end
  local task, pid, cpu, flags, ts, msg = trace_pipe():fields(nonblocking)
  if task == nil and pid ~= nil then raise(pid) end
  return task, pid, cpu, flags, ts, msg
end

local p_fields = method("trace_fields", { { "nonblocking", "boolean", false } })
function BPF:trace_fields(...)
  return fields(self, p_fields(self, ...))
end

-- Python's str.format for trace_print's fmt: {N}, {}, {N:[<>^]width.precision type}.
local function pyformat(fmt, vals)
  local auto = 0
  local s = fmt:gsub("{{", "\1"):gsub("}}", "\2")
  s = s:gsub("{(%d*)(:?)([^{}]*)}", function(idx, colon, spec)
    if idx == "" then idx = auto; auto = auto + 1 else idx = tonumber(idx) end
    local v = vals[idx + 1]
    if colon == "" then return tostring(v) end
    local align, width, prec, ty = spec:match("^([<>^]?)(%d*)%.?(%d*)([dfsx]?)$")
    if not align then return tostring(v) end
    local left = align == "<" or (align == "" and type(v) == "string")
    local f = "%" .. (left and "-" or "") .. width
    if ty == "f" or (prec ~= "" and type(v) == "number") then
      return string.format(f .. "." .. (prec ~= "" and prec or "6") .. "f", v)
    elseif ty == "d" or ty == "x" then
      return string.format(f .. ty, v)
    end
    return string.format(f .. "s", tostring(v))
  end)
  return (s:gsub("\1", "{"):gsub("\2", "}"))
end
BPF._pyformat = pyformat

-- Prints trace_pipe lines forever; flushes each, so a pipe sees it at once.
local p_print = method("trace_print", { { "fmt", "string" } })
function BPF:trace_print(...)
  local fmt = p_print(self, ...)
  local out = io.stdout
  while true do
    local line
    if fmt then
      line = pyformat(fmt, { fields(self, false) })
    else
      line = self:trace_readline(false)
    end
    out:write(line, "\n")
    out:flush()
  end
end

---------------------------------------------------------------- class functions

local p_kfuncs = args.spec("get_kprobe_functions", { { "event_re", "string", required = true } })
BPF.get_kprobe_functions = static(function(...)
  local fns, msg = core.kprobe_functions(p_kfuncs(...))
  if not fns then raise("get_kprobe_functions: " .. msg) end
  return fns
end)

local p_tpexists = args.spec("tracepoint_exists", {
  { "category", "string", required = true }, { "event", "string", required = true } })
BPF.tracepoint_exists = static(function(...)
  return core.tracepoint_exists(p_tpexists(...))
end)

local p_tps = args.spec("get_tracepoints", { { "tp_re", "string", required = true } })
BPF.get_tracepoints = static(function(...)
  local tps, msg = core.tracepoints(p_tps(...))
  if not tps then raise("get_tracepoints: " .. msg) end
  table.sort(tps)
  return tps
end)

-- Function symbols of a binary or library whose name matches sym_re
-- (re.match), as { {name, addr}, ... } in symbol-table order.
local function user_functions(what, name, sym_re)
  local fns, msg = core.user_functions(library_path(what, name), sym_re)
  if not fns then raise(what .. ": " .. msg) end
  for i, f in ipairs(fns) do fns[i] = { f[1], f[2] + f[3] * 4294967296 } end
  return fns
end

-- Field i of each entry, once each, sorted.
local function distinct(entries, i)
  local seen, out = {}, {}
  for _, e in ipairs(entries) do
    if not seen[e[i]] then seen[e[i]] = true; out[#out + 1] = e[i] end
  end
  table.sort(out)
  return out
end

local p_ufns = args.spec("get_user_functions", {
  { "name", "string", required = true }, { "sym_re", "string", required = true } })
BPF.get_user_functions = static(function(...)
  return distinct(user_functions("get_user_functions", p_ufns(...)), 1)
end)

local p_uaddrs = args.spec("get_user_addresses", {
  { "name", "string", required = true }, { "sym_re", "string", required = true } })
BPF.get_user_addresses = static(function(...)
  return distinct(user_functions("get_user_addresses", p_uaddrs(...)), 2)
end)

local p_ufas = args.spec("get_user_functions_and_addresses", {
  { "name", "string", required = true }, { "sym_re", "string", required = true } })
BPF.get_user_functions_and_addresses = static(function(...)
  return user_functions("get_user_functions_and_addresses", p_ufas(...))
end)

-- 1, 0, or -1 (no such struct, no BTF) as BCC's: compare with == 1, since
-- 0 is true in Lua.
local p_has_field = args.spec("kernel_struct_has_field", {
  { "struct_name", "string", required = true }, { "field_name", "string", required = true } })
BPF.kernel_struct_has_field = static(function(...)
  return core.kernel_struct_has_field(p_has_field(...))
end)

BPF.support_raw_tracepoint = static(function() return core.has_raw_tracepoint() end)
BPF.support_kfunc = static(function() return core.has_fentry() end)

BPF.monotonic_time = static(function()
  return tables.num(C.bl_monotonic_ns())
end)

local p_findlib = args.spec("find_library", { { "name", "string", required = true } })
local p_findexe = args.spec("find_exe", { { "bin_path", "string", required = true } })
BPF.find_exe = static(function(...) return usdt.find_exe(p_findexe(...)) end)

BPF.find_library = static(function(...)
  return (core.find_library(p_findlib(...)))
end)

-- Symbols, as BCC prints them: "name", "name+0x1a", "name+0x1a [module]",
-- "[unknown]"; one C layer formats them for kernel and user addresses
-- (runtime/sym/sym.h, pid < 0 is the kernel).
local symbuf = ffi.new("char[?]", 4096)

local function symbolize(what, addr, pid, show_module, show_offset, demangle)
  local flags = (show_module and C.BL_SYM_MODULE or 0) + (show_offset and C.BL_SYM_OFFSET or 0)
    + (demangle and C.BL_SYM_DEMANGLE or 0)
  local n = C.bl_sym_format(pid, addr, flags, symbuf, 4096)
  if n < 0 then
    raise(string.format("%s: cannot read the symbols: %s", what, ffi.string(C.bl_strerror(n))))
  end
  return ffi.string(symbuf, n)
end

local p_ksym = args.spec("ksym", {
  { "addr", "integer", required = true }, { "show_module", "boolean", false },
  { "show_offset", "boolean", false } })
BPF.ksym = static(function(...)
  local addr, show_module, show_offset = p_ksym(...)
  return symbolize("ksym", addr, -1, show_module, show_offset, false)
end)

local p_sym = args.spec("sym", {
  { "addr", "integer", required = true }, { "pid", "integer", required = true },
  { "show_module", "boolean", false }, { "show_offset", "boolean", false },
  { "demangle", "boolean", true } })
local function is_int(v)
  return type(v) == "cdata" or (type(v) == "number" and v % 1 == 0)
end
local function is_opt_bool(v) return v == nil or type(v) == "boolean" end

-- Stack printing calls this per frame: well-typed positional calls skip
-- the general argument parser (several microseconds a call).
BPF.sym = static(function(...)
  local addr, pid, show_module, show_offset, demangle = ...
  if select("#", ...) <= 5 and is_int(addr) and is_int(pid) and is_opt_bool(show_module)
     and is_opt_bool(show_offset) and is_opt_bool(demangle) then
    return symbolize("sym", addr, pid, show_module, show_offset, demangle ~= false)
  end
  addr, pid, show_module, show_offset, demangle = p_sym(...)
  return symbolize("sym", addr, pid, show_module, show_offset, demangle)
end)

local p_ksymname = args.spec("ksymname", { { "name", "string", required = true } })
-- Kernel addresses stay uint64_t through the FFI (ffi.h: bl_ksym_find_name).
local ksym_u64 = ffi.new("uint64_t[1]")
BPF.ksymname = static(function(...)
  local r = C.bl_ksym_find_name(p_ksymname(...), ksym_u64)
  if r < 0 then
    raise(string.format("ksymname: cannot read /proc/kallsyms: %s", ffi.string(C.bl_strerror(r))))
  end
  if r == 0 then return -1 end
  return tables.num(ksym_u64[0])
end)

-- load_func, program types, attach_lsm, raw sockets and XDP (funcs.lua).
funcs.install(BPF, { priv = priv, method = method, raise = raise, fail = fail,
                     attach = attach, detach = detach, static = static })
-- iter_read, iter_lines, get_iter_targets (iter.lua).
iter.install(BPF, { priv = priv, method = method, raise = raise, fail = fail, static = static })

return BPF
