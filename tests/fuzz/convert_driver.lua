-- convert_driver.lua - fuzz(bytes) for fuzz_convert.c: a C type (one of
-- the forms runtime/btf/ctype.c writes, or the input's own text) and a Lua
-- value from the bytes; convert.lua must either refuse the value with a
-- message or produce one LuaJIT stores, with the bits C would store.
local ffi = require "ffi"
local convert = require "bpflua.convert"

local TYPES = {
  "uint8_t", "int8_t", "char", "uint16_t", "int16_t", "uint32_t", "int32_t",
  "uint64_t", "int64_t", "bool", "float", "double", "char[4]", "uint8_t[3]",
  "uint32_t[2][2]", "struct { uint32_t pid; char comm[4]; }",
  "struct { uint16_t a : 3; int8_t b[2]; union { uint32_t u; uint8_t c[4]; }; }",
  "struct __attribute__((packed)) { uint8_t x; uint64_t y; }",
  "struct { uint8_t __pad0[3]; uint8_t : 4; int64_t s : 12; struct { char n[2]; } in; }",
}
local NAMES = { "pid", "comm", "a", "b", "u", "c", "x", "y", "s", "in", "n", "__pad0", "pdi" }
local NUMS = { 0, 1, -1, 0.5, -0.5, 2^7, -2^7, 2^8, 2^15, 2^16, 2^31, -2^31, 2^32, -2^32,
  2^53, 2^63, -2^63, 2^64, -2^64, 1/0, -1/0, 0/0, 2^63 - 1024, 255, 127, -129 }

local function reader(s)
  local i = 0
  return function()
    i = i + 1
    return s:byte(i) or 0
  end, function() return i >= #s end
end

local function gen(byte, done, depth)
  local tag = byte() % 12
  if tag <= 3 then return NUMS[byte() % #NUMS + 1] + (tag == 3 and (byte() - 128) or 0) end
  if tag == 4 then
    local b = {}
    for i = 1, 8 do b[i] = byte() end
    local d = ffi.new("double[1]")
    ffi.copy(d, string.char(unpack(b)), 8)
    return convert.float_at(d, 0, 8)   -- d[0] itself crashes this LuaJIT on some NaNs
  end
  if tag == 5 then return byte() % 2 == 0 end
  if tag == 6 then return string.rep("x", byte() % 8) end
  if tag == 7 then return ffi.new(byte() % 2 == 0 and "int64_t" or "uint64_t", NUMS[byte() % #NUMS + 1] % 2^53) end
  if tag == 8 then return ffi.cast("int64_t", -1) * (byte() - 128) end
  if depth > 3 or done() then return byte() end
  local t, n = {}, byte() % 5
  for _ = 1, n do
    local kt = byte() % 3
    local k = kt == 0 and NAMES[byte() % #NAMES + 1] or kt == 1 and (byte() % 6) - 1 or "f" .. byte()
    t[k] = gen(byte, done, depth + 1)
  end
  return t
end

-- The 64 bits C stores for integer v in a bits-wide slot (as uint64_t).
local function c_bits(v, bits)
  local u = v < 0 and ffi.cast("uint64_t", ffi.cast("int64_t", v)) or ffi.cast("uint64_t", v)
  if bits < 64 then u = u % (2ULL ^ bits) end
  return u
end

-- The ctype and its [1] box per type string: LuaJIT makes new ctypes at
-- each parse of an anonymous struct and has room for 65536 (after that,
-- "table overflow"), so parsing each input's type again fails the run.
local boxes = {}
local function box_type(tstr)
  local b = boxes[tstr]
  if b == nil then
    local ok, ct = pcall(ffi.typeof, tstr)
    b = ok and ffi.typeof("$[1]", ct) or false
    boxes[tstr] = b
  end
  return b
end

function fuzz(data)
  local byte, done = reader(data)
  local sel = byte()
  local tstr
  if sel < 230 then
    tstr = TYPES[sel % #TYPES + 1]
  else
    tstr = data:sub(2, 80)
    data = data:sub(81)
    byte, done = reader(data)
  end
  local tree = convert.tree(tstr)
  local v = gen(byte, done, 0)
  local ok, cv = pcall(convert.value, tree, v)
  if not ok then
    assert(type(cv) == "string", "convert raised a non-string")
    return
  end
  local bt = box_type(tstr)
  if not bt then return end
  local box = bt()
  local stored, err = pcall(function() box[0] = cv end)
  if tree.kind == "opaque" then return end
  if not stored then
    error(string.format("%s: accepted %s but LuaJIT refused it: %s", tstr, tostring(v), err))
  end
  if tree.kind == "int" and type(v) == "number" then
    local x = box[0]
    local got = type(x) == "number" and c_bits(x, tree.bits) or ffi.cast("uint64_t", x)
    if tree.bits < 64 then got = got % (2ULL ^ tree.bits) end
    local want = c_bits(v, tree.bits)
    if got ~= want then
      error(string.format("%s = %.17g stored %s, C stores %s", tstr, v, tostring(got), tostring(want)))
    end
  end
end
