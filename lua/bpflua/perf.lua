-- perf.lua - perf events beside the BPF class's attach_perf_event:
--   M.constants   BCC's PerfType, PerfHWConfig, PerfSWConfig (perf_type_id,
--                 perf_hw_id, perf_sw_id of <linux/perf_event.h>), set on
--                 BPF and on require("bpflua")
--   t:open_perf_event(type, config[, pid])   on a BPF_PERF_ARRAY: a counting
--                 event per online CPU, its fd in the CPU's slot, read in
--                 BPF with t.perf_read(CUR_CPU_IDENTIFIER) (as BCC's
--                 llcstat does); closed by b:cleanup() (M.close_all)

local core = require "bpflua.core"
local args = require "bpflua.args"
local tables = require "bpflua.table"
local events = require "bpflua.events"

local raise = args.error

local M = {}

M.constants = {
  PerfType = {
    HARDWARE = 0, SOFTWARE = 1, TRACEPOINT = 2, HW_CACHE = 3, RAW = 4, BREAKPOINT = 5,
  },
  PerfHWConfig = {
    CPU_CYCLES = 0, INSTRUCTIONS = 1, CACHE_REFERENCES = 2, CACHE_MISSES = 3,
    BRANCH_INSTRUCTIONS = 4, BRANCH_MISSES = 5, BUS_CYCLES = 6,
    STALLED_CYCLES_FRONTEND = 7, STALLED_CYCLES_BACKEND = 8, REF_CPU_CYCLES = 9,
  },
  PerfSWConfig = {
    CPU_CLOCK = 0, TASK_CLOCK = 1, PAGE_FAULTS = 2, CONTEXT_SWITCHES = 3,
    CPU_MIGRATIONS = 4, PAGE_FAULTS_MIN = 5, PAGE_FAULTS_MAJ = 6,
    ALIGNMENT_FAULTS = 7, EMULATION_FAULTS = 8, DUMMY = 9, BPF_OUTPUT = 10,
  },
}

local p_open = args.spec("open_perf_event", {
  { "typ", "integer", required = true }, { "config", "integer", required = true },
  { "pid", "integer", -1 },
}, { receiver = "t", self = function(t) return type(t) == "table" end })

function events.Perf:open_perf_event(...)
  local typ, config, pid = p_open(self, ...)
  local st = tables.state(self)
  local cpus, msg = core.online_cpus()
  if not cpus then raise("open_perf_event: " .. msg) end
  local list = st.life.counters or {}
  st.life.counters = list
  for _, cpu in ipairs(cpus) do
    local c
    c, msg = core.perf_counter_open(st.fd, typ, config, pid, cpu)
    if not c then raise(string.format("table '%s': open_perf_event: %s", st.name, msg)) end
    list[#list + 1] = c
  end
end

function M.close_all(life)
  for i, c in ipairs(life.counters or {}) do
    c:close()
    life.counters[i] = nil
  end
end

return M
