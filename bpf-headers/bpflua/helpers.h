/* helpers.h - BCC's BPF-side builtins that are not kernel helpers. */
#ifndef BPFLUA_HELPERS_H
#define BPFLUA_HELPERS_H

/* The format must be a literal: libbpf's bpf_printk puts it in a static
 * const array and picks bpf_trace_vprintk beyond 3 arguments. The inner
 * bpf_trace_printk in bpf_printk's expansion is not re-expanded (a macro is
 * not expanded inside itself), so it calls the helper. */
#define bpf_trace_printk(fmt, ...) bpf_printk(fmt, ##__VA_ARGS__)

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

#define lock_xadd(ptr, val) ((void)__sync_fetch_and_add(ptr, val))

#define BPF_LICENSE(name) char _license[] SEC("license") = #name;

#endif
