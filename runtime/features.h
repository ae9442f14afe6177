/* features.h - what the running kernel can do, probed at run time and cached
 * for the process. Nothing is assumed from the kernel version.
 */
#ifndef BL_FEATURES_H
#define BL_FEATURES_H

#include <stddef.h>

#include "err.h"
#include "tracefs.h"   /* bl_tracefs(), used with these probes */

int bl_has_kprobes(void);        /* kprobe PMU or kprobe_events present */
/* The perf PMUs bpflua attaches through (never tracefs *_events, whose
 * entries outlive the process). */
int bl_has_kprobe_pmu(void);
int bl_has_uprobe_pmu(void);
int bl_has_fentry(void);         /* a BPF_PROG_TYPE_TRACING fentry program loads */
int bl_has_raw_tracepoint(void);
/* BPF_MAP_TYPE_RINGBUF exists (5.8+); probed once. */
int bl_has_ringbuf(void);
int bl_tracepoint_exists(const char *category, const char *event);
/* "__x64_sys_" on x86_64 with syscall wrappers, else "sys_" (as this kernel names them). */
const char *bl_syscall_prefix(void);
/* BCC's fix_syscall_fnname: name with any architecture's syscall prefix
 * (the list get_syscall_prefix tries) rewritten to this kernel's, else
 * name itself, into out; 0 when it does not fit. */
int bl_syscall_fix_fnname(const char *name, char *out, size_t len);
/* If func is a syscall entry function (__x64_sys_X, __ia32_sys_X, __se_sys_X,
 * __do_sys_X, sys_X, ksys_X), writes X into name and returns 1. */
int bl_syscall_name(const char *func, char *name, size_t len);
/* Number of arguments of syscall `name` per its sys_enter tracepoint's
 * format, or -1 when that cannot be read. */
int bl_syscall_nargs(const char *name);

#endif
