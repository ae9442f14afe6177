#!/usr/bin/env bpflua
-- fsync-metrics: fsync()/fdatasync() latency per command as Prometheus
-- metrics, for "which hosts see slow fsyncs?" across a fleet.
--
--   bpflua --metrics :9435 scripts/fsync-metrics.lua
--
-- Exports bpflua_fsync_latency_seconds, a histogram per comm (its _count
-- is the number of calls); see the README's "Fleet use".
local bpflua = require "bpflua"

local b = BPF{text = [[
struct hkey { char comm[16]; u64 slot; };
BPF_HASH(start, u32, u64);
BPF_HISTOGRAM(latency, struct hkey);

static int enter(void) {
    u32 tid = bpf_get_current_pid_tgid();
    u64 ts = bpf_ktime_get_ns();
    start.update(&tid, &ts);
    return 0;
}

static int leave(void) {
    u32 tid = bpf_get_current_pid_tgid();
    u64 *tsp = start.lookup(&tid);
    if (!tsp)
        return 0;
    struct hkey k = {};
    bpf_get_current_comm(&k.comm, sizeof(k.comm));
    k.slot = bpf_log2l(bpf_ktime_get_ns() - *tsp);
    latency.increment(k);
    start.delete(&tid);
    return 0;
}

TRACEPOINT_PROBE(syscalls, sys_enter_fsync) { return enter(); }
TRACEPOINT_PROBE(syscalls, sys_exit_fsync) { return leave(); }
TRACEPOINT_PROBE(syscalls, sys_enter_fdatasync) { return enter(); }
TRACEPOINT_PROBE(syscalls, sys_exit_fdatasync) { return leave(); }
]]}

b["latency"]:export{name = "bpflua_fsync_latency_seconds", type = "histogram",
  scale = 1e-9, help = "fsync() and fdatasync() latency, by command"}
io.stderr:write("exporting bpflua_fsync_latency_seconds; Ctrl-C to end\n")
while true do bpflua.sleep(3600) end
