#!/usr/bin/env bpflua
-- execsnoop: trace new processes via exec() syscalls (BCC's execsnoop).
-- Without kprobes, execve's entry and return come from the syscalls
-- tracepoints (bpflua's attach_kprobe fallback, noted on stderr).
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("execsnoop", "Trace exec() syscalls", [[
    ./execsnoop           # trace all exec() syscalls
    ./execsnoop -x        # include failed exec()s
    ./execsnoop -T        # include time (HH:MM:SS)
    ./execsnoop -P 181    # only trace new processes whose parent PID is 181
    ./execsnoop -U        # include UID
    ./execsnoop -u 1000   # only trace UID 1000
    ./execsnoop -t        # include timestamps
    ./execsnoop -q        # add "quotemarks" around arguments
    ./execsnoop -n main   # only print command lines containing "main"
    ./execsnoop -l tpkg   # only print command where arguments contains "tpkg"]])
p:flag("-T --time", "include time column on output (HH:MM:SS)")
p:flag("-t --timestamp", "include timestamp on output")
p:flag("-x --fails", "include failed exec()s")
p:option("-u --uid", "trace this UID only"):convert(tool.uid)
p:flag("-q --quote", 'Add quotemarks (") around arguments.')
p:option("-n --name", "only print commands matching this name (Lua pattern), any arg")
p:option("-l --line", "only print commands where arg contains this line (Lua pattern)")
p:flag("-U --print-uid", "print UID column")
p:flag("-C --print-cpu", "print CPU column")
p:flag("-M --print-pcomm", "print parent command")
p:option("--max-args", "maximum number of arguments parsed and displayed, defaults to 20", "20")
  :convert(tool.positive)
p:option("-P --ppid", "trace this parent PID only"):convert(tool.positive)
p:option("-d --duration", "total duration of trace in seconds"):convert(tool.positive)
local args = p:parse()

local text = [[
#include <uapi/linux/ptrace.h>
#include <linux/sched.h>

#define ARGSIZE  128

enum event_type {
    EVENT_ARG,
    EVENT_RET,
};

struct data_t {
    u32 pid;
    u32 ppid;
    u32 uid;
    u32 cpu;
    char comm[TASK_COMM_LEN];
    char pcomm[TASK_COMM_LEN];
    enum event_type type;
    char argv[ARGSIZE];
    int retval;
};

BPF_PERF_OUTPUT(events);

static int emit_arg(struct pt_regs *ctx, const void *str, struct data_t *data)
{
    bpf_probe_read_user(data->argv, sizeof(data->argv), str);
    events.perf_submit(ctx, data, sizeof(struct data_t));
    return 1;
}

// argv[i], or 0 at the terminating NULL
static int emit_argv_entry(struct pt_regs *ctx, const void *slot, struct data_t *data)
{
    const char *argp = NULL;
    bpf_probe_read_user(&argp, sizeof(argp), slot);
    if (!argp)
        return 0;
    return emit_arg(ctx, argp, data);
}

static void fill_task(struct data_t *data)
{
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    data->pid = bpf_get_current_pid_tgid() >> 32;
    data->ppid = task->real_parent->tgid;
    bpf_probe_read_kernel_str(&data->pcomm, sizeof(data->pcomm), task->real_parent->comm);
    data->cpu = bpf_get_smp_processor_id();
    bpf_get_current_comm(&data->comm, sizeof(data->comm));
}

int syscall__execve(struct pt_regs *ctx,
    const char __user *filename,
    const char __user *const __user *__argv,
    const char __user *const __user *__envp)
{
    u32 uid = bpf_get_current_uid_gid() & 0xffffffff;
    UID_FILTER

    struct data_t data = {};
    fill_task(&data);
    PPID_FILTER
    data.type = EVENT_ARG;

    emit_arg(ctx, filename, &data);
    // argv[0] is the program: the filename stands for it
    #pragma unroll
    for (int i = 1; i < MAXARG; i++) {
        if (emit_argv_entry(ctx, &__argv[i], &data) == 0)
            return 0;
    }
    char ellipsis[] = "...";
    emit_arg(ctx, ellipsis, &data);
    return 0;
}

int do_ret_sys_execve(struct pt_regs *ctx)
{
    u32 uid = bpf_get_current_uid_gid() & 0xffffffff;
    UID_FILTER

    struct data_t data = {};
    fill_task(&data);
    data.uid = uid;
    PPID_FILTER
    data.type = EVENT_RET;
    data.retval = PT_REGS_RC(ctx);
    events.perf_submit(ctx, &data, sizeof(data));
    return 0;
}
]]
text = text:gsub("MAXARG", tostring(args.max_args))
text = tool.filter(text, "UID_FILTER", args.uid and ("uid != " .. args.uid))
text = tool.filter(text, "PPID_FILTER", args.ppid and ("data.ppid != " .. args.ppid))

local b = BPF{text = text}
local fn = b:get_syscall_fnname("execve")
b:attach_kprobe{event = fn, fn_name = "syscall__execve"}
b:attach_kretprobe{event = fn, fn_name = "do_ret_sys_execve"}

local head = {}
if args.time then head[#head + 1] = string.format("%-9s", "TIME") end
if args.timestamp then head[#head + 1] = string.format("%-8s", "TIME(s)") end
if args.print_uid then head[#head + 1] = string.format("%-6s", "UID") end
head[#head + 1] = string.format("%-16s %-7s ", "COMM", "PID")
if args.print_pcomm then head[#head + 1] = string.format("%-16s ", "PCOMM") end
head[#head + 1] = string.format("%-7s ", "PPID")
if args.print_cpu then head[#head + 1] = string.format("%-4s ", "CPU") end
head[#head + 1] = string.format("%3s %s", "RET", "ARGS")
print(table.concat(head))

local t0 = BPF.monotonic_time()
local argv = {}     -- pid -> the arguments seen so far
local events = b["events"]

local function ppid_of(e)
  if e.ppid > 0 then return tostring(e.ppid) end
  local f = io.open("/proc/" .. e.pid .. "/status")   -- BCC's fallback
  local s = f and f:read("*a") or ""
  if f then f:close() end
  local pp = tonumber(s:match("PPid:%s*(%d+)"))
  return pp and pp > 0 and tostring(pp) or "?"
end

local function show(e, list)
  if e.retval ~= 0 and not args.fails then return end
  local comm = bpflua.str(e.comm)
  local line = table.concat(list, " ")
  if args.name and not comm:find(args.name) then return end
  if args.line and not line:find(args.line) then return end
  if args.quote then
    for i, a in ipairs(list) do list[i] = '"' .. a:gsub('"', '\\"') .. '"' end
    line = table.concat(list, " ")
  end
  local out = {}
  if args.time then out[#out + 1] = string.format("%-9s", tool.clock()) end
  if args.timestamp then
    out[#out + 1] = string.format("%-8.3f", (BPF.monotonic_time() - t0) / 1e9)
  end
  if args.print_uid then out[#out + 1] = string.format("%-6d", e.uid) end
  out[#out + 1] = string.format("%-16s %-7d ", comm, e.pid)
  if args.print_pcomm then out[#out + 1] = string.format("%-16s ", bpflua.str(e.pcomm)) end
  out[#out + 1] = string.format("%-7s ", ppid_of(e))
  if args.print_cpu then out[#out + 1] = string.format("%-4d ", e.cpu) end
  out[#out + 1] = string.format("%3d %s", e.retval, (line:gsub("\n", "\\n")))
  print(table.concat(out))
end

events:open_perf_buffer(function(cpu, data)
  local e = events:event(data)
  local pid = e.pid
  if e.type == 0 then
    argv[pid] = argv[pid] or {}
    table.insert(argv[pid], bpflua.str(e.argv))
  else
    show(e, argv[pid] or {})
    argv[pid] = nil
  end
end)
tool.snoop(b, {duration = args.duration})
