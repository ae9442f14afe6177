/* rw_printk.c - bpf_trace_printk formats the kernel would reject are
 * compile errors at their line and column.
 *
 * bpf-headers/bpflua/printk.h formats in user space (runtime/printk.c), so
 * the kernel never sees the format: without this check a bad one would only
 * drop its lines. The rules are the kernel's (runtime/printk_check.c). A
 * rejected literal is replaced by a statement expression whose failing
 * _Static_assert stands at the offending byte's column, so clang's error
 * names the place and the reason. Formats that are not one plain literal
 * (concatenations, macros) are checked when a record is formatted.
 *
 * It also defines the hidden buffer __bl_printk (declared by printk.h)
 * after the last line of a program whose code refers to it, i.e. calls
 * bpf_trace_printk in the private mode: other objects get no buffer. With
 * the perf buffer (printk.h, BPFLUA_PRINTK_PERF), each function that prints
 * gets a local __bl_pk_ctx, its first parameter, for bpf_perf_event_output.
 */
#include <stdio.h>
#include <string.h>

#include "../printk.h"
#include "rewrite.h"

#define MAX_SEEN 256

/* The macro expands its format several times: check each literal once. */
static size_t seen[MAX_SEEN];
static int n_seen;
static int uses_buffer;

/* Functions with a body in the user's text, and where __bl_pk_ctx is used. */
struct fn_body {
	size_t brace, end;
	char param[64];
};
static struct fn_body fns[MAX_SEEN];
static int n_fns;
static size_t ctx_uses[MAX_SEEN];
static int n_ctx_uses;

static enum CXChildVisitResult find_body(CXCursor c, CXCursor parent, CXClientData data)
{
	if (c.kind != CXCursor_CompoundStmt)
		return CXChildVisit_Continue;
	*(CXCursor *)data = c;
	return CXChildVisit_Break;
}

static void note_function(struct bl_rw *rw, CXCursor c)
{
	CXCursor body = clang_getNullCursor();
	CXString name;
	size_t start, end;

	if (n_fns >= MAX_SEEN || !clang_isCursorDefinition(c) || clang_Cursor_getNumArguments(c) < 1)
		return;
	clang_visitChildren(c, find_body, &body);
	if (clang_Cursor_isNull(body) || bl_rw_extent(rw, body, &start, &end) ||
	    rw->text[start] != '{')
		return;
	name = clang_getCursorSpelling(clang_Cursor_getArgument(c, 0));
	snprintf(fns[n_fns].param, sizeof(fns[0].param), "%s", clang_getCString(name));
	clang_disposeString(name);
	if (!fns[n_fns].param[0])
		return;
	fns[n_fns].brace = start;
	fns[n_fns++].end = end;
}

static void note_ref(struct bl_rw *rw, CXCursor c)
{
	CXString name = clang_getCursorSpelling(c);
	const char *s = clang_getCString(name);
	long off;

	if (!strcmp(s, "__bl_printk")) {
		uses_buffer = 1;
	} else if (!strcmp(s, "__bl_pk_ctx") && n_ctx_uses < MAX_SEEN) {
		off = bl_rw_offset(rw, clang_getCursorLocation(c));
		if (off >= 0)
			ctx_uses[n_ctx_uses++] = off;
	}
	clang_disposeString(name);
}

/* A local __bl_pk_ctx after the brace of each function that prints. */
static int give_ctx(struct bl_rw *rw)
{
	int i, k, err = 0;

	for (i = 0; i < n_fns && !err; i++)
		for (k = 0; k < n_ctx_uses; k++)
			if (ctx_uses[k] > fns[i].brace && ctx_uses[k] < fns[i].end) {
				err = bl_edits_addf(&rw->edits, fns[i].brace + 1, fns[i].brace + 1,
						    " void *__bl_pk_ctx __attribute__((unused)) = "
						    "(void *)(%s);", fns[i].param);
				break;
			}
	return err;
}

static int was_seen(size_t off)
{
	int i;

	for (i = 0; i < n_seen; i++)
		if (seen[i] == off)
			return 1;
	if (n_seen < MAX_SEEN)
		seen[n_seen++] = off;
	return 0;
}

static size_t back_space(const struct bl_rw *rw, size_t i)
{
	while (i > 0 && strchr(" \t\n", rw->text[i - 1]))
		i--;
	return i;
}

/* Whether the literal at off is bpf_trace_printk's first argument. */
static int is_printk_format(const struct bl_rw *rw, size_t off)
{
	static const char name[] = "bpf_trace_printk";
	size_t i = back_space(rw, off), n = sizeof(name) - 1;

	if (i == 0 || rw->text[i - 1] != '(')
		return 0;
	i = back_space(rw, i - 1);
	return i >= n && !strncmp(rw->text + i - n, name, n) &&
	       (i == n || !strchr("_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
				  rw->text[i - n - 1]));
}

/* Decodes the literal at rw->text[off] into fmt, raw[k] = the text offset
 * of fmt[k]; *end = past the closing quote. -1 for escapes other than the
 * simple ones (left to the run-time check). */
static int decode(const struct bl_rw *rw, size_t off, char *fmt, size_t *raw, size_t *end)
{
	static const char from[] = "ntr\\\"'", to[] = "\n\t\r\\\"'";
	size_t i = off + 1, k = 0;
	const char *e;

	while (i < rw->len && rw->text[i] != '"' && k < BL_PRINTK_FMT - 1) {
		raw[k] = i;
		if (rw->text[i] == '\\') {
			e = strchr(from, rw->text[i + 1]);
			if (!e || !rw->text[i + 1])
				return -1;
			fmt[k++] = to[e - from];
			i += 2;
			continue;
		}
		fmt[k++] = rw->text[i++];
	}
	if (i >= rw->len || rw->text[i] != '"')
		return -1;
	fmt[k] = '\0';
	raw[k] = i;
	*end = i + 1;
	return 0;
}

/* Arguments after the format: top-level commas up to the closing paren;
 * -1 when the call's text is not plain (a literal follows: concatenation). */
static int count_args(const struct bl_rw *rw, size_t i)
{
	int depth = 0, n = 0;
	char q = 0;

	for (; i < rw->len; i++) {
		char c = rw->text[i];

		if (q) {
			if (c == '\\')
				i++;
			else if (c == q)
				q = 0;
		} else if (c == '"' || c == '\'') {
			if (depth == 0 && n == 0)
				return -1;
			q = c;
		} else if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (depth-- == 0)
				return n;
		} else if (c == ',' && depth == 0) {
			n++;
		}
	}
	return -1;
}

static int reject(struct bl_rw *rw, size_t off, size_t end, size_t bad, const char *why)
{
	size_t pad = bad > off + 2 ? bad - off - 2 : 0;

	return bl_edits_addf(&rw->edits, off, end,
			     "({%*s_Static_assert(0, \"bpf_trace_printk: %s\"); \"\"; })",
			     (int)pad, "", why);
}

static int visit(struct bl_rw *rw, CXCursor c)
{
	char fmt[BL_PRINTK_FMT];
	size_t raw[BL_PRINTK_FMT], end;
	const char *why;
	long off;
	int nargs, at;

	if (c.kind == CXCursor_DeclRefExpr)
		note_ref(rw, c);
	if (c.kind == CXCursor_FunctionDecl)
		note_function(rw, c);
	if (c.kind != CXCursor_StringLiteral)
		return 0;
	off = bl_rw_offset(rw, clang_getCursorLocation(c));
	if (off < 0 || (size_t)off >= rw->len || rw->text[off] != '"' || was_seen(off))
		return 0;
	if (!is_printk_format(rw, off) || decode(rw, off, fmt, raw, &end))
		return 0;
	nargs = count_args(rw, end);
	if (nargs < 0)
		return 0;
	if (nargs > BL_PRINTK_ARGS)
		return reject(rw, off, end, raw[0], "more than 12 arguments");
	if (bl_printk_check(fmt, nargs, &at, &why) == 0)
		return 0;
	return reject(rw, off, end, raw[at], why);
}

/* The buffer's definition is appended after the last line: no line moves
 * (the printk.h text is the one declaration the uses already saw). */
static int finish(struct bl_rw *rw)
{
	int used = uses_buffer, err = give_ctx(rw);

	n_seen = n_fns = n_ctx_uses = 0;
	uses_buffer = 0;
	if (!used || err)
		return err;
	return bl_edits_add(&rw->edits, rw->len, rw->len,
			    rw->len && rw->text[rw->len - 1] != '\n' ?
			    "\n" BL_PRINTK_DEFINE "\n" : BL_PRINTK_DEFINE "\n");
}

const struct bl_rw_visitor bl_rw_printk = {
	.name = "bpf_trace_printk formats",
	.visit = visit,
	.finish = finish,
};
