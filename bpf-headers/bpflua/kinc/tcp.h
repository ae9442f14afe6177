/* kinc/tcp.h - macros of net/tcp.h (runtime/compile/kinc.c: for programs
 * that include it). */
#ifndef BPFLUA_KINC_TCP_H
#define BPFLUA_KINC_TCP_H

#include <bpflua/kinc/sock.h>

/* The TCP control block lives in skb->cb. */
#define TCP_SKB_CB(__skb)	((struct tcp_skb_cb *)&((__skb)->cb[0]))

#endif
