#!/usr/bin/env bpflua
-- biosnoop: trace block device I/O with PID and latency, as BCC's
-- biosnoop: the requester from block:block_io_start (kprobe
-- __blk_account_io_start before 6.5), the start of the I/O from a kprobe
-- on blk_mq_start_request, its end from block:block_io_done (kprobe
-- __blk_account_io_done before 6.5). Without kprobes the start is the
-- block:block_rq_issue tracepoint, which blk_mq_start_request fires.
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("biosnoop", "Trace block I/O", [[
    ./biosnoop           # trace all block I/O
    ./biosnoop -Q        # include OS queued time
    ./biosnoop -d sdc    # trace sdc only
    ./biosnoop -P        # display block I/O pattern]])
p:flag("-Q --queue", "include OS queued time")
p:option("-d --disk", "trace this disk only")
p:flag("-P --pattern", "display block I/O pattern (sequential or random)")
local args = p:parse()

local text = (args.pattern and "#define INCLUDE_PATTERN\n" or "") .. [[
#include <uapi/linux/ptrace.h>
#include <linux/blk-mq.h>

// for saving the timestamp and __data_len of each request
struct start_req_t {
    u64 ts;
    u64 data_len;
};

struct val_t {
    u64 ts;
    u32 pid;
    char name[TASK_COMM_LEN];
};

struct hash_key {
    dev_t dev;
    u32 rwflag;
    sector_t sector;
};

#ifdef INCLUDE_PATTERN
struct sector_key_t {
    u32 dev_major;
    u32 dev_minor;
};

// prefixed: a kernel's vmlinux.h (6.1's) may have an UNKNOWN of its own
enum bio_pattern {
    PATTERN_UNKNOWN,
    PATTERN_SEQUENTIAL,
    PATTERN_RANDOM,
};
#endif

struct data_t {
    u32 pid;
    u32 dev;
    u64 rwflag;
    u64 delta;
    u64 qdelta;
    u64 sector;
    u64 len;
#ifdef INCLUDE_PATTERN
    enum bio_pattern pattern;
#endif
    u64 ts;
    char name[TASK_COMM_LEN];
};

#ifdef INCLUDE_PATTERN
BPF_HASH(last_sectors, struct sector_key_t, u64);
#endif

BPF_HASH(start, struct hash_key, struct start_req_t);
BPF_HASH(infobyreq, struct hash_key, struct val_t);
BPF_PERF_OUTPUT(events);

static dev_t ddevt(struct gendisk *disk) {
    return (disk->major  << 20) | disk->first_minor;
}

static int get_rwflag(u32 cmd_flags) {
    return !!((cmd_flags & REQ_OP_MASK) == REQ_OP_WRITE);
}

#define RWBS_LEN	8

// the tracepoints' rwbs: "W" somewhere for a write
static int get_rwflag_tp(char *rwbs) {
    for (int i = 0; i < RWBS_LEN; i++) {
        if (rwbs[i] == 'W')
            return 1;
        if (rwbs[i] == '\0')
            return 0;
    }
    return 0;
}

// cache PID and comm by-req
static int __trace_pid_start(struct hash_key key)
{
    DISK_FILTER

    struct val_t val = {};

    if (bpf_get_current_comm(&val.name, sizeof(val.name)) == 0) {
        val.pid = bpf_get_current_pid_tgid() >> 32;
        if (QUEUE) {
            val.ts = bpf_ktime_get_ns();
        }
        infobyreq.update(&key, &val);
    }
    return 0;
}

static int __trace_req_start(struct hash_key key, u64 data_len)
{
    DISK_FILTER

    struct start_req_t start_req = {
        .ts = bpf_ktime_get_ns(),
        .data_len = data_len
    };
    start.update(&key, &start_req);
    return 0;
}

// output
static int __trace_req_completion(void *ctx, struct hash_key key)
{
    struct start_req_t *startp;
    struct val_t *valp;
    struct data_t data = {};
    u64 ts;

    // fetch timestamp and calculate delta
    startp = start.lookup(&key);
    if (startp == 0) {
        // missed tracing issue
        return 0;
    }
    ts = bpf_ktime_get_ns();
    data.delta = ts - startp->ts;
    data.ts = ts / 1000;
    data.qdelta = 0;
    data.len = startp->data_len;

    valp = infobyreq.lookup(&key);
    if (valp == 0) {
        data.name[0] = '?';
        data.name[1] = 0;
    } else {
        if (QUEUE) {
            data.qdelta = startp->ts - valp->ts;
        }
        data.pid = valp->pid;
        data.sector = key.sector;
        data.dev = key.dev;
        bpf_probe_read_kernel(&data.name, sizeof(data.name), valp->name);
    }

#ifdef INCLUDE_PATTERN
    data.pattern = PATTERN_UNKNOWN;

    u64 *sector, last_sector;

    struct sector_key_t sector_key = {
        .dev_major = key.dev >> 20,
        .dev_minor = key.dev & ((1 << 20) - 1)
    };

    sector = last_sectors.lookup(&sector_key);
    if (sector != 0) {
        data.pattern = key.sector == *sector ? PATTERN_SEQUENTIAL : PATTERN_RANDOM;
    }

    last_sector = key.sector + data.len / 512;
    last_sectors.update(&sector_key, &last_sector);
#endif

    data.rwflag = key.rwflag;

    events.perf_submit(ctx, &data, sizeof(data));
    start.delete(&key);
    infobyreq.delete(&key);

    return 0;
}
]]

-- each probe: the request's key, then the shared code above
local probes = {
  kprobe_pid_start = [[
int trace_pid_start(struct pt_regs *ctx, struct request *req)
{
    struct hash_key key = {
        .dev = ddevt(req->q->disk),
        .rwflag = get_rwflag(req->cmd_flags),
        .sector = req->__sector
    };
    return __trace_pid_start(key);
}
]],
  kprobe_req_start = [[
int trace_req_start(struct pt_regs *ctx, struct request *req)
{
    struct hash_key key = {
        .dev = ddevt(req->q->disk),
        .rwflag = get_rwflag(req->cmd_flags),
        .sector = req->__sector
    };
    return __trace_req_start(key, req->__data_len);
}
]],
  kprobe_completion = [[
int trace_req_completion(struct pt_regs *ctx, struct request *req)
{
    struct hash_key key = {
        .dev = ddevt(req->q->disk),
        .rwflag = get_rwflag(req->cmd_flags),
        .sector = req->__sector
    };
    return __trace_req_completion(ctx, key);
}
]],
  tp_pid_start = [[
TRACEPOINT_PROBE(block, block_io_start)
{
    struct hash_key key = {
        .dev = args->dev,
        .rwflag = get_rwflag_tp(args->rwbs),
        .sector = args->sector
    };
    return __trace_pid_start(key);
}
]],
  tp_req_start = [[
TRACEPOINT_PROBE(block, block_rq_issue)
{
    struct hash_key key = {
        .dev = args->dev,
        .rwflag = get_rwflag_tp(args->rwbs),
        .sector = args->sector
    };
    return __trace_req_start(key, args->bytes);
}
]],
  tp_completion = [[
TRACEPOINT_PROBE(block, block_io_done)
{
    struct hash_key key = {
        .dev = args->dev,
        .rwflag = get_rwflag_tp(args->rwbs),
        .sector = args->sector
    };
    return __trace_req_completion(args, key);
}
]],
}

text = text:gsub("QUEUE", args.queue and "1" or "0")
if BPF.kernel_struct_has_field("request", "rq_disk") == 1 then
  for name, code in pairs(probes) do probes[name] = code:gsub("req%->q%->disk", "req->rq_disk") end
end

local disk_name, disk_filter = tool.disks()
text = tool.filter(text, "DISK_FILTER", disk_filter(args.disk))

local tp_start = BPF.tracepoint_exists("block", "block_io_start")
local tp_done = BPF.tracepoint_exists("block", "block_io_done")
local kprobes = tool.has_kprobes()
text = text .. (tp_start and probes.tp_pid_start or probes.kprobe_pid_start)
  .. (kprobes and probes.kprobe_req_start or probes.tp_req_start)
  .. (tp_done and probes.tp_completion or probes.kprobe_completion)

-- the first of BCC's candidate functions this kernel has
local function first_kprobe(names)
  for _, name in ipairs(names) do
    if #BPF.get_kprobe_functions("^" .. name .. "$") > 0 then return name end
  end
  return names[#names]
end

local b = BPF{text = text}
if not tp_start then
  b:attach_kprobe{event = first_kprobe{"__blk_account_io_start", "blk_account_io_start"},
    fn_name = "trace_pid_start"}
end
if kprobes then
  b:attach_kprobe{event = "blk_mq_start_request", fn_name = "trace_req_start"}
else
  tool.note("biosnoop", "no kprobes for blk_mq_start_request: using tracepoint block:block_rq_issue")
end
if not tp_done then
  b:attach_kprobe{event = first_kprobe{"__blk_account_io_done", "blk_account_io_done"},
    fn_name = "trace_req_completion"}
end

print(string.format("%-11s %-14s %-7s %-9s %-1s %-10s %-7s", "TIME(s)", "COMM", "PID",
  "DISK", "T", "SECTOR", "BYTES")
  .. (args.pattern and string.format("%-1s ", "P") or "")
  .. (args.queue and string.format("%7s ", "QUE(ms)") or "")
  .. string.format("%7s", "LAT(ms)"))

local function disk_print(d)
  return disk_name(d) or "<unknown>"
end

local patterns = {[0] = "?", "S", "R"}
local start_ts = 0
local function print_event(e)
  if start_ts == 0 then start_ts = tonumber(e.ts) end
  local out = {string.format("%-11.6f %-14.14s %-7s %-9s %-1s %-10s %-7s",
    (tonumber(e.ts) - start_ts) / 1e6, bpflua.str(e.name), tostring(e.pid),
    disk_print(e.dev), tonumber(e.rwflag) == 1 and "W" or "R", tostring(tonumber(e.sector)),
    tostring(tonumber(e.len)))}
  if args.pattern then out[#out + 1] = string.format("%-1s ", patterns[tonumber(e.pattern)]) end
  if args.queue then out[#out + 1] = string.format("%7.2f ", tonumber(e.qdelta) / 1e6) end
  out[#out + 1] = string.format("%7.2f", tonumber(e.delta) / 1e6)
  print(table.concat(out))
end

local events = b["events"]
events:open_perf_buffer(function(cpu, data) print_event(events:event(data)) end, 64)
tool.snoop(b)
