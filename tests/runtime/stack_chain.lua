-- stack_chain.lua - helper of stacks.test: runs a testprog in its -w mode
-- and keeps it alive until :stop().
--
--   local sc = dofile(ROOT .. "/tests/runtime/stack_chain.lua")
--   local p = sc.start(exe, n, tmpdir)  -- after n calls of its chain
--   p.pid, p.addr.mid, p.addr.getpid, p.addr.jit, p.addr.cxx
--   p:stop()                             -- closes its stdin; it exits
--   sc.say(...)                          -- print with spaces, not tabs
local bpflua = require "bpflua"

local M = {}

function M.start(exe, n, tmp)
  local out = tmp .. "/stack_chain." .. tostring(os.time()) .. math.random(1e6)
  local pipe = assert(io.popen(exe .. " -w " .. n .. " > " .. out, "w"))
  local text = ""
  for _ = 1, 500 do
    local f = io.open(out)
    text = f and f:read("*a") or ""
    if f then f:close() end
    if text:find("ready\n") then break end
    bpflua.sleep(0.02)
  end
  assert(text:find("ready\n"), "stack_chain did not start: " .. text)
  local p = { pid = tonumber(text:match("pid (%d+)")), addr = {} }
  for name, hex in text:gmatch("(%w+) 0x(%x+)") do p.addr[name] = tonumber(hex, 16) end
  function p.stop() pipe:close() end
  return p
end

function M.say(...)
  local t = { ... }
  for i = 1, select("#", ...) do t[i] = tostring(t[i]) end
  print(table.concat(t, " "))
end

return M
