#!/usr/bin/env bpflua
-- softirqs: soft irq event time (or count) per softirq, from the
-- irq:softirq_entry/exit tracepoints (BCC's softirqs).
local tool = require "bpflua.tool"

local p = tool.parser("softirqs", "Summarize soft irq event time as histograms.", [[
    ./softirqs            # sum soft irq event time
    ./softirqs -C         # show the number of soft irq events
    ./softirqs -d         # show soft irq event time as histograms
    ./softirqs 1 10       # print 1 second summaries, 10 times
    ./softirqs -NT 1      # 1s summaries, nanoseconds, and timestamps
    ./softirqs -c 1       # sum soft irq event time on CPU 1 only]])
tool.irq_options(p, "events", "show the number of soft irq events", "count")
local args = p:parse()
local factor, label = tool.irq_units(args, "events")

local text = [[
#include <uapi/linux/ptrace.h>

typedef struct entry_key {
    u32 pid;
    u32 cpu;
} entry_key_t;

typedef struct irq_key {
    u32 vec;
    u64 slot;
} irq_key_t;

typedef struct account_val {
    u64 ts;
    u32 vec;
} account_val_t;

BPF_HASH(start, entry_key_t, account_val_t);
BPF_HISTOGRAM(dist, irq_key_t);
]]
if args.events then
  text = text .. [[
TRACEPOINT_PROBE(irq, softirq_entry)
{
    u32 cpu = bpf_get_smp_processor_id();
    FILTER_CPU
    irq_key_t key = { .slot = 0 /* ignore */ };
    key.vec = args->vec;
    dist.atomic_increment(key);
    return 0;
}
]]
else
  text = text .. [[
TRACEPOINT_PROBE(irq, softirq_entry)
{
    account_val_t val = {};
    entry_key_t key = {};
    u32 cpu = bpf_get_smp_processor_id();
    FILTER_CPU
    key.pid = bpf_get_current_pid_tgid();
    key.cpu = cpu;
    val.ts = bpf_ktime_get_ns();
    val.vec = args->vec;
    start.update(&key, &val);
    return 0;
}

TRACEPOINT_PROBE(irq, softirq_exit)
{
    irq_key_t key = {0};
    entry_key_t entry_key = {};
    u32 cpu = bpf_get_smp_processor_id();
    FILTER_CPU
    entry_key.pid = bpf_get_current_pid_tgid();
    entry_key.cpu = cpu;
    account_val_t *valp = start.lookup(&entry_key);
    if (valp == 0)
        return 0;   // missed start
    u64 delta = bpf_ktime_get_ns() - valp->ts;
    u32 vec = valp->vec;
    STORE
    start.delete(&entry_key);
    return 0;
}
]]
end
if args.dist then
  text = text:gsub("STORE", "key.vec = vec; key.slot = bpf_log2l(delta / " .. factor
    .. "); dist.atomic_increment(key);")
else
  text = text:gsub("STORE", "key.vec = vec; dist.atomic_increment(key, delta);")
end
text = tool.filter(text, "FILTER_CPU", args.cpu and ("cpu != " .. args.cpu))

local b = BPF{text = text}

-- kernel/softirq.c's softirq_to_name
local names = {[0] = "hi", "timer", "net_tx", "net_rx", "block", "irq_poll",
  "tasklet", "sched", "hrtimer", "rcu"}
local function vec_to_name(vec) return names[tonumber(vec)] or tostring(vec) end

print(args.events and "Tracing soft irq events... Hit Ctrl-C to end."
  or "Tracing soft irq event time... Hit Ctrl-C to end.")

tool.irq_summary(b, args, {outputs = "count", kind = "softirq", width = 16, field = "vec",
  name_of = vec_to_name, factor = factor, label = label})
