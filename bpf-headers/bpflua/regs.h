/* regs.h - PT_REGS_* that read ctx as the attach point actually used lays
 * it out (flavor.h). The loader sets __bl_flavor (and __bl_nargs for fexit and sys_enter)
 * per loaded instance; .rodata is frozen, so the verifier sees constants and
 * drops the other flavors' branches.
 */
#ifndef BPFLUA_REGS_H
#define BPFLUA_REGS_H

const volatile int __bl_flavor = 0;
const volatile int __bl_nargs = 0;

#if defined(bpf_target_x86)
#define __BL_PARM6_REG r9
#else
#define __BL_PARM6_REG __BL_PARM6_unsupported_on_this_arch
#endif

#define __BL_REGS(ctx) __PT_REGS_CAST((struct pt_regs *)(ctx))

/* The records these macros read, held by value in a declaration of
 * nothing: the rewriter writes the macros into programs, where no cursor
 * shows what they read, so the pruned prelude code generation uses
 * (runtime/compile/skel.h) keeps what this prelude code holds. */
void __bl_regs_records(struct pt_regs, struct trace_event_raw_sys_enter,
		       struct trace_event_raw_sys_exit);

/* A ctx load LLVM may not merge with the other flavors' loads: merged, they
 * become one load at a computed offset (a phi of field offsets), which the
 * verifier rejects as a "modified ctx ptr". An asm statement with operands
 * can't be sunk into a common successor, so each load stays on its own. */
#define __BL_CTX_LOAD(expr) ({							\
	unsigned long __bl_r = (unsigned long)(expr);				\
	asm volatile("" : "+r"(__bl_r));					\
	__bl_r; })

/* Argument n (1-based) as unsigned long, whatever the flavor. On a
 * sys_enter tracepoint the record holds only the syscall's own arguments,
 * and reading past it makes the attach fail (EACCES): when the loader sets
 * __bl_nargs there (the syscall's argument count), arguments beyond it
 * read as 0. */
#define __BL_PARM(ctx, n, reg)							\
	(__bl_flavor == BL_FLAVOR_SC_ENTER_TP ?					\
		((n) <= __bl_nargs ?						\
		 __BL_CTX_LOAD(((struct trace_event_raw_sys_enter *)(ctx))->args[(n) - 1]) : 0) : \
	 __bl_flavor == BL_FLAVOR_FENTRY || __bl_flavor == BL_FLAVOR_FEXIT ?	\
		__BL_CTX_LOAD(((unsigned long long *)(ctx))[(n) - 1]) :		\
		__BL_CTX_LOAD(__BL_REGS(ctx)->reg))

/* fexit: ctx[__bl_nargs]. The index is read through a switch of constant
 * indexes because the verifier rejects ctx accesses at a variable offset. */
static __always_inline unsigned long __bl_fexit_ret(void *ctx)
{
	unsigned long long *a = ctx;

	switch (__bl_nargs) {
	case 0: return __BL_CTX_LOAD(a[0]);
	case 1: return __BL_CTX_LOAD(a[1]);
	case 2: return __BL_CTX_LOAD(a[2]);
	case 3: return __BL_CTX_LOAD(a[3]);
	case 4: return __BL_CTX_LOAD(a[4]);
	case 5: return __BL_CTX_LOAD(a[5]);
	case 6: return __BL_CTX_LOAD(a[6]);
	case 7: return __BL_CTX_LOAD(a[7]);
	case 8: return __BL_CTX_LOAD(a[8]);
	case 9: return __BL_CTX_LOAD(a[9]);
	case 10: return __BL_CTX_LOAD(a[10]);
	case 11: return __BL_CTX_LOAD(a[11]);
	default: return __BL_CTX_LOAD(a[12]);
	}
}

#undef PT_REGS_PARM1
#undef PT_REGS_PARM2
#undef PT_REGS_PARM3
#undef PT_REGS_PARM4
#undef PT_REGS_PARM5
#undef PT_REGS_PARM6
#undef PT_REGS_RC
#define PT_REGS_PARM1(ctx) __BL_PARM(ctx, 1, __PT_PARM1_REG)
#define PT_REGS_PARM2(ctx) __BL_PARM(ctx, 2, __PT_PARM2_REG)
#define PT_REGS_PARM3(ctx) __BL_PARM(ctx, 3, __PT_PARM3_REG)
#define PT_REGS_PARM4(ctx) __BL_PARM(ctx, 4, __PT_PARM4_REG)
#define PT_REGS_PARM5(ctx) __BL_PARM(ctx, 5, __PT_PARM5_REG)
#define PT_REGS_PARM6(ctx) __BL_PARM(ctx, 6, __BL_PARM6_REG)

#define PT_REGS_RC(ctx)								\
	(__bl_flavor == BL_FLAVOR_SC_EXIT_TP ?					\
		__BL_CTX_LOAD(((struct trace_event_raw_sys_exit *)(ctx))->ret) :	\
	 __bl_flavor == BL_FLAVOR_FEXIT ? __bl_fexit_ret(ctx) :			\
		__BL_CTX_LOAD(__BL_REGS(ctx)->__PT_RC_REG))

/* Argument n of the syscall that a syscall__X (or kprobe____x64_sys_X)
 * function traces, for its extra parameters (the rewriter's rw_args.c).
 * The function is attached to the syscall wrapper (__x64_sys_X), whose one
 * argument is the pt_regs the syscall was entered with: on a kprobe or
 * fentry the argument is read from there; on the sys_enter_X tracepoint it
 * is in the record, as for PT_REGS_PARMn. */
static __always_inline unsigned long __bl_syscall_regs_arg(struct pt_regs *regs, int n)
{
	switch (n) {
	case 1: return PT_REGS_PARM1_CORE_SYSCALL(regs);
	case 2: return PT_REGS_PARM2_CORE_SYSCALL(regs);
	case 3: return PT_REGS_PARM3_CORE_SYSCALL(regs);
	case 4: return PT_REGS_PARM4_CORE_SYSCALL(regs);
	case 5: return PT_REGS_PARM5_CORE_SYSCALL(regs);
	default: return BPF_CORE_READ(__PT_REGS_CAST(regs), __BL_PARM6_REG);
	}
}

#define __BL_SYSCALL_ARG(ctx, n, reg)						\
	(__bl_flavor == BL_FLAVOR_SC_ENTER_TP ? __BL_PARM(ctx, n, reg) :	\
	 __bl_syscall_regs_arg((struct pt_regs *)PT_REGS_PARM1(ctx), n))
#define __bl_syscall_arg1(ctx) __BL_SYSCALL_ARG(ctx, 1, __PT_PARM1_REG)
#define __bl_syscall_arg2(ctx) __BL_SYSCALL_ARG(ctx, 2, __PT_PARM2_REG)
#define __bl_syscall_arg3(ctx) __BL_SYSCALL_ARG(ctx, 3, __PT_PARM3_REG)
#define __bl_syscall_arg4(ctx) __BL_SYSCALL_ARG(ctx, 4, __PT_PARM4_REG)
#define __bl_syscall_arg5(ctx) __BL_SYSCALL_ARG(ctx, 5, __PT_PARM5_REG)
#define __bl_syscall_arg6(ctx) __BL_SYSCALL_ARG(ctx, 6, __BL_PARM6_REG)

/* Frame, stack and instruction pointers exist only in a real pt_regs:
 * elsewhere they read as 0 (reading them would overrun the other ctx). */
#define __BL_NATIVE_REG(ctx, reg)						\
	(__bl_flavor == BL_FLAVOR_NATIVE ? __BL_CTX_LOAD(__BL_REGS(ctx)->reg) : 0)
#undef PT_REGS_FP
#undef PT_REGS_SP
#undef PT_REGS_IP
#define PT_REGS_FP(ctx) __BL_NATIVE_REG(ctx, __PT_FP_REG)
#define PT_REGS_SP(ctx) __BL_NATIVE_REG(ctx, __PT_SP_REG)
#define PT_REGS_IP(ctx) __BL_NATIVE_REG(ctx, __PT_IP_REG)

#endif
