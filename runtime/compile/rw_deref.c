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
 * What is rewritten: a scalar, pointer or record lvalue, read (not assigned, not
 * incremented, not under & or sizeof), reached through `->`, `*` or `[i]`
 * on a kernel pointer, possibly followed by `.member` and array indexing
 * (task->thread.sp, task->comm[0], name->name[1], *k). Which values are
 * kernel pointers is BCC's rule (is_kptr): pointers to vmlinux.h's records
 * but ctx, a program's parameters after ctx, addresses cast from integers
 * (tracepoint fields, bpf_get_current_task()), pointers read from kernel
 * memory and arrays in it, and locals or helper-function results made of
 * these; a map value or the stack is the program's own memory. What is not
 * rewritten: ctx (pt_regs and tracepoint records are read directly), arrays
 * (their address is all a program uses), a record only a part of is read
 * (`p->rec.x` reads x), and anything written inside a macro. A bit-field is read with libbpf's
 * BPF_CORE_READ_BITFIELD_PROBED. Wrapping a pointer that did not need it
 * (a map value of a kernel type) costs a helper call, nothing more.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rewrite.h"

/* The walk is over an array, not the stack: a program may nest
 * expressions thousands deep (1+1+...+1), and each level of a recursive
 * walk costs a few frames. */
/* What a parent lets a child be; INTO: a record that `.member` reads a part
 * of, not the whole. */
enum role { READ, WRITTEN, UNEVALUATED, INTO };

struct node {
	CXCursor c;
	int parent;		/* index, -1 for the function */
	int n_children;
	enum role role;
	enum role first, rest;	/* roles of its first child and the others */
	int depth;		/* enclosing rewrites, to tell their edits apart */
	int child_depth;
	int last_child;		/* index of its last child */
};

struct walk {
	struct bl_rw *rw;
	CXCursor fn;		/* the function being walked */
	int is_program;		/* its first parameter is ctx */
	struct node *v;
	int n, cap;
	int *stack;		/* open ancestors while collecting */
	int top, stack_cap;
	CXCursor *kvars;	/* locals holding kernel pointers */
	int n_kvars, cap_kvars;
	int kdepth;		/* is_kptr's recursion, bounded */
	struct walk *caller;	/* walking a called function: the call's walk */
	CXCursor call;		/* ...and the call, whose arguments the
				 * parameters are */
	int err;
};

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

/* A value a read can copy: a scalar, a pointer or a whole record (`qs =
 * dentry->d_name`, as BCC's tools copy a struct qstr); not an array, whose
 * address is all a program uses. */
static int is_value(CXType t)
{
	t = clang_getCanonicalType(t);
	switch (t.kind) {
	case CXType_ConstantArray: case CXType_IncompleteArray:
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

/* ---- which values are kernel pointers ---- */

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

/* A member of an anonymous struct or union (skb->protocol in a
 * struct_group): clang reaches it through implicit member references that
 * name no field. */
static int is_anonymous_member(CXCursor c)
{
	CXString name;
	int anon;

	if (c.kind != CXCursor_MemberRefExpr)
		return 0;
	name = clang_getCursorSpelling(c);
	anon = !*clang_getCString(name);
	clang_disposeString(name);
	return anon;
}

/* Looking through implicit casts, parentheses and anonymous members. */
static CXCursor strip(CXCursor b)
{
	while (!clang_Cursor_isNull(b) &&
	       (b.kind == CXCursor_UnexposedExpr || b.kind == CXCursor_ParenExpr ||
		is_anonymous_member(b))) {
		CXCursor inner = clang_getNullCursor();

		clang_visitChildren(b, first_cb, &inner);
		if (clang_Cursor_isNull(inner))
			break;
		b = inner;
	}
	return b;
}

/* The first child (the operand, the base). */
static CXCursor base_of(CXCursor c)
{
	CXCursor b = clang_getNullCursor();

	clang_visitChildren(c, first_cb, &b);
	return strip(b);
}

/* The ctx parameter of the program being walked. */
static int is_ctx(struct walk *w, CXCursor base)
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

/* `*p` (not a multiplication, which is a BinaryOperator). */
static int is_deref(const struct bl_rw *rw, CXCursor c)
{
	size_t s, e;

	return c.kind == CXCursor_UnaryOperator && !bl_rw_extent(rw, c, &s, &e) &&
	       rw->text[skip_space(rw, s)] == '*';
}

static int is_pointer(CXType t)
{
	return clang_getCanonicalType(t).kind == CXType_Pointer;
}

static int is_kvar(struct walk *w, CXCursor var)
{
	int i;

	for (i = 0; i < w->n_kvars; i++)
		if (clang_equalCursors(w->kvars[i], var))
			return 1;
	return 0;
}

static int param_index(CXCursor fn, CXCursor parm)
{
	int i, n = clang_Cursor_getNumArguments(fn);

	for (i = 0; i < n; i++)
		if (clang_equalCursors(clang_Cursor_getArgument(fn, i), parm))
			return i;
	return -1;
}

static int through_kernel_pointer(struct walk *w, CXCursor c);

/* Whether the pointer value e points to kernel memory, BCC's rule: a
 * pointer to a record of the kernel's types (but ctx), a probe argument, an
 * address cast from an integer (a tracepoint field), a pointer read from
 * kernel memory, or a local assigned one of these. Map values and the
 * stack are the program's own memory. */
static int is_kptr_(struct walk *w, CXCursor e);
static int returns_kptr(struct walk *w, CXCursor call);

/* A chain of thousands of casts or members would exhaust the stack: past
 * MAX_CHAIN links a value counts as the program's own. */
#define MAX_CHAIN 256

static int is_kptr(struct walk *w, CXCursor e)
{
	int r = 0;

	if (w->kdepth < MAX_CHAIN) {
		w->kdepth++;
		r = is_kptr_(w, e);
		w->kdepth--;
	}
	return r;
}

static int is_kptr_(struct walk *w, CXCursor e)
{
	CXCursor ref, inner;

	e = strip(e);
	if (clang_Cursor_isNull(e))
		return 0;
	/* An array in kernel memory decays to a kernel pointer (char *s =
	 * task->comm). */
	if (is_array(clang_getCursorType(e)))
		return (e.kind == CXCursor_MemberRefExpr || e.kind == CXCursor_ArraySubscriptExpr) &&
		       through_kernel_pointer(w, e);
	if (!is_pointer(clang_getCursorType(e)))
		return 0;
	if (points_to_kernel_record(w->rw, clang_getCursorType(e)))
		return !is_ctx(w, e);
	switch (e.kind) {
	case CXCursor_BinaryOperator:	/* p + n, n + p, p - n */
	case CXCursor_CompoundAssignOperator:
		inner = base_of(e);
		if (!is_pointer(clang_getCursorType(inner)) && !is_array(clang_getCursorType(inner)))
			clang_visitChildren(e, last_cb, &inner);
		return is_kptr(w, inner);
	case CXCursor_ConditionalOperator:	/* c ? p : q */
		inner = clang_getNullCursor();
		clang_visitChildren(e, last_cb, &inner);
		return is_kptr(w, inner);
	case CXCursor_CallExpr:
		return returns_kptr(w, e);
	case CXCursor_CStyleCastExpr:
		inner = clang_getNullCursor();
		clang_visitChildren(e, last_cb, &inner);
		inner = strip(inner);
		if (clang_Cursor_isNull(inner))
			return 0;
		if (!is_pointer(clang_getCursorType(inner)))
			return inner.kind != CXCursor_IntegerLiteral;
		return is_kptr(w, inner);
	case CXCursor_DeclRefExpr:
		ref = clang_getCursorReferenced(e);
		if (ref.kind == CXCursor_ParmDecl && w->caller)
			return is_kptr(w->caller, clang_Cursor_getArgument(
					       w->call, param_index(w->fn, ref)));
		if (ref.kind == CXCursor_ParmDecl)
			return w->is_program && !is_ctx(w, e);
		return ref.kind == CXCursor_VarDecl && is_kvar(w, ref);
	case CXCursor_MemberRefExpr:
	case CXCursor_ArraySubscriptExpr:
	case CXCursor_UnaryOperator:
		return through_kernel_pointer(w, e);
	default:
		return 0;
	}
}

struct returns {
	struct walk *w;		/* walking the called function */
	int hit;
};

static enum CXChildVisitResult return_cb(CXCursor c, CXCursor parent, CXClientData data)
{
	struct returns *r = data;
	CXCursor val = clang_getNullCursor();

	if (c.kind != CXCursor_ReturnStmt)
		return CXChildVisit_Recurse;
	clang_visitChildren(c, first_cb, &val);
	r->hit = !clang_Cursor_isNull(val) && is_kptr(r->w, val);
	return r->hit ? CXChildVisit_Break : CXChildVisit_Continue;
}

/* A function of the program (a static inline helper) returning a kernel
 * pointer: one of its return statements does, its parameters being the
 * call's arguments. */
static int returns_kptr(struct walk *w, CXCursor call)
{
	CXCursor fn = clang_getCursorReferenced(call);
	struct walk sub = { .rw = w->rw, .kdepth = w->kdepth, .caller = w, .call = call };
	struct returns r = { &sub, 0 };

	if (fn.kind != CXCursor_FunctionDecl)
		return 0;
	fn = clang_getCursorDefinition(fn);
	if (clang_Cursor_isNull(fn) || bl_rw_offset(w->rw, clang_getCursorLocation(fn)) < 0)
		return 0;
	sub.fn = fn;
	clang_visitChildren(fn, return_cb, &r);
	return r.hit;
}

/* Whether the memory c names is kernel memory: `->` or `*` on a kernel
 * pointer, or an element of one, or a `.member` / array element of such
 * memory. */
static int through_kernel_pointer(struct walk *w, CXCursor c)
{
	CXCursor base;
	int op;

	for (;;) {
		if (c.kind == CXCursor_ArraySubscriptExpr) {
			base = base_of(c);
			if (!is_array(clang_getCursorType(base)))
				return is_kptr(w, base);	/* p[i] */
			c = base;
			continue;
		}
		if (is_deref(w->rw, c))
			return is_kptr(w, base_of(c));
		if (c.kind != CXCursor_MemberRefExpr || (op = member_op(w->rw, c)) < 0)
			return 0;
		base = base_of(c);
		if (op == 1)
			return is_kptr(w, base);
		c = base;
	}
}

static int wants_read(struct walk *w, CXCursor c)
{
	size_t s, e;

	if (c.kind != CXCursor_MemberRefExpr && c.kind != CXCursor_ArraySubscriptExpr &&
	    !is_deref(w->rw, c))
		return 0;
	if (!is_value(clang_getCursorType(c)) || is_anonymous_member(c) ||
	    bl_rw_extent(w->rw, c, &s, &e))
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

/* A bit-field has no address: `p->bf` (or `x.bf` of kernel memory x)
 * becomes libbpf's BPF_CORE_READ_BITFIELD_PROBED(p, bf) (or (&x, bf)),
 * which reads the bytes around it and shifts, CO-RE relocated. */
static int wrap_bitfield(struct walk *w, CXCursor c)
{
	CXCursor base = base_of(c);
	CXString name;
	size_t s, e, bs, be;
	int op = member_op(w->rw, c), err;

	if (op < 0 || bl_rw_extent(w->rw, c, &s, &e) || bl_rw_extent(w->rw, base, &bs, &be) ||
	    bs != s || be > e)
		return 0;
	if (op == 1 ? !is_kptr(w, base) : !through_kernel_pointer(w, base))
		return 0;
	name = clang_getCursorSpelling(c);
	err = bl_edits_add(&w->rw->edits, s, s,
			   op == 1 ? "BPF_CORE_READ_BITFIELD_PROBED(" : "BPF_CORE_READ_BITFIELD_PROBED(&");
	if (!err)
		err = bl_edits_addf(&w->rw->edits, be, e, ", %s)", clang_getCString(name));
	clang_disposeString(name);
	return err;
}

/* ---- roles of operands ---- */

/* & x, ++x, --x, x++, x-- write (or take the address of) their operand;
 * -x, !x, *x... read it. The operator is read at the cursor's location (its
 * operator token): an operator a macro's body wrote (`&P` in `#define _(P)
 * ... &P`) is not in the text there, and what it does is not known. */
static enum role unary_role(const struct bl_rw *rw, CXCursor c)
{
	long p = bl_rw_offset(rw, clang_getCursorLocation(c));

	if (p < 0)
		return WRITTEN;	/* in a macro: leave it be */
	if ((rw->text[p] == '&' && !text_at(rw, p, "&&")) || text_at(rw, p, "++") ||
	    text_at(rw, p, "--"))
		return WRITTEN;
	return strchr("*-+!~", rw->text[p]) ? READ : WRITTEN;
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

/* ---- the walk ---- */

static int grow(void **v, int *cap, int n, size_t size)
{
	void *nv;

	if (n < *cap)
		return 0;
	nv = realloc(*v, (*cap ? *cap * 2 : 256) * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = *cap ? *cap * 2 : 256;
	return 0;
}

/* Every cursor of the function, in order, each after its parent. */
static enum CXChildVisitResult collect_cb(CXCursor c, CXCursor parent, CXClientData data)
{
	struct walk *w = data;
	struct node *n;

	while (w->top > 0 && !clang_equalCursors(w->v[w->stack[w->top - 1]].c, parent))
		w->top--;
	w->err = grow((void **)&w->v, &w->cap, w->n, sizeof(*w->v));
	if (!w->err)
		w->err = grow((void **)&w->stack, &w->stack_cap, w->top, sizeof(*w->stack));
	if (w->err)
		return CXChildVisit_Break;
	n = &w->v[w->n];
	*n = (struct node){ .c = c, .parent = w->top ? w->stack[w->top - 1] : -1 };
	w->stack[w->top++] = w->n++;
	return CXChildVisit_Recurse;
}

/* A local initialized or assigned a kernel pointer holds one after. */
static void track(struct walk *w, CXCursor c)
{
	CXCursor var = clang_getNullCursor(), val = clang_getNullCursor();

	if (c.kind == CXCursor_VarDecl && is_pointer(clang_getCursorType(c))) {
		var = c;
		clang_visitChildren(c, last_cb, &val);
	} else if (c.kind == CXCursor_BinaryOperator &&
		   binary_lhs_role(w->rw, c) == WRITTEN) {
		CXCursor lhs = base_of(c);

		if (lhs.kind == CXCursor_DeclRefExpr)
			var = clang_getCursorReferenced(lhs);
		clang_visitChildren(c, last_cb, &val);
	}
	if (clang_Cursor_isNull(var) || var.kind != CXCursor_VarDecl ||
	    clang_Cursor_isNull(val) || !clang_isExpression(val.kind) || is_kvar(w, var) ||
	    !is_kptr(w, val))
		return;
	w->err = grow((void **)&w->kvars, &w->cap_kvars, w->n_kvars, sizeof(*w->kvars));
	if (!w->err)
		w->kvars[w->n_kvars++] = var;
}

/* An expression in a declaration before its initializer is in the
 * declared type (`typeof(P) val = 0;`), and is not evaluated: a macro
 * argument P used there and under & elsewhere in the macro is one text. */
static int in_declared_type(const struct walk *w, const struct node *p, const struct node *n)
{
	return clang_isDeclaration(p->c.kind) && p->c.kind != CXCursor_FunctionDecl &&
	       clang_isExpression(n->c.kind) && &w->v[p->last_child] != n;
}

/* Its role and depth from its parent, then whether it is read through a
 * kernel pointer, then the roles it gives its children. */
static void visit_node(struct walk *w, struct node *n)
{
	struct node *p = n->parent >= 0 ? &w->v[n->parent] : NULL;
	CXCursor c = n->c;
	int wrapped = 0;

	n->role = !p ? READ : p->n_children++ ? p->rest : p->first;
	if (p && in_declared_type(w, p, n))
		n->role = UNEVALUATED;
	n->depth = p ? p->child_depth : 0;
	track(w, c);
	if (!w->err && n->role == READ && wants_read(w, c)) {
		w->err = wrap(w, c, n->depth);
		wrapped = 1;
	} else if (!w->err && n->role == READ && c.kind == CXCursor_MemberRefExpr &&
		   is_bitfield(c)) {
		w->err = wrap_bitfield(w, c);
	}
	n->first = n->rest = READ;
	if (n->role == UNEVALUATED || unevaluated(c))
		n->first = n->rest = UNEVALUATED;
	else if (c.kind == CXCursor_UnaryOperator)
		n->first = unary_role(w->rw, c);
	else if (c.kind == CXCursor_BinaryOperator)
		n->first = binary_lhs_role(w->rw, c);
	else if (c.kind == CXCursor_CompoundAssignOperator)
		n->first = WRITTEN;
	else if (c.kind == CXCursor_MemberRefExpr && member_op(w->rw, c) == 0)
		n->first = wrapped ? WRITTEN : n->role == READ ? INTO : n->role;
	else if (c.kind == CXCursor_ParenExpr || c.kind == CXCursor_UnexposedExpr ||
		 is_anonymous_member(c) ||
		 (c.kind == CXCursor_ArraySubscriptExpr && is_array(clang_getCursorType(base_of(c)))))
		/* The operand is the same memory: it keeps the role, unless
		 * this node was read whole. */
		n->first = wrapped ? WRITTEN : n->role;
	n->child_depth = n->depth + wrapped;
}

static int visit(struct bl_rw *rw, CXCursor c)
{
	struct walk w = { .rw = rw, .fn = c };
	int i;

	if (c.kind != CXCursor_FunctionDecl || !clang_isCursorDefinition(c))
		return 0;
	w.is_program = clang_Cursor_getStorageClass(c) != CX_SC_Static;
	clang_visitChildren(c, collect_cb, &w);
	for (i = 0; i < w.n; i++)
		if (w.v[i].parent >= 0)
			w.v[w.v[i].parent].last_child = i;
	for (i = 0; i < w.n && !w.err; i++)
		visit_node(&w, &w.v[i]);
	free(w.v);
	free(w.stack);
	free(w.kvars);
	return w.err;
}

const struct bl_rw_visitor bl_rw_deref = {
	.name = "kernel pointer reads",
	.visit = visit,
};
