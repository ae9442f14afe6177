/* rw_deref.c - reads through kernel pointers become probe reads:
 * `task->real_parent->tgid` -> `__bl_kread(__bl_kread(task->real_parent)->tgid)`.
 *
 * In a kprobe a kernel pointer is a plain number to the verifier: loading
 * through it is refused, so BCC turns such reads into bpf_probe_read. Here
 * __bl_kread(lvalue) (bpflua/helpers.h) copies the lvalue with
 * bpf_probe_read_kernel(&v, sizeof(v), &lvalue): the address is computed,
 * never loaded from, at the offsets of the headers compiled against
 * (vmlinux.h's are this kernel's: runtime/btf/vmlinux_h.h), as in BCC.
 *
 * What is rewritten: a scalar, pointer or record lvalue, read (not assigned, not
 * incremented, not under & or sizeof), reached through `->`, `*` or `[i]`
 * on a kernel pointer, possibly followed by `.member` and array indexing
 * (task->thread.sp, task->comm[0], name->name[1], *k). Which values are
 * kernel pointers is BCC's rule (is_kptr): pointers to the kernel's records
 * (vmlinux.h's, or the real headers': bl_rw_is_kernel_decl) but ctx, a
 * program's parameters after ctx, a static function's parameters where a
 * call passes a kernel pointer, addresses cast from integers
 * (tracepoint fields, bpf_get_current_task()), pointers read from kernel
 * memory and arrays in it, and locals or helper-function results made of
 * these; a map value or the stack is the program's own memory. What is not
 * rewritten: ctx (pt_regs and tracepoint records are read directly), arrays
 * (their address is all a program uses), a record only a part of is read
 * (`p->rec.x` reads x), and anything written inside a macro but a member
 * name (`sk->sk_daddr`, member_op). A bit-field is read with libbpf's
 * BPF_CORE_READ_BITFIELD_PROBED. Wrapping a pointer that did not need it
 * (a map value of a kernel type) costs a helper call, nothing more.
 *
 * Trusted BTF pointers are not kernel pointers in that sense. Where the
 * kernel types the context with BTF (an iterator's struct bpf_iter__X *,
 * the arguments BPF_PROG unpacks for KFUNC_PROBE/KRETFUNC_PROBE/LSM_PROBE),
 * a pointer to a kernel struct taken from it, every pointer to a struct
 * loaded through one (ctx->meta->seq, task->real_parent), `&p->member` of
 * one, and what bpf_get_current_task_btf() and bpf_skc_to_*() return are
 * PTR_TO_BTF_ID to the verifier: it loads through them directly (fault-safe)
 * and helpers such as bpf_seq_printf or task_storage_get take nothing else,
 * so a probe read, which yields a plain number, would break them. Scalars
 * and pointers are read through them directly; a pointer to a non-struct
 * (char *, void *) loaded through one is a number to the verifier, a kernel
 * pointer as above; whole records and bit-fields are still copied with
 * probe reads (a compiler's copy need not load along BTF's members). A
 * local counts as trusted when every value it is given is (or is NULL).
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
	CXCursor *bvars;	/* locals holding trusted BTF pointers */
	int n_bvars, cap_bvars;
	int btf_args;		/* BPF_PROG's inner function: its arguments
				 * after ctx are trusted BTF pointers */
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

static CXCursor base_of(CXCursor c);
static CXCursor strip(CXCursor b);
static int is_pointer(CXType t);
static int is_array(CXType t);

/* Where the name that ends at e starts (e: no name there). */
static size_t name_before(const struct bl_rw *rw, size_t s, size_t e)
{
	while (e > s && (isalnum((unsigned char)rw->text[e - 1]) || rw->text[e - 1] == '_'))
		e--;
	return e;
}

/* Whether the member reference c, extent [s, e), is a base written in the
 * text (from s) followed by members a macro wrote. */
static int written_base(const struct bl_rw *rw, CXCursor c, size_t s, size_t e)
{
	size_t bs, be;

	for (c = strip(base_of(c)); !bl_rw_extent(rw, c, &bs, &be) && bs == s; c = strip(base_of(c))) {
		if (be > bs && be < e)
			return 1;
		if (c.kind != CXCursor_MemberRefExpr)
			break;
	}
	return 0;
}

/* A member reference as written: "<base> -> name" (arrow) or "<base>.name",
 * ending with the member's name. 1 for ->, 0 for ., -1 otherwise (inside a
 * macro). A member name a macro wrote after a base written in the text
 * (`sk->sk_daddr`, the kernel's alias of `sk->__sk_common.skc_daddr`) is
 * `->` on a pointer, `.` on a record: the whole expression is in the text. */
static int member_op(const struct bl_rw *rw, CXCursor c)
{
	CXString name = clang_getCursorSpelling(c);
	size_t n = strlen(clang_getCString(name)), s, e, op;
	int in_text = !bl_rw_extent(rw, c, &s, &e);
	int ok = in_text && e - s > n && !strncmp(rw->text + e - n, clang_getCString(name), n);
	int macro_name = in_text && !ok && name_before(rw, s, e) < e && written_base(rw, c, s, e);

	clang_disposeString(name);
	if (!ok && macro_name) {
		CXType t = clang_getCursorType(base_of(c));

		return is_pointer(t) || is_array(t) ? 1 : 0;
	}
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

/* Whether t points to a record the kernel's types declare (vmlinux.h's,
 * or the real headers'). */
static int points_to_kernel_record(const struct bl_rw *rw, CXType t)
{
	CXCursor decl;

	t = clang_getCanonicalType(t);
	if (t.kind != CXType_Pointer)
		return 0;
	decl = clang_getTypeDeclaration(clang_getCanonicalType(clang_getPointeeType(t)));
	if (decl.kind != CXCursor_StructDecl && decl.kind != CXCursor_UnionDecl)
		return 0;
	return bl_rw_is_kernel_decl(rw, decl);
}

/* The contexts the verifier rewrites (struct __sk_buff's fields are not
 * struct sk_buff's): a pointer to one is read directly wherever it is, a
 * static helper's parameter too, as BCC leaves them alone. */
static const char *const bpf_ctx_records[] = {
	"__sk_buff", "xdp_md", "bpf_sock_ops", "sk_msg_md", "sk_reuseport_md",
	"bpf_sock_addr", "bpf_sockopt", "bpf_sysctl", "bpf_sk_lookup",
	"bpf_perf_event_data", "bpf_cgroup_dev_ctx", "bpf_sock", "bpf_tcp_sock",
	"bpf_xdp_sock", "bpf_flow_keys", "bpf_raw_tracepoint_args", NULL,
};

static int points_to_bpf_ctx(CXType t)
{
	CXCursor decl = clang_getTypeDeclaration(
		clang_getCanonicalType(clang_getPointeeType(clang_getCanonicalType(t))));
	CXString s = clang_getCursorSpelling(decl);
	const char *name = clang_getCString(s);
	int i, hit = 0;

	for (i = 0; name && bpf_ctx_records[i] && !hit; i++)
		hit = !strcmp(name, bpf_ctx_records[i]);
	clang_disposeString(s);
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

/* `&x` (its operator token at the cursor's location). */
static int is_addrof(const struct bl_rw *rw, CXCursor c)
{
	long p = bl_rw_offset(rw, clang_getCursorLocation(c));

	return c.kind == CXCursor_UnaryOperator && p >= 0 && rw->text[p] == '&' &&
	       rw->text[p + 1] != '&';
}

static int is_record(CXType t)
{
	return clang_getCanonicalType(t).kind == CXType_Record;
}

static int is_pointer(CXType t)
{
	return clang_getCanonicalType(t).kind == CXType_Pointer;
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

/* A chain of thousands of casts or members would exhaust the stack: past
 * MAX_CHAIN links a value counts as the program's own. */
#define MAX_CHAIN 256

/* ---- trusted BTF pointers (see the top of the file) ---- */

static int is_var(const CXCursor *v, int n, CXCursor var)
{
	int i;

	for (i = 0; i < n; i++)
		if (clang_equalCursors(v[i], var))
			return 1;
	return 0;
}

static int name_starts(CXString name, const char *prefix)
{
	int hit = !strncmp(clang_getCString(name), prefix, strlen(prefix));

	clang_disposeString(name);
	return hit;
}

/* An iterator's context: a parameter of type struct bpf_iter__<target> *
 * (the kernel's, or a program's own copy of it, as BCC's examples write). */
static int is_iter_ctx(CXCursor base)
{
	CXType t;

	if (base.kind != CXCursor_DeclRefExpr ||
	    clang_getCursorReferenced(base).kind != CXCursor_ParmDecl)
		return 0;
	t = clang_getCanonicalType(clang_getCursorType(base));
	if (t.kind != CXType_Pointer)
		return 0;
	t = clang_getCanonicalType(clang_getPointeeType(t));
	return t.kind == CXType_Record &&
	       name_starts(clang_getCursorSpelling(clang_getTypeDeclaration(t)), "bpf_iter__");
}

/* BPF_PROG(name, args...) puts the body in `static ____name(ctx, args...)`:
 * for fentry/fexit and LSM (kfunc__X, kretfunc__X, lsm__X) the arguments
 * are the kernel's, typed by BTF. */
static int is_btf_prog_body(CXCursor fn)
{
	static const char *const bodies[] = { "____kfunc__", "____kretfunc__", "____lsm__", NULL };
	int i, hit = 0;

	for (i = 0; bodies[i] && !hit; i++)
		hit = name_starts(clang_getCursorSpelling(fn), bodies[i]);
	return hit;
}

/* Helpers the kernel declares returning a BTF-typed pointer. */
static int returns_btf(CXCursor call)
{
	return name_starts(clang_getCursorSpelling(call), "bpf_get_current_task_btf") ||
	       name_starts(clang_getCursorSpelling(call), "bpf_skc_to_") ||
	       name_starts(clang_getCursorSpelling(call), "bpf_sock_from_file");
}

static int is_btf_ptr(struct walk *w, CXCursor e);

/* The pointer c's memory is reached through: what `->`, `*` or `p[i]`
 * dereferences, past `.member` and array elements; a null cursor for
 * none (a local, a macro's text). */
static CXCursor deref_base(struct walk *w, CXCursor c)
{
	CXCursor base;
	int op;

	for (;;) {
		if (c.kind == CXCursor_ArraySubscriptExpr) {
			base = base_of(c);
			if (!is_array(clang_getCursorType(base)))
				return base;	/* p[i] */
			c = base;
			continue;
		}
		if (is_deref(w->rw, c))
			return base_of(c);
		if (c.kind != CXCursor_MemberRefExpr || (op = member_op(w->rw, c)) < 0)
			return clang_getNullCursor();
		base = base_of(c);
		if (op == 1)
			return base;
		c = base;
	}
}

/* Whether the memory c names is reached through a trusted pointer. An
 * iterator context's own members are the context, not BTF memory
 * (ctx->key). */
static int through_btf_pointer(struct walk *w, CXCursor c)
{
	CXCursor base = deref_base(w, c);

	return !clang_Cursor_isNull(base) && is_btf_ptr(w, base);
}

/* Whether e, a pointer to a kernel struct, is a trusted BTF pointer. */
static int is_btf_ptr_(struct walk *w, CXCursor e)
{
	CXCursor ref;

	switch (e.kind) {
	case CXCursor_DeclRefExpr:
		ref = clang_getCursorReferenced(e);
		if (ref.kind == CXCursor_ParmDecl && w->caller)
			return is_btf_ptr(w->caller, clang_Cursor_getArgument(
						  w->call, param_index(w->fn, ref)));
		if (ref.kind == CXCursor_ParmDecl)
			return w->btf_args && param_index(w->fn, ref) > 0;
		return ref.kind == CXCursor_VarDecl && is_var(w->bvars, w->n_bvars, ref);
	case CXCursor_MemberRefExpr:
		if (member_op(w->rw, e) == 1 && is_iter_ctx(base_of(e)))
			return 1;	/* ctx->task, ctx->meta */
		return through_btf_pointer(w, e);
	case CXCursor_UnaryOperator:	/* &p->member */
		return is_addrof(w->rw, e) && through_btf_pointer(w, base_of(e));
	case CXCursor_CallExpr:
		return returns_btf(e);
	default:
		return 0;	/* casts, p + n, c ? p : q: probe reads */
	}
}

static int is_btf_ptr(struct walk *w, CXCursor e)
{
	int r = 0;

	e = strip(e);
	if (clang_Cursor_isNull(e) || !points_to_kernel_record(w->rw, clang_getCursorType(e)))
		return 0;
	if (w->kdepth < MAX_CHAIN) {
		w->kdepth++;
		r = is_btf_ptr_(w, e);
		w->kdepth--;
	}
	return r;
}

/* Whether the pointer value e points to kernel memory, BCC's rule: a
 * pointer to a record of the kernel's types (but ctx), a probe argument, an
 * address cast from an integer (a tracepoint field), a pointer read from
 * kernel memory, or a local assigned one of these. Map values and the
 * stack are the program's own memory. */
static int is_kptr_(struct walk *w, CXCursor e);
static int returns_kptr(struct walk *w, CXCursor call);
static int passed_kptr(struct walk *w, int i);

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
		return !is_ctx(w, e) && !is_btf_ptr(w, e) &&
		       !points_to_bpf_ctx(clang_getCursorType(e));
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
		if (ref.kind == CXCursor_ParmDecl && !w->is_program)
			return passed_kptr(w, param_index(w->fn, ref));
		if (ref.kind == CXCursor_ParmDecl)
			return w->is_program && !is_ctx(w, e);
		return ref.kind == CXCursor_VarDecl && is_var(w->kvars, w->n_kvars, ref);
	case CXCursor_UnaryOperator:
		/* &x of kernel memory x (`*(&sk->rcv_tos - 1)` reads the byte
		 * before a member) */
		if (is_addrof(w->rw, e))
			return through_kernel_pointer(w, strip(base_of(e)));
		return through_kernel_pointer(w, e);
	case CXCursor_MemberRefExpr:
	case CXCursor_ArraySubscriptExpr:
		/* a pointer to a non-struct loaded through a BTF pointer is a
		 * number to the verifier (name->name, sk->sk_user_data) */
		return through_kernel_pointer(w, e) ||
		       (e.kind == CXCursor_MemberRefExpr && through_btf_pointer(w, e));
	default:
		return 0;
	}
}

/* The calls of a function of the program: is argument i of one of them a
 * kernel pointer? (BCC's rule: a static function's parameter is one where
 * a call passes one.) */
struct calls {
	struct walk *w;		/* walking the called function */
	CXCursor caller;	/* the function the call is in */
	int i, hit;
};

static enum CXChildVisitResult call_cb(CXCursor c, CXCursor parent, CXClientData data)
{
	struct calls *k = data;
	CXCursor fn = clang_getCursorReferenced(c);
	struct walk sub;

	if (c.kind != CXCursor_CallExpr || fn.kind != CXCursor_FunctionDecl ||
	    !clang_equalCursors(clang_getCanonicalCursor(fn), clang_getCanonicalCursor(k->w->fn)) ||
	    k->i >= clang_Cursor_getNumArguments(c))
		return CXChildVisit_Recurse;
	sub = (struct walk){ .rw = k->w->rw, .fn = k->caller, .kdepth = k->w->kdepth,
			     .is_program = clang_Cursor_getStorageClass(k->caller) != CX_SC_Static };
	k->hit = is_kptr(&sub, clang_Cursor_getArgument(c, k->i));
	return k->hit ? CXChildVisit_Break : CXChildVisit_Recurse;
}

static enum CXChildVisitResult fn_cb(CXCursor c, CXCursor parent, CXClientData data)
{
	struct calls *k = data;

	if (c.kind != CXCursor_FunctionDecl || !clang_isCursorDefinition(c) ||
	    bl_rw_offset(k->w->rw, clang_getCursorLocation(c)) < 0)
		return CXChildVisit_Continue;
	k->caller = c;
	clang_visitChildren(c, call_cb, k);
	return k->hit ? CXChildVisit_Break : CXChildVisit_Continue;
}

static int passed_kptr(struct walk *w, int i)
{
	struct calls k = { .w = w, .i = i };

	if (i < 0 || w->kdepth >= MAX_CHAIN)
		return 0;
	clang_visitChildren(clang_getTranslationUnitCursor(w->rw->tu), fn_cb, &k);
	return k.hit;
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
	CXCursor base = deref_base(w, c);

	return !clang_Cursor_isNull(base) && is_kptr(w, base);
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
	return through_kernel_pointer(w, c) ||
	       (is_record(clang_getCursorType(c)) && through_btf_pointer(w, c));
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
 * which reads the bytes around it and shifts, CO-RE relocated; with the
 * real headers, which have no CO-RE, __bl_kbitfield (bpflua/kheaders.h). */
static int wrap_bitfield(struct walk *w, CXCursor c)
{
	CXCursor base = base_of(c);
	CXString name;
	size_t s, e, bs, be;
	int op = member_op(w->rw, c), err;
	const char *read = w->rw->vmlinux_h ? "BPF_CORE_READ_BITFIELD_PROBED(" : "__bl_kbitfield(";

	if (op < 0 || bl_rw_extent(w->rw, c, &s, &e) || bl_rw_extent(w->rw, base, &bs, &be) ||
	    bs != s || be > e)
		return 0;
	if (op == 1 ? !is_kptr(w, base) && !is_btf_ptr(w, base) :
		      !through_kernel_pointer(w, base) && !through_btf_pointer(w, base))
		return 0;
	name = clang_getCursorSpelling(c);
	err = bl_edits_addf(&w->rw->edits, s, s, "%s%s", read, op == 1 ? "" : "&");
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

/* The pointer local that declaration or assignment c gives a value, and
 * the value; a null cursor when c gives none. */
static CXCursor assigned(struct walk *w, CXCursor c, CXCursor *val)
{
	CXCursor var = clang_getNullCursor();

	*val = clang_getNullCursor();
	if (c.kind == CXCursor_VarDecl && is_pointer(clang_getCursorType(c))) {
		var = c;
		clang_visitChildren(c, last_cb, val);
	} else if (c.kind == CXCursor_BinaryOperator &&
		   binary_lhs_role(w->rw, c) == WRITTEN) {
		CXCursor lhs = base_of(c);

		if (lhs.kind == CXCursor_DeclRefExpr)
			var = clang_getCursorReferenced(lhs);
		clang_visitChildren(c, last_cb, val);
	}
	if (clang_Cursor_isNull(var) || var.kind != CXCursor_VarDecl ||
	    clang_Cursor_isNull(*val) || !clang_isExpression(val->kind))
		return clang_getNullCursor();
	return var;
}

/* A local initialized or assigned a kernel pointer holds one after. */
static void track(struct walk *w, CXCursor c)
{
	CXCursor val, var = assigned(w, c, &val);

	if (clang_Cursor_isNull(var) || is_var(w->kvars, w->n_kvars, var) || !is_kptr(w, val))
		return;
	w->err = grow((void **)&w->kvars, &w->cap_kvars, w->n_kvars, sizeof(*w->kvars));
	if (!w->err)
		w->kvars[w->n_kvars++] = var;
}

/* 0, NULL, (void *)0. */
static int is_null(CXCursor e)
{
	CXCursor inner = clang_getNullCursor();

	e = strip(e);
	if (e.kind == CXCursor_CStyleCastExpr) {
		clang_visitChildren(e, last_cb, &inner);
		e = strip(inner);
	}
	return e.kind == CXCursor_IntegerLiteral;
}

/* Whether c disqualifies a trusted local: gives it a value that is not
 * trusted, or takes its address (a helper may write a number there). */
static int untrusts(struct walk *w, CXCursor c, CXCursor *var)
{
	CXCursor val, b;

	*var = assigned(w, c, &val);
	if (!clang_Cursor_isNull(*var))
		return !is_null(val) && !is_btf_ptr(w, val);
	if (!is_addrof(w->rw, c) || (b = base_of(c)).kind != CXCursor_DeclRefExpr)
		return 0;
	*var = clang_getCursorReferenced(b);
	return 1;
}

/* The trusted locals: pointers to kernel structs given a trusted value,
 * and only trusted values or NULL; the largest such set, found by dropping
 * the locals something disqualifies until nothing does. */
static int find_bvars(struct walk *w)
{
	CXCursor var, val;
	int i, j, changed = 1;

	for (i = 0; i < w->n; i++) {
		var = assigned(w, w->v[i].c, &val);
		if (clang_Cursor_isNull(var) || is_null(val) ||
		    !points_to_kernel_record(w->rw, clang_getCursorType(var)) ||
		    is_var(w->bvars, w->n_bvars, var))
			continue;
		if (grow((void **)&w->bvars, &w->cap_bvars, w->n_bvars, sizeof(*w->bvars)))
			return -ENOMEM;
		w->bvars[w->n_bvars++] = var;
	}
	while (changed) {
		changed = 0;
		for (i = 0; i < w->n; i++) {
			if (!untrusts(w, w->v[i].c, &var))
				continue;
			for (j = 0; j < w->n_bvars; j++)
				if (clang_equalCursors(w->bvars[j], var)) {
					w->bvars[j] = w->bvars[--w->n_bvars];
					changed = 1;
					break;
				}
		}
	}
	return 0;
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
	w.btf_args = !w.is_program && is_btf_prog_body(c);
	clang_visitChildren(c, collect_cb, &w);
	for (i = 0; i < w.n; i++)
		if (w.v[i].parent >= 0)
			w.v[w.v[i].parent].last_child = i;
	if (!w.err)
		w.err = find_bvars(&w);
	for (i = 0; i < w.n && !w.err; i++)
		visit_node(&w, &w.v[i]);
	free(w.v);
	free(w.stack);
	free(w.kvars);
	free(w.bvars);
	return w.err;
}

const struct bl_rw_visitor bl_rw_deref = {
	.name = "kernel pointer reads",
	.visit = visit,
};
