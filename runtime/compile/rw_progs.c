/* rw_progs.c - which functions are programs, and the default license.
 *
 * BCC's rule: every non-static function with a body is an attachable
 * program; static functions are helpers, inlined. A program gets a section
 * of its own so libbpf sees it as a program; its type is set per loaded
 * instance by the loader (the attach point actually used decides it), so
 * "kprobe/" only has to be a section libbpf 1.1 accepts.
 */
#include <string.h>

#include "rewrite.h"

/* Whether c's name was written by a macro: then the text where libclang
 * places it is not the name. */
static int from_macro(struct bl_rw *rw, CXCursor c)
{
	long off = bl_rw_offset(rw, clang_getCursorLocation(c));
	CXString name = clang_getCursorSpelling(c);
	const char *s = clang_getCString(name);
	size_t n = strlen(s);
	int macro = off < 0 || (size_t)off + n > rw->len || strncmp(rw->text + off, s, n);

	clang_disposeString(name);
	return macro;
}

static int mark_function(struct bl_rw *rw, CXCursor c)
{
	size_t start, end;
	CXString name;
	int err;

	if (bl_rw_extent(rw, c, &start, &end))
		return 0;	/* declared by a macro: the macro says what it is */
	if (clang_Cursor_getStorageClass(c) == CX_SC_Static) {
		/* A macro's static helper (BPF_PROG's ____name) would get the
		 * attribute where the macro starts: on the program. */
		if (from_macro(rw, c))
			return 0;
		return bl_edits_add(&rw->edits, start, start, "__attribute__((always_inline)) ");
	}
	name = clang_getCursorSpelling(c);
	err = bl_edits_addf(&rw->edits, start, start,
			    "__attribute__((section(\"kprobe/%s\"), used)) ",
			    clang_getCString(name));
	clang_disposeString(name);
	return err;
}

static int visit_progs(struct bl_rw *rw, CXCursor c)
{
	if (c.kind != CXCursor_FunctionDecl || !clang_isCursorDefinition(c))
		return 0;
	return mark_function(rw, c);
}

const struct bl_rw_visitor bl_rw_progs = {
	.name = "programs",
	.visit = visit_progs,
};

static int visit_license(struct bl_rw *rw, CXCursor c)
{
	CXString name;

	if (c.kind != CXCursor_VarDecl)
		return 0;
	name = clang_getCursorSpelling(c);
	if (!strcmp(clang_getCString(name), "_license"))
		rw->has_license = 1;
	clang_disposeString(name);
	return 0;
}

/* Appended after the last line, so no line moves, and after the
 * program's own `#define BPF_LICENSE ...` (license.h). */
static int finish_license(struct bl_rw *rw)
{
	if (rw->has_license)
		return 0;
	return bl_edits_add(&rw->edits, rw->len, rw->len,
			    rw->len && rw->text[rw->len - 1] != '\n' ?
			    "\n#include <bpflua/license.h>\n" :
			    "#include <bpflua/license.h>\n");
}

const struct bl_rw_visitor bl_rw_license = {
	.name = "license",
	.visit = visit_license,
	.finish = finish_license,
};
