/* test_usdt_args.c - bl_usdt_parse_args on the operand forms gcc writes
 * into .note.stapsdt on x86-64 (as `readelf -n` shows them). */
#include <asm/ptrace.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "usdt.h"

#define OFF(f) offsetof(struct pt_regs, f)
#define NONE BL_USDT_NO_REG

struct acase {
	const char *text;
	int ok;
	int kind, size, is_signed;
	long long val;
	int reg_off, idx_off, scale_shift, reg_shift;
};

static const struct acase cases[] = {
	{ "-4@$5", 1, BL_USDT_CONST, 4, 1, 5, NONE, NONE, 0, 0 },
	{ "-4@$-7", 1, BL_USDT_CONST, 4, 1, -7, NONE, NONE, 0, 0 },
	{ "8@$0x10", 1, BL_USDT_CONST, 8, 0, 16, NONE, NONE, 0, 0 },
	{ "-8@%rdi", 1, BL_USDT_REG, 8, 1, 0, OFF(rdi), NONE, 0, 0 },
	{ "-4@%eax", 1, BL_USDT_REG, 4, 1, 0, OFF(rax), NONE, 0, 0 },
	{ "-2@%r8w", 1, BL_USDT_REG, 2, 1, 0, OFF(r8), NONE, 0, 0 },
	{ "1@%r9b", 1, BL_USDT_REG, 1, 0, 0, OFF(r9), NONE, 0, 0 },
	{ "1@%ah", 1, BL_USDT_REG, 1, 0, 0, OFF(rax), NONE, 0, 8 },
	{ "-1@%sil", 1, BL_USDT_REG, 1, 1, 0, OFF(rsi), NONE, 0, 0 },
	{ "8@-16(%rbp)", 1, BL_USDT_MEM, 8, 0, -16, OFF(rbp), NONE, 0, 0 },
	{ "-8@(%rsi)", 1, BL_USDT_MEM, 8, 1, 0, OFF(rsi), NONE, 0, 0 },
	{ "-4@0x10(%r12)", 1, BL_USDT_MEM, 4, 1, 16, OFF(r12), NONE, 0, 0 },
	{ "-4@(%rdx,%rcx,4)", 1, BL_USDT_MEM, 4, 1, 0, OFF(rdx), OFF(rcx), 2, 0 },
	{ "-1@14(%rsi,%rax)", 1, BL_USDT_MEM, 1, 1, 14, OFF(rsi), OFF(rax), 0, 0 },
	{ "8@-8(,%rax,8)", 1, BL_USDT_MEM, 8, 0, -8, NONE, OFF(rax), 3, 0 },
	/* the oldest notes: no size, a signed long */
	{ "%rdi", 1, BL_USDT_REG, 8, 1, 0, OFF(rdi), NONE, 0, 0 },
	/* symbol(%rip): the symbol (at 0x4000 here) relative to the probe (0x1000) */
	{ "-4@counter(%rip)", 1, BL_USDT_MEM, 4, 1, 0x3000, OFF(rip), NONE, 0, 0 },
	{ "-4@counter+8(%rip)", 1, BL_USDT_MEM, 4, 1, 0x3008, OFF(rip), NONE, 0, 0 },
	/* refused */
	{ "3@%eax", 0 }, { "-4@%xmm0", 0 }, { "-4@(%rdx,%rcx,3)", 0 }, { "-4@nosuch(%rip)", 0 },
	{ "-4@8(%rip)", 0 }, { "-4@counter(%rbp)", 0 }, { "-4@$", 0 }, { "-4@(%rax", 0 },
	{ "-4@(%ah)", 0 },
};

static int symaddr(void *ctx, const char *sym, uint64_t *addr)
{
	(void)ctx;
	if (strcmp(sym, "counter"))
		return -1;
	*addr = 0x4000;
	return 0;
}

static int check(const struct acase *c)
{
	struct bl_usdt_spec s;
	struct bl_err e = { 0 };
	const struct bl_usdt_arg *a = &s.arg[0];
	int err = bl_usdt_parse_args(c->text, 0x1000, symaddr, NULL, &s, &e);

	bl_err_clear(&e);
	if (!c->ok)
		return err != 0;
	return !err && s.nargs == 1 && a->kind == c->kind && a->size == c->size &&
	       a->is_signed == c->is_signed && a->val == c->val && a->reg_off == c->reg_off &&
	       a->idx_off == c->idx_off && a->scale_shift == c->scale_shift &&
	       a->reg_shift == c->reg_shift;
}

int main(void)
{
	struct bl_usdt_spec s;
	struct bl_err e = { 0 };
	int failed = 0, n = sizeof(cases) / sizeof(*cases);

	for (int i = 0; i < n; i++) {
		if (!check(&cases[i])) {
			fprintf(stderr, "FAIL test_usdt_args: '%s'\n", cases[i].text);
			failed++;
		}
	}
	/* several arguments, as one note holds them */
	if (bl_usdt_parse_args("-8@%rdi -4@8(%rsi) -4@$5", 0, NULL, NULL, &s, &e) ||
	    s.nargs != 3 || s.arg[2].kind != BL_USDT_CONST) {
		fprintf(stderr, "FAIL test_usdt_args: three arguments\n");
		failed++;
	}
	bl_err_clear(&e);
	printf("test_usdt_args: %d passed, %d failed\n", n + 1 - failed, failed);
	return failed != 0;
}
