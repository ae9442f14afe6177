/* rw_maps.c - map method calls: `m.method(args)` -> `__bl_method(m, args)`.
 *
 * In the parse, map structs have a function-pointer member per method
 * (bpf-headers/bpflua/maps.h), so a method call is a member reference to a
 * field of a struct that also has the marker field __bl_map. Only the
 * `m.method(` prefix is replaced; the arguments stay where they are, so
 * nested method calls are independent edits.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "rewrite.h"

static int is_map_member(CXCursor ref)
{
	CXCursor field = clang_getCursorReferenced(ref);
	CXCursor rec;

	if (field.kind != CXCursor_FieldDecl)
		return 0;
	rec = clang_getCursorSemanticParent(field);
	return clang_Type_getOffsetOf(clang_getCursorType(rec), "__bl_map") >= 0;
}

static enum CXChildVisitResult first_child(CXCursor c, CXCursor parent, CXClientData data)
{
	*(CXCursor *)data = c;
	return CXChildVisit_Break;
}

/* Offset of the next non-blank character at or after pos. */
static size_t skip_space(const struct bl_rw *rw, size_t pos)
{
	while (pos < rw->len && isspace((unsigned char)rw->text[pos]))
		pos++;
	return pos;
}

/* The call as written: the member reference's extent [ms, me) must end
 * with the method's name and start with the base [bs, be). */
static int locate(struct bl_rw *rw, CXCursor ref, CXCursor base, const char *method,
		  size_t *ms, size_t *bs, size_t *be, size_t *paren)
{
	size_t me, n = strlen(method);

	if (bl_rw_extent(rw, ref, ms, &me) || bl_rw_extent(rw, base, bs, be))
		return -1;
	if (me - *ms < n || strncmp(rw->text + me - n, method, n) || *bs != *ms || *be > me)
		return -1;
	*paren = skip_space(rw, me);
	return *paren < rw->len && rw->text[*paren] == '(' ? 0 : -1;
}

static int rewrite_call(struct bl_rw *rw, CXCursor ref, const char *method)
{
	CXCursor base = clang_getNullCursor();
	size_t ms, bs, be, paren, next;

	clang_visitChildren(ref, first_child, &base);
	if (clang_Cursor_isNull(base))
		return 0;
	/* A call inside the body of the user's own #define is not visible
	 * here (libclang reports macro-body locations at the macro's use):
	 * it stays as written and code generation names it. */
	if (locate(rw, ref, base, method, &ms, &bs, &be, &paren))
		return 0;
	next = skip_space(rw, paren + 1);
	return bl_edits_addf(&rw->edits, ms, paren + 1, "__bl_%s(%.*s%s", method,
			     (int)(be - bs), rw->text + bs,
			     next < rw->len && rw->text[next] == ')' ? "" : ", ");
}

/* The callee of a call, looking through implicit casts and parentheses. */
static CXCursor callee(CXCursor call)
{
	CXCursor c = call;

	do {
		CXCursor inner = clang_getNullCursor();

		clang_visitChildren(c, first_child, &inner);
		c = inner;
	} while (!clang_Cursor_isNull(c) &&
		 (c.kind == CXCursor_UnexposedExpr || c.kind == CXCursor_ParenExpr));
	return c;
}

/* The methods become macros, and a macro splits its arguments on commas
 * outside parentheses, such as those of a compound literal
 * (`hist.increment((struct key_t){a, b})`): an argument with a comma is
 * parenthesized. Doubled, so that no edit of another visitor at the same
 * offset is the same text (identical edits apply once, edits.h). */
static int protect_args(struct bl_rw *rw, CXCursor call)
{
	int i, n = clang_Cursor_getNumArguments(call), err = 0;
	size_t s, e;

	for (i = 0; i < n && !err; i++) {
		if (bl_rw_extent(rw, clang_Cursor_getArgument(call, i), &s, &e) ||
		    !memchr(rw->text + s, ',', e - s))
			continue;
		err = bl_edits_add(&rw->edits, s, s, "((");
		if (!err)
			err = bl_edits_add(&rw->edits, e, e, "))");
	}
	return err;
}

static int visit(struct bl_rw *rw, CXCursor c)
{
	CXString s;
	int err = 0;

	if (c.kind == CXCursor_CallExpr) {
		CXCursor f = callee(c);

		return !clang_Cursor_isNull(f) && f.kind == CXCursor_MemberRefExpr &&
		       is_map_member(f) ? protect_args(rw, c) : 0;
	}
	if (c.kind != CXCursor_MemberRefExpr || !is_map_member(c))
		return 0;
	s = clang_getCursorSpelling(c);
	if (strcmp(clang_getCString(s), "__bl_map"))
		err = rewrite_call(rw, c, clang_getCString(s));
	clang_disposeString(s);
	return err;
}

const struct bl_rw_visitor bl_rw_maps = {
	.name = "map methods",
	.visit = visit,
};
