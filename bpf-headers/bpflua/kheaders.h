/* kheaders.h - what bpflua's own headers take from vmlinux.h but the
 * kernel's real headers do not declare, for programs compiled against
 * those (README: "The kernel's own headers"; the compiler's prelude
 * includes this after them, before bcc.h).
 *
 * The records of the raw syscall tracepoints are made by the kernel's
 * TRACE_EVENT machinery, in no header; their layout is the tracepoint
 * format's (events/raw_syscalls/sys_enter/format), the same on every
 * kernel bpflua supports.
 *
 * A bit-field of kernel memory (the rewriter's `p->bf`) is read by copying
 * its whole struct: without CO-RE, nothing says where its bits are. A
 * struct too big for the BPF stack is a compile error saying so.
 */
#ifndef BPFLUA_KHEADERS_H
#define BPFLUA_KHEADERS_H

struct trace_event_raw_sys_enter {
	unsigned long long __bl_common;	/* struct trace_entry */
	long id;
	unsigned long args[6];
};

struct trace_event_raw_sys_exit {
	unsigned long long __bl_common;
	long id;
	long ret;
};

#define __bl_kbitfield(p, bf) ({						\
	_Static_assert(sizeof(*(p)) <= 256, "kernel_headers: a bit-field of kernel "	\
		       "memory is read by copying its struct, and this one is too big "	\
		       "for the BPF stack; hint: leave kernel_headers out (CO-RE reads it)"); \
	__typeof__(*(p)) __bl_kb;						\
	bpf_probe_read_kernel((void *)&__bl_kb, sizeof(__bl_kb), (p));		\
	__bl_kb.bf; })

#endif
