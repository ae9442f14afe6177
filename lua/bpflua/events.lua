-- events.lua - perf and ring buffer tables (BPF_PERF_OUTPUT, BPF_RINGBUF_OUTPUT).
--
--   t:open_perf_buffer(callback[, page_cnt = 8, lost_cb, wakeup_events = 1])
--       callback(cpu, data, size) per record; lost_cb(count) when the kernel
--       dropped samples (without one, "Possibly lost N samples" on stderr)
--   t:open_ring_buffer(callback[, ctx])   callback(ctx, data, size)
--   t:event(data[, ctype])   the record as typed cdata, fields by name
--   b:perf_buffer_poll / ring_buffer_poll / ring_buffer_consume (bpf.lua,
--   through M.poll and M.consume)
--
-- Pull-style: C (runtime/events.c) lists the waiting records in chunks of
-- pointers into the kernel's ring; this module walks each chunk through
-- ffi.C.bl_events_* and calls the Lua callbacks from Lua, so there is no FFI
-- callback, no Lua C API call and no copy per record. `data` points into the
-- ring: valid during the callback (copy with ffi.new(ffi.typeof(ev), ev) to
-- keep a record).
--
-- The record type for t:event: the compiler-side hook in
-- bpf-headers/bpflua/maps.h records `typeof(data)` of each perf_submit /
-- ringbuf_output / ringbuf_submit in the program's BTF; the map info carries
-- it as event_ctype (runtime/btf/event_type.c). t:event(data, ctype) takes an
-- explicit C type instead (a string or an ffi ctype).
--
-- The opened buffers of a BPF object live in its `life` table (shared by
-- the object and its tables): life.buffers = { perf = {...}, ring = {...} }.

local ffi = require "ffi"
local core = require "bpflua.core"
local args = require "bpflua.args"
local tables = require "bpflua.table"

local C = require "bpflua.cdef"
local raise = args.error

local M = {}

local EVENTS_PTR = ffi.typeof("struct bl_events *")

local function method(name, params)
  return args.spec(name, params, {
    receiver = "t",
    self = function(t) return type(t) == "table" and getmetatable(t) ~= nil end,
  })
end

local function registry(life, kind)
  local bufs = life.buffers
  if not bufs then
    bufs = { perf = {}, ring = {} }
    life.buffers = bufs
  end
  return bufs[kind]
end

local function add_buffer(self, kind, ev, fields)
  local st = tables.state(self)
  local list = registry(st.life, kind)
  for _, b in ipairs(list) do
    if b.name == st.name then
      ev:close()
      raise(string.format("table '%s': its %s buffer is already open", st.name, kind))
    end
  end
  fields.kind, fields.name, fields.ev = kind, st.name, ev
  fields.ptr = ffi.cast(EVENTS_PTR, ev:ptr())
  list[#list + 1] = fields
  list.evs = nil
end

---------------------------------------------------------------- perf buffers

local Perf = tables.class(tables.Table)
M.Perf = Perf

local p_open_perf = method("open_perf_buffer", {
  { "callback", "function", required = true }, { "page_cnt", "integer", 8 },
  { "lost_cb", "function" }, { "wakeup_events", "integer", 1 },
})
function Perf:open_perf_buffer(...)
  local callback, page_cnt, lost_cb, wakeup = p_open_perf(self, ...)
  local st = tables.state(self)
  local ev, msg = core.open_perf(st.fd, st.name, tonumber(page_cnt), tonumber(wakeup))
  if not ev then raise(msg) end
  add_buffer(self, "perf", ev, { cb = callback, lost_cb = lost_cb })
end

---------------------------------------------------------------- ring buffers

local Ring = tables.class(tables.Table)
M.Ring = Ring

local p_open_ring = method("open_ring_buffer", {
  { "callback", "function", required = true }, { "ctx", "any" },
})
function Ring:open_ring_buffer(...)
  local callback, ctx = p_open_ring(self, ...)
  local st = tables.state(self)
  local ev, msg = core.open_ring(st.fd, st.name)
  if not ev then raise(msg) end
  add_buffer(self, "ring", ev, { cb = callback, ctx = ctx })
end

---------------------------------------------------------------- t:event

-- Per table and per explicit type: { ptr = ctype *, kind } (weak keys;
-- a type string is never collected, so it stays as long as the process).
local typecache = setmetatable({}, { __mode = "k" })

local function event_type(ctype)
  local c, err = tables.ctypes(ctype)
  if not c then
    raise("event: bad ctype: " .. tostring(err):gsub("^[^:]*:%d+: ", ""))
  end
  local s = tostring(c.ct)
  local int64 = s == "ctype<uint64_t>" or s == "ctype<int64_t>"
  return { ptr = c.ptr, kind = int64 and "int64" or "other" }
end

local function table_event_type(self)
  local st = tables.state(self)
  local info = st.info
  if not info.event_ctype then
    raise(string.format("table '%s': event: %s", st.name, info.event_ctype_error or
      "the record type is unknown (no perf_submit/ringbuf_output/ringbuf_submit of a "
      .. "typed pointer in the program); pass it: t:event(data, \"struct { ... }\")"))
  end
  local et = event_type(info.event_ctype)
  typecache[self] = et
  return et
end

local function event(self, data, ctype)
  local et
  if ctype ~= nil then
    local byself = typecache[ctype]
    if not byself then
      byself = event_type(ctype)
      typecache[ctype] = byself
    end
    et = byself
  else
    et = typecache[self] or table_event_type(self)
  end
  if type(data) ~= "cdata" then
    raise("event: 'data' must be the pointer a callback received, got " .. type(data))
  end
  local v = ffi.cast(et.ptr, data)[0]
  if et.kind == "int64" then return tables.num(v) end
  return v
end
Perf.event = event
Ring.event = event

---------------------------------------------------------------- polling

-- Runs b's callbacks over every record waiting in b, fetched in chunks
-- (runtime/events.h); returns how many. A callback that polls again
-- (which moves on to the next chunk) ends the delivery of the chunk it was
-- called from.
local function dispatch(b, what)
  local ptr, cb, ctx, round = b.ptr, b.cb, b.ctx, b.round
  local recs = C.bl_events_records(ptr)
  local perf = b.kind == "perf"
  local total = 0
  while true do
    local n = C.bl_events_next(ptr)
    if n < 0 then raise(string.format("%s: table '%s': reading events failed: %s", what,
      b.name, tables.strerror(n))) end
    if n == 0 then break end
    total = total + n
    if perf then
      for i = 0, n - 1 do
        local r = recs[i]
        cb(r.cpu, r.data, r.size)
        if b.round ~= round then return total end
      end
    else
      for i = 0, n - 1 do
        local r = recs[i]
        cb(ctx, r.data, r.size)
        if b.round ~= round then return total end
      end
    end
  end
  C.bl_events_release(ptr)
  if perf then
    local lost = C.bl_events_take_lost(ptr)
    if lost > 0 then
      lost = tonumber(lost)
      if b.lost_cb then
        b.lost_cb(lost)
      else
        io.stderr:write(string.format("Possibly lost %d samples\n", lost))
      end
    end
  end
  return total
end

local function run(list, what)
  for _, b in ipairs(list) do b.round = (b.round or 0) + 1 end
  local total = 0
  for _, b in ipairs(list) do total = total + dispatch(b, what) end
  return total
end

-- The buffers' userdata, for core.events_poll; kept with the list (a
-- poll round makes no table).
local function evs(list)
  local out = list.evs
  if not out then
    out = {}
    for i, b in ipairs(list) do out[i] = b.ev end
    list.evs = out
  end
  return unpack(out)
end

-- One poll round over the object's buffers of `kind`: waits up to
-- timeout_ms (-1: forever), runs the callbacks; returns the record count.
function M.poll(life, kind, what, timeout_ms)
  local list = registry(life, kind)
  if #list == 0 then
    raise(string.format("%s: no %s buffer is open (call %s first)", what, kind,
      kind == "perf" and "t:open_perf_buffer(callback)" or "t:open_ring_buffer(callback)"))
  end
  local ready, msg = core.events_poll(timeout_ms, evs(list))
  if ready == nil then raise(what .. ": " .. msg) end
  if not ready then return 0 end
  return run(list, what)
end

-- Drains the object's ring buffers without waiting.
function M.consume(life, what)
  local list = registry(life, "ring")
  if #list == 0 then
    raise(what .. ": no ring buffer is open (call t:open_ring_buffer(callback) first)")
  end
  return run(list, what)
end

-- Frees every buffer of the object (cleanup()).
function M.close_all(life)
  local bufs = life.buffers
  if not bufs then return end
  for _, list in pairs(bufs) do
    for i, b in ipairs(list) do
      b.ev:close()
      list[i] = nil
      list.evs = nil
    end
  end
end

tables.kinds.perf_event_array = Perf
tables.kinds.ringbuf = Ring
tables.kind_names.perf_event_array = "perf buffer (BPF_PERF_OUTPUT)"
tables.kind_names.ringbuf = "ring buffer (BPF_RINGBUF_OUTPUT)"

return M
