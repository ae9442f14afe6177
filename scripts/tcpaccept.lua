#!/usr/bin/env bpflua
-- tcpaccept: trace passive TCP connections (accept()), as BCC's tcpaccept:
-- a kretprobe on inet_csk_accept. Without kprobes, the accept/accept4
-- syscalls' return tracepoints find the new socket through the returned fd
-- (the accepting task's file table), and read the same fields of it.
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("tcpaccept", "Trace TCP accepts", [[
    ./tcpaccept           # trace all TCP accept()s
    ./tcpaccept -t        # include timestamps
    ./tcpaccept -P 80,81  # only trace port 80 and 81
    ./tcpaccept -p 181    # only trace PID 181
    ./tcpaccept -4        # trace IPv4 family
    ./tcpaccept -6        # trace IPv6 family]])
p:flag("-T --time", "include time column on output (HH:MM:SS)")
p:flag("-t --timestamp", "include timestamp on output")
p:option("-p --pid", "trace this PID only"):convert(tool.positive)
p:option("-P --port", "comma-separated list of local ports to trace")
p:mutex(p:flag("-4 --ipv4", "trace IPv4 family only"),
  p:flag("-6 --ipv6", "trace IPv6 family only"))
local args = p:parse()

local text = [[
#include <uapi/linux/ptrace.h>
#include <net/sock.h>
#include <bcc/proto.h>

// separate data structs for ipv4 and ipv6
struct ipv4_data_t {
    u64 ts_us;
    u32 pid;
    u32 saddr;
    u32 daddr;
    u64 ip;
    u16 lport;
    u16 dport;
    char task[TASK_COMM_LEN];
};
BPF_PERF_OUTPUT(ipv4_events);

struct ipv6_data_t {
    u64 ts_us;
    u32 pid;
    unsigned __int128 saddr;
    unsigned __int128 daddr;
    u64 ip;
    u16 lport;
    u16 dport;
    char task[TASK_COMM_LEN];
};
BPF_PERF_OUTPUT(ipv6_events);

static inline int accepted(void *ctx, struct sock *newsk)
{
    u32 pid = bpf_get_current_pid_tgid() >> 32;

    FILTER_PID

    if (newsk == NULL)
        return 0;

    // check this is TCP
    u16 protocol = newsk->sk_protocol;
    if (protocol != IPPROTO_TCP)
        return 0;

    // pull in details
    u16 family = 0, lport = 0, dport;
    family = newsk->__sk_common.skc_family;
    lport = newsk->__sk_common.skc_num;
    dport = newsk->__sk_common.skc_dport;
    dport = ntohs(dport);

    FILTER_FAMILY

    FILTER_PORT

    if (family == AF_INET) {
        struct ipv4_data_t data4 = {.pid = pid, .ip = 4};
        data4.ts_us = bpf_ktime_get_ns() / 1000;
        data4.saddr = newsk->__sk_common.skc_rcv_saddr;
        data4.daddr = newsk->__sk_common.skc_daddr;
        data4.lport = lport;
        data4.dport = dport;
        bpf_get_current_comm(&data4.task, sizeof(data4.task));
        ipv4_events.perf_submit(ctx, &data4, sizeof(data4));

    } else if (family == AF_INET6) {
        struct ipv6_data_t data6 = {.pid = pid, .ip = 6};
        data6.ts_us = bpf_ktime_get_ns() / 1000;
        bpf_probe_read_kernel(&data6.saddr, sizeof(data6.saddr),
            &newsk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32);
        bpf_probe_read_kernel(&data6.daddr, sizeof(data6.daddr),
            &newsk->__sk_common.skc_v6_daddr.in6_u.u6_addr32);
        data6.lport = lport;
        data6.dport = dport;
        bpf_get_current_comm(&data6.task, sizeof(data6.task));
        ipv6_events.perf_submit(ctx, &data6, sizeof(data6));
    }
    // else drop

    return 0;
}
]]

local kprobe = [[
int kretprobe__inet_csk_accept(struct pt_regs *ctx)
{
    return accepted(ctx, (struct sock *)PT_REGS_RC(ctx));
}
]]

-- accept() succeeded: the new fd's file is a socket, its sock the new one
local tracepoints = [[
static inline struct sock *fd_sock(long fd)
{
    if (fd < 0)
        return NULL;
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    struct file **fds = task->files->fdt->fd;
    struct file *file = NULL;
    bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
    if (file == NULL)
        return NULL;
    struct socket *sock = (struct socket *)file->private_data;
    return sock->sk;
}

TRACEPOINT_PROBE(syscalls, sys_exit_accept)
{
    return accepted(args, fd_sock(args->ret));
}

TRACEPOINT_PROBE(syscalls, sys_exit_accept4)
{
    return accepted(args, fd_sock(args->ret));
}
]]

text = tool.filter(text, "FILTER_PID", args.pid and ("pid != " .. args.pid))
text = tool.filter(text, "FILTER_PORT", args.port and tool.ports_cond(args.port, "lport"))
text = tool.filter(text, "FILTER_FAMILY", (args.ipv4 and "family != AF_INET")
  or (args.ipv6 and "family != AF_INET6") or nil)

local b
if tool.has_kprobes() then
  b = BPF{text = text .. kprobe}
else
  tool.note("tcpaccept", "no kprobes for inet_csk_accept: using tracepoints "
    .. "syscalls:sys_exit_accept and syscalls:sys_exit_accept4")
  b = BPF{text = text .. tracepoints}
end

print((args.time and string.format("%-9s", "TIME") or "")
  .. (args.timestamp and string.format("%-9s", "TIME(s)") or "")
  .. string.format("%-7s %-12s %-2s %-16s %-5s %-16s %-5s", "PID", "COMM", "IP", "RADDR",
    "RPORT", "LADDR", "LPORT"))

local start_ts = 0
local function print_event(e, af)
  local out = {}
  if args.time then out[#out + 1] = string.format("%-9s", tool.clock()) end
  if args.timestamp then
    if start_ts == 0 then start_ts = tonumber(e.ts_us) end
    out[#out + 1] = string.format("%-9.3f", (tonumber(e.ts_us) - start_ts) / 1e6)
  end
  out[#out + 1] = string.format("%-7d %-12.12s %-2d %-16s %-5d %-16s %-5d", e.pid,
    bpflua.str(e.task), tonumber(e.ip), tool.inet_ntop(af, e.daddr), e.dport,
    tool.inet_ntop(af, e.saddr), e.lport)
  print(table.concat(out))
end

tool.open_ip_events(b, print_event)
tool.snoop(b)
