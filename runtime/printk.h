/* printk.h - formatting bpf_trace_printk records of the private stream.
 *
 * bpf-headers/bpflua/printk.h writes one struct bl_printk_rec per call into
 * the object's hidden ring buffer __bl_printk (keep the two layouts in
 * step). Here a record becomes the line the kernel's trace pipe would show,
 * "<comm>-<tid> [<cpu>] <flags> <secs>.<usecs>: bpf_trace_printk: <msg>",
 * with the message formatted by the kernel's bpf_trace_printk rules
 * (kernel/bpf/helpers.c, bpf_bprintf_prepare): the same specifiers are
 * accepted and the same ones rejected.
 */
#ifndef BL_PRINTK_H
#define BL_PRINTK_H

#include <stddef.h>
#include <stdint.h>

#define BL_PRINTK_ARGS 12
#define BL_PRINTK_FMT 256
#define BL_PRINTK_STR 128

struct bl_printk_rec {
	uint64_t ts;
	uint32_t tid;
	uint32_t cpu;
	char comm[16];
	uint16_t fmt_len;
	uint8_t nargs;
	uint8_t pad[5];
	uint64_t args[BL_PRINTK_ARGS];   /* last argument first */
	char fmt[BL_PRINTK_FMT];
	char mem[BL_PRINTK_ARGS][BL_PRINTK_STR];
};

/* The definition of the buffer bpf-headers/bpflua/printk.h declares (a
 * macro there: ring or perf buffer), which the rewriter appends to programs
 * that print (compile/rw_printk.c). */
#define BL_PRINTK_DEFINE "__BL_PK_DEFINE"

enum bl_printk_kind { BL_PK_INT, BL_PK_STR, BL_PK_CHAR, BL_PK_PTR, BL_PK_SYM, BL_PK_IP4, BL_PK_IP6 };

struct bl_printk_spec {
	enum bl_printk_kind kind;
	char pre[16];       /* "%", flags and width, as written */
	char conv;          /* d u x X for integers */
	int len;            /* 0 int, 1 long, 2 long long */
	char sub;           /* %p: the letter after p ('S', 'I', 'i', ...) */
};

/* Parses the conversion whose '%' is at fmt[*i] and leaves *i on its last
 * byte. Returns 0, or -EINVAL with *why. */
int bl_printk_spec(const char *fmt, int *i, struct bl_printk_spec *s, const char **why);

/* Checks fmt as the kernel does for nargs arguments. Returns 0, or -EINVAL
 * with *at = the offset of the offending byte and *why a static reason. */
int bl_printk_check(const char *fmt, int nargs, int *at, const char **why);

/* The trace pipe's clock minus CLOCK_MONOTONIC (bpf_ktime_get_ns), in ns,
 * measured once per process (trace_clock.c). Returns 0, or -errno with *off
 * 0 (records then show CLOCK_MONOTONIC). */
int bl_trace_clock_offset(int64_t *off);

#endif
