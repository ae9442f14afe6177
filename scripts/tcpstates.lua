#!/usr/bin/env bpflua
-- tcpstates: trace TCP session state changes with durations, from the
-- sock:inet_sock_set_state tracepoint (BCC's tcpstates).
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("tcpstates", "Trace TCP session state changes with durations", [[
    ./tcpstates           # trace all TCP state changes
    ./tcpstates -t        # include timestamp column
    ./tcpstates -T        # include time column (HH:MM:SS)
    ./tcpstates -w        # wider columns (fit IPv6)
    ./tcpstates -stT      # csv output, with times & timestamps
    ./tcpstates -L 80     # only trace local port 80
    ./tcpstates -L 80,81  # only trace local ports 80 and 81
    ./tcpstates -D 80     # only trace remote port 80
    ./tcpstates -4        # trace IPv4 family only
    ./tcpstates -6        # trace IPv6 family only]])
tool.tcp_options(p)
local args = p:parse()

local text = [[
#include <uapi/linux/ptrace.h>
#include <linux/tcp.h>
#include <net/sock.h>

BPF_HASH(last, struct sock *, u64);

struct ipv4_data_t {
    u64 ts_us;
    u64 skaddr;
    u32 saddr[1];
    u32 daddr[1];
    u64 span_us;
    u32 pid;
    u16 lport;
    u16 dport;
    int oldstate;
    int newstate;
    char task[TASK_COMM_LEN];
};
BPF_PERF_OUTPUT(ipv4_events);

struct ipv6_data_t {
    u64 ts_us;
    u64 skaddr;
    u32 saddr[4];
    u32 daddr[4];
    u64 span_us;
    u32 pid;
    u16 lport;
    u16 dport;
    int oldstate;
    int newstate;
    char task[TASK_COMM_LEN];
};
BPF_PERF_OUTPUT(ipv6_events);

TRACEPOINT_PROBE(sock, inet_sock_set_state)
{
    if (args->protocol != IPPROTO_TCP)
        return 0;

    u32 pid = bpf_get_current_pid_tgid() >> 32;
    // the socket's address is its identity
    struct sock *sk = (struct sock *)args->skaddr;

    u16 lport = args->sport;
    FILTER_LPORT
    u16 dport = args->dport;
    FILTER_DPORT

    u64 *tsp, delta_us;
    tsp = last.lookup(&sk);
    if (tsp == 0)
        delta_us = 0;
    else
        delta_us = (bpf_ktime_get_ns() - *tsp) / 1000;
    u16 family = args->family;
    FILTER_FAMILY

    int tcp_newstate = args->newstate;

    if (args->family == AF_INET) {
        struct ipv4_data_t data4 = {
            .span_us = delta_us,
            .oldstate = args->oldstate,
            .newstate = args->newstate };
        data4.skaddr = (u64)args->skaddr;
        data4.ts_us = bpf_ktime_get_ns() / 1000;
        __builtin_memcpy(&data4.saddr, args->saddr, sizeof(data4.saddr));
        __builtin_memcpy(&data4.daddr, args->daddr, sizeof(data4.daddr));
        data4.lport = lport;
        data4.dport = dport;
        data4.pid = pid;
        bpf_get_current_comm(&data4.task, sizeof(data4.task));
        ipv4_events.perf_submit(args, &data4, sizeof(data4));
    } else /* 6 */ {
        struct ipv6_data_t data6 = {
            .span_us = delta_us,
            .oldstate = args->oldstate,
            .newstate = args->newstate };
        data6.skaddr = (u64)args->skaddr;
        data6.ts_us = bpf_ktime_get_ns() / 1000;
        __builtin_memcpy(&data6.saddr, args->saddr_v6, sizeof(data6.saddr));
        __builtin_memcpy(&data6.daddr, args->daddr_v6, sizeof(data6.daddr));
        data6.lport = lport;
        data6.dport = dport;
        data6.pid = pid;
        bpf_get_current_comm(&data6.task, sizeof(data6.task));
        ipv6_events.perf_submit(args, &data6, sizeof(data6));
    }

    if (tcp_newstate == TCP_CLOSE) {
        last.delete(&sk);
    } else {
        u64 ts = bpf_ktime_get_ns();
        last.update(&sk, &ts);
    }
    return 0;
}
]]

text = tool.tcp_port_filters(text, args, "last")
text = tool.filter(text, "FILTER_FAMILY", (args.ipv4 and "family != AF_INET")
  or (args.ipv6 and "family != AF_INET6") or nil)

local b = BPF{text = text}

-- kept to 80 columns by default, as BCC's
local header_fmt, fmt = tool.tcp_formats(args, {
  default = {"%-16s %-5s %-10.10s %s%-15s %-5s %-15s %-5s %-11s -> %-11s %s",
             "%-16x %-5d %-10.10s %s%-15s %-5d %-15s %-5d %-11s -> %-11s %.3f"},
  wide = {"%-16s %-5s %-16.16s %-2s %-39s %-5s %-39s %-5s %-11s -> %-11s %s",
          "%-16x %-5d %-16.16s %-2s %-39s %-5s %-39s %-5d %-11s -> %-11s %.3f"},
  csv = {"%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s", "%x,%d,%s,%s,%s,%s,%s,%d,%s,%s,%.3f"}})

local time_head, time_prefix = tool.time_columns(args)
print(time_head .. string.format(header_fmt, "SKADDR", "C-PID", "C-COMM",
  (args.wide or args.csv) and "IP" or "", "LADDR", "LPORT", "RADDR", "RPORT",
  "OLDSTATE", "NEWSTATE", "MS"))

local function print_event(e, af)
  print(time_prefix(e.ts_us) .. string.format(fmt, e.skaddr, e.pid, bpflua.str(e.task),
    tool.ip_column(args, af),
    tool.inet_ntop(af, e.saddr), e.lport, tool.inet_ntop(af, e.daddr), e.dport,
    tool.tcpstate(e.oldstate), tool.tcpstate(e.newstate), tonumber(e.span_us) / 1000))
end

tool.open_ip_events(b, print_event)
tool.snoop(b, {duration = args.duration})
