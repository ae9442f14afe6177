/* rw_deref.c - reads through kernel pointers become probe reads:
 * `task->real_parent->tgid` -> `__bl_kread(__bl_kread(task->real_parent)->tgid)`.
 *
 * In a kprobe a kernel pointer is a plain number to the verifier: loading
 * through it is refused, so BCC turns such reads into bpf_probe_read. Here
 * __bl_kread(lvalue) (bpflua/helpers.h) copies the lvalue with
 * bpf_core_read(&v, sizeof(v), &lvalue): the address is computed, never
 * loaded from, and is CO-RE relocated since vmlinux.h's records carry
 * preserve_access_index.
 *
 * What is rewritten: a scalar or pointer lvalue, read (not assigned, not
 * incremented, not under & or sizeof), reached through `->` on a pointer to
 * a record of vmlinux.h, possibly followed by `.member` and array indexing
 * (task->thread.sp, task->comm[0]). What is not: the ctx parameter of a
 * program (pt_regs and tracepoint records are read directly), arrays and
 * records themselves (their address is all a program uses), bit-fields,
 * and anything written inside a macro. Wrapping a pointer that did not
 * need it (a map value of a kernel type) costs a helper call, nothing more.
 */
#include <ctype.h>
#include <string.h>

#include "rewrite.h"

struct walk {
	struct bl_rw *rw;
	CXCursor fn;		/* the function being walked */
	int is_program;		/* its first parameter is ctx */
	int depth;		/* enclosing rewrites, to tell their edits apart */
	int err;
};

/* What a parent lets its child be. */
enum role { READ, WRITTEN, UNEVALUATED };

struct child {
	struct walk *w;
	enum role role;		/* of the first child... */
	enum role rest;		/* ...and of the others */
	int index;
	int depth;
};

static void visit_node(struct walk *w, CXCursor c, enum role role, int depth);

static enum CXChildVisitResult child_cb(CXCursor c, CXCursor parent, CXClientData data)
{
	struct child *ch = data;

	visit_node(ch->w, c, ch->index++ ? ch->rest : ch->role, ch->depth);
	return ch->w->err ? CXChildVisit_Break : CXChildVisit_Continue;
}

static void walk_children(struct walk *w, CXCursor c, enum role first, enum role rest,
			  int depth)
{
	struct child ch = { w, first, rest, 0, depth };

	clang_visitChildren(c, child_cb, &ch);
}

/* ---- the text around a cursor ---- */

static size_t skip_space(const struct bl_rw *rw, size_t pos)
{
	while (pos < rw->len && isspace((unsigned char)rw->text[pos]))
		pos++;
	return pos;
}

static size_t skip_space_back(const struct bl_rw *rw, size_t pos)
{
	while (pos > 0 && isspace((unsigned char)rw->text[pos - 1]))
		pos--;
	return pos;
}

static int text_at(const struct bl_rw *rw, size_t pos, const char *s)
{
	return pos + strlen(s) <= rw->len && !strncmp(rw->text + pos, s, strlen(s));
}

/* A member reference as written: "<base> -> name" (arrow) or "<base>.name",
 * ending with the member's name. 1 for ->, 0 for ., -1 otherwise (a macro). */
static int member_op(const struct bl_rw *rw, CXCursor c)
{
	CXString name = clang_getCursorSpelling(c);
	size_t n = strlen(clang_getCString(name)), s, e, op;
	int ok = !bl_rw_extent(rw, c, &s, &e) && e - s > n &&
		 !strncmp(rw->text + e - n, clang_getCString(name), n);

	clang_disposeString(name);
	if (!ok)
		return -1;
	op = skip_space_back(rw, e - n);
	if (op >= 2 && text_at(rw, op - 2, "->"))
		return 1;
	return op >= 1 && rw->text[op - 1] == '.' ? 0 : -1;
}

/* ---- types ---- */

static int is_scalar_or_pointer(CXType t)
{
	t = clang_getCanonicalType(t);
	switch (t.kind) {
	case CXType_Record: case CXType_ConstantArray: case CXType_IncompleteArray:
	case CXType_VariableArray: case CXType_Invalid: case CXType_Void:
		return 0;
	default:
		return 1;
	}
}

static int is_array(CXType t)
{
	t = clang_getCanonicalType(t);
	return t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray;
}

/* Whether t points to a record declared in this kernel's vmlinux.h. */
static int points_to_kernel_record(const struct bl_rw *rw, CXType t)
{
	CXCursor decl;
	CXString fname;
	const char *name, *slash;
	CXFile f;
	int hit;

	t = clang_getCanonicalType(t);
	if (t.kind != CXType_Pointer || !rw->vmlinux_h)
		return 0;
	decl = clang_getTypeDeclaration(clang_getCanonicalType(clang_getPointeeType(t)));
	if (decl.kind != CXCursor_StructDecl && decl.kind != CXCursor_UnionDecl)
		return 0;
	clang_getFileLocation(clang_getCursorLocation(decl), &f, NULL, NULL, NULL);
	if (!f)
		return 0;
	fname = clang_getFileName(f);
	name = clang_getCString(fname);
	slash = strrchr(name, '/');
	hit = !strcmp(slash ? slash + 1 : name, rw->vmlinux_h);
	clang_disposeString(fname);
	return hit;
}

/* ---- which lvalues ---- */

static enum CXChildVisitResult first_cb(CXCursor c, CXCursor parent, CXClientData data)
{
	*(CXCursor *)data = c;
	return CXChildVisit_Break;
}

/* The first child, looking through implicit casts and parentheses. */
static CXCursor base_of(CXCursor c)
{
	CXCursor b = clang_getNullCursor();

	clang_visitChildren(c, first_cb, &b);
	while (!clang_Cursor_isNull(b) &&
	       (b.kind == CXCursor_UnexposedExpr || b.kind == CXCursor_ParenExpr)) {
		CXCursor inner = clang_getNullCursor();

		clang_visitChildren(b, first_cb, &inner);
		if (clang_Cursor_isNull(inner))
			break;
		b = inner;
	}
	return b;
}

/* The ctx parameter of the program being walked. */
static int is_ctx(const struct walk *w, CXCursor base)
{
	CXCursor ref;

	if (!w->is_program || base.kind != CXCursor_DeclRefExpr)
		return 0;
	ref = clang_getCursorReferenced(base);
	return ref.kind == CXCursor_ParmDecl &&
	       clang_equalCursors(ref, clang_Cursor_getArgument(w->fn, 0));
}

static int is_bitfield(CXCursor member)
{
	CXCursor field = clang_getCursorReferenced(member);

	return field.kind == CXCursor_FieldDecl && clang_Cursor_isBitField(field);
}

/* Whether the memory c names is reached through `->` on a kernel pointer:
 * c is such a member, or a `.member` / array element of one. */
static int through_kernel_pointer(const struct walk *w, CXCursor c)
{
	CXCursor base;
	int op;

	for (;;) {
		if (c.kind == CXCursor_ArraySubscriptExpr) {
			base = base_of(c);
			if (!is_array(clang_getCursorType(base)))
				return 0;	/* p[i] on a pointer: not handled */
			c = base;
			continue;
		}
		if (c.kind != CXCursor_MemberRefExpr || (op = member_op(w->rw, c)) < 0)
			return 0;
		base = base_of(c);
		if (op == 1)
			return !is_ctx(w, base) &&
			       points_to_kernel_record(w->rw, clang_getCursorType(base));
		c = base;
	}
}

static int wants_read(const struct walk *w, CXCursor c)
{
	size_t s, e;

	if (c.kind != CXCursor_MemberRefExpr && c.kind != CXCursor_ArraySubscriptExpr)
		return 0;
	if (!is_scalar_or_pointer(clang_getCursorType(c)) || bl_rw_extent(w->rw, c, &s, &e))
		return 0;
	if (c.kind == CXCursor_MemberRefExpr && is_bitfield(c))
		return 0;
	if (c.kind == CXCursor_ArraySubscriptExpr && (e == 0 || w->rw->text[e - 1] != ']'))
		return 0;
	return through_kernel_pointer(w, c);
}

/* Edits at one offset that are identical apply once (edits.h), so nested
 * rewrites starting or ending at the same place differ by their depth. */
static int wrap(struct walk *w, CXCursor c, int depth)
{
	size_t s, e;
	int err;

	bl_rw_extent(w->rw, c, &s, &e);
	err = bl_edits_addf(&w->rw->edits, s, s, "__bl_kread(%*s", depth, "");
	return err ? err : bl_edits_addf(&w->rw->edits, e, e, "%*s)", depth, "");
}

/* ---- roles of operands ---- */

/* & x, ++x, --x, x++, x-- write (or take the address of) their operand. */
static enum role unary_role(const struct bl_rw *rw, CXCursor c)
{
	size_t s, e, p;

	if (bl_rw_extent(rw, c, &s, &e))
		return WRITTEN;	/* in a macro: leave it be */
	p = skip_space(rw, s);
	if ((rw->text[p] == '&' && !text_at(rw, p, "&&")) || text_at(rw, p, "++") ||
	    text_at(rw, p, "--"))
		return WRITTEN;
	p = skip_space_back(rw, e);
	if (p >= 2 && (text_at(rw, p - 2, "++") || text_at(rw, p - 2, "--")))
		return WRITTEN;
	return READ;
}

/* x = y writes x; other binary operators read both. */
static enum role binary_lhs_role(const struct bl_rw *rw, CXCursor c)
{
	CXCursor lhs = clang_getNullCursor();
	size_t s, e, p;

	clang_visitChildren(c, first_cb, &lhs);
	if (clang_Cursor_isNull(lhs) || bl_rw_extent(rw, lhs, &s, &e))
		return WRITTEN;
	p = skip_space(rw, e);
	return rw->text[p] == '=' && rw->text[p + 1] != '=' ? WRITTEN : READ;
}

/* sizeof, alignof, typeof... evaluate nothing. */
static int unevaluated(CXCursor c)
{
	return c.kind == CXCursor_UnaryExpr;
}

static void visit_node(struct walk *w, CXCursor c, enum role role, int depth)
{
	int wrapped = 0;

	if (w->err)
		return;
	if (role == READ && wants_read(w, c)) {
		w->err = wrap(w, c, depth);
		wrapped = 1;
	}
	if (role == UNEVALUATED || unevaluated(c))
		walk_children(w, c, UNEVALUATED, UNEVALUATED, depth);
	else if (c.kind == CXCursor_UnaryOperator)
		walk_children(w, c, unary_role(w->rw, c), READ, depth + wrapped);
	else if (c.kind == CXCursor_BinaryOperator)
		walk_children(w, c, binary_lhs_role(w->rw, c), READ, depth + wrapped);
	else if (c.kind == CXCursor_CompoundAssignOperator)
		walk_children(w, c, WRITTEN, READ, depth + wrapped);
	else if (c.kind == CXCursor_ParenExpr || c.kind == CXCursor_UnexposedExpr ||
		 (c.kind == CXCursor_MemberRefExpr && member_op(w->rw, c) == 0) ||
		 (c.kind == CXCursor_ArraySubscriptExpr && is_array(clang_getCursorType(base_of(c)))))
		/* The operand is the same memory: it keeps the role, unless
		 * this node was read whole. */
		walk_children(w, c, wrapped ? WRITTEN : role, READ, depth + wrapped);
	else
		walk_children(w, c, READ, READ, depth + wrapped);
}

static int visit(struct bl_rw *rw, CXCursor c)
{
	struct walk w = { rw, c, 0, 0, 0 };

	if (c.kind != CXCursor_FunctionDecl || !clang_isCursorDefinition(c))
		return 0;
	w.is_program = clang_Cursor_getStorageClass(c) != CX_SC_Static;
	walk_children(&w, c, READ, READ, 0);
	return w.err;
}

const struct bl_rw_visitor bl_rw_deref = {
	.name = "kernel pointer reads",
	.visit = visit,
};
