/* usdt.h - BCC's bpf_usdt_readarg(n, ctx, &v) and bpf_usdt_readarg_p(n,
 * ctx, buf, len) for programs attached through USDT contexts.
 *
 * The argument specs live in the __bl_usdt_specs array (usdt_spec.h says
 * how they get there), a static global in a section of its own: a program
 * that never reads a USDT argument has neither it nor the reader in its
 * object (libbpf refuses static maps, and a global map would be in every
 * object).
 *
 * Every step is bounded and reads memory only through probe-read helpers
 * at constant sizes, so the verifier accepts it in any program.
 */
#ifndef BPFLUA_USDT_H
#define BPFLUA_USDT_H

#include <bpflua/usdt_spec.h>

/* In a section of its own, which only the runtime writes; volatile: the
 * program never writes it, and clang would fold its reads to zeros. Not
 * SEC(): that would keep it in programs that never read it. */
static volatile struct bl_usdt_spec __bl_usdt_specs[BL_USDT_MAX_SPECS]
	__attribute__((section(BL_USDT_SPECS_SEC)));

static __always_inline __u64 __bl_usdt_reg(void *ctx, __u16 off)
{
	__u64 v = 0;

	if (off != BL_USDT_NO_REG)
		bpf_probe_read_kernel(&v, sizeof(v), (char *)ctx + off);
	return v;
}

static __always_inline __u64 __bl_usdt_mem(__u64 addr, __u8 size)
{
	__u64 v = 0;

	switch (size) {
	case 1: bpf_probe_read_user(&v, 1, (void *)addr); break;
	case 2: bpf_probe_read_user(&v, 2, (void *)addr); break;
	case 4: bpf_probe_read_user(&v, 4, (void *)addr); break;
	default: bpf_probe_read_user(&v, 8, (void *)addr); break;
	}
	return v;
}

/* The low `size` bytes of v, sign- or zero-extended. */
static __always_inline __s64 __bl_usdt_extend(__u64 v, __u8 size, __u8 is_signed)
{
	switch (size) {
	case 1: return is_signed ? (__s64)(__s8)v : (__s64)(__u8)v;
	case 2: return is_signed ? (__s64)(__s16)v : (__s64)(__u16)v;
	case 4: return is_signed ? (__s64)(__s32)v : (__s64)(__u32)v;
	default: return (__s64)v;
	}
}

/* Argument n (1-based) of the probe that fired into *res: 0, or -ENOENT
 * when this probe has no such argument (or was not attached as USDT). */
static __always_inline int __bl_usdt_arg(void *ctx, int n, __s64 *res)
{
	/* slot + 1: a plain uprobe's cookie 0 must not read slot 0's spec */
	__u64 id = bpf_get_attach_cookie(ctx) - 1;
	volatile struct bl_usdt_spec *s;
	volatile struct bl_usdt_arg *a;
	__u64 v;

	if (id >= BL_USDT_MAX_SPECS)
		return -2;
	s = &__bl_usdt_specs[id];
	if (n < 1 || n > BL_USDT_MAX_ARGS || (__u32)n > s->nargs)
		return -2;
	a = &s->arg[n - 1];
	if (a->kind == BL_USDT_CONST) {
		v = a->val;
	} else if (a->kind == BL_USDT_REG) {
		v = __bl_usdt_reg(ctx, a->reg_off) >> (a->reg_shift & 63);
	} else {
		v = a->val + __bl_usdt_reg(ctx, a->reg_off) +
		    (__bl_usdt_reg(ctx, a->idx_off) << (a->scale_shift & 3));
		v = __bl_usdt_mem(v, a->size);
	}
	*res = __bl_usdt_extend(v, a->size, a->is_signed);
	return 0;
}

/* BCC's: the argument converted to *addr's type. */
#define bpf_usdt_readarg(n, ctx, addr) ({					\
	__s64 __bl_uv = 0;							\
	int __bl_ur = __bl_usdt_arg((void *)(ctx), (n), &__bl_uv);		\
	if (!__bl_ur)								\
		*(addr) = (__typeof__(*(addr)))__bl_uv;				\
	__bl_ur; })

/* BCC's: the argument is a user address; copies len bytes from it. */
#define bpf_usdt_readarg_p(n, ctx, buf, len) ({				\
	__s64 __bl_uv = 0;							\
	int __bl_ur = __bl_usdt_arg((void *)(ctx), (n), &__bl_uv);		\
	if (!__bl_ur)								\
		__bl_ur = bpf_probe_read_user((buf), (len), (void *)__bl_uv);	\
	__bl_ur; })

#endif
