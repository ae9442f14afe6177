/* test_sym.c - the symbol table lookup of runtime/sym/ (aliases, labels
 * inside functions, gaps, sizeless symbols) and C++ demangling. */
#include <stdio.h>
#include <string.h>

#include "sym/sym.h"

static int passed, failed;

static void expect(const char *what, const char *got, const char *want)
{
	if ((!got && !want) || (got && want && strcmp(got, want) == 0)) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: got %s, want %s\n", what, got ? got : "NULL", want ? want : "NULL");
}

static const char *name_at(const struct bl_fsym *syms, size_t n, uint64_t addr)
{
	const struct bl_fsym *s = bl_fsym_find(syms, n, addr);

	return s ? s->name : NULL;
}

int main(void)
{
	/* rank: sized global 0, sized weak 1, sized local 2, sizeless +4 */
	struct bl_fsym syms[] = {
		{ 0x2000, 0x10, "weak_alias", 1 },
		{ 0x1000, 0x40, "outer", 0 },
		{ 0x1010, 0, "label_inside", 4 },
		{ 0x2000, 0x10, "global_name", 0 },
		{ 0x3000, 0, "sizeless_last", 4 },
	};
	size_t n = sizeof(syms) / sizeof(syms[0]);

	bl_fsym_sort(syms, n);
	expect("before the first", name_at(syms, n, 0xfff), NULL);
	expect("function start", name_at(syms, n, 0x1000), "outer");
	expect("a label does not hide its function", name_at(syms, n, 0x1020), "outer");
	expect("past a function, at a label", name_at(syms, n, 0x1050), "label_inside");
	expect("aliases: the global name", name_at(syms, n, 0x2008), "global_name");
	expect("after the last sized one", name_at(syms, n, 0x3100), "sizeless_last");
	expect("empty table", name_at(syms, 0, 0x1000), NULL);

	expect("demangle", bl_demangle("_ZN6bltest5chain3jigEi"), "bltest::chain::jig(int)");
	expect("C name", bl_demangle("main"), NULL);
	expect("bad mangling", bl_demangle("_Zjunk"), NULL);
	printf("sym: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
