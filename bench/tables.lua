-- tables.lua - table benchmark, bpflua's side (bench/run runs it): a
-- BPF_HASH(u64, u64) of N keys, updated, looked up, walked with items()
-- and cleared from Lua. Prints "OP keys N seconds S" per operation.
local n = tonumber(arg[1] or 100000)
local b = BPF{text = "BPF_HASH(bench_tab, u64, u64, " .. n .. ");"}
local t = b["bench_tab"]
local now = BPF.monotonic_time
local function report(op, count, t0)
  print(string.format("%s keys %d seconds %.6f", op, count, (now() - t0) / 1e9))
end

local t0 = now()
for k = 1, n do t[k] = k end
report("update", n, t0)

t0 = now()
local sum = 0
for k = 1, n do sum = sum + t[k] end
report("lookup", n, t0)

t0 = now()
local seen = 0
for _, v in t:items() do seen = seen + 1; sum = sum + v end
report("items", seen, t0)

t0 = now()
t:clear()
report("clear", n, t0)
assert(t:len() == 0 and seen == n, "bench/tables.lua: wrong counts")
