-- bpflua - BCC-style eBPF tracing in LuaJIT: the module facade.
--
--   local bpflua = require "bpflua"
--   local b = bpflua.BPF{text = ...}     -- scripts also have the global BPF
--
-- Helpers beside the BPF class:
--   sleep(seconds)        interruptible (Ctrl-C raises "interrupted")
--   str(char_array)       a char[] field as a Lua string (up to the NUL)
--   num(v)                a 64-bit integer cdata as a number when exact
--   monotonic_time()      CLOCK_MONOTONIC in ns, as BPF.monotonic_time()
--   last_log()            the full clang or verifier log of the last failure
--   serve_metrics(addr)   exported tables on GET /metrics at "[ADDR:]PORT"
--   PerfType, PerfHWConfig, PerfSWConfig   BCC's perf event constants (also on BPF)
--   BPFAttachType                          BCC's attach types, for attach_func (also on BPF)
--   USDT{path=} / USDT{pid=}              BCC's USDT class (also a global in scripts)

local core = require "bpflua.core"
local args = require "bpflua.args"
local tables = require "bpflua.table"
local BPF = require "bpflua.bpf"
local metrics = require "bpflua.metrics"
local perf = require "bpflua.perf"
local usdt = require "bpflua.usdt"

local M = {
  BPF = BPF,
  USDT = usdt,
  sleep = core.sleep,
  str = tables.str,
  num = tables.num,
  monotonic_time = BPF.monotonic_time,
  last_log = args.last_log,
  serve_metrics = metrics.serve,
}
for k, v in pairs(perf.constants) do M[k] = v end
M.BPFAttachType = BPF.BPFAttachType

return M
