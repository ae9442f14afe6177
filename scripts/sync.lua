#!/usr/bin/env bpflua
-- sync.lua: report sync() calls less than a second apart
-- (the BCC tutorial's sync_timing.py, lesson 4)
io.stdout:setvbuf("line")

local b = BPF{text = [[
#include <uapi/linux/ptrace.h>

BPF_HASH(last);

int do_trace(struct pt_regs *ctx) {
    u64 ts, *tsp, delta, key = 0;

    // attempt to read stored timestamp
    tsp = last.lookup(&key);
    if (tsp != NULL) {
        delta = bpf_ktime_get_ns() - *tsp;
        if (delta < 1000000000) {
            // output if time is less than 1 second
            bpf_trace_printk("%d\n", delta / 1000000);
        }
        last.delete(&key);
    }

    // update stored timestamp
    ts = bpf_ktime_get_ns();
    last.update(&key, &ts);
    return 0;
}
]]}

b:attach_kprobe{event = b:get_syscall_fnname("sync"), fn_name = "do_trace"}
print("Tracing for quick sync's... Ctrl-C to end")

-- format output
local start = 0
while true do
  local task, pid, cpu, flags, ts, ms = b:trace_fields()
  if start == 0 then start = ts end
  ts = ts - start
  print(string.format("At time %.2f s: multiple syncs detected, last %s ms ago", ts, ms))
end
