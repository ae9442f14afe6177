-- convert.lua - Lua values into a map's key and value types.
--
-- The rule (README "Maps"): C's conversion where C and BCC agree, a clear
-- error for everything the C type cannot represent. So a negative integer
-- wraps as in C (t[k] = -1 on a u64 stores 2^64-1, as BCC does), while a
-- number out of the type's range (2^64, 2^32 for a u32), a non-integral
-- number or NaN for an integer, a boolean for a number, a field the struct
-- does not have, or a string longer than its char[] is an error.
--
-- LuaJIT's own conversions are silent (2^64 becomes 0, booleans 1/0,
-- unknown fields of a table initializer are ignored), so a type is parsed
-- once from its ctype string (runtime/btf/ctype.c writes them in a regular
-- form: `struct { uint32_t pid; char comm[16]; }`) into a tree, and each
-- value is checked against the tree and rewritten into what LuaJIT then
-- stores exactly. A type that does not parse (a user's named ctype) is
-- "opaque": LuaJIT alone converts it.

local bit = require "bit"
local ffi = require "ffi"

local M = {}

local INTS = {
  int8_t = { 8, true }, uint8_t = { 8, false }, char = { 8, true },
  ["signed char"] = { 8, true }, ["unsigned char"] = { 8, false },
  int16_t = { 16, true }, uint16_t = { 16, false },
  short = { 16, true }, ["unsigned short"] = { 16, false },
  int32_t = { 32, true }, uint32_t = { 32, false }, int = { 32, true },
  unsigned = { 32, false }, ["unsigned int"] = { 32, false },
  int64_t = { 64, true }, uint64_t = { 64, false }, long = { 64, true },
  ["unsigned long"] = { 64, false }, ["long long"] = { 64, true },
  ["unsigned long long"] = { 64, false }, size_t = { 64, false }, ssize_t = { 64, true },
}
local FLOATS = { float = true, double = true }
local BOOLS = { bool = true, _Bool = true }

---------------------------------------------------------------- parsing

local function tokenize(s)
  local toks, i = {}, 1
  s = s:gsub("__attribute__%s*%(%(%s*packed%s*%)%)", " ")
  while i <= #s do
    local a, b = s:find("^[%w_]+", i)
    if a then
      toks[#toks + 1] = s:sub(a, b)
      i = b + 1
    elseif s:find("^%s", i) then
      i = i + 1
    elseif s:find("^[{}%[%];:]", i) then
      toks[#toks + 1] = s:sub(i, i)
      i = i + 1
    else
      return nil    -- pointers, function types, ...: opaque
    end
  end
  return toks
end

local parse_type

local function scalar(name)
  local int = INTS[name]
  if int then return { kind = "int", bits = int[1], signed = int[2], str = name } end
  if FLOATS[name] then return { kind = "float", str = name } end
  if BOOLS[name] then return { kind = "bool", str = name } end
  return nil
end

local function dims(p, node)
  local ns = {}
  while p.t[p.i] == "[" do
    local n = tonumber(p.t[p.i + 1])
    if not n or p.t[p.i + 2] ~= "]" then return nil end
    ns[#ns + 1] = n
    p.i = p.i + 3
  end
  for d = #ns, 1, -1 do
    node = { kind = "array", elem = node, n = ns[d] }
  end
  return node
end

local function add_field(rec, name, node)
  if not rec.fields[name] then rec.names[#rec.names + 1] = name end
  rec.fields[name] = node
end

-- One member: `type [name][dims][: bits];`; an anonymous struct/union
-- member's fields are the record's own (LuaJIT reads them by name).
local function member(p, rec)
  local ft = parse_type(p, true)
  if not ft then return nil end
  local name
  if p.t[p.i] and p.t[p.i]:find("^[%a_][%w_]*$") then
    name = p.t[p.i]
    p.i = p.i + 1
  end
  ft = dims(p, ft)
  if not ft then return nil end
  if p.t[p.i] == ":" then
    local bits = tonumber(p.t[p.i + 1])
    if not bits or ft.kind ~= "int" then return nil end
    ft = { kind = "int", bits = bits, signed = ft.signed, str = ft.str .. ":" .. bits }
    p.i = p.i + 2
  end
  if p.t[p.i] ~= ";" then return nil end
  p.i = p.i + 1
  if name and not name:find("^__pad%d") then
    add_field(rec, name, ft)
  elseif not name and ft.fields then
    for _, n in ipairs(ft.names) do add_field(rec, n, ft.fields[n]) end
  end
  return true
end

-- in_member: a member's type is one word (the next one is its name).
function parse_type(p, in_member)
  local tok = p.t[p.i]
  if tok == "struct" or tok == "union" then
    if p.t[p.i + 1] ~= "{" then return nil end
    p.i = p.i + 2
    local rec = { kind = "record", fields = {}, names = {} }
    while p.t[p.i] ~= "}" do
      if not p.t[p.i] or not member(p, rec) then return nil end
    end
    p.i = p.i + 1
    return rec
  end
  if not tok then return nil end
  local words = { tok }
  p.i = p.i + 1
  while not in_member and p.t[p.i] and p.t[p.i]:find("^[%a_][%w_]*$") do
    words[#words + 1] = p.t[p.i]
    p.i = p.i + 1
  end
  return scalar(table.concat(words, " "))
end

local cache = {}

-- The conversion tree of a ctype string (cached), or the opaque node.
function M.tree(ctype)
  if type(ctype) ~= "string" then return { kind = "opaque" } end
  local node = cache[ctype]
  if node then return node end
  local toks = tokenize(ctype)
  local p = toks and { t = toks, i = 1 }
  node = p and parse_type(p, false)
  node = node and dims(p, node)
  if not node or p.i <= #p.t then node = { kind = "opaque" } end
  node.ctype = ctype
  cache[ctype] = node
  return node
end

---------------------------------------------------------------- checking

local function fail(path, fmt, ...)
  local msg = string.format(fmt, ...)
  error(path and path ~= "" and path .. ": " .. msg or msg, 0)
end

local function num_str(v)
  if v % 1 == 0 and v > -2 ^ 63 and v < 2 ^ 63 then return string.format("%d", v) end
  return string.format("%.17g", v)
end

local function range_str(node)
  if node.bits == 64 then return "-9223372036854775808..18446744073709551615" end
  return string.format("%d..%d", -2 ^ (node.bits - 1), 2 ^ node.bits - 1)
end

-- A number within -2^(bits-1) .. 2^bits-1 as the bits C stores: for
-- narrow types a Lua number in the type's own range, for 64-bit types a
-- cdata where a double would not convert exactly.
local function wrap(node, v)
  local bits = node.bits
  if bits == 64 then
    if v < 0 and not node.signed then return ffi.cast("int64_t", v) end
    if v >= 2 ^ 63 and node.signed then
      return ffi.cast("int64_t", ffi.cast("uint64_t", v))
    end
    return v
  end
  local m = 2 ^ bits
  v = v % m
  if node.signed and v >= m / 2 then v = v - m end
  return v
end

local I64, U64 = ffi.typeof("int64_t"), ffi.typeof("uint64_t")

local function describe(v)
  return type(v) == "cdata" and tostring(ffi.typeof(v)) or type(v)
end

local function int_value(node, v, path)
  local t = type(v)
  if t == "number" then
    if v ~= v then fail(path, "NaN is not an integer (%s)", node.str) end
    if v % 1 ~= 0 then
      fail(path, "%s is not an integer (%s)", num_str(v), node.str)
    end
    if v < -2 ^ (node.bits - 1) or v >= 2 ^ node.bits then
      fail(path, "%s is out of range for %s (%s; negative values wrap as in C)",
        num_str(v), node.str, range_str(node))
    end
    return wrap(node, v)
  end
  if t == "cdata" and (ffi.istype(I64, v) or ffi.istype(U64, v)) then
    if node.bits == 64 then return v end     -- C's conversion: the same 64 bits
    local lo, hi = -2 ^ (node.bits - 1), 2 ^ node.bits - 1
    local ok = ffi.istype(I64, v) and (v >= lo and v <= hi) or (not ffi.istype(I64, v) and v <= hi)
    if not ok then
      fail(path, "%s is out of range for %s (%s)", tostring(v), node.str, range_str(node))
    end
    return wrap(node, tonumber(v))
  end
  if t == "boolean" then
    fail(path, "a boolean is not an integer (%s; use 1 or 0)", node.str)
  end
  if t == "cdata" then return v end           -- LuaJIT's conversions decide
  fail(path, "expected an integer for %s, got %s", node.str, t)
end

local convert

-- A cdata LuaJIT may take for an aggregate (not a boxed integer).
local function aggregate_cdata(v)
  return type(v) == "cdata" and not ffi.istype(I64, v) and not ffi.istype(U64, v)
end

local function array_value(node, v, path)
  local t = type(v)
  local elem = node.elem
  if t == "string" and elem.kind == "int" and elem.bits == 8 then
    if #v > node.n then
      fail(path, "a string of %d bytes does not fit %s[%d] (at most %d)", #v, elem.str,
        node.n, node.n)
    end
    return v
  end
  if aggregate_cdata(v) then return v end
  if t ~= "table" then
    fail(path, "expected a Lua table (or cdata) for the array %s[%d], got %s", elem.str or "",
      node.n, describe(v))
  end
  local base = v[0] ~= nil and 0 or 1
  local out = {}
  for k, x in pairs(v) do
    if type(k) ~= "number" or k % 1 ~= 0 or k < base or k >= base + node.n then
      fail(path, "index %s is outside the array [%d] (indices %d..%d)", tostring(k), node.n,
        base, base + node.n - 1)
    end
    out[k] = convert(elem, x, path .. "[" .. k .. "]")
  end
  return out
end

local function record_value(node, v, path)
  local t = type(v)
  if aggregate_cdata(v) then return v end
  if t ~= "table" then
    fail(path, "expected a Lua table of fields (or a cdata), got %s", describe(v))
  end
  local out = {}
  for k, x in pairs(v) do
    local f = type(k) == "string" and node.fields[k]
    if not f then
      fail(path, "no field '%s' (the fields are: %s)", tostring(k),
        table.concat(node.names, ", "))
    end
    out[k] = convert(f, x, path == "" and k or path .. "." .. k)
  end
  return out
end

-- v as the value LuaJIT should store into a node-typed slot; raises a
-- message (no position) when C's type cannot represent it.
function convert(node, v, path)
  local kind = node.kind
  if kind == "int" then return int_value(node, v, path) end
  if kind == "float" then
    if type(v) == "number" or type(v) == "cdata" then return v end
    fail(path, "expected a number for %s, got %s", node.str, type(v))
  end
  if kind == "bool" then
    if type(v) == "boolean" then return v end
    if v == 0 or v == 1 then return v ~= 0 end
    fail(path, "expected a boolean (or 0/1) for bool, got %s", tostring(v))
  end
  if kind == "array" then return array_value(node, v, path) end
  if kind == "record" then return record_value(node, v, path) end
  return v
end

function M.value(node, v)
  return convert(node, v, "")
end

-- Element i of a float/double array as a Lua number. This LuaJIT loads a
-- NaN's payload as it is, and a payload that looks like a tagged value
-- crashes it: any NaN comes back as Lua's own NaN.
local U64P, U32P = ffi.typeof("const uint64_t *"), ffi.typeof("const uint32_t *")
function M.float_at(p, i, size)
  if size == 8 then
    local u = ffi.cast(U64P, p)[i]
    if bit.band(tonumber(bit.rshift(u, 52)), 0x7ff) == 0x7ff and u % 0x10000000000000ULL ~= 0 then
      return 0 / 0
    end
  else
    local u = ffi.cast(U32P, p)[i]
    if bit.band(u, 0x7f800000) == 0x7f800000 and bit.band(u, 0x7fffff) ~= 0 then return 0 / 0 end
  end
  return p[i]
end

return M
