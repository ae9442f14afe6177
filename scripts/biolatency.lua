#!/usr/bin/env bpflua
-- biolatency: block device I/O latency as a histogram (BCC's biolatency).
-- BCC times requests from the blk_mq_start_request kprobe to the
-- blk_account_io_done one, and falls back to the block tracepoints where
-- those are missing; this uses the tracepoints: block_rq_issue (fired by
-- blk_mq_start_request) to block_rq_complete, or from block_io_start (or
-- block_bio_queue) with -Q.
local tool = require "bpflua.tool"

local p = tool.parser("biolatency", "Summarize block device I/O latency as a histogram", [[
    ./biolatency                    # summarize block I/O latency as a histogram
    ./biolatency 1 10               # print 1 second summaries, 10 times
    ./biolatency -mT 1              # 1s summaries, milliseconds, and timestamps
    ./biolatency -Q                 # include OS queued time in I/O time
    ./biolatency -D                 # show each disk device separately
    ./biolatency -e                 # show extension summary(total, average)
    ./biolatency -d sdc             # Trace sdc only]])
p:flag("-T --timestamp", "include timestamp on output")
p:flag("-Q --queued", "include OS queued time in I/O time")
p:flag("-m --milliseconds", "millisecond histogram")
p:flag("-D --disks", "print a histogram per disk device")
p:flag("-e --extension", "summarize average/total value")
tool.interval_args(p)
p:option("-d --disk", "Trace this disk only")
local args = p:parse()

local text = [[
#include <uapi/linux/ptrace.h>
#include <linux/blk-mq.h>

typedef struct disk_key {
    dev_t dev;
    u64 slot;
} disk_key_t;

typedef struct ext_val {
    u64 total;
    u64 count;
} ext_val_t;

struct start_key {
    dev_t dev;
    u32 _pad;
    sector_t sector;
};

BPF_HASH(start, struct start_key);
STORAGE

static int __trace_req_start(struct start_key key)
{
    DISK_FILTER
    u64 ts = bpf_ktime_get_ns();
    start.update(&key, &ts);
    return 0;
}

static int __trace_req_done(struct start_key key)
{
    u64 *tsp = start.lookup(&key);
    if (tsp == 0)
        return 0;   // missed issue
    u64 delta = bpf_ktime_get_ns() - *tsp;
    FACTOR
    STORE
    start.delete(&key);
    return 0;
}

TRACEPOINT_PROBE(block, START_TP)
{
    struct start_key key = { .dev = args->dev, .sector = args->sector };
    return __trace_req_start(key);
}

TRACEPOINT_PROBE(block, block_rq_complete)
{
    struct start_key key = { .dev = args->dev, .sector = args->sector };
    return __trace_req_done(key);
}
]]
local label
text, label = tool.hist_unit(text, args)
text = tool.hist_store(text, args.disks and {type = "disk_key_t", field = "dev", expr = "key.dev"},
  args.extension)

local disk_name, disk_filter = tool.disks()
text = tool.filter(text, "DISK_FILTER", disk_filter(args.disk))

local start_tp = "block_rq_issue"
if args.queued then
  start_tp = BPF.tracepoint_exists("block", "block_io_start") and "block_io_start" or "block_bio_queue"
end
text = text:gsub("START_TP", start_tp)

local b = BPF{text = text}
if not tool.has_kprobes() then
  tool.note("biolatency", "no kprobes for the block request functions: using tracepoints block:"
    .. start_tp .. " and block:block_rq_complete")
end
print("Tracing block device I/O... Hit Ctrl-C to end.")

local function disk_print(d)
  return disk_name(d) or "?"
end

tool.print_hists(b, args, label, "disk", disk_print)
