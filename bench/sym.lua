-- bench/sym.lua [STACK_CHAIN] - BPF.sym on 100,000 addresses of one process.
--
-- The addresses are spread over every executable mapping of a live
-- stack_chain -w (the program, libc, ld.so, the vDSO), so most fall in
-- libc's large symbol table; the first call, which builds the process's
-- cache and reads the symbol tables, is timed apart. Prints; asserts nothing.
local bpflua = require "bpflua"
local exe = arg[1] or "build/testprogs/stack_chain"
local N = 100000
local out = os.tmpname()
local child = io.popen(exe .. " -w 0 > " .. out, "w")
local info = ""
while not info:find("ready") do
  bpflua.sleep(0.01)
  local f = io.open(out)
  info = f and f:read("*a") or ""
  if f then f:close() end
end
local pid = tonumber(info:match("pid (%d+)"))

local ranges = {}
for line in io.lines("/proc/" .. pid .. "/maps") do
  local lo, hi, perm = line:match("^(%x+)-(%x+) (%S+)")
  if perm:sub(3, 3) == "x" then ranges[#ranges + 1] = { tonumber(lo, 16), tonumber(hi, 16) } end
end
local addrs = {}
math.randomseed(1)
for i = 1, N do
  local r = ranges[(i % #ranges) + 1]
  addrs[i] = r[1] + math.random(0, r[2] - r[1] - 1)
end

local function now() return BPF.monotonic_time() / 1e9 end
local t0 = now()
BPF.sym(addrs[1], pid, true, true)
local t1 = now()
local known = 0
for i = 1, N do
  if BPF.sym(addrs[i], pid, true, true):sub(1, 1) ~= "[" then known = known + 1 end
end
local t2 = now()
child:close()
os.remove(out)
print(string.format("sym: %d addresses of one process in %.0f ms (%.2f us each; %d named); "
  .. "first call (cache and symbol tables) %.1f ms",
  N, (t2 - t1) * 1000, (t2 - t1) * 1e6 / N, known, (t1 - t0) * 1000))
