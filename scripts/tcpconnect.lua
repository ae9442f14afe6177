#!/usr/bin/env bpflua
-- tcpconnect: trace active TCP connections (connect()), as BCC's tcpconnect:
-- kprobes on tcp_v4_connect/tcp_v6_connect and their returns. Without
-- kprobes, the connecting task's CLOSE -> SYN_SENT change (the
-- sock:inet_sock_set_state tracepoint, inside tcp_v[46]_connect) keeps the
-- socket and the connect syscall's return reports it: the same socket
-- fields are read at the same point, so the lines are the same.
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("tcpconnect", "Trace TCP connects", [[
    ./tcpconnect           # trace all TCP connect()s
    ./tcpconnect -t        # include timestamps
    ./tcpconnect -p 181    # only trace PID 181
    ./tcpconnect -P 80     # only trace port 80
    ./tcpconnect -P 80,81  # only trace port 80 and 81
    ./tcpconnect -4        # only trace IPv4 family
    ./tcpconnect -6        # only trace IPv6 family
    ./tcpconnect -U        # include UID
    ./tcpconnect -u 1000   # only trace UID 1000
    ./tcpconnect -c        # count connects per src ip and dest ip/port
    ./tcpconnect -L        # include LPORT while printing outputs]])
p:flag("-t --timestamp", "include timestamp on output")
p:option("-p --pid", "trace this PID only"):convert(tool.positive)
p:option("-P --port", "comma-separated list of destination ports to trace.")
p:mutex(p:flag("-4 --ipv4", "trace IPv4 family only"),
  p:flag("-6 --ipv6", "trace IPv6 family only"))
p:flag("-L --lport", "include LPORT on output")
p:flag("-U --print-uid", "include UID on output")
p:option("-u --uid", "trace this UID only"):convert(tool.uid)
p:flag("-c --count", "count connects per src ip and dest ip/port")
local args = p:parse()

local text = [[
#include <uapi/linux/ptrace.h>
#include <net/sock.h>
#include <bcc/proto.h>

BPF_HASH(currsock, u32, struct sock *);

// separate data structs for ipv4 and ipv6
struct ipv4_data_t {
    u64 ts_us;
    u32 pid;
    u32 uid;
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
    u32 uid;
    unsigned __int128 saddr;
    unsigned __int128 daddr;
    u64 ip;
    u16 lport;
    u16 dport;
    char task[TASK_COMM_LEN];
};
BPF_PERF_OUTPUT(ipv6_events);

// separate flow keys per address family
struct ipv4_flow_key_t {
    u32 saddr;
    u32 daddr;
    u16 dport;
};
BPF_HASH(ipv4_count, struct ipv4_flow_key_t);

struct ipv6_flow_key_t {
    unsigned __int128 saddr;
    unsigned __int128 daddr;
    u16 dport;
};
BPF_HASH(ipv6_count, struct ipv6_flow_key_t);

// on the way in: who connects, and which socket
static inline int connect_entry(struct sock *sk)
{
    u64 pid_tgid = bpf_get_current_pid_tgid();
    u32 pid = pid_tgid >> 32;
    u32 tid = pid_tgid;
    FILTER_PID

    u32 uid = bpf_get_current_uid_gid();
    FILTER_UID

    // stash the sock ptr for lookup on return
    currsock.update(&tid, &sk);
    return 0;
}

// on the way out: a SYN went out (ret 0) and the socket has its addresses
static inline int connect_return(void *ctx, int ret, short ipver)
{
    u64 pid_tgid = bpf_get_current_pid_tgid();
    u32 pid = pid_tgid >> 32;
    u32 tid = pid_tgid;

    struct sock **skpp;
    skpp = currsock.lookup(&tid);
    if (skpp == 0) {
        return 0;   // missed entry
    }

    if (ret != 0) {
        // failed to send SYNC packet, may not have populated
        // socket __sk_common.{skc_rcv_saddr, ...}
        currsock.delete(&tid);
        return 0;
    }

    // pull in details
    struct sock *skp = *skpp;
    u16 lport = skp->__sk_common.skc_num;
    u16 dport = skp->__sk_common.skc_dport;

    FILTER_PORT

    FILTER_FAMILY

    if (ipver == 4) {
        IPV4_CODE
    } else /* 6 */ {
        IPV6_CODE
    }

    currsock.delete(&tid);
    return 0;
}
]]

local kprobes = [[
int trace_connect_entry(struct pt_regs *ctx, struct sock *sk)
{
    return connect_entry(sk);
}

int trace_connect_v4_return(struct pt_regs *ctx)
{
    return connect_return(ctx, PT_REGS_RC(ctx), 4);
}

int trace_connect_v6_return(struct pt_regs *ctx)
{
    return connect_return(ctx, PT_REGS_RC(ctx), 6);
}
]]

-- The tracepoint fires in tcp_v[46]_connect, in the connecting task; a
-- non-blocking connect's syscall says -EINPROGRESS where the kernel
-- function returned 0. The socket's family tells tcp_v6_connect's sockets
-- (IPv4-mapped ones too) from tcp_v4_connect's, as BCC's two kretprobes do.
local tracepoints = [[
BPF_HASH(connect_family, u32, u16);

TRACEPOINT_PROBE(sock, inet_sock_set_state)
{
    if (args->protocol != IPPROTO_TCP || args->oldstate != TCP_CLOSE ||
        args->newstate != TCP_SYN_SENT)
        return 0;
    u32 tid = bpf_get_current_pid_tgid();
    u16 family = args->family;
    connect_family.update(&tid, &family);
    return connect_entry((struct sock *)args->skaddr);
}

TRACEPOINT_PROBE(syscalls, sys_exit_connect)
{
    u32 tid = bpf_get_current_pid_tgid();
    u16 *family = connect_family.lookup(&tid);
    if (family == 0)
        return 0;
    short ipver = *family == AF_INET6 ? 6 : 4;
    connect_family.delete(&tid);
    int ret = args->ret == -EINPROGRESS ? 0 : args->ret;
    return connect_return(args, ret, ipver);
}
]]

local ipv4 = {
  count = [[
               struct ipv4_flow_key_t flow_key = {};
               flow_key.saddr = skp->__sk_common.skc_rcv_saddr;
               flow_key.daddr = skp->__sk_common.skc_daddr;
               flow_key.dport = ntohs(dport);
               ipv4_count.increment(flow_key);]],
  trace = [[
               struct ipv4_data_t data4 = {.pid = pid, .ip = ipver};
               data4.uid = bpf_get_current_uid_gid();
               data4.ts_us = bpf_ktime_get_ns() / 1000;
               data4.saddr = skp->__sk_common.skc_rcv_saddr;
               data4.daddr = skp->__sk_common.skc_daddr;
               data4.lport = lport;
               data4.dport = ntohs(dport);
               bpf_get_current_comm(&data4.task, sizeof(data4.task));
               ipv4_events.perf_submit(ctx, &data4, sizeof(data4));]],
}
local ipv6 = {
  count = [[
               struct ipv6_flow_key_t flow_key = {};
               bpf_probe_read_kernel(&flow_key.saddr, sizeof(flow_key.saddr),
                   skp->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32);
               bpf_probe_read_kernel(&flow_key.daddr, sizeof(flow_key.daddr),
                   skp->__sk_common.skc_v6_daddr.in6_u.u6_addr32);
               flow_key.dport = ntohs(dport);
               ipv6_count.increment(flow_key);]],
  trace = [[
               struct ipv6_data_t data6 = {.pid = pid, .ip = ipver};
               data6.uid = bpf_get_current_uid_gid();
               data6.ts_us = bpf_ktime_get_ns() / 1000;
               bpf_probe_read_kernel(&data6.saddr, sizeof(data6.saddr),
                   skp->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32);
               bpf_probe_read_kernel(&data6.daddr, sizeof(data6.daddr),
                   skp->__sk_common.skc_v6_daddr.in6_u.u6_addr32);
               data6.lport = lport;
               data6.dport = ntohs(dport);
               bpf_get_current_comm(&data6.task, sizeof(data6.task));
               ipv6_events.perf_submit(ctx, &data6, sizeof(data6));]],
}
local mode = args.count and "count" or "trace"
-- function replacements: the code has % in it
text = text:gsub("IPV4_CODE", function() return ipv4[mode] end)
text = text:gsub("IPV6_CODE", function() return ipv6[mode] end)
text = tool.filter(text, "FILTER_PID", args.pid and ("pid != " .. args.pid))
text = tool.filter(text, "FILTER_UID", args.uid and ("uid != " .. args.uid))
text = text:gsub("FILTER_PORT", args.port and ("if (" .. tool.ports_cond(args.port, "ntohs(dport)")
  .. ") { currsock.delete(&tid); return 0; }") or "")
text = tool.filter(text, "FILTER_FAMILY", (args.ipv4 and "ipver != 4")
  or (args.ipv6 and "ipver != 6") or nil)

local b
if tool.has_kprobes() then
  b = BPF{text = text .. kprobes}
  b:attach_kprobe{event = "tcp_v4_connect", fn_name = "trace_connect_entry"}
  b:attach_kprobe{event = "tcp_v6_connect", fn_name = "trace_connect_entry"}
  b:attach_kretprobe{event = "tcp_v4_connect", fn_name = "trace_connect_v4_return"}
  b:attach_kretprobe{event = "tcp_v6_connect", fn_name = "trace_connect_v6_return"}
else
  tool.note("tcpconnect", "no kprobes for tcp_v4_connect/tcp_v6_connect: using tracepoints "
    .. "sock:inet_sock_set_state and syscalls:sys_exit_connect")
  b = BPF{text = text .. tracepoints}
end

print("Tracing connect ... Hit Ctrl-C to end")

local function depict_cnt(t, af)
  for _, r in ipairs(tool.sorted(t)) do
    local k = r.k
    print(string.format("%-25s %-25s %-20s %-10d", tool.inet_ntop(af, k.saddr),
      tool.inet_ntop(af, k.daddr), tostring(k.dport), r.v))
  end
end

if args.count then
  tool.every(99999999, nil, function()
    print(string.format("\n%-25s %-25s %-20s %-10s", "LADDR", "RADDR", "RPORT", "CONNECTS"))
    depict_cnt(b["ipv4_count"], tool.AF_INET)
    depict_cnt(b["ipv6_count"], tool.AF_INET6)
  end)
  return
end

local head = (args.timestamp and string.format("%-9s", "TIME(s)") or "")
  .. (args.print_uid and string.format("%-6s", "UID") or "")
if args.lport then
  head = head .. string.format("%-7s %-12s %-2s %-16s %-6s %-16s %-6s", "PID", "COMM", "IP",
    "SADDR", "LPORT", "DADDR", "DPORT")
else
  head = head .. string.format("%-7s %-12s %-2s %-16s %-16s %-6s", "PID", "COMM", "IP",
    "SADDR", "DADDR", "DPORT")
end
print(head)

local start_ts = 0
local function print_event(e, af)
  local out = {}
  if args.timestamp then
    if start_ts == 0 then start_ts = tonumber(e.ts_us) end
    out[#out + 1] = string.format("%-9.3f", (tonumber(e.ts_us) - start_ts) / 1e6)
  end
  if args.print_uid then out[#out + 1] = string.format("%-6d", e.uid) end
  local saddr, daddr = tool.inet_ntop(af, e.saddr), tool.inet_ntop(af, e.daddr)
  if args.lport then
    out[#out + 1] = string.format("%-7d %-12.12s %-2d %-16s %-6d %-16s %-6d ", e.pid,
      bpflua.str(e.task), tonumber(e.ip), saddr, e.lport, daddr, e.dport)
  else
    out[#out + 1] = string.format("%-7d %-12.12s %-2d %-16s %-16s %-6d ", e.pid,
      bpflua.str(e.task), tonumber(e.ip), saddr, daddr, e.dport)
  end
  print(table.concat(out))
end

tool.open_ip_events(b, print_event)
tool.snoop(b)
