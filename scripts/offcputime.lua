#!/usr/bin/env bpflua
-- offcputime: off-CPU time by stack trace (BCC's offcputime). A thread's
-- time from switching out to switching back in is summed per (thread,
-- kernel stack, user stack), in microseconds, and printed at the end, least
-- first, or with -f as "comm;outer;...;inner total" lines.
-- BCC kprobes finish_task_switch and takes the stack of the thread coming
-- back in. Without kprobes this uses the sched_switch raw tracepoint (as
-- BCC's libbpf-tools offcputime does): the stack is taken from the thread
-- going out, which is the same stack, and summed when it comes back in.
local tool = require "bpflua.tool"

local p = tool.parser("offcputime", "Summarize off-CPU time by stack trace", [[
    ./offcputime             # trace off-CPU stack time until Ctrl-C
    ./offcputime 5           # trace for 5 seconds only
    ./offcputime -f 5        # 5 seconds, and output in folded format
    ./offcputime -m 1000     # trace only events that last more than 1000 usec
    ./offcputime -M 10000    # trace only events that last less than 10000 usec
    ./offcputime -p 185      # only trace threads for PID 185
    ./offcputime -t 188      # only trace thread 188
    ./offcputime -u          # only trace user threads (no kernel)
    ./offcputime -k          # only trace kernel threads (no user)
    ./offcputime -U          # only show user space stacks (no kernel)
    ./offcputime -K          # only show kernel space stacks (no user)]])
p:mutex(p:option("-p --pid", "trace this PID only"):convert(tool.positive),
  p:option("-t --tid", "trace this TID only"):convert(tool.positive),
  p:flag("-u --user-threads-only", "user threads only (no kernel threads)"),
  p:flag("-k --kernel-threads-only", "kernel threads only (no user threads)"))
p:mutex(p:flag("-U --user-stacks-only", "show stacks from user space only (no kernel space stacks)"),
  p:flag("-K --kernel-stacks-only", "show stacks from kernel space only (no user space stacks)"))
p:flag("-d --delimited", "insert delimiter between kernel/user stacks")
p:flag("-f --folded", "output folded format")
p:flag("-s --offset", "show address offsets")
p:option("--stack-storage-size", "the number of unique stack traces that can be stored and "
  .. "displayed (default 16384)", "16384"):convert(tool.positive)
p:option("-m --min-block-time", "the amount of time in microseconds over which we store "
  .. "traces (default 1)", "1"):convert(tonumber)
p:option("-M --max-block-time", "the amount of time in microseconds under which we store "
  .. "traces (default U64_MAX)"):convert(tonumber)
p:option("--state", "filter on this thread state bitmask (eg, 2 == TASK_UNINTERRUPTIBLE) "
  .. "see include/linux/sched.h"):convert(tonumber)
p:argument("duration", "duration of trace, in seconds", "99999999"):convert(tool.positive)
local args = p:parse()

if args.kernel_threads_only and args.user_stacks_only then
  io.stderr:write("ERROR: Displaying user stacks for kernel threads doesn't make sense.\n")
  os.exit(2)
end

-- Both probes share the maps; only one is attached. oncpu (kprobe) is
-- BCC's: the thread coming in is current. oncpu_tp (raw tracepoint) runs
-- while prev is still current, so it takes prev's stacks as it leaves.
local text = [[
#include <uapi/linux/ptrace.h>
#include <linux/sched.h>

struct key_t {
    u32 pid;
    u32 tgid;
    int user_stack_id;
    int kernel_stack_id;
    char name[TASK_COMM_LEN];
};
struct start_t {
    u64 ts;
    int user_stack_id;
    int kernel_stack_id;
    char name[TASK_COMM_LEN];
};
BPF_HASH(counts, struct key_t);
BPF_HASH(start, u32, struct start_t);
BPF_STACK_TRACE(stack_traces, STACK_STORAGE_SIZE);

static inline int wanted(struct task_struct *prev)
{
    return (THREAD_FILTER) && (STATE_FILTER);
}

// microseconds off-CPU, or 0 when out of the -m/-M range
static inline u64 off_us(u64 t_start)
{
    u64 t_end = bpf_ktime_get_ns();
    if (t_start > t_end)
        return 0;
    u64 delta = (t_end - t_start) / 1000;
    if (delta < MINBLOCK_US || delta > MAXBLOCK_US)
        return 0;
    return delta;
}

int oncpu(struct pt_regs *ctx, struct task_struct *prev) {
    u32 pid = prev->pid;
    if (wanted(prev)) {
        struct start_t s = {.ts = bpf_ktime_get_ns()};
        start.update(&pid, &s);
    }
    u64 id = bpf_get_current_pid_tgid();
    pid = id;
    struct start_t *sp = start.lookup(&pid);
    if (sp == 0)
        return 0;
    u64 delta = off_us(sp->ts);
    start.delete(&pid);
    if (delta == 0)
        return 0;
    struct key_t key = {.pid = pid, .tgid = id >> 32};
    key.user_stack_id = USER_STACK_GET;
    key.kernel_stack_id = KERNEL_STACK_GET(0);
    bpf_get_current_comm(&key.name, sizeof(key.name));
    counts.increment(key, delta);
    return 0;
}

int oncpu_tp(struct bpf_raw_tracepoint_args *ctx) {
    // TP_PROTO(bool preempt, struct task_struct *prev, struct task_struct *next, ...)
    struct task_struct *prev = (struct task_struct *)ctx->args[1];
    struct task_struct *next = (struct task_struct *)ctx->args[2];
    u32 pid = prev->pid;
    if (wanted(prev)) {
        struct start_t s = {.ts = bpf_ktime_get_ns()};
        s.user_stack_id = USER_STACK_GET;
        // skips the tracing frames (the BPF program, bpf_trace_run4,
        // __traceiter_sched_switch): the stack starts in __schedule
        s.kernel_stack_id = KERNEL_STACK_GET(3);
        bpf_get_current_comm(&s.name, sizeof(s.name));
        start.update(&pid, &s);
    }
    pid = next->pid;
    struct start_t *sp = start.lookup(&pid);
    if (sp == 0)
        return 0;
    u64 delta = off_us(sp->ts);
    struct key_t key = {.pid = pid, .tgid = next->tgid,
        .user_stack_id = sp->user_stack_id, .kernel_stack_id = sp->kernel_stack_id};
    __builtin_memcpy(key.name, sp->name, sizeof(key.name));
    start.delete(&pid);
    if (delta == 0)
        return 0;
    counts.increment(key, delta);
    return 0;
}
]]

local thread_context, thread_filter
if args.pid then
  thread_context, thread_filter = "PIDs " .. args.pid, "prev->tgid == " .. args.pid
elseif args.tid then
  thread_context, thread_filter = "TIDs " .. args.tid, "prev->pid == " .. args.tid
elseif args.user_threads_only then
  thread_context, thread_filter = "user threads", "!(prev->flags & PF_KTHREAD)"
elseif args.kernel_threads_only then
  thread_context, thread_filter = "kernel threads", "prev->flags & PF_KTHREAD"
else
  thread_context, thread_filter = "all threads", "1"
end
local state_filter = "1"
if args.state == 0 then
  state_filter = "prev->__state == 0"
elseif args.state then
  state_filter = "prev->__state & " .. args.state
end
local stack_context = args.user_stacks_only and "user"
  or args.kernel_stacks_only and "kernel" or "user + kernel"
text = text:gsub("THREAD_FILTER", thread_filter):gsub("STATE_FILTER", state_filter)
  :gsub("STACK_STORAGE_SIZE", tostring(args.stack_storage_size))
  :gsub("MINBLOCK_US", string.format("%.0fULL", args.min_block_time))
  :gsub("MAXBLOCK_US", args.max_block_time and string.format("%.0fULL", args.max_block_time)
    or "0xffffffffffffffffULL")
  :gsub("USER_STACK_GET", args.kernel_stacks_only and "-1"
    or "stack_traces.get_stackid(ctx, BPF_F_USER_STACK)")
  :gsub("KERNEL_STACK_GET%((%d)%)", args.user_stacks_only and "-1"
    or "stack_traces.get_stackid(ctx, %1)")

local b = BPF{text = text}
local ok = pcall(b.attach_kprobe, b,
  {event_re = [[^finish_task_switch$|^finish_task_switch\.isra\.[0-9]$]], fn_name = "oncpu"})
if not ok then
  tool.note("offcputime", "no kprobes for finish_task_switch: using raw tracepoint sched_switch")
  b:attach_raw_tracepoint{tp = "sched_switch", fn_name = "oncpu_tp"}
end

if not args.folded then
  io.write(string.format("Tracing off-CPU time (us) of %s by %s stack", thread_context,
    stack_context))
  print(args.duration < 99999999 and string.format(" for %d secs.", args.duration)
    or "... Hit Ctrl-C to end.")
end
tool.every(args.duration, 1, function() end)
if not args.folded then print() end

local missing, full = tool.print_stacks(b, {
  folded = args.folded, user_only = args.user_stacks_only, kernel_only = args.kernel_stacks_only,
  delimited = args.delimited and not (args.kernel_stacks_only or args.user_stacks_only),
  offset = args.offset,
  -- user stacks are symbolized per process, the "- comm (N)" line names the thread
  pid = function(k) return k.pid end, sym_pid = function(k) return k.tgid end,
})
if missing > 0 then
  io.stderr:write(string.format("WARNING: %d stack traces lost and could not be displayed.%s\n",
    missing, full and " Consider increasing --stack-storage-size." or ""))
end
