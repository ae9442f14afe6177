-- args.lua - the calling convention of every bpflua method, written once.
--
-- A method takes either one table with BCC's Python keyword names
--   b:attach_kprobe{event = e, fn_name = "f"}
-- or the same arguments positionally, in Python's order
--   b:get_table("last")
-- A spec lists the parameters (name, type, default); parsing returns their
-- values in order, defaults filled in, so a method reads
--   local event, event_off, fn_name = parse(self, ...)
-- Misuse raises an error at the user's line naming the method and the
-- parameter: "attach_kprobe: 'event' must be a string, got number".

local M = {}

-- bpflua's own frames, the one rule for leaving them out of what users see:
-- its modules are the chunks embedded under lua/bpflua/ (the Makefile).
-- Errors are reported at the first frame outside them, i.e. the user's
-- line, however deep inside bpflua they arise, and tracebacks skip them.
local OWN = "lua/bpflua/"

local function own(source)
  return source:sub(1, #OWN + 1) == "@" .. OWN
end

-- Traceback lines that show only plumbing: bpflua's own frames, the error()
-- call itself, C entry points, and the xpcall a REPL line runs in.
local NOISE = { "\t" .. OWN, "\t[C]: in function 'error'", "\t[C]: at 0x",
                "\t[builtin#", "\t[C]: in function 'xpcall'" }

local function noise(line)
  for _, prefix in ipairs(NOISE) do
    if line:sub(1, #prefix) == prefix then return true end
  end
  return false
end

-- msg and the stack from `level` (1: the caller) without bpflua's own
-- frames; no "stack traceback:" header when no frame is left. The error
-- handler of scripts (runtime/main.c) and of the REPL.
function M.traceback(msg, level)
  local out = {}
  for line in (debug.traceback(msg, (level or 1) + 1) .. "\n"):gmatch("(.-)\n") do
    if not noise(line) then out[#out + 1] = line end
  end
  if out[#out] == "stack traceback:" then out[#out] = nil end
  return table.concat(out, "\n")
end

-- Raises msg at the user's line: the first Lua frame outside bpflua (no
-- position when there is none, e.g. called from C).
function M.error(msg)
  for level = 2, 200 do
    local info = debug.getinfo(level, "Sl")
    if not info then break end
    if info.what ~= "C" and info.what ~= "tail" and not own(info.source) then
      if info.currentline and info.currentline > 0 then
        msg = info.short_src .. ":" .. info.currentline .. ": " .. msg
      end
      break
    end
  end
  error(msg, 0)
end

-- The long log (clang's output, the verifier's log) of the latest failure,
-- kept so that an error message can stay short and the log reachable.
local last_log

function M.set_log(log)
  last_log = log
end

function M.last_log()
  return last_log
end

-- Type checks by name; "a|b" accepts either.
local checks = {
  any = function() return true end,
  string = function(v) return type(v) == "string" end,
  number = function(v) return type(v) == "number" end,
  boolean = function(v) return type(v) == "boolean" end,
  table = function(v) return type(v) == "table" end,
  ["function"] = function(v) return type(v) == "function" end,
  cdata = function(v) return type(v) == "cdata" end,
  integer = function(v)
    return (type(v) == "number" and v % 1 == 0) or type(v) == "cdata"
  end,
}

local descriptions = {
  integer = "an integer", string = "a string", number = "a number",
  boolean = "a boolean", table = "a table", ["function"] = "a function",
  cdata = "a cdata", any = "a value",
}

local function compile_type(t)
  local fs, names = {}, {}
  for alt in t:gmatch("[^|]+") do
    fs[#fs + 1] = assert(checks[alt], "args: unknown type " .. alt)
    names[#names + 1] = descriptions[alt]
  end
  local desc = table.concat(names, " or ")
  if #fs == 1 then return fs[1], desc end
  return function(v)
    for i = 1, #fs do if fs[i](v) then return true end end
    return false
  end, desc
end

local function describe(v)
  if type(v) == "number" and v % 1 ~= 0 then return "number " .. v end
  return type(v)
end

-- A single table argument is a keyword table, unless the first parameter
-- itself takes tables and the table's keys are not all parameter names
-- (e.g. t:push{pid = 1}).
local function is_keywords(spec, n, first)
  if n ~= 1 or type(first) ~= "table" or getmetatable(first) ~= nil then
    return false
  end
  if not spec.first_takes_table then return true end
  for k in pairs(first) do
    if not spec.index[k] then return false end
  end
  return true
end

local function check_value(spec, p, v)
  if v == nil then
    if p.required then
      M.error(string.format("%s: '%s' is required", spec.name, p.name))
    end
    return p.default
  end
  if not p.check(v) then
    M.error(string.format("%s: '%s' must be %s, got %s",
      spec.name, p.name, p.desc, describe(v)))
  end
  return v
end

local function parse_keywords(spec, kw)
  for k in pairs(kw) do
    if not spec.index[k] then
      M.error(string.format("%s: unknown argument '%s' (expected %s)",
        spec.name, tostring(k), spec.names))
    end
  end
  local out = {}
  for i, p in ipairs(spec.params) do out[i] = check_value(spec, p, kw[p.name]) end
  return unpack(out, 1, #spec.params)
end

local function parse_positional(spec, n, ...)
  if n > #spec.params then
    M.error(string.format("%s: too many arguments (%d given, takes %s)",
      spec.name, n, spec.names))
  end
  local out = { ... }
  for i, p in ipairs(spec.params) do out[i] = check_value(spec, p, out[i]) end
  return unpack(out, 1, #spec.params)
end

-- M.spec(name, params[, opts]) -> parse(...)
--   params: { {name, type[, default]}, ... }; a parameter without a default
--   (third field nil) and with required = true must be given.
--   opts.self: function(self) -> true when self is a valid receiver; the
--   parse function then takes self first and checks the colon call;
--   opts.receiver names the receiver in that message ("b", "t").
function M.spec(name, params, opts)
  opts = opts or {}
  local spec = { name = name, params = {}, index = {} }
  local names = {}
  for i, p in ipairs(params) do
    local check, desc = compile_type(p[2])
    spec.params[i] = { name = p[1], check = check, desc = desc, default = p[3],
                       required = p.required }
    spec.index[p[1]] = true
    names[i] = p[1]
  end
  spec.names = table.concat(names, ", ")
  spec.first_takes_table = params[1] ~= nil and params[1][2]:find("table") ~= nil
  local is_self = opts.self

  local function parse(...)
    local n = select("#", ...)
    if is_keywords(spec, n, (...)) then return parse_keywords(spec, (...)) end
    return parse_positional(spec, n, ...)
  end
  if not is_self then return parse end
  return function(self, ...)
    if not is_self(self) then M.receiver_error(name, opts.receiver) end
    return parse(...)
  end
end

function M.receiver_error(name, receiver)
  M.error(string.format("%s: call it as %s:%s(...), with a colon",
    name, receiver or "obj", name))
end

-- Makes every public function later stored in the method table `methods`
-- check its receiver first, so b.attach_kprobe(nil, ...) or t.clear() says
-- how to call the method instead of failing inside it. Names starting with
-- "_" (internal hooks) and functions in `except` (class functions that
-- take no receiver) are stored as they are. Returns the metatable fields
-- to merge into methods' metatable.
function M.check_receivers(mt, receiver, is_self, except)
  mt.__newindex = function(methods, name, f)
    if type(f) == "function" and type(name) == "string" and not name:find("^_")
       and not (except and except[f]) then
      local body = f
      f = function(self, ...)
        if not is_self(self) then M.receiver_error(name, receiver) end
        return body(self, ...)
      end
    end
    rawset(methods, name, f)
  end
  return mt
end

-- Levenshtein distance, for "did you mean".
local function distance(a, b)
  local prev, cur = {}, {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    cur[0] = i
    for j = 1, #b do
      local cost = a:byte(i) == b:byte(j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev, cur = cur, prev
  end
  return prev[#b]
end

-- The candidate closest to name (a list of strings), or nil when none is
-- close enough to be a likely typo (a third of the name's length).
function M.closest(name, candidates)
  local best, bestd = nil, math.max(2, math.floor(#name / 3)) + 1
  for _, c in ipairs(candidates) do
    local d = distance(name, c)
    if d < bestd or (d == bestd and best and c < best) then best, bestd = c, d end
  end
  return best
end

return M
