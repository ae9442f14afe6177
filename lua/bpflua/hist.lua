-- hist.lua - t:print_log2_hist() and t:print_linear_hist(), printing what
-- BCC's Python table methods print, byte for byte.
--
--   M.params                    the methods' parameters (BCC's names, order)
--   M.print_log2(t, key, ...)   key: the table's key typeinfo; ... = params
--   M.print_linear(t, key, ...)
--   M.print_json(t, key, ...)   t:print_json_hist(), M.json_params
--   M.log2_lines(vals, val_type, strip) / M.linear_lines(...)
--                               the lines of one histogram, vals[slot]
--                               (0-based, absent = 0)
--
-- BCC's layout: a log2 histogram prints slots 1..last non-zero (slot i
-- holds values of bit length i, so slot 0 never shows), a linear one slots
-- 0..last non-zero; counts get a bar of up to 40 stars. Past slot 32 the
-- log2 columns widen to 20 digits and the bar halves. A key struct makes
-- sections: its first field is the section, its second the slot, and each
-- section prints "\n<section_header> = <value>" and then its histogram.
-- Integers beyond 2^53 stay exact (uint64_t cdata) and print in full.

local ffi = require "ffi"
local bit = require "bit"
local args = require "bpflua.args"
local C = require "bpflua.cdef"

local M = {}

local LOG2_INDEX_MAX, LINEAR_INDEX_MAX = 65, 1025
local STARS_MAX = 40
local EXACT = 9007199254740992 -- 2^53

M.params = {
  { "val_type", "string", "value" },
  { "section_header", "string", "Bucket ptr" },
  { "section_print_fn", "function" },
  { "bucket_fn", "function" },
  { "strip_leading_zero", "boolean" },
  { "bucket_sort_fn", "function" },
}

---------------------------------------------------------------- numbers

local function is64(v)
  return type(v) == "cdata" and (ffi.istype("uint64_t", v) or ffi.istype("int64_t", v))
end

-- Decimal text of an integer (a Lua number or a 64-bit cdata), in full:
-- string.format("%d") would print a uint64_t past 2^63 as negative.
local function dec(v)
  if type(v) == "number" then return string.format("%d", v) end
  return (tostring(v):gsub("U?LL$", ""))
end

local function rpad(s, w) return s .. string.rep(" ", w - #s) end
local function lpad(s, w) return string.rep(" ", w - #s) .. s end

-- a + b, exact: a number while that is exact, else uint64_t.
local function add(a, b)
  if type(a) == "number" and type(b) == "number" and a + b <= EXACT then
    return a + b
  end
  local s = ffi.cast("uint64_t", a) + ffi.cast("uint64_t", b)
  return s <= EXACT and tonumber(s) or s
end

local function tonum(v)
  if type(v) == "number" then return v end
  return tonumber(v)
end

-- BCC's bar: stars while i <= width * val / val_max - 1 (true division,
-- i.e. the exact quotient rounded once), at most width; a '+' ends a bar
-- whose value exceeds val_max. The quotient is exact here whenever
-- width * val and val_max are below 2^53.
local function stars(val, val_max, width)
  local x
  if type(val) == "number" and type(val_max) == "number" and width * val <= EXACT then
    x = width * val / val_max
  else
    x = width * tonum(val) / tonum(val_max)
  end
  local n = 0
  while not (n > x - 1 or n > width - 1) do n = n + 1 end
  local text = string.rep("*", n)
  if val > val_max then text = text:sub(1, -2) .. "+" end
  return text
end

---------------------------------------------------------------- one histogram

local function scan(vals, n)
  local idx_max, val_max = -1, 0
  for i = 0, n - 1 do
    local v = vals[i]
    if v and v > 0 then idx_max = i end
    if v and v > val_max then val_max = v end
  end
  return idx_max, val_max
end

-- Rows first..last of one histogram, honouring strip_leading_zero (skip
-- zero rows until the first non-zero one).
local function rows(out, vals, first, last, strip, row)
  for i = first, last do
    local v = vals[i] or 0
    if not strip or v ~= 0 then
      out[#out + 1] = row(i, v)
      strip = false
    end
  end
end

function M.log2_lines(vals, val_type, strip)
  local out = {}
  local idx_max, val_max = scan(vals, LOG2_INDEX_MAX)
  local wide = idx_max > 32
  local w = wide and 20 or 10
  local width = wide and STARS_MAX / 2 or STARS_MAX
  if idx_max > 0 then
    out[1] = wide and ("               " .. rpad(val_type, 29) .. " : count     distribution")
      or ("     " .. rpad(val_type, 19) .. " : count     distribution")
  end
  rows(out, vals, 1, idx_max, strip, function(i, v)
    local low = bit.rshift(bit.lshift(1ULL, i), 1)
    local high = bit.lshift(1ULL, i) - 1
    if i == 64 then low, high = bit.lshift(1ULL, 63), 0xffffffffffffffffULL end
    if low == high then low = low - 1 end
    return string.format("%s -> %s : %s |%s|", lpad(dec(low), w), rpad(dec(high), w),
      rpad(dec(v), 8), rpad(stars(v, val_max, width), width))
  end)
  return out
end

function M.linear_lines(vals, val_type, strip)
  local out = {}
  local idx_max, val_max = scan(vals, LINEAR_INDEX_MAX)
  if idx_max >= 0 then
    out[1] = "     " .. rpad(val_type, 13) .. " : count     distribution"
  end
  rows(out, vals, 0, idx_max, strip, function(i, v)
    return string.format("        %s : %s |%s|", rpad(dec(i), 10), rpad(dec(v), 8),
      rpad(stars(v, val_max, STARS_MAX), STARS_MAX))
  end)
  return out
end

---------------------------------------------------------------- reading the table

-- A value as one integer: per-CPU arrays are summed.
local function count(v)
  if type(v) == "table" then
    local s = 0
    for _, x in ipairs(v) do s = add(s, count(x)) end
    return s
  end
  if type(v) == "number" or is64(v) then return v end
  args.error("histogram values must be integers, got " .. tostring(v))
end

local function slot_index(name, slot, nvals, v)
  slot = tonum(slot)
  if slot < 0 or slot >= nvals then
    if v == 0 then return nil end
    args.error(string.format("%s: slot %s is out of range (0..%d, as in BCC)",
      name, dec(slot), nvals - 1))
  end
  return slot
end

-- The names of a struct ctype's top-level fields, in order, and whether
-- each is a char array (BCC hands those over as bytes).
local function struct_fields(str)
  local body = str:match("^struct%s*[%w_]*%s*(%b{})%s*$")
  if not body then return nil end
  body = body:sub(2, -2)
  local fields, depth, start = {}, 0, 1
  for i = 1, #body do
    local c = body:sub(i, i)
    if c == "{" or c == "(" then depth = depth + 1
    elseif c == "}" or c == ")" then depth = depth - 1
    elseif c == ";" and depth == 0 then
      local decl = body:sub(start, i - 1)
      local name = decl:match("([%a_][%w_]*)%s*%[[^%]]*%]%s*$")
        or decl:match("([%a_][%w_]*)%s*:%s*%d+%s*$")
        or decl:match("([%a_][%w_]*)%s*$")
      if name then
        fields[#fields + 1] = {
          name = name, chars = decl:match("^%s*char%s") ~= nil and decl:find("%[") ~= nil,
        }
      end
      start = i + 1
    end
  end
  return fields
end

-- Python's repr() of a bytes (prefix "b") or str value.
local function pyrepr(s, prefix)
  local q = (s:find("'", 1, true) and not s:find('"', 1, true)) and '"' or "'"
  local esc = s:gsub("[%z\1-\31\127-\255\\'\"]", function(c)
    local b = c:byte()
    if c == "\\" then return "\\\\" end
    if c == q then return "\\" .. c end
    if c == '"' or c == "'" then return c end
    if c == "\t" then return "\\t" end
    if c == "\n" then return "\\n" end
    if c == "\r" then return "\\r" end
    if b >= 128 and prefix == "" then return c end
    return string.format("\\x%02x", b)
  end)
  return prefix .. q .. esc .. q
end

-- Python's str() of what section_print_fn returned.
local function pystr(v)
  if type(v) == "number" and v % 1 == 0 then return dec(v) end
  if is64(v) then return dec(v) end
  if v == true then return "True" end
  if v == false then return "False" end
  if v == nil then return "None" end
  return tostring(v)
end

-- Python's repr() of a section value.
local function pyrepr_value(v, bytes)
  if type(v) == "string" then return pyrepr(v, bytes and "b" or "") end
  return pystr(v)
end

-- A Lua table key for a section value: equal values, equal keys.
local function group_key(v)
  if type(v) == "cdata" then return (is64(v) and "n" or "c") .. tostring(v) end
  if type(v) == "number" then return v end
  if type(v) == "string" then return "s" .. v end
  return v
end

-- { { bucket = v, vals = {...} }, ... } in the order BCC would print them.
local function sections(name, t, key, bucket_fn, bucket_sort_fn)
  local fields = struct_fields(key.str)
  if not fields or #fields < 2 then
    args.error(string.format("%s: a sectioned histogram needs a key struct of two fields "
      .. "(section, slot); the key type is %s", name, key.str))
  end
  local f1, f2 = fields[1], fields[2]
  local by_key, order = {}, {}
  for k, v in t:items() do
    local bucket = k[f1.name]
    if f1.chars then bucket = ffi.string(bucket, C.bl_strnlen(bucket, ffi.sizeof(bucket)))
    elseif is64(bucket) and bucket <= EXACT then bucket = tonumber(bucket) end
    if bucket_fn then bucket = bucket_fn(bucket) end
    local gk = group_key(bucket)
    local sec = by_key[gk]
    if not sec then
      sec = { bucket = bucket, vals = {} }
      by_key[gk] = sec
      order[#order + 1] = bucket
    end
    local c = count(v)
    local i = slot_index(name, k[f2.name], LOG2_INDEX_MAX, c)
    if i then sec.vals[i] = c end
  end
  if bucket_sort_fn then order = bucket_sort_fn(order) or order end
  local out = {}
  for i, b in ipairs(order) do
    local sec = by_key[group_key(b)]
    if not sec then
      args.error(string.format("%s: bucket_sort_fn returned a bucket that is not in the table: %s",
        name, tostring(b)))
    end
    out[i] = sec
  end
  return out, f1.chars and not bucket_fn
end

-- vals[slot] of a table keyed by the slot itself.
local function plain_vals(name, t, nvals)
  local vals = {}
  for k, v in t:items() do
    local c = count(v)
    local i = slot_index(name, k, nvals, c)
    if i then vals[i] = c end
  end
  return vals
end

local function print_hist(name, lines_of, nvals, t, key, val_type, section_header,
                          section_print_fn, bucket_fn, strip, bucket_sort_fn)
  local out = {}
  local function emit(lines)
    for _, l in ipairs(lines) do out[#out + 1] = l end
  end
  if key and key.kind == "aggregate" and key.str:find("^struct") then
    local secs, bytes = sections(name, t, key, bucket_fn, bucket_sort_fn)
    for _, sec in ipairs(secs) do
      local label = section_print_fn and pystr(section_print_fn(sec.bucket))
        or pyrepr_value(sec.bucket, bytes)
      out[#out + 1] = "\n" .. section_header .. " = " .. label
      emit(lines_of(sec.vals, val_type, strip))
    end
  else
    emit(lines_of(plain_vals(name, t, nvals), val_type, strip))
  end
  if #out > 0 then io.write(table.concat(out, "\n"), "\n") end
end

---------------------------------------------------------------- JSON

M.json_params = {
  { "val_type", "string", "value" },
  { "section_header", "string", "Bucket ptr" },
  { "section_print_fn", "function" },
  { "bucket_fn", "function" },
  { "bucket_sort_fn", "function" },
}

-- What BCC's _print_json_hist prints: the repr() of a Python dict (it
-- calls print() on the dict, so the text is Python's, not JSON), with the
-- log2 slots 1..last non-zero as intervals [2^(i-1), 2^i - 1] (slot 1:
-- [0, 1]) and the section, if any, as a last entry.
function M.json_line(vals, val_type, section_header, section_repr)
  local last = 0
  for i = 0, LOG2_INDEX_MAX - 1 do
    if vals[i] and vals[i] ~= 0 then last = i end
  end
  local data, prev, index = {}, 0, 1
  for i = 1, last do
    index = index * 2
    data[#data + 1] = string.format("{'interval-start': %s, 'interval-end': %s, 'count': %s}",
      dec(prev), dec(index - 1), dec(vals[i] or 0))
    prev = index
  end
  local s = string.format("{'ts': %s, 'val_type': %s, 'data': [%s]", pyrepr(os.date("%Y-%m-%d %H:%M:%S"), ""),
    pyrepr(val_type, ""), table.concat(data, ", "))
  if section_repr then s = s .. ", " .. pyrepr(section_header, "") .. ": " .. section_repr end
  return s .. "}"
end

function M.print_json(t, key, val_type, section_header, section_print_fn, bucket_fn,
                      bucket_sort_fn)
  local name = "print_json_hist"
  if key and key.kind == "aggregate" and key.str:find("^struct") then
    local secs, bytes = sections(name, t, key, bucket_fn, bucket_sort_fn)
    for _, sec in ipairs(secs) do
      local label = sec.bucket
      if section_print_fn then label = section_print_fn(label) end
      io.write(M.json_line(sec.vals, val_type, section_header,
        pyrepr_value(label, bytes and not section_print_fn)), "\n")
    end
    return
  end
  io.write(M.json_line(plain_vals(name, t, LOG2_INDEX_MAX), val_type), "\n")
end

function M.print_log2(t, key, ...)
  return print_hist("print_log2_hist", M.log2_lines, LOG2_INDEX_MAX, t, key, ...)
end

function M.print_linear(t, key, ...)
  return print_hist("print_linear_hist", M.linear_lines, LINEAR_INDEX_MAX, t, key, ...)
end

return M
