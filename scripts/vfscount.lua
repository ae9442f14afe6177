#!/usr/bin/env bpflua
-- vfscount: count VFS calls (the kernel's vfs_* functions), as BCC's
-- vfscount: a kprobe on each of them, counted by address. Needs kprobes.
local tool = require "bpflua.tool"

local p = tool.parser("vfscount", "Count VFS calls (\"vfs_*\").", [[
    ./vfscount             # count VFS calls until Ctrl-C
    ./vfscount 5           # count for 5 seconds]])
p:argument("time", "seconds to trace (default: until Ctrl-C)"):args("?"):convert(tool.positive)
local args = p:parse()

local b = BPF{text = [[
#include <uapi/linux/ptrace.h>

struct key_t {
    u64 ip;
};

BPF_HASH(counts, struct key_t, u64, 256);

int do_count(struct pt_regs *ctx) {
    struct key_t key = {};
    key.ip = PT_REGS_IP(ctx);
    counts.atomic_increment(key);
    return 0;
}
]]}
b:attach_kprobe{event_re = "^vfs_.*", fn_name = "do_count"}

print("Tracing... Ctrl-C to end.")
tool.every(args.time or 99999999, 1, function()
  print(string.format("\n%-16s %-26s %8s", "ADDR", "FUNC", "COUNT"))
  for _, r in ipairs(tool.sorted(b["counts"], true)) do
    print(string.format("%-16x %-26s %8d", r.k.ip, b:ksym(r.k.ip), r.v))
  end
end)
