-- usdt.lua - the USDT class, as BCC's: user statically defined tracepoints
-- (<sys/sdt.h> probes) of a binary or of a running process.
--
--   local u = USDT{path = "/usr/bin/prog"}      -- or USDT{pid = 1234}, or both
--   u:enable_probe{probe = "provider:name", fn_name = "on_probe"}  -- or probe = "name"
--   local b = BPF{text = ..., usdt_contexts = {u}}
--
-- In the program, bpf_usdt_readarg(n, ctx, &v) reads argument n (1-based)
-- of whichever location of whichever probe fired (bpf-headers/bpflua/usdt.h).
-- A probe's semaphore is raised while it is attached (the kernel's uprobe
-- reference counter), so code guarded by it runs only then.

local core = require "bpflua.core"
local args = require "bpflua.args"

local raise = args.error

local M = {}
local USDT = {}
USDT.__index = USDT

-- BCC's BPF.find_exe: a path that is an executable file, or the name
-- searched in $PATH; nil when there is none.
function M.find_exe(name)
  if name:find("/") then return core.is_exe(name) and name or nil end
  for dir in (os.getenv("PATH") or ""):gmatch("[^:]+") do
    local p = dir:gsub('^"(.*)"$', "%1") .. "/" .. name
    if core.is_exe(p) then return p end
  end
  return nil
end

-- The path of the binary a name means: a path, an executable in $PATH, or
-- a library name ("c").
local function resolve(what, name)
  local exe = M.find_exe(name)
  if exe then return exe end
  if not name:find("/") then
    local lib = core.find_library(name)
    if lib then return lib end
  end
  raise(string.format("%s: no binary '%s'", what, name))
end

-- The executable and the shared libraries a process maps, as seen from
-- bpflua (through /proc/PID/root when the process has another root).
local function process_binaries(what, pid)
  local f = io.open("/proc/" .. pid .. "/maps")
  if not f then raise(string.format("%s: no process with pid %d", what, pid)) end
  local seen, list = {}, {}
  for line in f:lines() do
    local perms, path = line:match("^%S+%s+(%S+)%s+%S+%s+%S+%s+%d+%s+(/.*)$")
    if perms and perms:find("x") and not seen[path] then
      seen[path] = true
      local here = io.open(path, "rb")
      if here then here:close() else path = "/proc/" .. pid .. "/root" .. path end
      list[#list + 1] = path
    end
  end
  f:close()
  return list
end

local function notes_of(what, path)
  local notes, msg = core.usdt_notes(path)
  if not notes then raise(what .. ": " .. msg) end
  return notes
end

local new_spec = args.spec("USDT", { { "pid", "integer" }, { "path", "string" } })

local function new(...)
  local pid, path = new_spec(...)
  if not pid and not path then raise("USDT: give pid= or path=") end
  local self = setmetatable({ pid = pid, path = path, enabled = {} }, USDT)
  if path then
    self.binaries = { resolve("USDT", path) }
  else
    self.binaries = process_binaries("USDT", pid)
  end
  return self
end

setmetatable(M, { __call = function(_, ...) return new(...) end })

local function is_usdt(x) return getmetatable(x) == USDT end
local function method(name, params)
  return args.spec(name, params, { receiver = "u", self = is_usdt })
end

local function matches(note, probe)
  local provider, name = probe:match("^([^:]+):(.+)$")
  if provider then return note.provider == provider and note.name == name end
  return note.name == probe
end

-- All (binary, note) locations of a probe name in the context's binaries.
local function locations(self, probe)
  local found = {}
  for _, bin in ipairs(self.binaries) do
    for _, n in ipairs(notes_of("enable_probe", bin)) do
      if matches(n, probe) then found[#found + 1] = { path = bin, note = n } end
    end
  end
  return found
end

local function probe_names(self)
  local names, seen = {}, {}
  for _, p in ipairs(self:enumerate_probes()) do
    local n = p.provider .. ":" .. p.name
    if not seen[n] then seen[n] = true; names[#names + 1] = n end
  end
  return names
end

local p_enable = method("enable_probe", {
  { "probe", "string", required = true }, { "fn_name", "string", required = true },
})
function USDT:enable_probe(...)
  local probe, fn_name = p_enable(self, ...)
  local locs = locations(self, probe)
  if #locs == 0 then
    local names = probe_names(self)
    raise(string.format("enable_probe: no USDT probe '%s' in %s (%s)", probe,
      table.concat(self.binaries, ", "),
      #names > 0 and "its probes: " .. table.concat(names, ", ") or "it has no USDT probes"))
  end
  for _, l in ipairs(locs) do
    self.enabled[#self.enabled + 1] = { fn_name = fn_name, path = l.path, note = l.note,
                                        probe = probe }
  end
end

-- BCC's: as enable_probe, but prints the reason and exits on failure.
function USDT:enable_probe_or_bail(...)
  local ok, err = pcall(self.enable_probe, self, ...)
  if not ok then
    io.stderr:write(tostring(err):gsub("^[^:]*:%d+: ", ""), "\n")
    os.exit(1)
  end
end

-- The probes of the context's binaries, one entry per provider:name and
-- binary: { provider=, name=, bin_path=, semaphore=, num_locations=,
-- num_arguments=, locations = { {address=, args=}, ... } }.
function USDT:enumerate_probes()
  local list, index = {}, {}
  for _, bin in ipairs(self.binaries) do
    for _, n in ipairs(notes_of("enumerate_probes", bin)) do
      local key = bin .. "\0" .. n.provider .. "\0" .. n.name
      local p = index[key]
      if not p then
        local nargs = 0
        for _ in n.args:gmatch("%S+") do nargs = nargs + 1 end
        p = { provider = n.provider, name = n.name, bin_path = bin, semaphore = n.sema_addr,
              num_arguments = nargs, locations = {} }
        index[key] = p
        list[#list + 1] = p
      end
      p.locations[#p.locations + 1] = { address = n.pc, args = n.args }
      p.num_locations = #p.locations
    end
  end
  return list
end

-- What BPF{usdt_contexts=} attaches: { {fn_name=, path=, note=, pid=}, ... }.
function M.attachments(u, ignore_pid)
  if not is_usdt(u) then
    raise("BPF: usdt_contexts must hold USDT objects (USDT{path=} or USDT{pid=})")
  end
  local list = {}
  for _, e in ipairs(u.enabled) do
    list[#list + 1] = { fn_name = e.fn_name, path = e.path, note = e.note,
                        pid = (not ignore_pid and u.pid) or -1 }
  end
  return list
end

function USDT:__tostring()
  return string.format("USDT(%s)", self.path or ("pid " .. self.pid))
end

return M
