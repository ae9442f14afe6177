-- events.lua - event stream benchmark, bpflua's side (bench/run runs it).
--
--   bpflua bench/events.lua drain ring|perf UID GETPID_LOOP
--       fills a 16 MiB buffer from sys_enter_getpid (uid UID), then times
--       a drain into a callback that reads one field through t:event; twice
--       (the first drain also pays for JIT compilation)
--   bpflua bench/events.lua steady ring|perf UID EMIT RATE SECONDS
--       runs EMIT at RATE events/s and counts the CPU time spent consuming
-- Prints "records N first S" and "records N seconds S" (the second drain),
-- or "records N cpu_seconds S".
local kind, uid = arg[2], tonumber(arg[3])
local src = debug.getinfo(1, "S").source:sub(2):gsub("[^/]*$", "") .. "events_bcc.c"
local cflags = { "-DUID=" .. uid }
if kind == "ring" then cflags[2] = "-DRING" end
local b = BPF{src_file = src, cflags = cflags}
local ev = b["events"]
local n, sum = 0, 0
local function on(_, data) n = n + 1; sum = sum + ev:event(data).seq end
if kind == "ring" then ev:open_ring_buffer(on) else ev:open_perf_buffer(on, 4096) end
local poll = kind == "ring" and function(t) return b:ring_buffer_poll(t) end
  or function(t) return b:perf_buffer_poll(t) end

local ffi = require "ffi"
ffi.cdef [[
struct bl_rusage { long t[18]; };
int getrusage(int who, struct bl_rusage *ru);
]]
local function cpu()
  local ru = ffi.new("struct bl_rusage")
  ffi.C.getrusage(0, ru)
  return tonumber(ru.t[0]) + tonumber(ru.t[1]) / 1e6 + tonumber(ru.t[2]) + tonumber(ru.t[3]) / 1e6
end

if arg[1] == "drain" then
  -- Twice: the first drain also pays for one-time work (JIT compilation).
  for _, label in ipairs{ "first", "seconds" } do
    n = 0
    assert(os.execute(arg[4]) == 0)
    local t0 = BPF.monotonic_time()
    if kind == "ring" then b:ring_buffer_consume() else poll(0) end
    local t1 = BPF.monotonic_time()
    print(string.format("records %d %s %.6f", n, label, (t1 - t0) / 1e9))
  end
else
  local cmd, total = arg[4], tonumber(arg[5]) * tonumber(arg[6])
  local p = io.popen(string.format("%s %d %s %s", cmd, uid, arg[5], arg[6]))
  local c0, deadline = cpu(), BPF.monotonic_time() + (tonumber(arg[6]) + 5) * 1e9
  while n < total and BPF.monotonic_time() < deadline do poll(100) end
  local c1 = cpu()
  p:close()
  print(string.format("records %d cpu_seconds %.6f", n, c1 - c0))
end
