/* rewrite.c - see rewrite.h */
#include "rewrite.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "kbuild.h"
#include "prepass.h"
#include "user_tags.h"

/* The dialect, one visitor per feature. */
static const struct bl_rw_visitor *const visitors[] = {
	&bl_rw_maps,
	&bl_rw_progs,
	&bl_rw_args,
	&bl_rw_deref,
	&bl_rw_license,
	&bl_rw_printk,
	&bl_rw_packet,
	&bl_rw_ktypes,
};

#define N_VISITORS (int)(sizeof(visitors) / sizeof(visitors[0]))

long bl_rw_offset(const struct bl_rw *rw, CXSourceLocation loc)
{
	unsigned off;
	CXFile f;

	clang_getFileLocation(loc, &f, NULL, NULL, &off);
	if (!f || f != rw->main || off > rw->len)
		return -1;
	return off;
}

int bl_rw_extent(const struct bl_rw *rw, CXCursor c, size_t *start, size_t *end)
{
	CXSourceRange r = clang_getCursorExtent(c);
	long s = bl_rw_offset(rw, clang_getRangeStart(r));
	long t = bl_rw_offset(rw, clang_getRangeEnd(r));

	if (s < 0 || t < s)
		return -1;
	*start = s;
	*end = t;
	return 0;
}

int bl_rw_is_kernel_decl(const struct bl_rw *rw, CXCursor decl)
{
	CXString fname;
	const char *name, *slash;
	CXFile f;
	int hit;

	clang_getFileLocation(clang_getCursorLocation(decl), &f, NULL, NULL, NULL);
	if (!f)
		return 0;
	fname = clang_getFileName(f);
	name = clang_getCString(fname);
	slash = strrchr(name, '/');
	hit = rw->vmlinux_h ? !strcmp(slash ? slash + 1 : name, rw->vmlinux_h)
			    : bl_kbuild_is_kernel_file(rw->opts, name);
	clang_disposeString(fname);
	return hit;
}

struct walk {
	struct bl_rw *rw;
	int err;
};

static enum CXChildVisitResult walk_cb(CXCursor c, CXCursor parent, CXClientData data)
{
	struct walk *w = data;
	int i;

	for (i = 0; i < N_VISITORS && !w->err; i++)
		w->err = visitors[i]->visit(w->rw, c);
	return w->err ? CXChildVisit_Break : CXChildVisit_Recurse;
}

/* Where a declaration was written or, when a macro wrote it, where the
 * macro was used. */
static int in_user_file(const struct bl_rw *rw, CXCursor c)
{
	CXFile f;

	clang_getExpansionLocation(clang_getCursorLocation(c), &f, NULL, NULL, NULL);
	return f && f == rw->main;
}

/* Top-level declarations from the prelude are skipped whole: only the
 * user's file is rewritten. The headers included after the PCH (kernel
 * shims, tracepoint records, the user's own) count for the kernel
 * records in use. */
static enum CXChildVisitResult top_cb(CXCursor c, CXCursor parent, CXClientData data)
{
	struct walk *w = data;

	if (!in_user_file(w->rw, c)) {
		if (w->rw->ktypes && !bl_ktypes_in_file(w->rw->ktypes, c))
			w->err = bl_ktypes_visit_tree(w->rw->ktypes, c);
		return w->err ? CXChildVisit_Break : CXChildVisit_Continue;
	}
	walk_cb(c, parent, data);
	if (!w->err)
		clang_visitChildren(c, walk_cb, data);
	return w->err ? CXChildVisit_Break : CXChildVisit_Continue;
}

static int run_visitors(struct bl_rw *rw, struct bl_err *e)
{
	struct walk w = { rw, 0 };
	int i;

	clang_visitChildren(clang_getTranslationUnitCursor(rw->tu), top_cb, &w);
	for (i = 0; i < N_VISITORS && !w.err; i++)
		if (visitors[i]->finish)
			w.err = visitors[i]->finish(rw);
	if (w.err)
		return bl_errf(e, w.err, "rewriter: %s", strerror(-w.err));
	return 0;
}

static int parse(const struct bl_cc_env *env, const char *text, CXIndex idx,
		 CXTranslationUnit *tu, struct bl_err *e)
{
	struct CXUnsavedFile *uf;
	enum CXErrorCode rc;
	int i;

	uf = calloc(env->n_files + 1, sizeof(*uf));
	if (!uf)
		return bl_errf(e, ENOMEM, "out of memory");
	uf[0] = (struct CXUnsavedFile){ BL_CC_MAIN, text, strlen(text) };
	for (i = 0; i < env->n_files; i++)
		uf[i + 1] = (struct CXUnsavedFile){ env->files[i].path, env->files[i].data,
						   env->files[i].size };
	rc = clang_parseTranslationUnit2(idx, BL_CC_MAIN, env->args, env->n_args, uf,
					 env->n_files + 1, CXTranslationUnit_None, tu);
	free(uf);
	/* libclang says so when a PCH failed to load: the caller rebuilds it. */
	if (rc == CXError_ASTReadError && env->pch_in_use)
		return bl_errf(e, ESTALE, "compile failed: the precompiled prelude did not load");
	if (rc != CXError_Success)
		return bl_errf(e, EINVAL, "compile failed: libclang could not parse the program (error %d)",
			       (int)rc);
	return 0;
}

/* Fails with the first error; otherwise hands the warnings over. */
static int report(struct bl_rw *rw, const struct bl_compile_opts *o, char **warnings,
		  struct bl_err *e)
{
	const char *name = o->filename ? o->filename : "<text>";
	struct bl_diags d;
	int err;

	if (bl_diags_collect(rw->tu, rw->main, o->text, name, &d))
		return bl_errf(e, ENOMEM, "out of memory");
	if (!d.n_errors) {
		*warnings = d.warnings;
		return 0;
	}
	err = bl_errf(e, EINVAL, "compile failed: %s", d.first_error);
	bl_err_set_log(e, d.errors);
	d.errors = NULL;
	bl_diags_free(&d);
	return err;
}

int bl_rewrite(const struct bl_cc_env *env, const struct bl_compile_opts *o,
	       char **out, char **warnings, struct bl_ktypes *kt, struct bl_err *e)
{
	struct bl_rw rw = { 0 };
	char *text;
	CXIndex idx;
	int err;

	*out = *warnings = NULL;
	text = strdup(o->text);
	if (!text)
		return bl_errf(e, ENOMEM, "out of memory");
	bl_prepass(text, env->kheaders);
	bl_user_tags_rename(text, env->user_tags);
	rw.text = text;
	rw.len = strlen(text);
	rw.opts = o;
	if (!env->kheaders)
		rw.vmlinux_h = strrchr(o->vmlinux_h, '/') ? strrchr(o->vmlinux_h, '/') + 1
							  : o->vmlinux_h;
	/* Declarations that come from the PCH are not walked: they are not
	 * the user's, and there are tens of thousands of them. */
	idx = clang_createIndex(env->pch_in_use, 0);
	err = parse(env, text, idx, &rw.tu, e);
	if (err)
		goto out;
	rw.main = clang_getFile(rw.tu, BL_CC_MAIN);
	/* Only with the PCH: without it, vmlinux.h's own declarations are
	 * walked too, and the prelude is not pruned anyway. */
	if (kt && env->pch_in_use && (kt->file = clang_getFile(rw.tu, o->vmlinux_h)))
		rw.ktypes = kt;
	err = report(&rw, o, warnings, e);
	if (!err)
		err = run_visitors(&rw, e);
	if (!err)
		err = bl_edits_apply(&rw.edits, rw.text, rw.len, out, e);
	if (err) {
		free(*warnings);
		*warnings = NULL;
	}
	clang_disposeTranslationUnit(rw.tu);
out:
	clang_disposeIndex(idx);
	bl_edits_free(&rw.edits);
	free(text);
	return err;
}
