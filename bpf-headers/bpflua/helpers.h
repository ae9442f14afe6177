/* helpers.h - BCC's BPF-side builtins that are not kernel helpers. */
#ifndef BPFLUA_HELPERS_H
#define BPFLUA_HELPERS_H

/* bpf_trace_printk: private per object, or the kernel pipe (printk.h). */
#include <bpflua/printk.h>

/* floor(log2(v)), 0 for v == 0: BCC's bucket function, branch-free. */
static __always_inline unsigned int bpf_log2(unsigned int v)
{
	unsigned int r, s;

	r = (v > 0xFFFF) << 4; v >>= r;
	s = (v > 0xFF) << 3; v >>= s; r |= s;
	s = (v > 0xF) << 2; v >>= s; r |= s;
	s = (v > 0x3) << 1; v >>= s; r |= s;
	return r | (v >> 1);
}

/* floor(log2(v)) + 1, and 1 for v == 0, as BCC's print_log2_hist expects. */
static __always_inline unsigned int bpf_log2l(unsigned long v)
{
	unsigned int hi = v >> 32;

	return hi ? bpf_log2(hi) + 33 : bpf_log2(v) + 1;
}

/* BCC's bpf_num_cpus(): the number of possible CPUs, which the loader
 * writes into this read-only global before load (libbpf_num_possible_cpus);
 * 0 if it did not. Frozen .rodata, so the verifier knows it as a constant. */
const volatile unsigned int __bl_num_cpus = 0;

static __always_inline unsigned int bpf_num_cpus(void)
{
	return __bl_num_cpus;
}

/* A read of kernel memory the rewriter found in the program (rw_deref.c):
 * lvalue's address is computed, never loaded from, at the offsets of the
 * headers compiled against. */
#define __bl_kread(lvalue) ({							\
	__typeof__(lvalue) __bl_kv;						\
	bpf_probe_read_kernel((void *)&__bl_kv, sizeof(__bl_kv), &(lvalue));	\
	__bl_kv; })

#define lock_xadd(ptr, val) ((void)__sync_fetch_and_add(ptr, val))

#endif
