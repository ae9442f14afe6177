#!/usr/bin/env bpflua
-- profile: sample stack traces at a timed interval (BCC's profile).
-- A CPU clock perf event on every CPU (BCC tries the cycles hardware event
-- first; virtual machines rarely have one), counting each (process, kernel
-- stack, user stack) seen; the stacks are printed at the end, least
-- frequent first, or with -f one "comm;outer;...;inner count" line each
-- (flamegraph.pl's input).
local tool = require "bpflua.tool"

local p = tool.parser("profile", "Profile CPU stack traces at a timed interval", [[
    ./profile             # profile stack traces at 49 Hertz until Ctrl-C
    ./profile -F 99       # profile stack traces at 99 Hertz
    ./profile -c 1000000  # profile stack traces every 1 in a million events
    ./profile 5           # profile at 49 Hertz for 5 seconds only
    ./profile -f 5        # output in folded format for flame graphs
    ./profile -p 185      # only profile process with PID 185
    ./profile -U          # only show user space stacks (no kernel)
    ./profile -K          # only show kernel space stacks (no user)]])
p:option("-p --pid", "profile process with this PID only"):convert(tool.positive)
p:mutex(p:flag("-U --user-stacks-only", "show stacks from user space only (no kernel space stacks)"),
  p:flag("-K --kernel-stacks-only", "show stacks from kernel space only (no user space stacks)"))
p:mutex(p:option("-F --frequency", "sample frequency, Hertz"):convert(tool.positive),
  p:option("-c --count", "sample period, number of events"):convert(tool.positive))
p:flag("-d --delimited", "insert delimiter between kernel/user stacks")
p:flag("-I --include-idle", "include CPU idle stacks")
p:flag("-f --folded", "output folded format, one line per stack (for flame graphs)")
p:option("--hash-storage-size", "the number of hash keys that can be stored and (default 40960)",
  "40960"):convert(tool.positive)
p:option("--stack-storage-size", "the number of unique stack traces that can be stored and "
  .. "displayed (default 16384)", "16384"):convert(tool.positive)
p:argument("duration", "duration of trace, in seconds", "99999999"):convert(tool.positive)
local args = p:parse()

local need_delimiter = args.delimited and not (args.kernel_stacks_only or args.user_stacks_only)
local text = [[
#include <uapi/linux/ptrace.h>
#include <uapi/linux/bpf_perf_event.h>

struct key_t {
    u32 pid;
    u64 kernel_ip;
    int user_stack_id;
    int kernel_stack_id;
    char name[TASK_COMM_LEN];
};
BPF_HASH(counts, struct key_t, u64, HASH_STORAGE_SIZE);
BPF_STACK_TRACE(stack_traces, STACK_STORAGE_SIZE);

int do_perf_event(struct bpf_perf_event_data *ctx) {
    u64 id = bpf_get_current_pid_tgid();
    u32 tgid = id >> 32, pid = id;

    if (IDLE_FILTER)
        return 0;
    if (!(THREAD_FILTER))
        return 0;

    struct key_t key = {.pid = tgid};
    bpf_get_current_comm(&key.name, sizeof(key.name));
    key.user_stack_id = USER_STACK_GET;
    key.kernel_stack_id = KERNEL_STACK_GET;
    // the interrupted instruction is no return address: the kernel's
    // stack may lack it, so it is kept apart (0: it was not in the kernel)
    if (key.kernel_stack_id >= 0) {
        u64 ip = PT_REGS_IP(&ctx->regs);
        if (ip >= 0xffff800000000000ULL)
            key.kernel_ip = ip;
    }
    counts.increment(key);
    return 0;
}
]]
local thread_context = args.pid and ("PID " .. args.pid) or "all threads"
text = text:gsub("IDLE_FILTER", args.include_idle and "0" or "pid == 0")
  :gsub("THREAD_FILTER", args.pid and ("tgid == " .. args.pid) or "1")
  :gsub("HASH_STORAGE_SIZE", tostring(args.hash_storage_size))
  :gsub("STACK_STORAGE_SIZE", tostring(args.stack_storage_size))
  :gsub("USER_STACK_GET", args.kernel_stacks_only and "-1"
    or "stack_traces.get_stackid(&ctx->regs, BPF_F_USER_STACK)")
  :gsub("KERNEL_STACK_GET", args.user_stacks_only and "-1"
    or "stack_traces.get_stackid(&ctx->regs, 0)")
local stack_context = args.user_stacks_only and "user"
  or args.kernel_stacks_only and "kernel" or "user + kernel"

local sample_freq, sample_period = 0, 0
if args.count then sample_period = args.count else sample_freq = args.frequency or 49 end
local sample_context = sample_freq > 0 and (sample_freq .. " Hertz")
  or ("every " .. sample_period .. " events")

if not args.folded then
  io.write(string.format("Sampling at %s of %s by %s stack", sample_context, thread_context,
    stack_context))
  print(args.duration < 99999999 and string.format(" for %d secs.", args.duration)
    or "... Hit Ctrl-C to end.")
end

local b = BPF{text = text}
b:attach_perf_event{ev_type = BPF.PerfType.SOFTWARE, ev_config = BPF.PerfSWConfig.CPU_CLOCK,
  fn_name = "do_perf_event", sample_period = sample_period, sample_freq = sample_freq}

tool.every(args.duration, 1, function() end)
if not args.folded then print() end

local missing, full, keys = tool.print_stacks(b, {
  folded = args.folded, user_only = args.user_stacks_only, kernel_only = args.kernel_stacks_only,
  delimited = need_delimiter, module = true, offset = true,
  pid = function(k) return k.pid end, sym_pid = function(k) return k.pid end,
  -- this kernel's perf event stacks start at the interrupted instruction
  -- already (BCC's older kernels' did not): it is added only if missing
  kernel_ip = function(k) return k.kernel_ip ~= 0 and k.kernel_ip or nil end,
})
if missing > 0 then
  io.stderr:write(string.format("WARNING: %d stack traces could not be displayed.%s\n", missing,
    full and " Consider increasing --stack-storage-size." or ""))
end
if keys >= args.hash_storage_size then
  io.stderr:write("WARNING: hash table full. Consider increasing --hash-storage-size.\n")
end
