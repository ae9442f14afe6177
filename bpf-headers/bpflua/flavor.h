/* flavor.h - how a program's ctx looks at the attach point actually used.
 *
 * A function written as a kprobe may end up loaded on another kind of probe
 * (the kprobe fallback chain: README.md, "When the kernel has no kprobes").
 * Each loaded instance of a program gets its own copy of the read-only
 * global __bl_flavor (and __bl_nargs), set by the loader before load; the
 * PT_REGS_* macros read ctx accordingly.
 * Since .rodata is frozen, the verifier sees these as constants and prunes
 * the branches of the other flavors.
 *
 * Shared by the runtime (C) and the BPF-side headers: plain #defines only.
 */
#ifndef BPFLUA_FLAVOR_H
#define BPFLUA_FLAVOR_H

#define BL_FLAVOR_NATIVE        0 /* ctx is what the function was written for */
#define BL_FLAVOR_SC_ENTER_TP   1 /* kprobe body on syscalls:sys_enter_X: ctx->args[] */
#define BL_FLAVOR_SC_EXIT_TP    2 /* kretprobe body on syscalls:sys_exit_X: ctx->ret */
#define BL_FLAVOR_FENTRY        3 /* kprobe body on fentry: ctx is u64 args[] */
#define BL_FLAVOR_FEXIT         4 /* kretprobe body on fexit: return value is ctx[__bl_nargs] */

#define BL_FLAVOR_VAR "__bl_flavor"
#define BL_NARGS_VAR  "__bl_nargs"
/* Not a flavor, set the same way: bpf_num_cpus() (helpers.h) returns it. */
#define BL_NUM_CPUS_VAR "__bl_num_cpus"
/* 1 where the program type runs in a task's context (tracing types): the
 * private bpf_trace_printk records the task's tid and comm only there
 * (printk.h); socket filters, XDP, TC... record "<...>-0", as their helpers
 * may not exist on older kernels and the task is not the packet's. */
#define BL_PK_TASK_VAR "__bl_pk_task"

#endif
