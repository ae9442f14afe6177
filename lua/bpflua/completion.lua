-- bpflua.completion: Tab completion candidates for the REPL.
--
-- Outside strings: Lua names resolved from the globals through `.` and `:`
-- (methods come from metatables, so a BPF object's methods complete, and its
-- tables complete as b["name"]). Inside a string: kernel functions that can
-- be probed and "category:event" tracepoint names, read once, lazily.
local M = {}

local core = require("bpflua.core")

-- Every probeable kernel function and "cat:ev" tracepoint, read once: the
-- same lists (and lockdown fallback) as get_kprobe_functions and tp_re.
local names

local function kernel_names()
  if not names then
    names = { funcs = core.kprobe_functions(".*") or {}, events = core.tracepoints(".*") or {} }
  end
  return names.funcs, names.events
end

local function add_prefixed(out, list, prefix, limit)
  for _, name in ipairs(list) do
    if name:sub(1, #prefix) == prefix then
      out[#out + 1] = name
      if #out >= limit then return end
    end
  end
end

local function in_string(line)
  local _, quotes = line:gsub('"', '')
  local _, squotes = line:gsub("'", '')
  return quotes % 2 == 1 or squotes % 2 == 1
end

-- A metatable's __complete(v) lists names its __index function serves:
-- methods first, then the names completed inside v["..."].
local function listed(v)
  local mt = getmetatable(v)
  local f = type(mt) == "table" and rawget(mt, "__complete")
  if type(f) ~= "function" then return nil end
  local ok, methods, keys = pcall(f, v)
  if ok then return methods or {}, keys or {} end
end

-- Keys of a value usable after "." or ":" (its fields, then its __index's).
local function keys_of(v, seen, out, methods_only)
  seen = seen or {}
  if seen[v] then return out end
  seen[v] = true
  local methods = listed(v)
  if methods then
    for _, k in ipairs(methods) do out[#out + 1] = k end
    return out
  end
  if type(v) == "table" then
    for k, f in pairs(v) do
      if type(k) == "string" and (not methods_only or type(f) == "function") then
        out[#out + 1] = k
      end
    end
  end
  local mt = getmetatable(v)
  local idx = type(mt) == "table" and rawget(mt, "__index")
  if type(idx) == "table" then keys_of(idx, seen, out, methods_only) end
  return out
end

local function resolve(path)
  local v = _G
  for part in path:gmatch("[^%.:]+") do
    if type(v) ~= "table" and type(v) ~= "userdata" then return nil end
    local ok, nv = pcall(function() return v[part] end)
    if not ok then return nil end
    v = nv
  end
  return v
end

local function lua_candidates(text, out)
  local base, sep, partial = text:match("^(.-)([%.:])([%w_]*)$")
  local names
  if base then
    names = keys_of(resolve(base), nil, {}, sep == ":")
  else
    partial, base, sep = text, "", ""
    names = keys_of(_G, nil, {})
  end
  table.sort(names)
  for _, k in ipairs(names) do
    if k:sub(1, #partial) == partial then out[#out + 1] = base .. sep .. k end
  end
end

-- Inside v["...": the names v's __complete offers (a BPF object's tables).
local function indexed_candidates(before, text, out)
  local base = before:match("([%w_%.]+)%[[\"']$")
  local _, keys = listed(base and resolve(base))
  if not keys then return false end
  table.sort(keys)
  add_prefixed(out, keys, text, 400)
  return true
end

-- text: the word being completed; line: the whole input line.
function M.candidates(text, line)
  local out = {}
  local before = line:sub(1, #line - #text)
  if indexed_candidates(before, text, out) then return out end
  if in_string(before) then
    local funcs, events = kernel_names()
    add_prefixed(out, events, text, 200)
    add_prefixed(out, funcs, text, 400)
  else
    lua_candidates(text, out)
  end
  return out
end

return M
