/* printk.h - bpf_trace_printk into a ring buffer private to the BPF object.
 *
 * The kernel's trace pipe is one buffer for the whole machine and reading it
 * consumes it: two tracers running at once steal each other's lines. So by
 * default each call reserves a record in the object's hidden ring buffer
 * __bl_printk and user space (runtime/printk.c) formats it with the
 * kernel's bpf_trace_printk rules, in the trace pipe's line shape.
 * -DBPFLUA_TRACE_PIPE_GLOBAL (BPF{trace_pipe = "global"}) keeps the kernel
 * pipe (README, "Trace output").
 *
 * The record layout is struct bl_printk_rec in runtime/printk.h: keep the
 * two in step. The format travels in each record (a memcpy of constant
 * bytes, no lookup table to keep in sync); pointer-sized and pointer
 * arguments carry the bytes they point to (16 raw bytes for %pI4/%pI6, a
 * string for %s), read as the kernel's %s reads them.
 */
#ifndef BPFLUA_PRINTK_H
#define BPFLUA_PRINTK_H

#ifdef BPFLUA_TRACE_PIPE_GLOBAL
/* libbpf's bpf_printk puts the literal format in a static const array and
 * picks bpf_trace_vprintk beyond 3 arguments. The inner bpf_trace_printk in
 * bpf_printk's expansion is not re-expanded (a macro is not expanded inside
 * itself), so it calls the helper. */
#define bpf_trace_printk(fmt, ...) bpf_printk(fmt, ##__VA_ARGS__)
#else

#define __BL_PK_ARGS 12         /* the kernel's bpf_trace_vprintk limit */
#define __BL_PK_FMT 256
#define __BL_PK_STR 128

struct __bl_pk_rec {
	__u64 ts;               /* bpf_ktime_get_ns(): the trace clock "local" */
	__u32 tid;
	__u32 cpu;
	char comm[16];
	__u16 fmt_len;
	__u8 nargs;
	__u8 pad[5];
	__u64 args[__BL_PK_ARGS];
	char fmt[__BL_PK_FMT];
	char mem[__BL_PK_ARGS][__BL_PK_STR];
};

/* The buffer is only declared here: the rewriter (runtime/compile/rw_printk.c)
 * appends __BL_PK_DEFINE to a program that calls bpf_trace_printk, so an
 * object that never prints has no buffer and no 256 KiB of locked memory. */
#ifdef BPFLUA_PRINTK_PERF
/* Kernels without ring buffers (before 5.8; BPFLUA_PRINTK_PERF=1 forces it,
 * a test hook): a perf buffer, filled from a per-CPU scratch record (one is
 * larger than the BPF stack). bpf_perf_event_output needs the program's
 * ctx: the rewriter gives each function that prints a local __bl_pk_ctx,
 * its first parameter; this one (never a ctx) is left to the verifier's
 * message in a function without parameters. */
struct __bl_pk_map {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(int));
	__uint(value_size, sizeof(int));
};
struct __bl_pk_buf_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct __bl_pk_rec);
};
extern struct __bl_pk_map __bl_printk;
extern struct __bl_pk_buf_map __bl_printk_buf;
static void *const __bl_pk_ctx = 0;
#define __BL_PK_DEFINE struct __bl_pk_map __bl_printk SEC(".maps"); \
	struct __bl_pk_buf_map __bl_printk_buf SEC(".maps");
#define __BL_PK_RESERVE() ({ __u32 __bl_z = 0; \
	(struct __bl_pk_rec *)bpf_map_lookup_elem(&__bl_printk_buf, &__bl_z); })
#define __BL_PK_SUBMIT(r) \
	bpf_perf_event_output(__bl_pk_ctx, &__bl_printk, BPF_F_CURRENT_CPU, r, sizeof(*(r)))
#else
struct __bl_pk_map {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
};
extern struct __bl_pk_map __bl_printk;
#define __BL_PK_DEFINE struct __bl_pk_map __bl_printk SEC(".maps");
#define __BL_PK_RESERVE() bpf_ringbuf_reserve(&__bl_printk, sizeof(struct __bl_pk_rec), 0)
#define __BL_PK_SUBMIT(r) bpf_ringbuf_submit(r, 0)
#endif

/* Set per loaded instance by the loader (flavor.h, BL_PK_TASK_VAR): the
 * verifier sees a constant and drops the task helpers where it is 0. */
const volatile int __bl_pk_task = 1;

/* x86-64's TASK_SIZE_MAX: below it %s reads user memory, as the kernel's. */
#define __BL_PK_USER_END 0x00007ffffffff000ULL

static __always_inline void __bl_pk_mem(char *dst, __u64 p)
{
	bpf_probe_read_kernel(dst, 16, (const void *)p);
	if (p < __BL_PK_USER_END)
		bpf_probe_read_user_str(dst, __BL_PK_STR, (const void *)p);
	else
		bpf_probe_read_kernel_str(dst, __BL_PK_STR, (const void *)p);
}

/* Argument values are taken before the record is reserved: an argument may
 * be a packet load (bpf_dext_pkt, bpflua/packet.h), which the verifier
 * refuses while a ring buffer record is held. Pointer-sized and pointer
 * arguments are marked in m, a constant once compiled; sizeof(1 ? x : x)
 * because a bit-field (a packet header field) has no size of its own
 * (and x + 0 would warn for an array). */
#define __BL_PK_ARG(a, m, i, x) do {						\
	(a)[i] = (__u64)(x);							\
	if (__builtin_classify_type(x) == 5 || sizeof(1 ? (x) : (x)) == 8)	\
		(m) |= 1u << (i);						\
} while (0)

#define __BL_PK_0(a, m, ...)
#define __BL_PK_1(a, m, x) __BL_PK_ARG(a, m, 0, x)
#define __BL_PK_2(a, m, x, ...) __BL_PK_ARG(a, m, 1, x); __BL_PK_1(a, m, __VA_ARGS__)
#define __BL_PK_3(a, m, x, ...) __BL_PK_ARG(a, m, 2, x); __BL_PK_2(a, m, __VA_ARGS__)
#define __BL_PK_4(a, m, x, ...) __BL_PK_ARG(a, m, 3, x); __BL_PK_3(a, m, __VA_ARGS__)
#define __BL_PK_5(a, m, x, ...) __BL_PK_ARG(a, m, 4, x); __BL_PK_4(a, m, __VA_ARGS__)
#define __BL_PK_6(a, m, x, ...) __BL_PK_ARG(a, m, 5, x); __BL_PK_5(a, m, __VA_ARGS__)
#define __BL_PK_7(a, m, x, ...) __BL_PK_ARG(a, m, 6, x); __BL_PK_6(a, m, __VA_ARGS__)
#define __BL_PK_8(a, m, x, ...) __BL_PK_ARG(a, m, 7, x); __BL_PK_7(a, m, __VA_ARGS__)
#define __BL_PK_9(a, m, x, ...) __BL_PK_ARG(a, m, 8, x); __BL_PK_8(a, m, __VA_ARGS__)
#define __BL_PK_10(a, m, x, ...) __BL_PK_ARG(a, m, 9, x); __BL_PK_9(a, m, __VA_ARGS__)
#define __BL_PK_11(a, m, x, ...) __BL_PK_ARG(a, m, 10, x); __BL_PK_10(a, m, __VA_ARGS__)
#define __BL_PK_12(a, m, x, ...) __BL_PK_ARG(a, m, 11, x); __BL_PK_11(a, m, __VA_ARGS__)
/* Arguments are stored last to first: index = count - position. */
#define __BL_PK_NTH(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, N, ...) N
#define __BL_PK_COUNT(...) __BL_PK_NTH(_, ##__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define __BL_PK_CAT(a, b) __BL_PK_CAT2(a, b)
#define __BL_PK_CAT2(a, b) a##b

#define bpf_trace_printk(__fmt, ...) ({						\
	static const char __bl_f[] = __fmt;  /* a literal, used once */	\
	struct __bl_pk_rec *__r;						\
	__u64 __bl_a[__BL_PK_ARGS];						\
	__u32 __bl_m = 0;							\
	long __ret = -12;  /* -ENOMEM: the buffer is full */			\
	_Static_assert(sizeof(__bl_f) <= __BL_PK_FMT,				\
		       "bpf_trace_printk: format longer than 255 bytes");	\
	_Static_assert(__BL_PK_COUNT(__VA_ARGS__) <= __BL_PK_ARGS,		\
		       "bpf_trace_printk: more than 12 arguments");		\
	__BL_PK_CAT(__BL_PK_, __BL_PK_COUNT(__VA_ARGS__))(__bl_a, __bl_m, ##__VA_ARGS__); \
	__r = __BL_PK_RESERVE();						\
	if (__r) {								\
		__builtin_memcpy(__r->fmt, __bl_f, sizeof(__bl_f));			\
		__r->fmt_len = sizeof(__bl_f) - 1;					\
		__r->nargs = __BL_PK_COUNT(__VA_ARGS__);			\
		for (int __i = 0; __i < __BL_PK_COUNT(__VA_ARGS__); __i++) {	\
			__r->args[__i] = __bl_a[__i];				\
			if (__bl_m & (1u << __i))					\
				__bl_pk_mem(__r->mem[__i], __bl_a[__i]);		\
		}								\
		__r->ts = bpf_ktime_get_ns();					\
		__r->cpu = bpf_get_smp_processor_id();				\
		if (__bl_pk_task) {						\
			__r->tid = (__u32)bpf_get_current_pid_tgid();		\
			bpf_get_current_comm(__r->comm, sizeof(__r->comm));	\
		} else {							\
			__r->tid = 0;						\
			__builtin_memcpy(__r->comm, "<...>", 6);		\
		}								\
		__BL_PK_SUBMIT(__r);						\
		__ret = sizeof(__bl_f) - 1;					\
	}									\
	__ret; })
#endif

#endif
