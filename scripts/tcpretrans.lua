#!/usr/bin/env bpflua
-- tcpretrans: trace TCP retransmits, from the tcp:tcp_retransmit_skb
-- tracepoint (BCC's tcpretrans uses it where it exists: every kernel since
-- 4.15); -l adds tail loss probes, a kprobe on tcp_send_loss_probe.
local tool = require "bpflua.tool"

local p = tool.parser("tcpretrans", "Trace TCP retransmits", [[
    ./tcpretrans           # trace TCP retransmits
    ./tcpretrans -l        # include TLP attempts
    ./tcpretrans -4        # trace IPv4 family only
    ./tcpretrans -6        # trace IPv6 family only]])
p:flag("-s --sequence", "display TCP sequence numbers")
p:flag("-l --lossprobe", "include tail loss probe attempts")
p:flag("-c --count", "count occurred retransmits per flow")
p:mutex(p:flag("-4 --ipv4", "trace IPv4 family only"),
  p:flag("-6 --ipv6", "trace IPv6 family only"))
local args = p:parse()

local text = [[
#include <uapi/linux/ptrace.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <bcc/proto.h>

#define RETRANSMIT  1
#define TLP         2

// separate data structs for ipv4 and ipv6
struct ipv4_data_t {
    u32 pid;
    u64 ip;
    u32 seq;
    u32 saddr;
    u32 daddr;
    u16 lport;
    u16 dport;
    u64 state;
    u64 type;
};
BPF_PERF_OUTPUT(ipv4_events);

struct ipv6_data_t {
    u32 pid;
    u32 seq;
    u64 ip;
    unsigned __int128 saddr;
    unsigned __int128 daddr;
    u16 lport;
    u16 dport;
    u64 state;
    u64 type;
};
BPF_PERF_OUTPUT(ipv6_events);

// separate flow keys per address family
struct ipv4_flow_key_t {
    u32 saddr;
    u32 daddr;
    u16 lport;
    u16 dport;
};
BPF_HASH(ipv4_count, struct ipv4_flow_key_t);

struct ipv6_flow_key_t {
    unsigned __int128 saddr;
    unsigned __int128 daddr;
    u16 lport;
    u16 dport;
};
BPF_HASH(ipv6_count, struct ipv6_flow_key_t);

TRACEPOINT_PROBE(tcp, tcp_retransmit_skb)
{
    struct tcp_skb_cb *tcb;
    u32 seq;

    u32 pid = bpf_get_current_pid_tgid() >> 32;
    const struct sock *skp = (const struct sock *)args->skaddr;
    const struct sk_buff *skb = (const struct sk_buff *)args->skbaddr;
    u16 lport = args->sport;
    u16 dport = args->dport;
    char state = skp->__sk_common.skc_state;
    u16 family = skp->__sk_common.skc_family;

    seq = 0;
    if (skb) {
        /* macro TCP_SKB_CB from net/tcp.h */
        tcb = ((struct tcp_skb_cb *)&((skb)->cb[0]));
        seq = tcb->seq;
    }

    FILTER_FAMILY

    if (family == AF_INET) {
        TP_IPV4
    } else if (family == AF_INET6) {
        TP_IPV6
    }
    return 0;
}
]]

-- tail loss probes: the socket's own fields, as BCC's kprobe reads them
local tlp = [[
int trace_tlp(struct pt_regs *ctx, struct sock *skp)
{
    if (skp == NULL)
        return 0;
    u32 pid = bpf_get_current_pid_tgid() >> 32;
    u64 type = TLP;
    u32 seq = 0;

    // pull in details
    u16 family = skp->__sk_common.skc_family;
    u16 lport = skp->__sk_common.skc_num;
    u16 dport = skp->__sk_common.skc_dport;
    char state = skp->__sk_common.skc_state;

    FILTER_FAMILY

    if (family == AF_INET) {
        KP_IPV4
    } else if (family == AF_INET6) {
        KP_IPV6
    }
    return 0;
}
]]

local code = {
  tp4 = {
    count = [[
        struct ipv4_flow_key_t flow_key = {};
        __builtin_memcpy(&flow_key.saddr, args->saddr, sizeof(flow_key.saddr));
        __builtin_memcpy(&flow_key.daddr, args->daddr, sizeof(flow_key.daddr));
        flow_key.lport = lport;
        flow_key.dport = dport;
        ipv4_count.increment(flow_key);]],
    trace = [[
        struct ipv4_data_t data4 = {};
        data4.pid = pid;
        data4.lport = lport;
        data4.dport = dport;
        data4.type = RETRANSMIT;
        data4.ip = 4;
        data4.seq = seq;
        data4.state = state;
        __builtin_memcpy(&data4.saddr, args->saddr, sizeof(data4.saddr));
        __builtin_memcpy(&data4.daddr, args->daddr, sizeof(data4.daddr));
        ipv4_events.perf_submit(args, &data4, sizeof(data4));]],
  },
  tp6 = {
    count = [[
        struct ipv6_flow_key_t flow_key = {};
        __builtin_memcpy(&flow_key.saddr, args->saddr_v6, sizeof(flow_key.saddr));
        __builtin_memcpy(&flow_key.daddr, args->daddr_v6, sizeof(flow_key.daddr));
        flow_key.lport = lport;
        flow_key.dport = dport;
        ipv6_count.increment(flow_key);]],
    trace = [[
        struct ipv6_data_t data6 = {};
        data6.pid = pid;
        data6.lport = lport;
        data6.dport = dport;
        data6.type = RETRANSMIT;
        data6.ip = 6;
        data6.seq = seq;
        data6.state = state;
        __builtin_memcpy(&data6.saddr, args->saddr_v6, sizeof(data6.saddr));
        __builtin_memcpy(&data6.daddr, args->daddr_v6, sizeof(data6.daddr));
        ipv6_events.perf_submit(args, &data6, sizeof(data6));]],
  },
  kp4 = {
    count = [[
        struct ipv4_flow_key_t flow_key = {};
        flow_key.saddr = skp->__sk_common.skc_rcv_saddr;
        flow_key.daddr = skp->__sk_common.skc_daddr;
        // lport is host order
        flow_key.lport = lport;
        flow_key.dport = ntohs(dport);
        ipv4_count.increment(flow_key);]],
    trace = [[
        struct ipv4_data_t data4 = {};
        data4.pid = pid;
        data4.ip = 4;
        data4.seq = seq;
        data4.type = type;
        data4.saddr = skp->__sk_common.skc_rcv_saddr;
        data4.daddr = skp->__sk_common.skc_daddr;
        // lport is host order
        data4.lport = lport;
        data4.dport = ntohs(dport);
        data4.state = state;
        ipv4_events.perf_submit(ctx, &data4, sizeof(data4));]],
  },
  kp6 = {
    count = [[
        struct ipv6_flow_key_t flow_key = {};
        bpf_probe_read_kernel(&flow_key.saddr, sizeof(flow_key.saddr),
            skp->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32);
        bpf_probe_read_kernel(&flow_key.daddr, sizeof(flow_key.daddr),
            skp->__sk_common.skc_v6_daddr.in6_u.u6_addr32);
        // lport is host order
        flow_key.lport = lport;
        flow_key.dport = ntohs(dport);
        ipv6_count.increment(flow_key);]],
    trace = [[
        struct ipv6_data_t data6 = {};
        data6.pid = pid;
        data6.ip = 6;
        data6.seq = seq;
        data6.type = type;
        bpf_probe_read_kernel(&data6.saddr, sizeof(data6.saddr),
            skp->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32);
        bpf_probe_read_kernel(&data6.daddr, sizeof(data6.daddr),
            skp->__sk_common.skc_v6_daddr.in6_u.u6_addr32);
        // lport is host order
        data6.lport = lport;
        data6.dport = ntohs(dport);
        data6.state = state;
        ipv6_events.perf_submit(ctx, &data6, sizeof(data6));]],
  },
}

local mode = args.count and "count" or "trace"
if args.lossprobe then text = text .. tlp end
for _, part in ipairs{"tp4", "tp6", "kp4", "kp6"} do
  text = text:gsub(part:upper():sub(1, 2) .. "_IPV" .. part:sub(3),
    function() return code[part][mode] end)
end
text = tool.filter(text, "FILTER_FAMILY", (args.ipv4 and "family != AF_INET")
  or (args.ipv6 and "family != AF_INET6") or nil)

local b = BPF{text = text}
if args.lossprobe then
  b:attach_kprobe{event = "tcp_send_loss_probe", fn_name = "trace_tlp"}
end

print("Tracing retransmits ... Hit Ctrl-C to end")

local types = {"R", "L"}
local function print_event(e, af)
  local line = string.format("%-8s %-7d %-2d %-20s %1s> %-20s", tool.clock(), e.pid,
    tonumber(e.ip), tool.inet_ntop(af, e.saddr) .. ":" .. e.lport, types[tonumber(e.type)],
    tool.inet_ntop(af, e.daddr) .. ":" .. e.dport)
  if args.sequence then
    print(line .. string.format(" %-12s %d", tool.tcpstate(e.state), e.seq))
  else
    print(line .. " " .. tool.tcpstate(e.state))
  end
end

-- least first, as BCC's
local function depict_cnt(t, af)
  for _, r in ipairs(tool.sorted(t, true)) do
    local k = r.k
    print(string.format("%-20s <-> %-20s %10d",
      string.format("[%s]#%d", tool.inet_ntop(af, k.saddr), k.lport),
      string.format("[%s]#%d", tool.inet_ntop(af, k.daddr), k.dport), r.v))
  end
end

if args.count then
  tool.every(99999999, nil, function()
    print(string.format("\n%-25s %-25s %-10s", "LADDR:LPORT", "RADDR:RPORT", "RETRANSMITS"))
    depict_cnt(b["ipv4_count"], tool.AF_INET)
    depict_cnt(b["ipv6_count"], tool.AF_INET6)
  end)
  return
end

print(string.format("%-8s %-7s %-2s %-20s %1s> %-20s", "TIME", "PID", "IP",
  "LADDR:LPORT", "T", "RADDR:RPORT") .. (args.sequence
  and string.format(" %-12s %-10s", "STATE", "SEQ") or string.format(" %-4s", "STATE")))
tool.open_ip_events(b, print_event)
tool.snoop(b)
