-- stacks.lua - stack trace tables (BPF_STACK_TRACE, BPF_STACK_TRACE_BUILDID).
--
--   for addr in t:walk(stack_id) do print(b:sym(addr, pid)) end
--
-- A stack id is what get_stackid() returned in BPF: a key of the table, or
-- a negative errno (-EFAULT: no stack could be read, -EEXIST: another stack
-- hashed to the id and BPF_F_REUSE_STACKID was not set, -ENOMEM: the table
-- is full). walk() of a negative or absent id yields nothing, so tools need
-- no special case; t[id] is the raw frames (uint64_t[127], or
-- struct bpf_stack_build_id[127]), nil when absent.
--
-- The kernel's maps of this type take no BTF, so the key and value types
-- are given here from the map's size and flags.

local bit = require "bit"
local ffi = require "ffi"
local args = require "bpflua.args"
local tables = require "bpflua.table"
require "bpflua.cdef"   -- struct bl_stack_build_id

local BUILD_ID = 0x20 -- BPF_F_STACK_BUILD_ID
local BUILD_ID_EMPTY = 0
local DEPTH = 127

local Stacks = tables.class(tables.Table)

function Stacks._ctypes(info, keytype, leaftype)
  local buildid = bit.band(info.flags or 0, BUILD_ID) ~= 0
  local entry = buildid and "struct bl_stack_build_id" or "uint64_t"
  local n = math.floor(info.value_size / ffi.sizeof(entry))
  return keytype or "uint32_t", leaftype or string.format("%s[%d]", entry, n)
end

function Stacks:_get(k)
  if type(k) == "number" and k < 0 then return nil end
  return tables.Table._get(self, k)
end

local p_walk = tables.method("walk", { { "stack_id", "integer", required = true },
  { "resolve", "function" } })

-- Iterator over the frames, innermost first: addresses (numbers, or
-- uint64_t cdata beyond 2^53, as kernel addresses are), or for a build-id
-- table the records (status, build_id, offset; ip when status is 2). With
-- resolve, yields resolve(frame) instead, as BCC's walk does.
function Stacks:walk(...)
  local id, resolve = p_walk(self, ...)
  local frames = self[id]
  local n = frames and ffi.sizeof(frames) / ffi.sizeof(frames[0]) or 0
  local buildid = frames and bit.band(tables.state(self).info.flags or 0, BUILD_ID) ~= 0
  local i = -1
  return function()
    i = i + 1
    if i >= n or i >= DEPTH then return nil end
    local f = frames[i]
    if buildid then
      if f.status == BUILD_ID_EMPTY then return nil end
    else
      if f == 0 then return nil end
      f = tables.num(f)
    end
    if resolve then return resolve(f) end
    return f
  end
end

tables.kinds.stack_trace = Stacks

return Stacks
