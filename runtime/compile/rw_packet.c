/* rw_packet.c - packet header fields become packet loads and stores:
 * `ip->ttl` -> `bpf_dext_pkt(skb, (u64)ip+8, 0, 8)` and
 * `ip->dst = x` -> `bpf_dins_pkt(skb, (u64)ip+16, 0, 32, x)`.
 *
 * BCC's packet dialect (bcc/proto.h, bpflua/packet.h): a header pointer
 * holds a packet offset made with cursor_advance, not an address, so its
 * fields are read with the LD_ABS/LD_IND loads of the program's first
 * parameter (the skb) at the field's byte, bit offset and width in the
 * record's layout. What is rewritten, as in BCC: `v->field` where v is a
 * variable or parameter pointing to a record marked BPF_PACKET_HEADER, and
 * the field is a scalar; read, assigned (`=`, and `op=` as a load, the
 * operation and a store), or incremented (a store: it has no value).
 * incr_cksum_l3/l4(...) calls get the skb as first argument.
 * Not rewritten: `&v->field` and sizeof (no load), an array field, and
 * anything written inside a macro's body (its text is not the program's:
 * the compile fails there, saying so).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "rewrite.h"

struct pkt_walk {
	struct bl_rw *rw;
	const char *ctx;	/* the function's first parameter */
	int err;
};

/* A field of a packet record, where it is in the packet. */
struct pkt_field {
	size_t s, e;		/* the member expression `v->field` */
	char base[128];		/* v */
	long long byte, bit, bits;
};

static enum CXChildVisitResult first_cb(CXCursor c, CXCursor parent, CXClientData data)
{
	*(CXCursor *)data = c;
	return CXChildVisit_Break;
}

static enum CXChildVisitResult last_cb(CXCursor c, CXCursor parent, CXClientData data)
{
	*(CXCursor *)data = c;
	return CXChildVisit_Continue;
}

static enum CXChildVisitResult annotate_cb(CXCursor c, CXCursor parent, CXClientData data)
{
	CXString s;

	if (c.kind != CXCursor_AnnotateAttr)
		return CXChildVisit_Continue;
	s = clang_getCursorSpelling(c);
	*(int *)data |= !strcmp(clang_getCString(s), "bpflua_packet");
	clang_disposeString(s);
	return CXChildVisit_Continue;
}

/* BPF_PACKET_HEADER: bpflua's annotation, or BCC's own spelling of it,
 * deprecated("packet"), in a program's own record. */
static int is_packet_record(CXCursor rec)
{
	CXString msg;
	int deprecated = 0, hit = 0;

	clang_visitChildren(rec, annotate_cb, &hit);
	if (hit)
		return 1;
	clang_getCursorPlatformAvailability(rec, &deprecated, &msg, NULL, NULL, NULL, 0);
	hit = deprecated && !strcmp(clang_getCString(msg), "packet");
	clang_disposeString(msg);
	return hit;
}

static size_t skip_space(const struct bl_rw *rw, size_t pos)
{
	while (pos < rw->len && isspace((unsigned char)rw->text[pos]))
		pos++;
	return pos;
}

/* The variable a member expression's base names, looking through
 * implicit casts and parentheses; a null cursor otherwise. */
static CXCursor base_var(CXCursor member)
{
	CXCursor b = clang_getNullCursor();

	clang_visitChildren(member, first_cb, &b);
	while (!clang_Cursor_isNull(b) &&
	       (b.kind == CXCursor_UnexposedExpr || b.kind == CXCursor_ParenExpr)) {
		CXCursor inner = clang_getNullCursor();

		clang_visitChildren(b, first_cb, &inner);
		b = inner;
	}
	if (clang_Cursor_isNull(b) || b.kind != CXCursor_DeclRefExpr)
		return clang_getNullCursor();
	b = clang_getCursorReferenced(b);
	return b.kind == CXCursor_VarDecl || b.kind == CXCursor_ParmDecl ? b : clang_getNullCursor();
}

enum { NOT_PACKET, PACKET, IN_MACRO };

/* Whether c is `v->field` of a packet record as written in the program
 * (PACKET, *f filled), or written in a macro's body (IN_MACRO, f->s where
 * the macro is used). */
static int packet_field(const struct bl_rw *rw, CXCursor c, struct pkt_field *f)
{
	CXCursor var, field, rec;
	CXType t;
	CXString name;
	size_t n, arrow;
	int ok;

	if (c.kind != CXCursor_MemberRefExpr)
		return 0;
	var = base_var(c);
	field = clang_getCursorReferenced(c);
	if (clang_Cursor_isNull(var) || field.kind != CXCursor_FieldDecl)
		return 0;
	t = clang_getCanonicalType(clang_getCursorType(var));
	if (t.kind != CXType_Pointer)
		return 0;
	rec = clang_getTypeDeclaration(clang_getCanonicalType(clang_getPointeeType(t)));
	if (rec.kind != CXCursor_StructDecl || !is_packet_record(rec))
		return 0;
	t = clang_getCanonicalType(clang_getCursorType(field));
	if (t.kind == CXType_Record || t.kind == CXType_ConstantArray)
		return 0;
	if (bl_rw_extent(rw, c, &f->s, &f->e))
		return 0;
	/* The text must be `<base> -> field`: not a macro's body. */
	name = clang_getCursorSpelling(c);
	n = strlen(clang_getCString(name));
	ok = f->e - f->s > n + 2 && !strncmp(rw->text + f->e - n, clang_getCString(name), n);
	clang_disposeString(name);
	if (!ok)
		return IN_MACRO;
	arrow = f->e - n;
	while (arrow > f->s && isspace((unsigned char)rw->text[arrow - 1]))
		arrow--;
	if (arrow < f->s + 3 || strncmp(rw->text + arrow - 2, "->", 2))
		return 0;
	arrow -= 2;
	if (arrow - f->s >= sizeof(f->base))
		return 0;
	snprintf(f->base, sizeof(f->base), "%.*s", (int)(arrow - f->s), rw->text + f->s);
	f->bit = clang_Cursor_getOffsetOfField(field);
	f->bits = clang_Cursor_isBitField(field) ? clang_getFieldDeclBitWidth(field)
						  : clang_Type_getSizeOf(t) * 8;
	if (f->bit < 0 || f->bits <= 0 || f->bits > 64)
		return 0;
	f->byte = f->bit / 8;
	f->bit %= 8;
	return PACKET;
}

/* The load of f, as an expression. */
static int dext(const struct pkt_walk *w, const struct pkt_field *f, char *buf, size_t size)
{
	return snprintf(buf, size, "bpf_dext_pkt(%s, (u64)(%s)+%lld, %lld, %lld)", w->ctx, f->base,
			f->byte, f->bit, f->bits) >= (int)size ? -1 : 0;
}

/* The assignment operator right after the member at pos ("=", "+=", ...,
 * length in *n), or NULL. */
static const char *assign_op(const struct bl_rw *rw, size_t pos, size_t *n)
{
	static const char *const ops[] = { "<<=", ">>=", "+=", "-=", "*=", "/=", "%=",
					   "&=", "|=", "^=", "=" };
	size_t i;

	pos = skip_space(rw, pos);
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		*n = strlen(ops[i]);
		if (pos + *n < rw->len && !strncmp(rw->text + pos, ops[i], *n) &&
		    !(*n == 1 && rw->text[pos + 1] == '='))
			return ops[i];
	}
	return NULL;
}

/* `v->f op= rhs`: the prefix up to rhs becomes the store's call, its
 * operand the load, the operation and the right-hand side. */
static int store(struct pkt_walk *w, const struct pkt_field *f, CXCursor assign, const char *op,
		 size_t oplen)
{
	CXCursor rhs = clang_getNullCursor();
	size_t rs, re, as, ae;
	char load[512];
	int err;

	clang_visitChildren(assign, last_cb, &rhs);
	if (clang_Cursor_isNull(rhs) || bl_rw_extent(w->rw, rhs, &rs, &re) ||
	    bl_rw_extent(w->rw, assign, &as, &ae) || dext(w, f, load, sizeof(load)))
		return 0;
	err = bl_edits_addf(&w->rw->edits, f->s, rs,
			    "bpf_dins_pkt(%s, (u64)(%s)+%lld, %lld, %lld, %s%.*s%s(", w->ctx, f->base,
			    f->byte, f->bit, f->bits, oplen > 1 ? load : "", (int)oplen - 1, op,
			    oplen > 1 ? " " : "");
	return err ? err : bl_edits_add(&w->rw->edits, ae, ae, "))");
}

/* `v->f++`, `--v->f`: a store of the load plus or minus one. */
static int incdec(struct pkt_walk *w, const struct pkt_field *f, CXCursor unary)
{
	size_t us, ue, op;
	char load[512];
	int err;

	if (bl_rw_extent(w->rw, unary, &us, &ue) || dext(w, f, load, sizeof(load)))
		return 0;
	op = us < f->s ? skip_space(w->rw, us) : skip_space(w->rw, f->e);
	err = bl_edits_addf(&w->rw->edits, f->s, f->e, "bpf_dins_pkt(%s, (u64)(%s)+%lld, %lld, %lld, %s %c 1)",
			    w->ctx, f->base, f->byte, f->bit, f->bits, load, w->rw->text[op]);
	return err ? err : bl_edits_add(&w->rw->edits, op, op + 2, "");
}

static int is_incdec(const struct bl_rw *rw, CXCursor unary, const struct pkt_field *f)
{
	size_t us, ue, p;

	if (unary.kind != CXCursor_UnaryOperator || bl_rw_extent(rw, unary, &us, &ue))
		return 0;
	p = us < f->s ? skip_space(rw, us) : skip_space(rw, f->e);
	return p + 2 <= rw->len &&
	       (!strncmp(rw->text + p, "++", 2) || !strncmp(rw->text + p, "--", 2));
}

/* Its text is the macro's, which cannot be rewritten for one use: code
 * generation fails where the macro is used, saying why. */
static int in_macro(struct pkt_walk *w, CXCursor c)
{
	CXSourceLocation loc = clang_getRangeStart(clang_getCursorExtent(c));
	unsigned off;
	CXFile f;

	clang_getExpansionLocation(loc, &f, NULL, NULL, &off);
	if (!f || f != w->rw->main || off > w->rw->len)
		return 0;
	return bl_edits_add(&w->rw->edits, off, off,
			    "({ _Static_assert(0, \"bcc/proto.h: a packet header field in a macro's "
			    "body is not rewritten into a packet load; read it outside the macro\"); 0; })+");
}

static int rewrite_field(struct pkt_walk *w, CXCursor c, CXCursor parent)
{
	struct pkt_field f;
	const char *op;
	char load[512];
	size_t n;

	switch (packet_field(w->rw, c, &f)) {
	case NOT_PACKET:
		return 0;
	case IN_MACRO:
		return in_macro(w, c);
	}
	if (parent.kind == CXCursor_BinaryOperator || parent.kind == CXCursor_CompoundAssignOperator) {
		size_t ps, pe;

		/* The left operand starts where the operator's extent does. */
		if (!bl_rw_extent(w->rw, parent, &ps, &pe) && ps == f.s &&
		    (op = assign_op(w->rw, f.e, &n)))
			return store(w, &f, parent, op, n);
	}
	if (parent.kind == CXCursor_UnaryOperator && is_incdec(w->rw, parent, &f))
		return incdec(w, &f, parent);
	/* &: no load. */
	if (parent.kind == CXCursor_UnaryOperator)
		return 0;
	if (dext(w, &f, load, sizeof(load)))
		return 0;
	return bl_edits_add(&w->rw->edits, f.s, f.e, load);
}

/* `incr_cksum_l3(` -> `__bl_incr_cksum_l3(skb, `: the macro needs the skb. */
static int cksum_call(struct pkt_walk *w, CXCursor c)
{
	CXCursor fn = clang_getCursorReferenced(c);
	CXString name;
	size_t s, e, n, paren;
	int err = 0;

	if (fn.kind != CXCursor_FunctionDecl || bl_rw_extent(w->rw, c, &s, &e))
		return 0;
	name = clang_getCursorSpelling(fn);
	n = strlen(clang_getCString(name));
	paren = skip_space(w->rw, s + n);
	if ((!strcmp(clang_getCString(name), "incr_cksum_l3") ||
	     !strcmp(clang_getCString(name), "incr_cksum_l4")) &&
	    !strncmp(w->rw->text + s, clang_getCString(name), n) && paren < e &&
	    w->rw->text[paren] == '(')
		err = bl_edits_addf(&w->rw->edits, s, paren + 1, "__bl_%s(%s, ",
				    clang_getCString(name), w->ctx);
	clang_disposeString(name);
	return err;
}

static enum CXChildVisitResult walk_cb(CXCursor c, CXCursor parent, CXClientData data)
{
	struct pkt_walk *w = data;

	if (c.kind == CXCursor_UnaryExpr)	/* sizeof, alignof: no load */
		return CXChildVisit_Continue;
	w->err = c.kind == CXCursor_CallExpr ? cksum_call(w, c) : rewrite_field(w, c, parent);
	return w->err ? CXChildVisit_Break : CXChildVisit_Recurse;
}

static int visit(struct bl_rw *rw, CXCursor c)
{
	struct pkt_walk w = { .rw = rw };
	CXString ctx;

	if (c.kind != CXCursor_FunctionDecl || !clang_isCursorDefinition(c) ||
	    clang_Cursor_getNumArguments(c) < 1)
		return 0;
	ctx = clang_getCursorSpelling(clang_Cursor_getArgument(c, 0));
	w.ctx = clang_getCString(ctx);
	if (*w.ctx)
		clang_visitChildren(c, walk_cb, &w);
	clang_disposeString(ctx);
	return w.err;
}

const struct bl_rw_visitor bl_rw_packet = {
	.name = "packet header fields",
	.visit = visit,
};
