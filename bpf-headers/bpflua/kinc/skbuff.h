/* kinc/skbuff.h - the inline helpers of linux/skbuff.h that tracing
 * programs call (runtime/compile/kinc.c: for programs that include it, or
 * a header that brings it). As in the kernel they read the skb directly:
 * give them a copy on the stack, or a pointer the program may read. */
#ifndef BPFLUA_KINC_SKBUFF_H
#define BPFLUA_KINC_SKBUFF_H

/* The receive queue a driver recorded (queue_mapping is the queue + 1). */
static inline __attribute__((always_inline)) bool skb_rx_queue_recorded(const struct sk_buff *skb)
{
	return skb->queue_mapping != 0;
}

static inline __attribute__((always_inline)) u16 skb_get_rx_queue(const struct sk_buff *skb)
{
	return skb->queue_mapping - 1;
}

static inline __attribute__((always_inline)) u16 skb_get_queue_mapping(const struct sk_buff *skb)
{
	return skb->queue_mapping;
}

#endif
