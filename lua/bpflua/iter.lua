-- iter.lua - running BPF iterators (BPF_ITER(target) functions) from Lua:
--
--   local text = b:iter_read("bpf_iter__task")           -- all it printed
--   for line in b:iter_lines("bpf_iter__task") do ... end
--   b:iter_read{fn_name = "bpf_iter__bpf_map_elem", map = "counts"}   -- one map's elements
--   b:iter_read{fn_name = "bpf_iter__task_vma", pid = 1234}           -- one process (tid=: thread)
--   b:iter_read{fn_name = "bpf_iter__cgroup", cgroup = "/sys/fs/cgroup/x", order = "self_only"}
--   BPF.get_iter_targets()                                -- { "bpf_map", ..., "task", ... }
--
-- BCC's Python API has no such call; the names follow its style. Each call
-- loads the function once (as load_func(name, BPF.TRACING) does), then
-- attaches it, reads the iterator to its end and closes both: nothing
-- outlives the call (runtime/iter.h). What the program writes with
-- bpf_seq_printf / BPF_SEQ_PRINTF / bpf_seq_write is the text.

local core = require "bpflua.core"

local M = {}

-- What a target's iterator may be limited to, as the kernel's targets take
-- it (union bpf_iter_link_info): one map's elements (which they need), one
-- process (pid) or thread (tid), a cgroup and a walk order.
local TAKES = {
  bpf_map_elem = "map", bpf_sk_storage_map = "map", sockmap = "map",
  task = "pid", task_file = "pid", task_vma = "pid", cgroup = "cgroup",
}
local TAKES_WHAT = {
  map = "map= is for the bpf_map_elem, bpf_sk_storage_map and sockmap iterators",
  pid = "pid= and tid= are for the task, task_file and task_vma iterators",
  cgroup = "cgroup= and order= are for the cgroup iterator",
}
-- enum bpf_cgroup_iter_order
local ORDERS = { self_only = 1, descendants_pre = 2, descendants_post = 3, ancestors_up = 4 }

local function targets(h)
  local t, msg = core.iter_targets()
  if not t then h.raise(msg) end
  return t
end

local function missing(t, target)
  for _, x in ipairs(t) do
    if x == target then return false end
  end
  return true
end

local function hints(t)
  return "hint: its targets: " .. table.concat(t, ", ") .. "\n"
    .. "hint: bpftool btf dump file /sys/kernel/btf/vmlinux | grep \"STRUCT 'bpf_iter__\""
end

-- Raises when this kernel has no iterator over target, naming the ones it has.
function M.check_target(h, what, target)
  local t = targets(h)
  if missing(t, target) then
    h.raise(string.format("%s: this kernel has no BPF iterator target '%s' "
      .. "(no struct bpf_iter__%s in its BTF)\n%s", what, target, target, hints(t)))
  end
end

-- For a compile error about BPF_ITER(target)'s context struct (incomplete:
-- the kernel has no such target), the lines that say so; else "".
function M.compile_hint(msg)
  local target = msg:match("incomplete[%a ]* type 'struct bpf_iter__([%w_]+)'")
  local t = target and core.iter_targets()
  if not t or not missing(t, target) then return "" end
  return string.format("\nhint: this kernel has no BPF iterator target '%s'\n%s", target, hints(t))
end

-- The target of iterator function fn_name; raises for a function of the
-- program that is not one (a missing function is load_prog's error).
local function target_of(h, p, what, fn_name)
  local target = fn_name:match("^bpf_iter__(.+)$")
  if target then return target end
  for _, name in ipairs(p.obj:programs()) do
    if name == fn_name then
      h.raise(string.format("%s: '%s' is not an iterator: BPF_ITER(target) declares one, "
        .. "named bpf_iter__<target>", what, fn_name))
    end
  end
end

-- The map argument's fd: a table of this object, or its name.
local function map_fd(self, h, what, map)
  if type(map) == "string" then map = self:get_table(map) end
  local ok, fd = pcall(function() return map:get_fd() end)
  if not ok then
    h.raise(string.format("%s: map must be a table of the BPF object or its name, got %s",
      what, type(map)))
  end
  return fd
end

-- The arguments of core's iter_read after target, checked against what
-- the target takes.
local function limits(self, h, what, target, o)
  local kinds = { o.map ~= nil and "map", (o.pid or o.tid) and "pid",
    (o.cgroup ~= nil or o.order) and "cgroup" }
  local given = kinds[1] or kinds[2] or kinds[3]
  if (kinds[1] and 1 or 0) + (kinds[2] and 1 or 0) + (kinds[3] and 1 or 0) > 1 then
    h.raise(what .. ": give one of map=, pid= or tid=, cgroup= and order=")
  end
  local takes = TAKES[target]
  if given and given ~= takes then
    h.raise(string.format("%s: the %s iterator takes no %s (%s)", what, target,
      given == "pid" and (o.pid and "pid" or "tid") or given, TAKES_WHAT[given]))
  end
  if takes == "map" and o.map == nil then
    h.raise(string.format("%s: the %s iterator runs over one map: give map = \"<table name>\"",
      what, target))
  end
  if o.pid and o.tid then h.raise(what .. ": give pid or tid, not both") end
  if o.cgroup ~= nil and type(o.cgroup) ~= "string" and type(o.cgroup) ~= "number" then
    h.raise(what .. ": cgroup must be a cgroup directory's path or an fd open on one")
  end
  local order = o.order or "descendants_pre"
  if takes == "cgroup" and not ORDERS[order] then
    h.raise(string.format("%s: order must be \"self_only\", \"descendants_pre\", "
      .. "\"descendants_post\" or \"ancestors_up\", got '%s'", what, tostring(order)))
  end
  return o.map ~= nil and map_fd(self, h, what, o.map) or nil, o.pid, o.tid, o.cgroup,
    takes == "cgroup" and ORDERS[order] or nil
end

function M.install(BPF, h)
  local params = {
    { "fn_name", "string", required = true }, { "map", "any" }, { "pid", "integer" },
    { "tid", "integer" }, { "cgroup", "any" }, { "order", "string" } }

  local function run(self, what, fn_name, map, pid, tid, cgroup, order)
    local p = h.priv(self)
    local target = target_of(h, p, what, fn_name)
    if not target then return p.obj:iter_read(fn_name, "") end	-- no such function
    M.check_target(h, what, target)
    return p.obj:iter_read(fn_name, target, limits(self, h, what, target,
      { map = map, pid = pid, tid = tid, cgroup = cgroup, order = order }))
  end

  local p_read = h.method("iter_read", params)
  function BPF:iter_read(...)
    local text, msg, log = run(self, "iter_read", p_read(self, ...))
    if not text then h.fail(h.priv(self), msg, log) end
    return text
  end

  -- The lines of the text, without their "\n" (a last line without one
  -- too); read whole first, so the iterator is closed before the loop.
  local p_lines = h.method("iter_lines", params)
  function BPF:iter_lines(...)
    local text, msg, log = run(self, "iter_lines", p_lines(self, ...))
    if not text then h.fail(h.priv(self), msg, log) end
    local pos = 1
    return function()
      if pos > #text then return nil end
      local nl = text:find("\n", pos, true) or #text + 1
      local line = text:sub(pos, nl - 1)
      pos = nl + 1
      return line
    end
  end

  BPF.get_iter_targets = h.static(function() return targets(h) end)
end

return M
