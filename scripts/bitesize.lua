#!/usr/bin/env bpflua
-- bitesize: block I/O size histogram per process, from the
-- block:block_rq_issue tracepoint (BCC's bitesize).
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("bitesize", "Summarize block device I/O size as a histogram per process", [[
    ./bitesize            # histogram of I/O sizes per process, until Ctrl-C]])
p:parse()

local b = BPF{text = [[
#include <uapi/linux/ptrace.h>
#include <linux/blkdev.h>

struct proc_key_t {
    char name[TASK_COMM_LEN];
    u64 slot;
};

BPF_HISTOGRAM(dist, struct proc_key_t);

TRACEPOINT_PROBE(block, block_rq_issue)
{
    struct proc_key_t key = {.slot = bpf_log2l(args->bytes / 1024)};
    bpf_probe_read_kernel(&key.name, sizeof(key.name), args->comm);
    dist.atomic_increment(key);
    return 0;
}
]]}

print("Tracing block I/O... Hit Ctrl-C to end.")
local dist = b["dist"]
tool.every(99999999, nil, function()
  dist:print_log2_hist("Kbytes", "Process Name", function(name) return bpflua.str(name) end)
end)
