/* skel.c - see skel.h */
#include "skel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>

#include "../fdio.h"
#include "ktypes.h"
#include "pch.h"

/* What a pruned prelude is made by: a new way of pruning gets new files. */
#define SKEL_VERSION "1"

/* <stem>.<key>.pch -> <stem>.<key>.skel<version>.h and .pch */
static int paths(const char *pch, char *header, char *skel_pch, size_t len)
{
	size_t n = strlen(pch);

	if (n < 4 || strcmp(pch + n - 4, ".pch"))
		return -EINVAL;
	n -= 4;
	if ((size_t)snprintf(header, len, "%.*s.skel" SKEL_VERSION ".h", (int)n, pch) >= len ||
	    (size_t)snprintf(skel_pch, len, "%.*s.skel" SKEL_VERSION ".pch", (int)n, pch) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* env's prelude text, including the pruned header where it has vmlinux.h
 * (found by -isystem, as vmlinux.h is: both are in the same directory). */
static char *prelude_for(const struct bl_cc_env *env, const char *header)
{
	const char *vml = base_name(env->types_h), *at = strstr(env->prelude, vml);
	char *out;

	if (!at || asprintf(&out, "%.*s%s%s", (int)(at - env->prelude), env->prelude,
			    base_name(header), at + strlen(vml)) < 0)
		return NULL;
	return out;
}

/* s->env: env with s->prelude, precompiled as s->pch; and `types`, when
 * not NULL, included right after it (before the headers that may use the
 * kernel's types). */
static int make_env(const struct bl_cc_env *env, const char *types, struct bl_skel_env *s)
{
	struct bl_cc_env *v = &s->env;
	int i, n = 0, base = env->n_base_args;

	*v = *env;
	v->files = calloc(env->n_files + 1, sizeof(*v->files));
	v->args = calloc(env->n_args + 3, sizeof(*v->args));
	if (!v->files || !v->args)
		return -ENOMEM;
	memcpy(v->files, env->files, env->n_files * sizeof(*v->files));
	v->files[env->n_prelude_files - 1].data = s->prelude;
	v->files[env->n_prelude_files - 1].size = strlen(s->prelude);
	v->args[n++] = "-include-pch";
	v->args[n++] = s->pch;
	for (i = BL_CC_PRELUDE_ARGS; i < base; i++)
		v->args[n++] = env->args[i];
	if (types) {
		v->files[v->n_files++] = (struct bl_cc_file){ BL_CC_KTYPES_HEADER, types,
							      strlen(types) };
		v->args[n++] = "-include";
		v->args[n++] = BL_CC_KTYPES_HEADER;
	}
	for (i = base; i < env->n_args; i++)
		v->args[n++] = env->args[i];
	v->n_args = n;
	v->types_h = s->header;
	return 0;
}

int bl_skel_env(const struct bl_cc_env *env, const char *pch, const char *types,
		struct bl_skel_env *s)
{
	memset(s, 0, sizeof(*s));
	if (paths(pch, s->header, s->pch, sizeof(s->pch)) || access(s->pch, R_OK))
		return -ENOENT;
	s->prelude = prelude_for(env, s->header);
	if (!s->prelude)
		return -ENOMEM;
	return make_env(env, types, s);
}

void bl_skel_env_free(struct bl_skel_env *s)
{
	free(s->env.files);
	free(s->env.args);
	free(s->prelude);
	memset(s, 0, sizeof(*s));
}

/* ---- building it ---- */

struct scan {
	struct bl_ktypes kept;	/* what typedefs and the prelude's code need */
	struct bl_krec *defs;	/* every named record definition in vmlinux.h */
	size_t n, cap;
	const char *text;
	size_t len;
	int nomem;
};

static void add_def(struct scan *s, CXCursor c)
{
	CXSourceRange r = clang_getCursorExtent(c);
	struct bl_krec d;
	char name[256];

	clang_getFileLocation(clang_getRangeStart(r), NULL, NULL, NULL, &d.start);
	clang_getFileLocation(clang_getRangeEnd(r), NULL, NULL, NULL, &d.end);
	if (d.start >= s->len || bl_ktypes_name(s->text, &d, name, sizeof(name)))
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		struct bl_krec *v = realloc(s->defs, cap * sizeof(*v));

		if (!v) {
			s->nomem = 1;
			return;
		}
		s->defs = v;
		s->cap = cap;
	}
	s->defs[s->n++] = d;
}

/* A typedef needs complete what its own body holds, or its array's
 * element; a name for another record needs nothing. */
static void typedef_needs(struct scan *s, CXCursor c)
{
	CXType t = clang_getCanonicalType(clang_getTypedefDeclUnderlyingType(c));

	if (t.kind == CXType_Record && bl_ktypes_is_named(clang_getTypeDeclaration(t)))
		return;
	bl_ktypes_need(&s->kept, t);
}

static enum CXChildVisitResult top_cb(CXCursor c, CXCursor parent, CXClientData data)
{
	struct scan *s = data;

	if (!bl_ktypes_in_file(&s->kept, c))
		s->nomem |= bl_ktypes_visit_tree(&s->kept, c) != 0;
	else if (c.kind == CXCursor_TypedefDecl)
		typedef_needs(s, c);
	else if ((c.kind == CXCursor_StructDecl || c.kind == CXCursor_UnionDecl) &&
		   clang_isCursorDefinition(c))
		add_def(s, c);
	return s->nomem ? CXChildVisit_Break : CXChildVisit_Continue;
}

/* The prelude through the full PCH, every declaration walked. */
static int scan(const struct bl_cc_env *env, const char *vmlinux_h, struct scan *s)
{
	struct CXUnsavedFile *uf = calloc(env->n_prelude_files + 1, sizeof(*uf));
	CXIndex idx = clang_createIndex(0, 0);
	CXTranslationUnit tu = NULL;
	int i, err = -ENOMEM;

	if (!uf)
		goto out;
	uf[0] = (struct CXUnsavedFile){ BL_CC_MAIN, "", 0 };
	for (i = 0; i < env->n_prelude_files; i++)
		uf[i + 1] = (struct CXUnsavedFile){ env->files[i].path, env->files[i].data,
						   env->files[i].size };
	err = -EINVAL;
	if (clang_parseTranslationUnit2(idx, BL_CC_MAIN, env->args, env->n_base_args, uf,
					env->n_prelude_files + 1, CXTranslationUnit_None, &tu) ||
	    !(s->kept.file = clang_getFile(tu, vmlinux_h)))
		goto out;
	clang_visitChildren(clang_getTranslationUnitCursor(tu), top_cb, s);
	err = s->nomem || s->kept.nomem ? -ENOMEM : 0;
out:
	if (tu)
		clang_disposeTranslationUnit(tu);
	clang_disposeIndex(idx);
	free(uf);
	return err;
}

/* vmlinux.h with each record outside s->kept only declared, and a guard
 * macro after each record it keeps. */
static void write_pruned(struct scan *s, FILE *f)
{
	const char *t = s->text;
	size_t pos = 0, i;
	char name[256];

	if (s->kept.n)
		qsort(s->kept.v, s->kept.n, sizeof(*s->kept.v), bl_krec_cmp);
	for (i = 0; i < s->n; i++) {
		const struct bl_krec *d = &s->defs[i];
		unsigned end = bl_ktypes_semicolon(t, s->len, d->end);
		size_t kw = strcspn(t + d->start, " \t\n");

		if (!end || d->start < pos || bl_ktypes_name(t, d, name, sizeof(name)))
			continue;
		fwrite(t + pos, 1, d->start - pos, f);
		if (s->kept.n && bsearch(d, s->kept.v, s->kept.n, sizeof(*d), bl_krec_cmp))
			fprintf(f, "%.*s\n#define " BL_KTYPES_GUARD "%s\n", (int)(end - d->start),
				t + d->start, name);
		else
			fprintf(f, "%.*s %s;", (int)kw, t + d->start, name);
		pos = end;
	}
	fwrite(t + pos, 1, s->len - pos, f);
}

static int write_header(struct scan *s, const char *path)
{
	char tmp[4096];
	FILE *f;
	int fd = bl_tmp_create(path, tmp, sizeof(tmp)), err = 0;

	if (fd < 0)
		return fd;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return bl_tmp_commit(tmp, path, -errno);
	}
	write_pruned(s, f);
	if (fflush(f) || ferror(f))
		err = -EIO;
	fclose(f);
	return bl_tmp_commit(tmp, path, err);
}

/* One builder at a time: the workers of compiles started meanwhile leave
 * it to the first. The lock goes with its holder, however that ends. */
static int lock_build(const char *skel_pch)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s.lock", skel_pch);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

void bl_skel_build(const struct bl_cc_env *env, const char *pch, const char *vmlinux_h)
{
	struct bl_skel_env se = { 0 };
	struct scan s = { 0 };
	char *text = NULL;
	size_t len;
	int lock;

	if (paths(pch, se.header, se.pch, sizeof(se.pch)) || !access(se.pch, R_OK) ||
	    (lock = lock_build(se.pch)) < 0)
		return;
	/* Another builder may have finished between the check and the lock. */
	if (!access(se.pch, R_OK) || bl_read_file(vmlinux_h, &text, &len)) {
		close(lock);
		return;
	}
	s.text = text;
	s.len = len;
	if (!scan(env, vmlinux_h, &s) && !write_header(&s, se.header) &&
	    (se.prelude = prelude_for(env, se.header)) && !make_env(env, NULL, &se))
		bl_pch_build(&se.env, se.pch);
	bl_skel_env_free(&se);
	bl_ktypes_free(&s.kept);
	free(s.defs);
	free(text);
	close(lock);
}
