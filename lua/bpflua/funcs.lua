-- funcs.lua - BCC's function objects and program types on the BPF class:
--
--   local fn = b:load_func("name", BPF.SOCKET_FILTER)   -- fn.name, fn.fd
--   local fns = b:load_funcs(BPF.KPROBE)
--   b["jump"][2] = fn                                    -- a tail call target
--   b:attach_lsm{fn_name = "lsm__bpf"}                   -- LSM_PROBE(bpf, ...)
--   BPF.attach_raw_socket(fn, "lo")                      -- fn.sock: the socket's fd
--   BPF.attach_xdp("lo", fn, BPF.XDP_FLAGS_SKB_MODE); BPF.remove_xdp("lo")
--   b:attach_func(fn, b["sock_hash"], BPF.BPFAttachType.SK_MSG_VERDICT)
--   b:attach_tc{dev = "lo", fn_name = "classify", direction = "egress"}
--
-- load_func loads a function as a program type without attaching it; the
-- fd belongs to the BPF object and closes with it (b:cleanup()). A raw
-- socket and an XDP attachment belong to the function's object too: both
-- go at cleanup() and at exit, however the script ends (an XDP or TC
-- attachment is a kernel BPF link, runtime/attach.h), as do attach_func's.

local args = require "bpflua.args"
local core = require "bpflua.core"
local iters = require "bpflua.iter"
local tables = require "bpflua.table"


local M = {}

-- BCC's names for the kernel's program types (enum bpf_prog_type).
local PROG_TYPES = {
  SOCKET_FILTER = 1, KPROBE = 2, SCHED_CLS = 3, SCHED_ACT = 4, TRACEPOINT = 5,
  XDP = 6, PERF_EVENT = 7, CGROUP_SKB = 8, CGROUP_SOCK = 9, LWT_IN = 10,
  LWT_OUT = 11, LWT_XMIT = 12, SOCK_OPS = 13, SK_SKB = 14, CGROUP_DEVICE = 15,
  SK_MSG = 16, RAW_TRACEPOINT = 17, CGROUP_SOCK_ADDR = 18, CGROUP_SOCKOPT = 25,
  TRACING = 26, EXTENSION = 28, LSM = 29,
  -- not in BCC's list; bpflua attaches them with attach_func
  FLOW_DISSECTOR = 22, SK_LOOKUP = 30,
}
-- BCC's BPFAttachType (enum bpf_attach_type); ATTACH_KINDS (below) says
-- which ones attach_func takes and how.
local ATTACH_TYPES = {
  CGROUP_INET_INGRESS = 0, CGROUP_INET_EGRESS = 1, CGROUP_INET_SOCK_CREATE = 2,
  CGROUP_SOCK_OPS = 3, SK_SKB_STREAM_PARSER = 4, SK_SKB_STREAM_VERDICT = 5,
  CGROUP_DEVICE = 6, SK_MSG_VERDICT = 7, CGROUP_INET4_BIND = 8, CGROUP_INET6_BIND = 9,
  CGROUP_INET4_CONNECT = 10, CGROUP_INET6_CONNECT = 11, CGROUP_INET4_POST_BIND = 12,
  CGROUP_INET6_POST_BIND = 13, CGROUP_UDP4_SENDMSG = 14, CGROUP_UDP6_SENDMSG = 15,
  LIRC_MODE2 = 16, FLOW_DISSECTOR = 17, CGROUP_SYSCTL = 18, CGROUP_UDP4_RECVMSG = 19,
  CGROUP_UDP6_RECVMSG = 20, CGROUP_GETSOCKOPT = 21, CGROUP_SETSOCKOPT = 22,
  TRACE_RAW_TP = 23, TRACE_FENTRY = 24, TRACE_FEXIT = 25, MODIFY_RETURN = 26,
  LSM_MAC = 27, TRACE_ITER = 28, CGROUP_INET4_GETPEERNAME = 29,
  CGROUP_INET6_GETPEERNAME = 30, CGROUP_INET4_GETSOCKNAME = 31,
  CGROUP_INET6_GETSOCKNAME = 32, XDP_DEVMAP = 33, CGROUP_INET_SOCK_RELEASE = 34,
  XDP_CPUMAP = 35, SK_LOOKUP = 36, XDP = 37, SK_SKB_VERDICT = 38,
}
M.BPFAttachType = ATTACH_TYPES

-- What attach_func's target is for each kind of attach type: target(what,
-- x) checks it and gives (the value C takes, a label for messages and
-- keys); attach(obj, fn, attach_type, value, prep) attaches (runtime/attach.h).
local function int_fd(x) return type(x) == "number" and x % 1 == 0 and x >= 0 end
local CGROUP = {
  target = function(what, x)
    if type(x) ~= "string" and not int_fd(x) then
      args.error(what .. ": the target is a cgroup directory's path or an fd open on it, got "
        .. type(x))
    end
    return x, tostring(x)
  end,
  attach = function(obj, fn, at, x, prep)
    return obj:attach_cgroup(fn.name, fn.prog_type, at, x, prep)
  end,
}
-- A BPF_SOCKMAP/BPF_SOCKHASH table (b["name"]) or its fd, as BCC's
-- attachable_fd.
local SOCKMAP = {
  target = function(what, x)
    if tables.is_table(x) then
      local st = tables.state(x)
      if st.info.type ~= "sockmap" and st.info.type ~= "sockhash" then
        args.error(string.format("%s: table '%s' is of type %s; socket map programs attach to a "
          .. "BPF_SOCKMAP or BPF_SOCKHASH", what, st.name, st.info.type))
      end
      return { fd = st.fd, name = st.name }, st.name
    end
    if not int_fd(x) then
      args.error(what .. ": the target is a BPF_SOCKMAP or BPF_SOCKHASH table (b[\"name\"]) "
        .. "or its fd, got " .. type(x))
    end
    return { fd = x, name = "fd " .. x }, "fd " .. x
  end,
  attach = function(obj, fn, at, x, prep)
    return obj:attach_sockmap(fn.name, fn.prog_type, at, x.fd, x.name, prep)
  end,
}
-- A network namespace: 0 or nil for the script's own (bpf_prog_attach's
-- target_fd 0 in BCC), a path (/proc/PID/ns/net, /run/netns/NAME) or an fd.
local NETNS = {
  target = function(what, x)
    if x == nil or x == 0 then return "/proc/self/ns/net", "/proc/self/ns/net" end
    if type(x) ~= "string" and not int_fd(x) then
      args.error(what .. ": the target is a network namespace (0 for the script's own, "
        .. "a path such as /run/netns/NAME, or an fd), got " .. type(x))
    end
    return x, tostring(x)
  end,
  attach = function(obj, fn, at, x, prep)
    return obj:attach_netns(fn.name, fn.prog_type, at, x, prep)
  end,
}
local ATTACH_KINDS = {
  [ATTACH_TYPES.SK_MSG_VERDICT] = SOCKMAP, [ATTACH_TYPES.SK_SKB_STREAM_PARSER] = SOCKMAP,
  [ATTACH_TYPES.SK_SKB_STREAM_VERDICT] = SOCKMAP, [ATTACH_TYPES.SK_SKB_VERDICT] = SOCKMAP,
  [ATTACH_TYPES.FLOW_DISSECTOR] = NETNS, [ATTACH_TYPES.SK_LOOKUP] = NETNS,
}
for name, v in pairs(ATTACH_TYPES) do
  if name:find("^CGROUP_") then ATTACH_KINDS[v] = CGROUP end
end

local TYPE_NAMES = {}
for name, v in pairs(PROG_TYPES) do TYPE_NAMES[v] = name end
local TRACE_FENTRY, TRACE_FEXIT, LSM_MAC, TRACE_ITER = 24, 25, 27, 28

-- BCC's XDP actions and attach flags (uapi/linux/bpf.h, if_link.h).
local XDP_CONSTANTS = {
  XDP_ABORTED = 0, XDP_DROP = 1, XDP_PASS = 2, XDP_TX = 3, XDP_REDIRECT = 4,
  XDP_FLAGS_UPDATE_IF_NOEXIST = 1, XDP_FLAGS_SKB_MODE = 2, XDP_FLAGS_DRV_MODE = 4,
  XDP_FLAGS_HW_MODE = 8, XDP_FLAGS_REPLACE = 16,
}

-- A function object: fields name, fd and bpf, as BCC's BPF.Function.
local Function = {}
Function.__index = Function
Function.__tostring = function(f)
  return string.format("bpflua function '%s' (fd %d)", f.name, f.fd)
end
M.Function = Function

function M.is_function(x)
  return getmetatable(x) == Function
end

-- What a TRACING or LSM program attaches to follows from its name, as in
-- BCC: kfunc__X / kretfunc__X (fentry/fexit of X), lsm__X (hook X),
-- bpf_iter__X (BPF_ITER(X), an iterator over X).
local function attach_target(h, name, prog_type)
  if prog_type == PROG_TYPES.LSM then
    local hook = name:match("^lsm__(.+)$")
    if not hook then h.raise("load_func: an LSM function is named lsm__<hook>, got '" .. name .. "'") end
    return LSM_MAC, hook
  end
  if prog_type == PROG_TYPES.TRACING then
    local iter = name:match("^bpf_iter__(.+)$")
    if iter then
      iters.check_target(h, "load_func", iter)
      return TRACE_ITER, iter
    end
    local kind, target = name:match("^(k?r?e?t?func)__(.+)$")
    if kind ~= "kfunc" and kind ~= "kretfunc" then
      h.raise("load_func: a TRACING function is named kfunc__<function>, kretfunc__<function> "
        .. "or bpf_iter__<target>, got '"
        .. name .. "'")
    end
    return kind == "kfunc" and TRACE_FENTRY or TRACE_FEXIT, target:match("^vmlinux__(.+)$") or target
  end
  if prog_type == PROG_TYPES.SK_LOOKUP then return ATTACH_TYPES.SK_LOOKUP, nil end
  return nil, nil
end

-- The function object's BPF object state, for the attachments it owns.
local function owner(h, what, fn)
  if not M.is_function(fn) then
    h.raise(string.format("%s: fn must be a function object from b:load_func(), got %s",
      what, type(fn)))
  end
  return h.priv(fn.bpf)
end

local function install_net(BPF, h)
  -- BCC's static methods: BPF.attach_raw_socket(fn, dev), and the same
  -- through an object (b:attach_raw_socket(fn, dev)).
  local p_sock = args.spec("attach_raw_socket", {
    { "fn", "any", required = true }, { "dev", "string", required = true } })
  BPF.attach_raw_socket = h.static(function(...)
    local fn, dev = p_sock(...)
    local p = owner(h, "attach_raw_socket", fn)
    local link = h.attach(p, "attach_raw_socket", "socket", dev, fn.name, function(obj)
      return obj:attach_raw_socket(fn.name, fn.fd, dev)
    end)
    fn.sock = link:fd()
  end)

  -- Which object holds the XDP attachment of each device.
  local xdp_owner = setmetatable({}, { __mode = "v" })
  local p_xdp = args.spec("attach_xdp", {
    { "dev", "string", required = true }, { "fn", "any", required = true },
    { "flags", "integer", 0 } })
  BPF.attach_xdp = h.static(function(...)
    local dev, fn, flags = p_xdp(...)
    local p = owner(h, "attach_xdp", fn)
    h.attach(p, "attach_xdp", "xdp", dev, fn.name, function(obj)
      return obj:attach_xdp(fn.name, fn.fd, dev, flags)
    end)
    xdp_owner[dev] = p
  end)

  -- BCC removes whatever XDP program the device has: bpflua's own
  -- attachment, else one attached without a link (by another tool).
  local p_rxdp = args.spec("remove_xdp", {
    { "dev", "string", required = true }, { "flags", "integer", 0 } })
  BPF.remove_xdp = h.static(function(...)
    local dev, flags = p_rxdp(...)
    local p = xdp_owner[dev]
    if p and p.life.open and p.probes.xdp[dev] then
      h.detach(p, "remove_xdp", "xdp", dev)
      xdp_owner[dev] = nil
      return
    end
    local ok, msg = core.xdp_detach(dev, flags)
    if not ok then h.fail(nil, msg) end
  end)
end

-- b:attach_tc{dev=, fn_name=, direction="ingress"|"egress"} and
-- b:detach_tc{dev=[, fn_name=], direction=}: a BPF.SCHED_CLS function on a
-- device's ingress or egress through a tcx link, which goes with the
-- object and the process (runtime/attach_tc.c). BCC has no such method.
local DIRECTIONS = { ingress = false, egress = true }

local function install_tc(BPF, h)
  local function direction(what, d)
    if DIRECTIONS[d] == nil then
      h.raise(string.format("%s: direction is \"ingress\" or \"egress\", got '%s'", what, d))
    end
    return DIRECTIONS[d]
  end
  local function tc_fn(fn)
    if M.is_function(fn) then
      if fn.prog_type ~= PROG_TYPES.SCHED_CLS then
        h.raise(string.format("attach_tc: '%s' is loaded as %s; attach_tc takes BPF.SCHED_CLS "
          .. "functions (a BPF.SCHED_ACT one is a tc action)", fn.name,
          TYPE_NAMES[fn.prog_type] or tostring(fn.prog_type)))
      end
      return fn.name
    end
    if type(fn) ~= "string" then
      h.raise("attach_tc: fn_name is a function's name or a function object, got " .. type(fn))
    end
    return fn
  end

  local p_tc = h.method("attach_tc", {
    { "dev", "string", required = true }, { "fn_name", "any", required = true },
    { "direction", "string", "ingress" } })
  function BPF:attach_tc(...)
    local dev, fn, dir = p_tc(self, ...)
    local egress = direction("attach_tc", dir)
    fn = tc_fn(fn)
    h.attach(h.priv(self), "attach_tc", "tc", dev .. " " .. dir, fn, function(obj, prep)
      return obj:attach_tc(fn, dev, egress, prep)
    end)
  end

  local p_dtc = h.method("detach_tc", {
    { "dev", "string", required = true }, { "fn_name", "string" },
    { "direction", "string", "ingress" } })
  function BPF:detach_tc(...)
    local dev, fn, dir = p_dtc(self, ...)
    direction("detach_tc", dir)
    h.detach(h.priv(self), "detach_tc", "tc", dev .. " " .. dir, fn,
      string.format("tc %s of '%s'", dir, dev))
  end
end

function M.install(BPF, h)
  for name, v in pairs(PROG_TYPES) do BPF[name] = v end
  for name, v in pairs(XDP_CONSTANTS) do BPF[name] = v end
  install_net(BPF, h)

  local p_load = h.method("load_func", {
    { "func_name", "string", required = true }, { "prog_type", "integer", required = true },
    { "device", "any" }, { "attach_type", "integer", -1 },
  })
  -- One function object per (name, type), as BCC caches them in self.funcs.
  function BPF:load_func(...)
    local name, prog_type = p_load(self, ...)
    local p = h.priv(self)
    if not TYPE_NAMES[prog_type] then
      h.raise(string.format("load_func: unknown program type %d (BPF.KPROBE, BPF.TRACEPOINT, ...)",
        prog_type))
    end
    p.funcs = p.funcs or {}
    local key = name .. "/" .. prog_type
    if p.funcs[key] then return p.funcs[key] end
    local eat, target = attach_target(h, name, prog_type)
    local fd, msg, log = p.obj:load_prog(name, prog_type, eat, target)
    if not fd then h.fail(p, msg, log) end
    local f = setmetatable({ name = name, fd = fd, bpf = self, prog_type = prog_type }, Function)
    p.funcs[key] = f
    return f
  end

  local p_loads = h.method("load_funcs", { { "prog_type", "integer", PROG_TYPES.KPROBE } })
  function BPF:load_funcs(...)
    local prog_type = p_loads(self, ...)
    local out = {}
    for _, name in ipairs(h.priv(self).obj:programs()) do
      out[#out + 1] = self:load_func(name, prog_type)
    end
    return out
  end

  BPF.BPFAttachType = ATTACH_TYPES

  -- attach_func(fn, target, attach_type[, flags]) as BCC's (also called
  -- BPF.attach_func(fn, ...)). The attach type says what target is and
  -- how the function attaches (ATTACH_KINDS); each way goes with the
  -- object and the process. The function is loaded again for the attach type.
  local function func_args(what, fn, target, attach_type)
    if not M.is_function(fn) then h.raise(what .. ": arg 1 must be a function from load_func") end
    local kind = ATTACH_KINDS[attach_type]
    if not kind then
      h.raise(string.format("%s: attach type %s: bpflua attaches cgroup programs "
        .. "(BPFAttachType.CGROUP_*), socket map programs (SK_MSG_VERDICT, SK_SKB_*), "
        .. "FLOW_DISSECTOR and SK_LOOKUP (XDP and TC programs: attach_xdp, attach_tc)",
        what, tostring(attach_type)))
    end
    local t, label = kind.target(what, target)
    return fn.bpf, fn, t, attach_type, kind, label
  end

  BPF.attach_func = h.static(function(...)
    local b, fn, target, attach_type, kind, label = func_args("attach_func", ...)
    h.attach(h.priv(b), "attach_func", "func", label .. "/" .. attach_type, fn.name,
      function(obj, prep) return kind.attach(obj, fn, attach_type, target, prep) end)
  end)

  BPF.detach_func = h.static(function(...)
    local b, fn, _, attach_type, _, label = func_args("detach_func", ...)
    h.detach(h.priv(b), "detach_func", "func", label .. "/" .. attach_type, fn.name,
      string.format("'%s' (attach type %d)", label, attach_type))
  end)

  install_tc(BPF, h)

  local p_lsm = h.method("attach_lsm", { { "fn_name", "string", required = true } })
  function BPF:attach_lsm(...)
    local fn_name = p_lsm(self, ...)
    local hook = fn_name:match("^lsm__(.+)$") or fn_name
    fn_name = "lsm__" .. hook
    h.attach(h.priv(self), "attach_lsm", "lsm", fn_name, fn_name, function(obj, prep)
      return obj:attach_lsm(fn_name, hook, prep)
    end)
  end

  local p_dlsm = h.method("detach_lsm", { { "fn_name", "string", required = true } })
  function BPF:detach_lsm(...)
    local fn_name = p_dlsm(self, ...)
    fn_name = fn_name:match("^lsm__") and fn_name or "lsm__" .. fn_name
    h.detach(h.priv(self), "detach_lsm", "lsm", fn_name)
  end
end

return M
