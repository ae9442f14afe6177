/* usdt_args.c - x86-64 USDT argument texts into struct bl_usdt_spec.
 *
 * sdt.h writes each argument as SIZE@OPERAND, SIZE being the byte count,
 * negative when signed, and OPERAND as the assembler printed it:
 *   $5, $-7                    a constant
 *   %rdi, %eax, %r8w, %ah      a register or part of one
 *   -16(%rbp), (%rsi)          memory at a register plus a displacement
 *   8(%rdx,%rcx,4), (,%rax,8)  memory at base + index * scale + displacement
 *   counter+8(%rip)            memory at a symbol (read relative to the
 *                              probe's address, so it works wherever the
 *                              file is mapped)
 */
#include "usdt.h"

#include <asm/ptrace.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reg {
	const char *name;
	unsigned short off;     /* in struct pt_regs */
	unsigned char shift;    /* 8: the high byte (%ah) */
};

#define R(n, f) { n, offsetof(struct pt_regs, f), 0 }
#define H(n, f) { n, offsetof(struct pt_regs, f), 8 }
static const struct reg regs[] = {
	R("rax", rax), R("eax", rax), R("ax", rax), R("al", rax), H("ah", rax),
	R("rbx", rbx), R("ebx", rbx), R("bx", rbx), R("bl", rbx), H("bh", rbx),
	R("rcx", rcx), R("ecx", rcx), R("cx", rcx), R("cl", rcx), H("ch", rcx),
	R("rdx", rdx), R("edx", rdx), R("dx", rdx), R("dl", rdx), H("dh", rdx),
	R("rsi", rsi), R("esi", rsi), R("si", rsi), R("sil", rsi),
	R("rdi", rdi), R("edi", rdi), R("di", rdi), R("dil", rdi),
	R("rbp", rbp), R("ebp", rbp), R("bp", rbp), R("bpl", rbp),
	R("rsp", rsp), R("esp", rsp), R("sp", rsp), R("spl", rsp),
	R("rip", rip),
	R("r8", r8), R("r8d", r8), R("r8w", r8), R("r8b", r8),
	R("r9", r9), R("r9d", r9), R("r9w", r9), R("r9b", r9),
	R("r10", r10), R("r10d", r10), R("r10w", r10), R("r10b", r10),
	R("r11", r11), R("r11d", r11), R("r11w", r11), R("r11b", r11),
	R("r12", r12), R("r12d", r12), R("r12w", r12), R("r12b", r12),
	R("r13", r13), R("r13d", r13), R("r13w", r13), R("r13b", r13),
	R("r14", r14), R("r14d", r14), R("r14w", r14), R("r14b", r14),
	R("r15", r15), R("r15d", r15), R("r15w", r15), R("r15b", r15),
};
#undef R
#undef H

/* "%name" at *p: the register, *p moved past it; NULL when unknown. */
static const struct reg *take_reg(const char **p)
{
	const char *s = *p + 1;
	size_t len = 0;

	if (**p != '%')
		return NULL;
	while (isalnum((unsigned char)s[len]))
		len++;
	for (size_t i = 0; i < sizeof(regs) / sizeof(*regs); i++) {
		if (strlen(regs[i].name) == len && !strncmp(regs[i].name, s, len)) {
			*p = s + len;
			return &regs[i];
		}
	}
	return NULL;
}

static int take_num(const char **p, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(*p, &end, 0);
	if (end == *p || errno)
		return -1;
	*p = end;
	return 0;
}

/* "sym", "sym+8" or "sym-8" before "(%rip)": the symbol's address plus the
 * offset, made relative to the probe's pc (regs->ip at the probe). */
static int take_symbol(const char **p, uint64_t pc, bl_usdt_symaddr_fn symaddr, void *ctx,
		       long long *disp)
{
	char name[256];
	size_t len = strcspn(*p, "+-(");
	uint64_t addr;
	long long off = 0;

	if (!symaddr || !len || len >= sizeof(name))
		return -1;
	snprintf(name, sizeof(name), "%.*s", (int)len, *p);
	*p += len;
	if ((**p == '+' || **p == '-') && take_num(p, &off))
		return -1;
	if (symaddr(ctx, name, &addr))
		return -1;
	*disp = (long long)(addr - pc) + off;
	return 0;
}

/* "disp(%base,%index,scale)" with every part optional but the parentheses. */
static int parse_mem(const char *p, uint64_t pc, bl_usdt_symaddr_fn symaddr, void *ctx,
		     struct bl_usdt_arg *a)
{
	const struct reg *base = NULL, *idx = NULL;
	long long disp = 0, scale = 1;
	int sym = *p != '(' && !isdigit((unsigned char)*p) && *p != '-';

	if (*p != '(' && (sym ? take_symbol(&p, pc, symaddr, ctx, &disp) : take_num(&p, &disp)))
		return -1;
	if (*p++ != '(')
		return -1;
	if (*p == '%' && !(base = take_reg(&p)))
		return -1;
	if (*p == ',') {
		p++;
		if (!(idx = take_reg(&p)))
			return -1;
		if (*p == ',' && (p++, take_num(&p, &scale)))
			return -1;
	}
	if (*p != ')' || p[1] || (scale != 1 && scale != 2 && scale != 4 && scale != 8) ||
	    (base && base->shift) || (idx && idx->shift))
		return -1;
	/* A symbol is read relative to rip, and rip only with a symbol. */
	if (sym != (base && !strcmp(base->name, "rip")) || (sym && idx))
		return -1;
	a->kind = BL_USDT_MEM;
	a->val = disp;
	a->reg_off = base ? base->off : BL_USDT_NO_REG;
	a->idx_off = idx ? idx->off : BL_USDT_NO_REG;
	a->scale_shift = scale == 8 ? 3 : scale == 4 ? 2 : scale == 2 ? 1 : 0;
	return 0;
}

static int parse_one(const char *text, uint64_t pc, bl_usdt_symaddr_fn symaddr, void *ctx,
		     struct bl_usdt_arg *a)
{
	const char *at = strchr(text, '@'), *p = text;
	long long size = -8;    /* no SIZE@: the oldest notes; a signed long */
	const struct reg *r;

	memset(a, 0, sizeof(*a));
	a->reg_off = a->idx_off = BL_USDT_NO_REG;
	if (at) {
		if (take_num(&p, &size) || p != at)
			return -1;
		p = at + 1;
	}
	if (size != 1 && size != 2 && size != 4 && size != 8 && size != -1 && size != -2 &&
	    size != -4 && size != -8)
		return -1;
	a->size = size < 0 ? -size : size;
	a->is_signed = size < 0;
	if (*p == '$') {
		p++;
		a->kind = BL_USDT_CONST;
		return take_num(&p, &size) || *p ? -1 : (a->val = size, 0);
	}
	if (*p == '%') {
		if (!(r = take_reg(&p)) || *p)
			return -1;
		a->kind = BL_USDT_REG;
		a->reg_off = r->off;
		a->reg_shift = r->shift;
		return 0;
	}
	return parse_mem(p, pc, symaddr, ctx, a);
}

int bl_usdt_parse_args(const char *args, uint64_t pc, bl_usdt_symaddr_fn symaddr,
		       void *ctx, struct bl_usdt_spec *spec, struct bl_err *e)
{
	char buf[512], *save = NULL, *tok;

	memset(spec, 0, sizeof(*spec));
	snprintf(buf, sizeof(buf), "%s", args);
	for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (spec->nargs == BL_USDT_MAX_ARGS)
			return bl_errf(e, E2BIG, "USDT arguments '%s': more than %d", args,
				       BL_USDT_MAX_ARGS);
		if (parse_one(tok, pc, symaddr, ctx, &spec->arg[spec->nargs])) {
			bl_errf(e, EINVAL, "USDT argument %u '%s' (of '%s'): not an x86-64 "
				"operand bpflua can read", spec->nargs + 1, tok, args);
			bl_err_append(e, "hint: bpflua reads registers, constants and memory at "
				      "disp(%%base,%%index,scale) or symbol(%%rip)");
			return -EINVAL;
		}
		spec->nargs++;
	}
	return 0;
}
