/* ktypes.c - see ktypes.h */
#include "ktypes.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bl_ktypes_in_file(const struct bl_ktypes *k, CXCursor c)
{
	CXFile f;

	clang_getFileLocation(clang_getCursorLocation(c), &f, NULL, NULL, NULL);
	return f && f == k->file;
}

/* 1 when added, 0 when already there (or out of memory). */
static int add(struct bl_ktypes *k, unsigned start, unsigned end)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (k->v[i].start == start)
			return 0;
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 64;
		struct bl_krec *v = realloc(k->v, cap * sizeof(*v));

		if (!v) {
			k->nomem = 1;
			return 0;
		}
		k->v = v;
		k->cap = cap;
	}
	k->v[k->n++] = (struct bl_krec){ start, end };
	return 1;
}

int bl_ktypes_is_named(CXCursor d)
{
	CXString s = clang_getCursorSpelling(d);
	const char *name = clang_getCString(s);
	int named = name && *name && !strchr(name, ' ');

	clang_disposeString(s);
	return named;
}

static enum CXVisitorResult field_cb(CXCursor field, CXClientData data)
{
	bl_ktypes_need(data, clang_getCursorType(field));
	return CXVisit_Continue;
}

void bl_ktypes_need(struct bl_ktypes *k, CXType t)
{
	CXSourceRange r;
	unsigned start, end;
	CXCursor d;

	t = clang_getCanonicalType(t);
	while (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray ||
	       t.kind == CXType_VariableArray)
		t = clang_getCanonicalType(clang_getArrayElementType(t));
	if (t.kind != CXType_Record)
		return;
	d = clang_getCursorDefinition(clang_getTypeDeclaration(t));
	if (clang_Cursor_isNull(d))
		return;
	if (bl_ktypes_in_file(k, d) && bl_ktypes_is_named(d)) {
		r = clang_getCursorExtent(d);
		clang_getFileLocation(clang_getRangeStart(r), NULL, NULL, NULL, &start);
		clang_getFileLocation(clang_getRangeEnd(r), NULL, NULL, NULL, &end);
		if (!add(k, start, end))
			return;
	}
	clang_Type_visitFields(t, field_cb, k);
}

static enum CXChildVisitResult typeref_cb(CXCursor c, CXCursor parent, CXClientData data)
{
	if (c.kind == CXCursor_TypeRef)
		bl_ktypes_need(data, clang_getCursorType(c));
	return CXChildVisit_Continue;
}

int bl_ktypes_visit(struct bl_ktypes *k, CXCursor c)
{
	CXType t = clang_getCursorType(c);

	/* Naming or declaring a type needs nothing (a definition's fields
	 * are cursors of their own); for names in expressions, see below. */
	if (c.kind == CXCursor_TypeRef || c.kind == CXCursor_TypedefDecl ||
	    c.kind == CXCursor_StructDecl || c.kind == CXCursor_UnionDecl ||
	    c.kind == CXCursor_EnumDecl)
		return 0;
	bl_ktypes_need(k, t);
	/* A map's key and value types (__type(key, T): a T * member of the
	 * map's unnamed struct) are what libbpf sizes the map by. */
	if (c.kind == CXCursor_FieldDecl && clang_getCanonicalType(t).kind == CXType_Pointer &&
	    !bl_ktypes_is_named(clang_getCursorSemanticParent(c)))
		bl_ktypes_need(k, clang_getPointeeType(t));
	/* A member of an unnamed member is one of what holds that, too. */
	if (c.kind == CXCursor_MemberRefExpr) {
		CXCursor p = clang_getCursorReferenced(c);

		while (!clang_Cursor_isNull(p = clang_getCursorSemanticParent(p)) &&
		       (p.kind == CXCursor_StructDecl || p.kind == CXCursor_UnionDecl))
			bl_ktypes_need(k, clang_getCursorType(p));
	}
	/* sizeof(struct x), offsetof(...): the type is only named. A cast to a
	 * pointer needs nothing. */
	if (clang_isExpression(c.kind) &&
	    !(c.kind == CXCursor_CStyleCastExpr && clang_getCanonicalType(t).kind == CXType_Pointer))
		clang_visitChildren(c, typeref_cb, k);
	return k->nomem ? -ENOMEM : 0;
}

static enum CXChildVisitResult tree_cb(CXCursor c, CXCursor parent, CXClientData data)
{
	return bl_ktypes_visit(data, c) ? CXChildVisit_Break : CXChildVisit_Recurse;
}

int bl_ktypes_visit_tree(struct bl_ktypes *k, CXCursor c)
{
	if (!bl_ktypes_visit(k, c))
		clang_visitChildren(c, tree_cb, k);
	return k->nomem ? -ENOMEM : 0;
}

unsigned bl_ktypes_semicolon(const char *text, size_t len, unsigned end)
{
	const char *semi = end < len ? memchr(text + end, ';', len - end) : NULL;

	return semi ? (unsigned)(semi - text) + 1 : 0;
}

int bl_ktypes_name(const char *text, const struct bl_krec *r, char *name, size_t size)
{
	const char *p = text + r->start, *end = text + r->end, *s;

	while (p < end && isalpha((unsigned char)*p))	/* struct / union */
		p++;
	while (p < end && isspace((unsigned char)*p))
		p++;
	for (s = p; p < end && (isalnum((unsigned char)*p) || *p == '_'); p++)
		;
	if (p == s || (size_t)(p - s) >= size)
		return -1;
	snprintf(name, size, "%.*s", (int)(p - s), s);
	return 0;
}

int bl_krec_cmp(const void *a, const void *b)
{
	const struct bl_krec *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* A system header, as vmlinux.h is included from the -isystem directory. */
static const char head[] = "#pragma clang system_header\n";

int bl_ktypes_header(struct bl_ktypes *k, const char *text, size_t len, char **out)
{
	char *buf = NULL, name[256];
	size_t size = 0, i;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return -ENOMEM;
	if (k->n)
		qsort(k->v, k->n, sizeof(*k->v), bl_krec_cmp);
	fputs(head, f);
	for (i = 0; i < k->n; i++) {
		const struct bl_krec *r = &k->v[i];
		unsigned end = bl_ktypes_semicolon(text, len, r->end);

		if (!end || r->start >= len || bl_ktypes_name(text, r, name, sizeof(name)))
			continue;
		fprintf(f, "#ifndef " BL_KTYPES_GUARD "%s\n%.*s\n#endif\n", name,
			(int)(end - r->start), text + r->start);
	}
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	*out = buf;
	return 0;
}

void bl_ktypes_free(struct bl_ktypes *k)
{
	free(k->v);
	memset(k, 0, sizeof(*k));
}
