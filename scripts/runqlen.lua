#!/usr/bin/env bpflua
-- runqlen: scheduler run queue length as a histogram, sampled at 99 Hz on
-- every CPU by a CPU clock perf event (BCC's runqlen): the sampled task's
-- CFS run queue length, not counting the running task.
local tool = require "bpflua.tool"

local p = tool.parser("runqlen", "Summarize scheduler run queue length as a histogram", [[
    ./runqlen            # summarize run queue length as a histogram
    ./runqlen 1 10       # print 1 second summaries, 10 times
    ./runqlen -T 1       # 1s summaries and timestamps
    ./runqlen -O         # report run queue occupancy
    ./runqlen -C         # show each CPU separately]])
p:flag("-T --timestamp", "include timestamp on output")
p:flag("-O --runqocc", "report run queue occupancy")
p:flag("-C --cpus", "print output for each CPU separately")
tool.interval_args(p)
local args = p:parse()

local frequency = 99

local text = [[
// Enough of the kernel's struct cfs_rq (kernel/sched/sched.h, not in
// vmlinux.h's stable part) to find its length: the count after the load.
// The runnable_weight field is removed from Linux 5.7.0
struct cfs_rq_partial {
    struct load_weight load;
    RUNNABLE_WEIGHT_FIELD
    unsigned int nr_running, h_nr_running;
};

typedef struct cpu_key {
    int cpu;
    unsigned int slot;
} cpu_key_t;
STORAGE

int do_perf_event()
{
    unsigned int len = 0;
    struct task_struct *task = NULL;
    struct cfs_rq_partial *my_q = NULL;

    // task->se.cfs_rq->nr_running: an unstable interface, as BCC's says
    task = (struct task_struct *)bpf_get_current_task();
    my_q = (struct cfs_rq_partial *)task->se.cfs_rq;
    len = my_q->nr_running;

    // Calculate run queue length by subtracting the currently running task,
    // if present. len 0 == idle, len 1 == one running task.
    if (len > 0)
        len--;

    STORE
    return 0;
}
]]

if args.cpus then
  text = text:gsub("STORAGE", "BPF_HISTOGRAM(dist, cpu_key_t, MAX_CPUS);")
    :gsub("STORE", "cpu_key_t key = {.slot = len}; key.cpu = bpf_get_smp_processor_id(); "
      .. "dist.increment(key);")
else
  text = text:gsub("STORAGE", "BPF_HISTOGRAM(dist, unsigned int);")
    :gsub("STORE", "dist.atomic_increment(len);")
end
text = text:gsub("RUNNABLE_WEIGHT_FIELD",
  BPF.kernel_struct_has_field("cfs_rq", "runnable_weight") == 1
    and "unsigned long runnable_weight;" or "")

-- /sys/devices/system/cpu/online ("0-3,6"): how many CPUs are online
local function online_cpus()
  local f = assert(io.open("/sys/devices/system/cpu/online"))
  local list = f:read("*l")
  f:close()
  local n = 0
  for a, b in list:gmatch("(%d+)%-?(%d*)") do
    n = n + (b ~= "" and tonumber(b) - tonumber(a) + 1 or 1)
  end
  return n
end

local b = BPF{text = text, cflags = {"-DMAX_CPUS=" .. online_cpus()}}
b:attach_perf_event{ev_type = BPF.PerfType.SOFTWARE, ev_config = BPF.PerfSWConfig.CPU_CLOCK,
  fn_name = "do_perf_event", sample_period = 0, sample_freq = frequency}

print("Sampling run queue length... Hit Ctrl-C to end.")

local dist = b["dist"]

-- the share of samples that found a queue (slot > 0)
local function occupancy(idle, queued)
  local samples = idle + queued
  return samples > 0 and 100 * queued / samples or 0
end

local function print_runqocc()
  if args.cpus then
    local idle, queued, cpumax = {}, {}, 0
    for k in dist:items() do cpumax = math.max(cpumax, k.cpu) end
    for c = 0, cpumax do idle[c], queued[c] = 0, 0 end
    for k, v in dist:items() do
      local t = k.slot == 0 and idle or queued
      t[k.cpu] = t[k.cpu] + tonumber(v)
    end
    for c = 0, cpumax do
      print(string.format("runqocc, CPU %-3d %6.2f%%", c, occupancy(idle[c], queued[c])))
    end
  else
    local idle, queued = 0, 0
    for k, v in dist:items() do
      if tonumber(k) == 0 then idle = idle + tonumber(v) else queued = queued + tonumber(v) end
    end
    print(string.format("runqocc: %0.2f%%", occupancy(idle, queued)))
  end
end

tool.every(args.interval, args.count, function()
  print()
  if args.timestamp then print(string.format("%-8s", tool.clock())) end
  if args.runqocc then
    print_runqocc()
  else
    dist:print_linear_hist("runqlen", "cpu")
  end
  dist:clear()
end)
