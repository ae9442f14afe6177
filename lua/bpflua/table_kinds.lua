-- table_kinds.lua - tables whose elements are not plain key/value pairs:
--
--   program arrays (BPF_PROG_ARRAY): t[i] = fn (a function object from
--     b:load_func, or a program fd) makes slot i a tail call target; t[i]
--     reads back the program's id, t[i] = nil empties the slot.
--   maps of maps (BPF_ARRAY_OF_MAPS, BPF_HASH_OF_MAPS): t[k] = other (a
--     table of the inner table's shape, or a map fd) puts that map in slot
--     k; t[k] reads back its map id, t[k] = nil empties the slot.
--   cgroup storages (BPF_CGROUP_STORAGE, BPF_PERCPU_CGROUP_STORAGE): keys
--     and values as other tables, without a max_entries to bound them.
--   queues and stacks (BPF_QUEUE, BPF_STACK): t:push(v[, flags]),
--     t:pop(), t:peek() (nil when empty); t:values() pops every element
--     (at most max_entries), as BCC's; they have no keys, so t[k],
--     items(), keys() and len() are errors.

local args = require "bpflua.args"
local tables = require "bpflua.table"
local funcs = require "bpflua.funcs"


local C = require "bpflua.cdef"
local ENOENT, EINVAL = 2, 22

local function method(name, params)
  return args.spec(name, params or {}, {
    receiver = "t",
    self = function(t) return type(t) == "table" and getmetatable(t) ~= nil end,
  })
end

---------------------------------------------------------------- fd slots

-- A class over base whose slots take the fd fd_of(st, v) gives for a value
-- and, unlike an array's, can be emptied; einval: what the kernel's EINVAL
-- for a slot's value means, or nil.
local function fd_slots(base, fd_of, einval)
  local cls = tables.class(base)
  function cls:_set(k, v)
    local st = tables.state(self)
    local kp = tables.put(st, st.key, st.kbuf, k, "key")
    local vp = tables.put(st, st.val, st.vbuf, fd_of(st, v), "value")
    local r = C.bl_map_update(st.fd, kp, vp, 0)
    if r == -EINVAL and einval then
      args.error(string.format("table '%s': update failed: %s", st.name, einval))
    end
    if r < 0 then tables.fail(st, "update", r) end
  end
  function cls:_delete(k)
    local st = tables.state(self)
    local r = C.bl_map_delete(st.fd, tables.put(st, st.key, st.kbuf, k, "key"))
    if r < 0 and r ~= -ENOENT then tables.fail(st, "delete", r) end
  end
  return cls
end

local function is_fd(v)
  return type(v) == "number" and v % 1 == 0 and v >= 0
end

tables.kinds.prog_array = fd_slots(tables.kinds.prog_array, function(st, v)
  if funcs.is_function(v) then return v.fd end
  if is_fd(v) then return v end
  args.error(string.format("table '%s': a program array slot takes a function from "
    .. "load_func (or a program fd), got %s", st.name, type(v)))
end)

-- The kernel checks that the inner map has the template's shape.
local function map_fd(st, v)
  if tables.is_table(v) then return tables.state(v).fd end
  if is_fd(v) then return v end
  args.error(string.format("table '%s': a map-of-maps slot takes a table (or a map fd), got %s",
    st.name, type(v)))
end
local SHAPE = "the map is not shaped as the inner table the declaration names "
  .. "(map type, key and value sizes, flags; max_entries for arrays)"
tables.kinds.array_of_maps = fd_slots(tables.kinds.array_of_maps, map_fd, SHAPE)
tables.kinds.hash_of_maps = fd_slots(tables.kinds.hash_of_maps, map_fd, SHAPE)

---------------------------------------------------------------- cgroup storages

-- A cgroup storage has no max_entries (0): an entry per cgroup and attach
-- type of the programs using it. Keys are listed until there are no more;
-- the kernel has no batch operations for it.
local function unbounded(base)
  local cls = tables.class(base)
  function cls:_batch() return nil end
  function cls:_snapshot()
    local st = tables.state(self)
    local max = 64
    while true do
      local keys = st.key.vla(max)
      local n = C.bl_map_keys(st.fd, keys, max, st.key.size)
      if n < 0 then tables.fail(st, "listing keys", n) end
      if n < max then return keys, n end
      max = max * 2
    end
  end
  return cls
end
tables.kinds.cgroup_storage = unbounded(tables.Table)
tables.kinds.percpu_cgroup_storage = unbounded(tables.PerCpu)

---------------------------------------------------------------- queues, stacks

local QueueStack = tables.class(tables.Table)

local function no_keys(what)
  return function(self)
    local st = tables.state(self)
    args.error(string.format("table '%s' (%s) has no keys: use push, pop and peek, not %s",
      st.name, st.info.type, what))
  end
end
QueueStack._get = no_keys("t[k]")
QueueStack._set = no_keys("t[k] = v")
QueueStack._delete = no_keys("t[k] = nil")
QueueStack.items = no_keys("items()")
QueueStack.keys = no_keys("keys()")
QueueStack.len = no_keys("len()")

local p_push = method("push", { { "leaf", "any", required = true }, { "flags", "integer", 0 } })
-- A Lua table is a struct value, unless it is {leaf = v[, flags = f]}.
function QueueStack:push(v, ...)
  local flags
  if type(v) == "table" and v.leaf == nil then
    flags = select(1, ...) or 0
    if type(flags) ~= "number" then p_push(self, v, ...) end
  else
    v, flags = p_push(self, v, ...)
  end
  local st = tables.state(self)
  local r = C.bl_map_update(st.fd, nil, tables.put(st, st.val, st.vbuf, v, "value"), flags)
  if r < 0 then tables.fail(st, "push", r) end
end

-- pop/peek: the value, or nil when empty.
local function take(name, f)
  local parse = method(name)
  return function(self, ...)
    parse(self, ...)
    local st = tables.state(self)
    local val = st.val
    local buf = val.kind == "aggregate" and val.ct() or st.vbuf
    local r = f(st.fd, nil, buf)
    if r == -ENOENT then return nil end
    if r < 0 then tables.fail(st, name, r) end
    if buf ~= st.vbuf then return buf end
    return tables.get(val, buf, 0)
  end
end
QueueStack.pop = take("pop", function(fd, k, v) return C.bl_map_lookup_and_delete(fd, k, v) end)
QueueStack.peek = take("peek", function(fd, k, v) return C.bl_map_lookup(fd, k, v) end)

-- values(): pops until empty, as BCC's QueueStack.values() does.
function QueueStack:values()
  local out = {}
  for _ = 1, tables.state(self).info.max_entries do
    local v = self:pop()
    if v == nil then break end
    out[#out + 1] = v
  end
  local i = 0
  return function() i = i + 1; return out[i] end
end

tables.kinds.queue = QueueStack
tables.kinds.stack = QueueStack

return {}
