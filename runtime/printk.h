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

/* Checks fmt as the kernel does for nargs arguments. Returns 0, or -EINVAL
 * with *at = the offset of the offending byte and *why a static reason. */
int bl_printk_check(const char *fmt, int nargs, int *at, const char **why);

#endif
