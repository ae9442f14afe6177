/* packet.h - BCC's packet builtins for socket filters and TC programs:
 * cursor_advance, load_byte/half/word/dword, bpf_dext_pkt, bpf_dins_pkt.
 *
 * A cursor is a packet offset kept in a pointer (`u8 *cursor = 0`), so a
 * header pointer from cursor_advance is an offset, never an address. The
 * rewriter (runtime/compile/rw_packet.c) turns reads of a packet header's
 * fields (bcc/proto.h, BPF_PACKET_HEADER) through such a pointer into
 * bpf_dext_pkt(ctx, offset, bit, bits) and stores into bpf_dins_pkt(...).
 * The loads are the kernel's LD_ABS/LD_IND instructions (network byte order
 * in, host order out), which only socket filters and TC programs may use;
 * stores need bpf_skb_store_bytes (TC programs).
 */
#ifndef BPFLUA_PACKET_H
#define BPFLUA_PACKET_H

#define cursor_advance(_cursor, _len) \
	({ void *__bl_cur = (_cursor); (_cursor) += (_len); __bl_cur; })

/* LLVM's BPF intrinsics for LD_ABS/LD_IND: the skb must be the program's
 * context (the instruction reads it from r6). */
unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");

static __always_inline unsigned long long load_dword(void *skb, unsigned long long off)
{
	return (load_word(skb, off) << 32) | load_word(skb, off + 4);
}

#define __BL_PKT_MASK(bits) ((bits) >= 64 ? ~0ULL : (1ULL << (bits)) - 1)

/* The field `bits` wide starting `bit` bits (counted from the most
 * significant bit) into the packet's byte `off`, in host order: the
 * narrowest load that holds it, shifted down. */
static __always_inline unsigned long long bpf_dext_pkt(void *pkt, unsigned long long off,
						       unsigned long long bit,
						       unsigned long long bits)
{
	unsigned long long end = bit + bits;

	if (end <= 8)
		return (load_byte(pkt, off) >> (8 - end)) & __BL_PKT_MASK(bits);
	if (end <= 16)
		return (load_half(pkt, off) >> (16 - end)) & __BL_PKT_MASK(bits);
	if (end <= 32)
		return (load_word(pkt, off) >> (32 - end)) & __BL_PKT_MASK(bits);
	if (end <= 64)
		return (load_dword(pkt, off) >> (64 - end)) & __BL_PKT_MASK(bits);
	return 0;
}

/* Stores val into that field: read the enclosing bytes, replace the bits,
 * write them back in network order. */
#define __bl_pkt_same(x) (x)
#define __BL_PKT_INS(type, width, load, to_net) do {				\
	type __v = load(pkt, off);						\
	__v &= ~(__BL_PKT_MASK(bits) << ((width) - end));			\
	__v |= (val & __BL_PKT_MASK(bits)) << ((width) - end);			\
	__v = to_net(__v);							\
	bpf_skb_store_bytes(pkt, off, &__v, sizeof(__v), 0);			\
} while (0)

static __always_inline void bpf_dins_pkt(void *pkt, unsigned long long off,
					 unsigned long long bit, unsigned long long bits,
					 unsigned long long val)
{
	unsigned long long end = bit + bits;

	if (end <= 8)
		__BL_PKT_INS(__u8, 8, load_byte, __bl_pkt_same);
	else if (end <= 16)
		__BL_PKT_INS(__u16, 16, load_half, bpf_htons);
	else if (end <= 32)
		__BL_PKT_INS(__u32, 32, load_word, bpf_htonl);
	else if (end <= 64)
		__BL_PKT_INS(__u64, 64, load_dword, bpf_cpu_to_be64);
}

/* incr_cksum_l3(&ip->hchecksum, old, new), incr_cksum_l4(&udp->crc, old,
 * new, pseudo): the rewriter adds the skb as first argument
 * (__bl_incr_cksum_*); the checksum is updated for a field as wide as new.
 * The declarations are for the rewriter's parse. */
int incr_cksum_l3(void *off, unsigned long long oldval, unsigned long long newval);
int incr_cksum_l4(void *off, unsigned long long oldval, unsigned long long newval,
		  unsigned long long pseudo);

static __always_inline unsigned long long __bl_csum_be(unsigned long long v, unsigned long long size)
{
	return size == 2 ? bpf_htons(v) : size == 4 ? bpf_htonl(v) :
	       size == 8 ? bpf_cpu_to_be64(v) : v;
}

#define __bl_incr_cksum_l3(skb, off, o, n)					\
	bpf_l3_csum_replace(skb, (unsigned long long)(off), __bl_csum_be(o, sizeof(n)), \
			    __bl_csum_be(n, sizeof(n)), sizeof(n))
#define __bl_incr_cksum_l4(skb, off, o, n, pseudo)				\
	bpf_l4_csum_replace(skb, (unsigned long long)(off), __bl_csum_be(o, sizeof(n)), \
			    __bl_csum_be(n, sizeof(n)),					\
			    (((pseudo) & 1) ? BPF_F_PSEUDO_HDR : 0) | sizeof(n))

#endif
