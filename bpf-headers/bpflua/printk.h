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

#define __BL_PK_ARG(r, i, x) do {						\
	(r)->args[i] = (__u64)(x);						\
	if (__builtin_classify_type(x) == 5 || sizeof(x) == 8)			\
		__bl_pk_mem((r)->mem[i], (r)->args[i]);				\
} while (0)

#define __BL_PK_0(r, ...)
#define __BL_PK_1(r, a) __BL_PK_ARG(r, 0, a)
#define __BL_PK_2(r, a, ...) __BL_PK_ARG(r, 1, a); __BL_PK_1(r, __VA_ARGS__)
#define __BL_PK_3(r, a, ...) __BL_PK_ARG(r, 2, a); __BL_PK_2(r, __VA_ARGS__)
#define __BL_PK_4(r, a, ...) __BL_PK_ARG(r, 3, a); __BL_PK_3(r, __VA_ARGS__)
#define __BL_PK_5(r, a, ...) __BL_PK_ARG(r, 4, a); __BL_PK_4(r, __VA_ARGS__)
#define __BL_PK_6(r, a, ...) __BL_PK_ARG(r, 5, a); __BL_PK_5(r, __VA_ARGS__)
#define __BL_PK_7(r, a, ...) __BL_PK_ARG(r, 6, a); __BL_PK_6(r, __VA_ARGS__)
#define __BL_PK_8(r, a, ...) __BL_PK_ARG(r, 7, a); __BL_PK_7(r, __VA_ARGS__)
#define __BL_PK_9(r, a, ...) __BL_PK_ARG(r, 8, a); __BL_PK_8(r, __VA_ARGS__)
#define __BL_PK_10(r, a, ...) __BL_PK_ARG(r, 9, a); __BL_PK_9(r, __VA_ARGS__)
#define __BL_PK_11(r, a, ...) __BL_PK_ARG(r, 10, a); __BL_PK_10(r, __VA_ARGS__)
#define __BL_PK_12(r, a, ...) __BL_PK_ARG(r, 11, a); __BL_PK_11(r, __VA_ARGS__)
/* Arguments are stored last to first: index = count - position. */
#define __BL_PK_NTH(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, N, ...) N
#define __BL_PK_COUNT(...) __BL_PK_NTH(_, ##__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define __BL_PK_CAT(a, b) __BL_PK_CAT2(a, b)
#define __BL_PK_CAT2(a, b) a##b

#define bpf_trace_printk(__fmt, ...) ({						\
	static const char __bl_f[] = __fmt;  /* a literal, used once */	\
	struct __bl_pk_rec *__r;						\
	long __ret = -12;  /* -ENOMEM: the buffer is full */			\
	_Static_assert(sizeof(__bl_f) <= __BL_PK_FMT,				\
		       "bpf_trace_printk: format longer than 255 bytes");	\
	_Static_assert(__BL_PK_COUNT(__VA_ARGS__) <= __BL_PK_ARGS,		\
		       "bpf_trace_printk: more than 12 arguments");		\
	__r = __BL_PK_RESERVE();						\
	if (__r) {								\
		__builtin_memcpy(__r->fmt, __bl_f, sizeof(__bl_f));			\
		__r->fmt_len = sizeof(__bl_f) - 1;					\
		__r->nargs = __BL_PK_COUNT(__VA_ARGS__);			\
		__BL_PK_CAT(__BL_PK_, __BL_PK_COUNT(__VA_ARGS__))(__r, ##__VA_ARGS__); \
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
