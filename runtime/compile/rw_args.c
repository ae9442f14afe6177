/* rw_args.c - probe arguments: `int f(struct pt_regs *ctx, struct file *file,
 * size_t n) {` -> `int f(struct pt_regs *ctx) { struct file *file =
 * (__typeof__(file))PT_REGS_PARM1(ctx); size_t n = ...;`
 *
 * A program gets only ctx from the kernel; BCC reads the other parameters
 * from the traced function's arguments. The parameters after ctx leave the
 * signature and become locals at the top of the body, on the line of its
 * `{`, so no line moves. The reads are bpflua/regs.h's flavor-aware
 * macros: for functions named syscall__X (or kprobe____x64_sys_X) they are
 * the syscall's own arguments, through the syscall wrapper's pt_regs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rewrite.h"

#define MAX_ARGS 6

static const char *const syscall_prefixes[] = {
	"syscall__", "kprobe____x64_sys_", "kprobe____arm64_sys_", NULL,
};

static int is_syscall_probe(CXCursor fn)
{
	CXString name = clang_getCursorSpelling(fn);
	const char *s = clang_getCString(name);
	int i, hit = 0;

	for (i = 0; syscall_prefixes[i] && !hit; i++)
		hit = !strncmp(s, syscall_prefixes[i], strlen(syscall_prefixes[i]));
	clang_disposeString(name);
	return hit;
}

static enum CXChildVisitResult find_body(CXCursor c, CXCursor parent, CXClientData data)
{
	if (c.kind != CXCursor_CompoundStmt)
		return CXChildVisit_Continue;
	*(CXCursor *)data = c;
	return CXChildVisit_Break;
}

/* One local: the parameter's own text (newlines made spaces, so the body's
 * first line stays one line), initialized from argument n. */
static void put_local(FILE *f, const struct bl_rw *rw, size_t s, size_t e, const char *ctx,
		      const char *name, int n, int syscall)
{
	size_t i;

	fputc(' ', f);
	for (i = s; i < e; i++)
		fputc(rw->text[i] == '\n' ? ' ' : rw->text[i], f);
	if (n > MAX_ARGS)
		fprintf(f, " = __bl_probe_has_more_than_6_arguments;");
	else
		fprintf(f, " = (__typeof__(%s))%s%d(%s);", name,
			syscall ? "__bl_syscall_arg" : "PT_REGS_PARM", n, ctx);
}

/* The declarations that go after the body's `{`; NULL when a parameter's
 * text is not the user's (written by a macro): then nothing changes. */
static char *locals(const struct bl_rw *rw, CXCursor fn, int nargs, const char *ctx)
{
	int syscall = is_syscall_probe(fn), i;
	size_t size = 0, s, e;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	for (i = 1; i < nargs; i++) {
		CXCursor p = clang_Cursor_getArgument(fn, i);
		CXString name = clang_getCursorSpelling(p);
		int ok = !bl_rw_extent(rw, p, &s, &e) && *clang_getCString(name);

		if (ok)
			put_local(f, rw, s, e, ctx, clang_getCString(name), i, syscall);
		clang_disposeString(name);
		if (!ok) {
			fclose(f);
			free(buf);
			return NULL;
		}
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int rewrite_params(struct bl_rw *rw, CXCursor fn, int nargs)
{
	CXCursor body = clang_getNullCursor(), first = clang_Cursor_getArgument(fn, 0);
	CXCursor last = clang_Cursor_getArgument(fn, nargs - 1);
	size_t fs, fe, ls, le, bs, be;
	CXString ctx = clang_getCursorSpelling(first);
	char *decls = NULL;
	int err = 0;

	clang_visitChildren(fn, find_body, &body);
	if (!clang_Cursor_isNull(body) && *clang_getCString(ctx) &&
	    !bl_rw_extent(rw, first, &fs, &fe) && !bl_rw_extent(rw, last, &ls, &le) &&
	    !bl_rw_extent(rw, body, &bs, &be) && rw->text[bs] == '{' && fe < le && le <= bs)
		decls = locals(rw, fn, nargs, clang_getCString(ctx));
	if (decls) {
		err = bl_edits_add(&rw->edits, fe, le, "");
		if (!err)
			err = bl_edits_add(&rw->edits, bs + 1, bs + 1, decls);
	}
	free(decls);
	clang_disposeString(ctx);
	return err;
}

/* Programs (non-static definitions) with parameters after ctx. */
static int visit(struct bl_rw *rw, CXCursor c)
{
	int nargs;

	if (c.kind != CXCursor_FunctionDecl || !clang_isCursorDefinition(c) ||
	    clang_Cursor_getStorageClass(c) == CX_SC_Static)
		return 0;
	nargs = clang_Cursor_getNumArguments(c);
	return nargs > 1 ? rewrite_params(rw, c, nargs) : 0;
}

const struct bl_rw_visitor bl_rw_args = {
	.name = "probe arguments",
	.visit = visit,
};
