#!/usr/bin/env bpflua
-- hardirqs: hard irq event time (or count) per irq handler name, from the
-- irq:irq_handler_entry/exit tracepoints (BCC's hardirqs).
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("hardirqs", "Summarize hard irq event time as histograms", [[
    ./hardirqs            # sum hard irq event time
    ./hardirqs -d         # show hard irq event time as histograms
    ./hardirqs 1 10       # print 1 second summaries, 10 times
    ./hardirqs -NT 1      # 1s summaries, nanoseconds, and timestamps
    ./hardirqs -c 1       # sum hard irq event time on CPU 1 only]])
tool.irq_options(p, "count", "show event counts instead of timing", "outputs")
local args = p:parse()
local factor, label = tool.irq_units(args, "count")

local text = [[
#include <uapi/linux/ptrace.h>
#include <linux/interrupt.h>

// the cpu is part of the key: irqs that hit an idle task (tid 0 on every CPU)
typedef struct entry_key {
    u32 tid;
    u32 cpu_id;
} entry_key_t;

typedef struct irq_key {
    char name[32];
    u64 slot;
} irq_key_t;

typedef struct irq_name {
    char name[32];
} irq_name_t;

BPF_HASH(start, entry_key_t);
BPF_HASH(irqnames, entry_key_t, irq_name_t);
BPF_HISTOGRAM(dist, irq_key_t);

TRACEPOINT_PROBE(irq, irq_handler_entry)
{
    irq_name_t name = {};
    struct entry_key key = {};
    u32 cpu = bpf_get_smp_processor_id();
    FILTER_CPU
    key.tid = bpf_get_current_pid_tgid();
    key.cpu_id = cpu;
    TP_DATA_LOC_READ_STR(&name.name, name, sizeof(name));
    irqnames.update(&key, &name);
    u64 ts = bpf_ktime_get_ns();
    start.update(&key, &ts);
    return 0;
}

TRACEPOINT_PROBE(irq, irq_handler_exit)
{
    struct entry_key key = {};
    u32 cpu = bpf_get_smp_processor_id();
    key.tid = bpf_get_current_pid_tgid();
    key.cpu_id = cpu;
    // IRQ_NONE: the irq was not this handler's
    if (args->ret != IRQ_NONE) {
        u64 *tsp = start.lookup(&key);
        irq_name_t *namep = irqnames.lookup(&key);
        if (tsp == 0 || namep == 0)
            return 0;   // missed start
        char *name = (char *)namep->name;
        u64 delta = bpf_ktime_get_ns() - *tsp;
        STORE
    }
    start.delete(&key);
    irqnames.delete(&key);
    return 0;
}
]]
local read = "bpf_probe_read_kernel(&key.name, sizeof(key.name), name);"
if args.count then
  text = text:gsub("STORE", "irq_key_t key = {.slot = 0};" .. read .. "dist.atomic_increment(key);")
elseif args.dist then
  text = text:gsub("STORE", "irq_key_t key = {.slot = bpf_log2l(delta / " .. factor .. ")};"
    .. read .. "dist.atomic_increment(key);")
else
  text = text:gsub("STORE", "irq_key_t key = {.slot = 0};" .. read .. "dist.atomic_increment(key, delta);")
end
text = tool.filter(text, "FILTER_CPU", args.cpu and ("cpu != " .. args.cpu))

local b = BPF{text = text}
print(args.count and "Tracing hard irq events... Hit Ctrl-C to end."
  or "Tracing hard irq event time... Hit Ctrl-C to end.")

tool.irq_summary(b, args, {outputs = "outputs", kind = "hardirq", width = 26, field = "name",
  name_of = function(name) return bpflua.str(name) end, factor = factor, label = label})
