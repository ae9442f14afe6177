#!/usr/bin/env bpflua
-- tplist.lua: list the USDT probes of a binary, a library or a process
-- (the USDT half of BCC's tplist).
--
--   tplist.lua -l PATH|LIB [-v|-vv] [FILTER]   probes of a file ("c" = libc)
--   tplist.lua -p PID [-v|-vv] [FILTER]        probes of every binary PID maps
--
-- FILTER is a shell glob on "provider:name". Output as BCC's: "path
-- provider:name"; -v adds "[sema 0x..]" and the location and argument
-- counts; -vv each location's address and its arguments as the probe's
-- note writes them (e.g. "-4@%eax", BCC decodes them instead).

local usage = "usage: tplist.lua [-p PID] [-l LIB] [-v] [filter]"
local pid, lib, verbosity, filter
local i = 1
while arg[i] do
  local a = arg[i]
  if a == "-p" then pid = tonumber(arg[i + 1]); i = i + 1
  elseif a == "-l" then lib = arg[i + 1]; i = i + 1
  elseif a:match("^%-v+$") then verbosity = (verbosity or 0) + #a - 1
  elseif a == "-h" or a == "--help" then print(usage); os.exit(0)
  elseif a:sub(1, 1) == "-" or filter then io.stderr:write(usage, "\n"); os.exit(2)
  else filter = a end
  i = i + 1
end
verbosity = verbosity or 0
if not pid and not lib then
  io.stderr:write(usage, "\n(give -l or -p: this tplist lists USDT probes only)\n")
  os.exit(2)
end

-- fnmatch: * and ? over the whole name, everything else literal.
local function glob(pat)
  local lua = pat:gsub("[%^%$%(%)%%%.%[%]%+%-]", "%%%0"):gsub("%*", ".*"):gsub("%?", ".")
  return "^" .. lua .. "$"
end
local want = filter and glob(filter)

local u = USDT{pid = pid, path = lib}
local seen = {}
for _, p in ipairs(u:enumerate_probes()) do
  local name = p.provider .. ":" .. p.name
  if (not want or name:match(want)) and not seen[name] then
    seen[name] = true
    if verbosity == 0 then
      print(p.bin_path .. " " .. name)
    else
      print(string.format("%s [sema 0x%x]", name, p.semaphore))
      if verbosity == 1 then
        print(string.format("  %d location(s)", p.num_locations))
        print(string.format("  %d argument(s)", p.num_arguments))
      else
        for li, loc in ipairs(p.locations) do
          print(string.format("  location #%d %s 0x%x", li, p.bin_path, loc.address))
          local ai = 0
          for a in loc.args:gmatch("%S+") do
            ai = ai + 1
            print(string.format("    argument #%d %s", ai, a))
          end
        end
      end
    end
  end
end
