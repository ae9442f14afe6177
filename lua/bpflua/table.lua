-- table.lua - BPF maps as Lua objects: b["name"], b:get_table(name).
--
--   t[k]            value, or nil when the key is absent
--   t[k] = v        update (BPF_ANY); t[k] = nil deletes
--   t:items() / t:keys() / t:values()   iterate a snapshot of the keys
--   t:clear(), t:zero(), t:len()
--
-- Key and value types come from the map's BTF as anonymous C types
-- (runtime/btf/ctype.c), one ffi ctype per type string, so equal struct
-- names in two programs never clash. Integers come back as Lua numbers when exact
-- (|v| <= 2^53), else as uint64_t/int64_t cdata; structs and arrays as cdata
-- with fields by name. Keys and values may be given as a number, a cdata or
-- a Lua table of fields. Every element goes through ffi.C.bl_map_* (ffi.h):
-- no Lua C API call per element.
--
-- Kinds: M.kinds maps a map type ("hash", "array", ...) to a class; a class
-- is a method table made by M.class(base), so a later kind (perf buffers,
-- stacks, histograms) adds methods or overrides _get/_set/_delete/_snapshot.

local ffi = require "ffi"
local args = require "bpflua.args"
local convert = require "bpflua.convert"

local C = require "bpflua.cdef"
local ENOENT, E2BIG, ENOSPC, EOPNOTSUPP = 2, 7, 28, 95

local M = {}

-- The key of each table's private state: a table no user can produce, so
-- t["fd"] or any other string stays a map lookup.
local S = {}

---------------------------------------------------------------- integers

local EXACT_U, EXACT_I = 9007199254740992ULL, 9007199254740992LL

-- A 64-bit integer cdata as a Lua number when that is exact, else itself.
function M.num(v)
  if type(v) ~= "cdata" then return v end
  if ffi.istype("uint64_t", v) then
    return v <= EXACT_U and tonumber(v) or v
  end
  if ffi.istype("int64_t", v) then
    return (v <= EXACT_I and v >= -EXACT_I) and tonumber(v) or v
  end
  return v
end

-- A char[] field (or any char array/pointer with a size) as a Lua string,
-- up to its first NUL and never past the array.
function M.str(v, len)
  if type(v) == "string" then return v end
  if type(v) ~= "cdata" then
    args.error("bpflua.str: expected a char array cdata, got " .. type(v))
  end
  len = len or ffi.sizeof(v)
  if not len then args.error("bpflua.str: pass the length of a char pointer") end
  return ffi.string(v, C.bl_strnlen(v, len))
end

---------------------------------------------------------------- types

-- What LuaJIT hands back for an element of these types is already a Lua
-- value (numbers, booleans), except 64-bit integers.
local SCALARS = {
  uint8_t = "int", int8_t = "int", uint16_t = "int", int16_t = "int",
  uint32_t = "int", int32_t = "int", char = "int", bool = "bool",
  float = "float", double = "float", uint64_t = "int64", int64_t = "int64",
}

local function fallback_ctype(size)
  if size == 1 or size == 2 or size == 4 or size == 8 then
    return "uint" .. size * 8 .. "_t"
  end
  return "uint8_t[" .. size .. "]"
end

-- LuaJIT never frees a ctype and has room for 65536 of them, and each
-- parse of an anonymous struct makes new ones (one per field too): the
-- ctypes of a string are made once per process, however many BPF objects
-- (a REPL session, a tool re-created in a loop) use the same type.
local by_string = {}

-- { ct, box (ct[1]), vla (ct[?]), ptr (ct *) }, or nil and LuaJIT's error.
local function ctypes(ctype)
  local c = by_string[ctype]
  if c then return c end
  local ok, ct = pcall(ffi.typeof, ctype)
  if not ok then return nil, ct end
  c = { ct = ct, box = ffi.typeof("$[1]", ct), vla = ffi.typeof("$[?]", ct),
        ptr = ffi.typeof("$ *", ct) }
  if type(ctype) == "string" then by_string[ctype] = c end
  return c
end

-- { ct, str, size, kind, tree, box (ct[1]), vla (ct[?]) } for one side of
-- a map; ctype may be a string, a ctype, or nil (then by size). `given`
-- names the get_table argument it came from: then it must be a C type of
-- the map's size, not silently replaced.
local function typeinfo(ctype, size, given)
  if size == 0 then return nil end
  ctype = ctype or fallback_ctype(size)  -- no BTF type (queues, program arrays)
  local c, err = ctypes(ctype)
  if given and not c then
    args.error(string.format("get_table: %s '%s' is not a C type: %s", given,
      tostring(ctype), tostring(err):gsub("^[^:]*:%d+: ", "")))
  end
  if given and ffi.sizeof(c.ct) ~= size then
    args.error(string.format("get_table: %s '%s' has %s bytes, the map's %ss have %d",
      given, tostring(ctype), tostring(ffi.sizeof(c.ct)), given == "keytype" and "key" or "value", size))
  end
  if not c or ffi.sizeof(c.ct) ~= size then
    -- The BTF type and the map disagree: keep the bytes exact at least.
    ctype = fallback_ctype(size)
    c = ctypes(ctype)
  end
  local ct = c.ct
  local str = type(ctype) == "string" and ctype or tostring(ct)
  local tree = convert.tree(type(ctype) == "string" and ctype or str:match("^ctype<(.*)>$"))
  tree.max = tree.kind == "int" and (tree.signed and 2 ^ (tree.bits - 1) or 2 ^ tree.bits) or 0
  -- Scalars LuaJIT names differently ("unsigned int") are scalars too.
  local kind = SCALARS[str] or tree.kind == "int" and (tree.bits == 64 and "int64" or "int")
    or (tree.kind == "float" or tree.kind == "bool") and tree.kind or "aggregate"
  return {
    ct = ct, str = str, size = size, kind = kind, tree = tree,
    box = c.box, vla = c.vla, ptr = c.ptr,
  }
end
M.typeinfo = typeinfo
M.ctypes = ctypes

---------------------------------------------------------------- helpers

local function state(t)
  local st = rawget(t, S)
  if not st.life.open then
    args.error(string.format("table '%s': its BPF object was cleaned up", st.name))
  end
  return st
end

local ENOTSUPP = 524   -- the kernel's own "not supported", which libc has no text for

local function strerror(r)
  if r == -ENOTSUPP then return "not supported for this kind of table" end
  return ffi.string(C.bl_strerror(r))
end
M.strerror = strerror

local function fail(st, op, r)
  local msg = string.format("table '%s': %s failed: %s", st.name, op, strerror(r))
  if r == -E2BIG then
    msg = msg .. string.format(" (the table is full: max_entries = %d)", st.info.max_entries)
  end
  args.error(msg)
end

local function assign(buf, v) buf[0] = v end

local function describe(v)
  if type(v) == "cdata" then return tostring(ffi.typeof(v)) end
  return type(v)
end

-- Stores v into buf[0] (a ti.box). A non-negative integer in range goes
-- straight in (the common case: counters, pids); anything else is first
-- checked and rewritten by convert.lua (C's conversions, errors for what
-- the type cannot hold), then stored through LuaJIT's conversions (cdata,
-- table of fields, string for char[]) on zeroed memory, so struct padding
-- never makes two equal keys differ.
local function put(st, ti, buf, v, what)
  if not ti then
    args.error(string.format("table '%s' (%s) has no %ss", st.name, st.info.type, what))
  end
  local tree = ti.tree
  if type(v) == "number" and tree.kind == "int" and v >= 0 and v < tree.max and v % 1 == 0 then
    buf[0] = v
    return buf
  end
  local ok, cv = pcall(convert.value, tree, v)
  if not ok then
    args.error(string.format("table '%s': bad %s: %s%s", st.name, what, cv,
      ti.kind == "aggregate" and string.format("; the %s type is %s", what, ti.str) or ""))
  end
  if type(cv) == "number" and ti.kind ~= "aggregate" then
    buf[0] = cv
    return buf
  end
  if ti.kind == "aggregate" and type(cv) ~= "table" and type(cv) ~= "cdata"
     and not (type(cv) == "string" and ti.str:find("^char%[")) then
    args.error(string.format("table '%s': bad %s (%s): expected a Lua table of fields "
      .. "or a cdata of the %s type %s", st.name, what, type(v), what, ti.str))
  end
  ffi.fill(buf, ti.size)
  local err
  ok, err = pcall(assign, buf, cv)
  if not ok then
    err = tostring(err):gsub("^[^:]*:%d+: ", "")
    args.error(string.format("table '%s': bad %s (%s): %s; the %s type is %s",
      st.name, what, describe(v), err, what, ti.str))
  end
  return buf
end

-- The Lua value of buf[0], or of element i of a snapshot array.
local function get(ti, buf, i)
  local kind = ti.kind
  if kind == "int64" then return M.num(buf[i]) end
  if kind == "float" then return convert.float_at(buf, i, ti.size) end
  if kind ~= "aggregate" then return buf[i] end
  local v = ti.ct()
  ffi.copy(v, buf + i, ti.size)
  return v
end

---------------------------------------------------------------- classes

local classes = setmetatable({}, { __mode = "k" })

-- A method table inheriting from base, with the instance metatable that
-- makes t[k] a lookup and t[k] = v an update.
local function is_table(t)
  return type(t) == "table" and rawget(t, S) ~= nil
end
M.is_table = is_table

-- The kinds (map types) whose class has method name, for "t:open_perf_buffer
-- on a hash table".
local function kinds_with(name)
  local found = {}
  for kind, cls in pairs(M.kinds) do
    if cls[name] ~= nil then found[#found + 1] = kind end
  end
  table.sort(found)
  return found
end

local function method_names(methods)
  local names, seen, m = {}, {}, methods
  while m do
    for k, v in pairs(m) do
      if type(v) == "function" and not k:find("^_") and not seen[k] then
        seen[k] = true
        names[#names + 1] = k
      end
    end
    m = (getmetatable(m) or {}).__index
  end
  return names
end

-- t.name that is not a method, on a table whose keys cannot be strings: a
-- method of another kind of table, or a typo.
local function no_method(t, methods, k)
  local st = rawget(t, S)
  local kinds = kinds_with(k)
  if #kinds > 0 then
    for i, kind in ipairs(kinds) do kinds[i] = M.kind_names[kind] or kind end
    args.error(string.format("table '%s' is a %s, not a %s: it has no method '%s'",
      st.name, M.kind_names[st.info.type] or st.info.type, table.concat(kinds, " or "), k))
  end
  local near = args.closest(k, method_names(methods))
  args.error(string.format("table '%s' (%s) has no method '%s'%s", st.name, st.info.type, k,
    near and " (did you mean t:" .. near .. "?)" or ""))
end

function M.class(base)
  local methods = setmetatable({}, args.check_receivers({ __index = base }, "t", is_table))
  local mt = {
    __index = function(t, k)
      if type(k) == "string" then
        local m = methods[k]
        if m ~= nil then return m end
        local key = rawget(t, S).key
        if key and not key.str:find("^char%[") then return no_method(t, methods, k) end
      end
      return methods._get(t, k)
    end,
    __newindex = function(t, k, v)
      if v == nil then return methods._delete(t, k) end
      return methods._set(t, k, v)
    end,
    __tostring = function(t) return methods._describe(t) end,
  }
  classes[methods] = mt
  return methods
end

local Table = M.class(nil)
M.Table = Table

local method = function(name, params)
  return args.spec(name, params or {}, {
    receiver = "t",
    self = function(t) return type(t) == "table" and rawget(t, S) ~= nil end,
  })
end

M.method = method

function Table:_describe()
  local st = rawget(self, S)
  return string.format("bpflua table '%s' (%s, key %s, value %s)", st.name,
    st.info.type, st.key and st.key.str or "none", st.val and st.val.str or "none")
end

function Table:_get(k)
  local st = state(self)
  local kp = put(st, st.key, st.kbuf, k, "key")
  if not st.val then put(st, nil, nil, nil, "value") end
  return self:_lookup_ptr(kp)
end

function Table:_set(k, v)
  local st = state(self)
  local kp = put(st, st.key, st.kbuf, k, "key")
  local vp = put(st, st.val, st.vbuf, v, "value")
  local r = C.bl_map_update(st.fd, kp, vp, 0)
  if r < 0 then fail(st, "update", r) end
end

function Table:_delete(k)
  local st = state(self)
  local r = C.bl_map_delete(st.fd, put(st, st.key, st.kbuf, k, "key"))
  if r < 0 and r ~= -ENOENT then fail(st, "delete", r) end
end

-- Value at a key pointer, nil when absent (deleted since the snapshot).
function Table:_lookup_ptr(kp)
  local st = rawget(self, S)
  local val = st.val
  local buf = val.kind == "aggregate" and val.ct() or st.vbuf
  local r = C.bl_map_lookup(st.fd, kp, buf)
  if r == -ENOENT then return nil end
  if r < 0 then fail(st, "lookup", r) end
  if buf ~= st.vbuf then return buf end
  return get(val, buf, 0)
end

-- keys (a ct[?] array) and their count, one get_next_key call per key
-- (what len() uses: it needs no values).
function Table:_snapshot()
  local st = state(self)
  if not st.key then put(st, nil, nil, nil, "key") end
  local max = st.info.max_entries
  local keys = st.key.vla(max)
  local n = C.bl_map_keys(st.fd, keys, max, st.key.size)
  if n < 0 then fail(st, "listing keys", n) end
  return keys, n
end

-- Bytes of one value as the kernel reads and writes it (per-CPU maps
-- override: a row of one value per CPU).
function Table:_row_size(st)
  return st.val.size
end

-- Every entry in one pass of batch lookups (del: lookup-and-delete):
-- keys (a ct[?] array), values (row_size bytes each), count; nil when the
-- kernel or the map type has no batch operation (remembered per table).
function Table:_batch(del)
  local st = state(self)
  if not st.key then put(st, nil, nil, nil, "key") end
  local flag = del and "nodelbatch" or "nobatch"
  if st[flag] or not st.val then return nil end
  local max, row = st.info.max_entries, self:_row_size(st)
  local keys, vals = st.key.vla(max), ffi.new("uint8_t[?]", max * row)
  local n = C.bl_map_lookup_batch(st.fd, keys, vals, max, st.key.size, row, del and 1 or 0)
  if n == -EOPNOTSUPP or n == -ENOSPC then
    st[flag] = true
    return nil
  end
  if n < 0 then fail(st, del and "batch lookup and delete" or "batch lookup", n) end
  return keys, vals, n
end

-- The Lua value of entry i of a batch's values.
function Table:_batch_value(st, vals, i)
  return get(st.val, ffi.cast(st.val.ptr, vals), i)
end

-- Iterator over a snapshot: each step yields key, value of an entry. From
-- one batch lookup when the kernel has it, else from the keys listed one by
-- one, each looked up when reached (skipping keys deleted since).
local function walk(self, want_key, want_value)
  local st = rawget(self, S)
  local keys, vals, n = self:_batch(false)
  local i = -1
  if keys then
    return function()
      if i + 1 >= n then return nil end
      i = i + 1
      local k = want_key and get(st.key, keys, i) or nil
      if not want_value then return k end
      local v = self:_batch_value(st, vals, i)
      if want_key then return k, v end
      return v
    end
  end
  keys, n = self:_snapshot()
  return function()
    while i + 1 < n do
      i = i + 1
      local v = self:_lookup_ptr(keys + i)
      if v ~= nil then
        local k = want_key and get(st.key, keys, i) or nil
        if want_key and want_value then return k, v end
        if want_key then return k end
        return v
      end
    end
  end
end

local p_none = method("items")
function Table:items() p_none(self) return walk(self, true, true) end
local p_keys = method("keys")
function Table:keys() p_keys(self) return walk(self, true, false) end
local p_values = method("values")
function Table:values() p_values(self) return walk(self, false, true) end

-- The map's fd, as BCC's get_fd() (for a map-of-maps slot, a C library).
local p_fd = method("get_fd")
function Table:get_fd() p_fd(self) return state(self).fd end

local p_len = method("len")
function Table:len()
  p_len(self)
  local _, n = self:_snapshot()
  return n
end

-- The keys for clear() and zero(): a batch lookup, else one by one.
local function all_keys(self)
  local keys, _, n = self:_batch(false)
  if keys then return keys, n end
  return self:_snapshot()
end

local p_clear = method("clear")
function Table:clear()
  p_clear(self)
  if self:_batch(true) then return end
  local keys, n = all_keys(self)
  local st = rawget(self, S)
  local r = C.bl_map_delete_batch(st.fd, keys, n)
  if r >= 0 then return end
  if r ~= -EOPNOTSUPP and r ~= -ENOENT then fail(st, "batch delete", r) end
  for i = 0, n - 1 do
    r = C.bl_map_delete(st.fd, keys + i)
    if r < 0 and r ~= -ENOENT then fail(st, "delete", r) end
  end
end

-- Writes row (row_size bytes) at every key: one batch update when the
-- kernel has it, else one update per key.
local function fill_all(self, row)
  local keys, n = all_keys(self)
  local st = rawget(self, S)
  local size = self:_row_size(st)
  local rows = ffi.new("uint8_t[?]", math.max(n, 1) * size)
  for i = 0, n - 1 do ffi.copy(rows + i * size, row, size) end
  local r = st.nobatch and -EOPNOTSUPP or C.bl_map_update_batch(st.fd, keys, rows, n, 0)
  if r >= 0 then return end
  if r ~= -EOPNOTSUPP then fail(st, "batch update", r) end
  for i = 0, n - 1 do
    r = C.bl_map_update(st.fd, keys + i, row, 0)
    if r < 0 and r ~= -ENOENT then fail(st, "update", r) end
  end
end

local p_zero = method("zero")
function Table:zero()
  p_zero(self)
  local st = rawget(self, S)
  fill_all(self, ffi.new("uint8_t[?]", self:_row_size(st)))
end

-- BCC's batch calls. items_lookup_batch() and
-- items_lookup_and_delete_batch() iterate what one batch read (deleting it,
-- for the latter); where the kernel has no batch for the table, a snapshot
-- read key by key (and deleted the same way).
local function batch_items(self, del)
  local st = state(self)
  local keys, vals, n = self:_batch(del)
  if not keys then
    local out = {}
    for k, v in walk(self, true, true) do out[#out + 1] = { k, v } end
    if del then for _, kv in ipairs(out) do self:_delete(kv[1]) end end
    local i = 0
    return function()
      i = i + 1
      if out[i] then return out[i][1], out[i][2] end
    end
  end
  local i = -1
  return function()
    if i + 1 >= n then return nil end
    i = i + 1
    return get(st.key, keys, i), self:_batch_value(st, vals, i)
  end
end
local p_lb = method("items_lookup_batch")
function Table:items_lookup_batch() p_lb(self) return batch_items(self, false) end
local p_ldb = method("items_lookup_and_delete_batch")
function Table:items_lookup_and_delete_batch() p_ldb(self) return batch_items(self, true) end

-- A Lua array of keys as one ct[?] array (for the batch calls).
local function key_array(self, st, list, what)
  if type(list) ~= "table" then
    args.error(string.format("table '%s': %s takes a Lua array of keys, got %s",
      st.name, what, type(list)))
  end
  local keys = st.key.vla(math.max(#list, 1))
  for i, k in ipairs(list) do ffi.copy(keys + (i - 1), put(st, st.key, st.kbuf, k, "key"), st.key.size) end
  return keys, #list
end

-- items_delete_batch([keys]): those keys (an absent one is an error, as in
-- BCC), or every key.
local p_db = method("items_delete_batch", { { "keys", "table" } })
function Table:items_delete_batch(...)
  local list = p_db(self, ...)
  if list == nil then return self:clear() end
  local st = state(self)
  local keys, n = key_array(self, st, list, "items_delete_batch")
  local r = C.bl_map_delete_batch(st.fd, keys, n)
  if r == -EOPNOTSUPP then
    for i = 0, n - 1 do
      r = C.bl_map_delete(st.fd, keys + i)
      if r < 0 then break end
    end
  end
  if r < 0 then fail(st, "batch delete", r) end
end

-- items_update_batch(keys, values): two Lua arrays of the same length.
local p_ub = method("items_update_batch", { { "keys", "table", required = true },
  { "values", "table", required = true } })
function Table:items_update_batch(...)
  local klist, vlist = p_ub(self, ...)
  local st = state(self)
  if #klist ~= #vlist then
    args.error(string.format("table '%s': items_update_batch: %d keys but %d values",
      st.name, #klist, #vlist))
  end
  local keys, n = key_array(self, st, klist, "items_update_batch")
  local size = self:_row_size(st)
  local rows = ffi.new("uint8_t[?]", math.max(n, 1) * size)
  for i, v in ipairs(vlist) do self:_fill_row(st, v, rows + (i - 1) * size) end
  local r = C.bl_map_update_batch(st.fd, keys, rows, n, 0)
  if r == -EOPNOTSUPP then
    for i = 0, n - 1 do
      r = C.bl_map_update(st.fd, keys + i, rows + i * size, 0)
      if r < 0 then break end
    end
  end
  if r < 0 then fail(st, "batch update", r) end
end

-- The bytes of value v as the kernel takes them, at dst (_row_size bytes).
function Table:_fill_row(st, v, dst)
  ffi.copy(dst, put(st, st.val, st.vbuf, v, "value"), st.val.size)
end

-- Histograms, printed as BCC prints them (bpflua.hist).
local hist = require "bpflua.hist"
local p_log2 = method("print_log2_hist", hist.params)
function Table:print_log2_hist(...)
  return hist.print_log2(self, state(self).key, p_log2(self, ...))
end
local p_json = method("print_json_hist", hist.json_params)
function Table:print_json_hist(...)
  return hist.print_json(self, state(self).key, p_json(self, ...))
end
local p_linear = method("print_linear_hist", hist.params)
function Table:print_linear_hist(...)
  return hist.print_linear(self, state(self).key, p_linear(self, ...))
end

-- Arrays: every index exists; deleting zeroes, as BCC does.
local Array = M.class(Table)
M.Array = Array

function Array:_delete(k)
  local st = state(self)
  local kp = put(st, st.key, st.kbuf, k, "key")
  ffi.fill(st.vbuf, st.val.size)
  local r = C.bl_map_update(st.fd, kp, st.vbuf, 0)
  if r < 0 then fail(st, "update", r) end
end

function Array:len()
  p_len(self)
  return state(self).info.max_entries
end

function Array:clear()
  p_clear(self)
  return self:zero()
end

-- Per-CPU maps: the kernel reads and writes one value per possible CPU,
-- each rounded up to 8 bytes; t[k] is a Lua array of them (1-based).
local PerCpu = M.class(Table)
M.PerCpu = PerCpu

local function percpu_buf(st)
  if not st.pcpu then
    local ncpu = C.bl_num_possible_cpus()
    if ncpu <= 0 then fail(st, "counting CPUs", ncpu) end
    local stride = math.ceil(st.val.size / 8) * 8
    st.pcpu = { n = ncpu, stride = stride, buf = ffi.new("uint8_t[?]", ncpu * stride) }
  end
  return st.pcpu
end

local function percpu_values(st, p)
  local out, val = {}, st.val
  for cpu = 0, p.n - 1 do
    ffi.copy(st.vbuf, p.buf + cpu * p.stride, val.size)
    out[cpu + 1] = get(val, st.vbuf, 0)
  end
  return out
end

function PerCpu:_row_size(st)
  local p = percpu_buf(st)
  return p.n * p.stride
end

function PerCpu:_batch_value(st, vals, i)
  local p = percpu_buf(st)
  local out, val, row = {}, st.val, vals + i * p.n * p.stride
  for cpu = 0, p.n - 1 do
    out[cpu + 1] = get(val, ffi.cast(val.ptr, row + cpu * p.stride), 0)
  end
  return out
end

function PerCpu:_lookup_ptr(kp)
  local st = rawget(self, S)
  local p = percpu_buf(st)
  local r = C.bl_map_lookup(st.fd, kp, p.buf)
  if r == -ENOENT then return nil end
  if r < 0 then fail(st, "lookup", r) end
  return percpu_values(st, p)
end

function PerCpu:_get(k)
  local st = state(self)
  return self:_lookup_ptr(put(st, st.key, st.kbuf, k, "key"))
end

-- v: an array of per-CPU values, or one value for every CPU.
function PerCpu:_fill_row(st, v, dst)
  local p = percpu_buf(st)
  ffi.fill(dst, p.n * p.stride)
  for cpu = 0, p.n - 1 do
    local x = v
    if type(v) == "table" and v[1] ~= nil then x = v[cpu + 1] or 0 end
    put(st, st.val, st.vbuf, x, "value")
    ffi.copy(dst + cpu * p.stride, st.vbuf, st.val.size)
  end
end

function PerCpu:_set(k, v)
  local st = state(self)
  local kp = put(st, st.key, st.kbuf, k, "key")
  local p = percpu_buf(st)
  self:_fill_row(st, v, p.buf)
  local r = C.bl_map_update(st.fd, kp, p.buf, 0)
  if r < 0 then fail(st, "update", r) end
end


local function reduce(name, f)
  local p = method(name, { { "key", "any", required = true } })
  return function(self, ...)
    local k = p(self, ...)
    local vs = self:_get(k)
    if not vs then return nil end
    return f(vs)
  end
end

PerCpu.sum = reduce("sum", function(vs)
  local s = 0
  for _, v in ipairs(vs) do s = s + v end
  return M.num(s)
end)
PerCpu.max = reduce("max", function(vs)
  local m = vs[1]
  for _, v in ipairs(vs) do if v > m then m = v end end
  return m
end)
PerCpu.average = reduce("average", function(vs)
  local s = 0
  for _, v in ipairs(vs) do s = s + v end
  return tonumber(s) / #vs
end)

-- Map type (libbpf's name) -> class; later kinds register here.
M.kinds = {
  hash = Table, lru_hash = Table, lpm_trie = Table, hash_of_maps = Table,
  array = Array, prog_array = Array, cgroup_array = Array, array_of_maps = Array,
  percpu_hash = PerCpu, lru_percpu_hash = PerCpu, percpu_array = PerCpu,
}
-- How errors name a kind (a later kind adds its name here too).
M.kind_names = {}
-- Per-CPU arrays are arrays too.
PerCpu.len = function(self)
  p_len(self)
  local st = state(self)
  if st.info.type == "percpu_array" then return st.info.max_entries end
  local _, n = self:_snapshot()
  return n
end

-- M.new(info, life[, keytype, leaftype]) -> table object
--   info: bpflua.core's map info; life: { open = bool } shared with the
--   BPF object, false after cleanup(); keytype/leaftype override the BTF
--   types (C type strings or ctypes), as get_table's keytype/leaftype do.
function M.new(info, life, keytype, leaftype)
  local cls = M.kinds[info.type] or Table
  local kgiven, lgiven = keytype and "keytype", leaftype and "leaftype"
  -- A kind whose maps carry no BTF (stack traces) names its own types.
  if cls._ctypes then keytype, leaftype = cls._ctypes(info, keytype, leaftype) end
  local key = typeinfo(keytype or info.key_ctype, info.key_size, kgiven)
  local val = typeinfo(leaftype or info.value_ctype, info.value_size, lgiven)
  local st = {
    name = info.name, fd = info.fd, info = info, life = life,
    key = key, val = val,
    kbuf = key and key.box(), vbuf = val and val.box(),
  }
  return setmetatable({ [S] = st }, classes[cls])
end

-- The state of a table object (for kinds defined in other modules).
function M.state(t)
  return state(t)
end
-- Storing into and reading from a key/value buffer (kinds elsewhere).
M.put, M.get, M.fail = put, get, fail

return M
