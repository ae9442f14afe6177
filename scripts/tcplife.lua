#!/usr/bin/env bpflua
-- tcplife: trace the lifespan of TCP sessions and summarize, from the
-- sock:inet_sock_set_state tracepoint (BCC's tcplife).
local tool = require "bpflua.tool"
local bpflua = require "bpflua"

local p = tool.parser("tcplife", "Trace the lifespan of TCP sessions and summarize", [[
    ./tcplife           # trace all TCP connect()s
    ./tcplife -t        # include time column (HH:MM:SS)
    ./tcplife -w        # wider columns (fit IPv6)
    ./tcplife -stT      # csv output, with times & timestamps
    ./tcplife -p 181    # only trace PID 181
    ./tcplife -L 80     # only trace local port 80
    ./tcplife -L 80,81  # only trace port 80 and 81
    ./tcplife -D 80     # only trace remote port 80
    ./tcplife -4        # only trace IPv4 family
    ./tcplife -6        # only trace IPv6 family]])
tool.tcp_options(p)
p:option("-p --pid", "trace this PID only"):convert(tool.positive)
local args = p:parse()

local text = [[
#include <uapi/linux/ptrace.h>
#include <linux/tcp.h>
#include <net/sock.h>

BPF_HASH(birth, struct sock *, u64);

struct ipv4_data_t {
    u64 ts_us;
    u32 pid;
    u32 saddr[1];
    u32 daddr[1];
    u64 ports;
    u64 rx_b;
    u64 tx_b;
    u64 span_us;
    char task[TASK_COMM_LEN];
};
BPF_PERF_OUTPUT(ipv4_events);

struct ipv6_data_t {
    u64 ts_us;
    u32 pid;
    u32 saddr[4];
    u32 daddr[4];
    u64 ports;
    u64 rx_b;
    u64 tx_b;
    u64 span_us;
    char task[TASK_COMM_LEN];
};
BPF_PERF_OUTPUT(ipv6_events);

struct id_t {
    u32 pid;
    char task[TASK_COMM_LEN];
};
BPF_HASH(whoami, struct sock *, struct id_t);

TRACEPOINT_PROBE(sock, inet_sock_set_state)
{
    if (args->protocol != IPPROTO_TCP)
        return 0;

    u32 pid = bpf_get_current_pid_tgid() >> 32;
    // the socket's address is its identity, and leads to its byte counts
    struct sock *sk = (struct sock *)args->skaddr;

    u16 lport = args->sport;
    FILTER_LPORT
    u16 dport = args->dport;
    FILTER_DPORT

    // birth: any state before FIN_WAIT1 (before the PID filter: the task
    // seen in early states is not reliably the owner)
    if (args->newstate < TCP_FIN_WAIT1) {
        u64 ts = bpf_ktime_get_ns();
        birth.update(&sk, &ts);
    }

    // the owner: the connecting task (SYN_SENT) or the server closing
    // after the client did (LAST_ACK)
    if (args->newstate == TCP_SYN_SENT || args->newstate == TCP_LAST_ACK) {
        FILTER_PID
        struct id_t me = {.pid = pid};
        bpf_get_current_comm(&me.task, sizeof(me.task));
        whoami.update(&sk, &me);
    }

    if (args->newstate != TCP_CLOSE)
        return 0;

    u64 *tsp = birth.lookup(&sk);
    if (tsp == 0) {
        whoami.delete(&sk);     // may not exist
        return 0;               // missed create
    }
    u64 delta_us = (bpf_ktime_get_ns() - *tsp) / 1000;
    birth.delete(&sk);

    struct id_t *mep = whoami.lookup(&sk);
    if (mep != 0)
        pid = mep->pid;
    FILTER_PID

    u16 family = args->family;
    FILTER_FAMILY

    // throughput, as tcp_get_info() reports it
    struct tcp_sock *tp = (struct tcp_sock *)sk;
    u64 rx_b = tp->bytes_received;
    u64 tx_b = tp->bytes_acked;

    if (args->family == AF_INET) {
        struct ipv4_data_t data4 = {};
        data4.span_us = delta_us;
        data4.rx_b = rx_b;
        data4.tx_b = tx_b;
        data4.ts_us = bpf_ktime_get_ns() / 1000;
        __builtin_memcpy(&data4.saddr, args->saddr, sizeof(data4.saddr));
        __builtin_memcpy(&data4.daddr, args->daddr, sizeof(data4.daddr));
        data4.ports = dport + ((0ULL + lport) << 32);
        data4.pid = pid;
        if (mep == 0)
            bpf_get_current_comm(&data4.task, sizeof(data4.task));
        else
            bpf_probe_read_kernel(&data4.task, sizeof(data4.task), (void *)mep->task);
        ipv4_events.perf_submit(args, &data4, sizeof(data4));
    } else /* 6 */ {
        struct ipv6_data_t data6 = {};
        data6.span_us = delta_us;
        data6.rx_b = rx_b;
        data6.tx_b = tx_b;
        data6.ts_us = bpf_ktime_get_ns() / 1000;
        __builtin_memcpy(&data6.saddr, args->saddr_v6, sizeof(data6.saddr));
        __builtin_memcpy(&data6.daddr, args->daddr_v6, sizeof(data6.daddr));
        data6.ports = dport + ((0ULL + lport) << 32);
        data6.pid = pid;
        if (mep == 0)
            bpf_get_current_comm(&data6.task, sizeof(data6.task));
        else
            bpf_probe_read_kernel(&data6.task, sizeof(data6.task), (void *)mep->task);
        ipv6_events.perf_submit(args, &data6, sizeof(data6));
    }

    if (mep != 0)
        whoami.delete(&sk);
    return 0;
}
]]
text = tool.tcp_port_filters(text, args, "birth")
text = tool.filter(text, "FILTER_PID", args.pid and ("pid != " .. args.pid))
text = tool.filter(text, "FILTER_FAMILY", (args.ipv4 and "family != AF_INET")
  or (args.ipv6 and "family != AF_INET6") or nil)

local b = BPF{text = text}

-- kept to 80 columns by default, as BCC's
local header_fmt, fmt = tool.tcp_formats(args, {
  default = {"%-5s %-10.10s %s%-15s %-5s %-15s %-5s %5s %5s %s",
             "%-5d %-10.10s %s%-15s %-5d %-15s %-5d %5d %5d %.2f"},
  wide = {"%-5s %-16.16s %-2s %-39s %-5s %-39s %-5s %6s %6s %s",
          "%-5d %-16.16s %-2s %-39s %-5s %-39s %-5d %6d %6d %.2f"},
  csv = {"%s,%s,%s,%s,%s,%s,%s,%s,%s,%s", "%d,%s,%s,%s,%s,%s,%d,%d,%d,%.2f"}})

local time_head, time_prefix = tool.time_columns(args)
print(time_head .. string.format(header_fmt, "PID", "COMM",
  (args.wide or args.csv) and "IP" or "", "LADDR", "LPORT", "RADDR", "RPORT",
  "TX_KB", "RX_KB", "MS"))

local function print_event(e, af)
  local ports = e.ports
  print(time_prefix(e.ts_us) .. string.format(fmt, e.pid, bpflua.str(e.task),
    tool.ip_column(args, af),
    tool.inet_ntop(af, e.saddr), tonumber(bit.rshift(ports, 32)),
    tool.inet_ntop(af, e.daddr), tonumber(bit.band(ports, 0xffffffff)),
    math.floor(tonumber(e.tx_b) / 1024), math.floor(tonumber(e.rx_b) / 1024),
    tonumber(e.span_us) / 1000))
end

tool.open_ip_events(b, print_event)
tool.snoop(b, {duration = args.duration})
