/* kinc.h - kernel macros keyed to the kernel header a program includes.
 *
 * Kernel #include lines resolve to vmlinux.h plus bpflua's prelude (the
 * prepass blanks them). Most kernel macros are there for every program, as
 * they are for a BCC program that includes any kernel header. Those that
 * would take names a program may well use for its own (sk_daddr, an alias
 * of sk->__sk_common.skc_daddr) come only with the header that defines
 * them in the kernel: the shims under bpf-headers/bpflua/kinc/.
 */
#ifndef BL_COMPILE_KINC_H
#define BL_COMPILE_KINC_H

#define BL_KINC_MAX 8

/* The shims (include paths such as "bpflua/kinc/sock.h") that the kernel
 * #includes of `text` call for, each once, at most BL_KINC_MAX; returns
 * how many were written to shims. */
int bl_kinc_shims(const char *text, const char *shims[BL_KINC_MAX]);

#endif
