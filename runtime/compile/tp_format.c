/* tp_format.c - see tp_format.h */
#include "tp_format.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tracefs_format.h"
#include "prepass.h"

#define MAX_TPS 64
#define NAME_MAX_LEN 128

struct tp {
	char cat[NAME_MAX_LEN], ev[NAME_MAX_LEN];
	long line;	/* of a TRACEPOINT_PROBE use, or 0: a name only */
};

struct scan {
	struct tp v[MAX_TPS];
	int n;
};

/* ---- finding the tracepoints a program names ---- */

static int is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static const char *skip_space(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* Copies the identifier at p into buf; returns its end, or NULL. */
static const char *ident(const char *p, char *buf, size_t len)
{
	size_t n = 0;

	while (is_ident(p[n]))
		n++;
	if (!n || n >= len)
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return p + n;
}

static long line_of(const char *text, const char *p)
{
	long line = 1;

	for (; text < p; text++)
		line += *text == '\n';
	return line;
}

static void add(struct scan *s, const char *cat, const char *ev, long line)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].cat, cat) && !strcmp(s->v[i].ev, ev)) {
			if (!s->v[i].line)
				s->v[i].line = line;
			return;
		}
	if (s->n == MAX_TPS)
		return;
	snprintf(s->v[s->n].cat, NAME_MAX_LEN, "%s", cat);
	snprintf(s->v[s->n].ev, NAME_MAX_LEN, "%s", ev);
	s->v[s->n++].line = line;
}

/* TRACEPOINT_PROBE ( cat , ev ) */
static void match_macro(struct scan *s, const char *text, const char *p)
{
	char cat[NAME_MAX_LEN], ev[NAME_MAX_LEN];
	const char *q = skip_space(p + strlen("TRACEPOINT_PROBE"));

	if (*q != '(' || !(q = ident(skip_space(q + 1), cat, sizeof(cat))))
		return;
	q = skip_space(q);
	if (*q != ',' || !(q = ident(skip_space(q + 1), ev, sizeof(ev))))
		return;
	if (*skip_space(q) == ')')
		add(s, cat, ev, line_of(text, p));
}

/* tracepoint__<cat>__<ev>: the category ends at the first "__". */
static void match_name(struct scan *s, const char *p)
{
	char name[2 * NAME_MAX_LEN], *sep;

	if (!ident(p + strlen("tracepoint__"), name, sizeof(name)))
		return;
	sep = strstr(name, "__");
	if (!sep || sep == name || !sep[2] || strlen(sep + 2) >= NAME_MAX_LEN)
		return;
	*sep = '\0';
	if (strlen(name) < NAME_MAX_LEN)
		add(s, name, sep + 2, 0);
}

static void scan_text(struct scan *s, const char *text)
{
	const char *p = text, *next;

	while (*p) {
		next = bl_skip_literal(p);
		if (next != p) {
			p = next;
			continue;
		}
		if (p == text || !is_ident(p[-1])) {
			if (!strncmp(p, "TRACEPOINT_PROBE", 16) && !is_ident(p[16]))
				match_macro(s, text, p);
			else if (!strncmp(p, "tracepoint__", 12))
				match_name(s, p);
		}
		p++;
	}
}

/* ---- C types for fields ---- */

/* Whether every word of type is C's own (so it means the same without
 * vmlinux.h), or `struct X` behind a pointer. Sets *size to its size. */
static int plain_c_type(const char *type, int *size)
{
	static const char *const words[] = {
		"unsigned", "signed", "char", "short", "int", "long", "const",
		"volatile", "void", "_Bool", NULL,
	};
	int ptr = strchr(type, '*') != NULL, longs = 0, i, known;
	char buf[256], *w, *save;

	snprintf(buf, sizeof(buf), "%s", type);
	*size = 4;
	for (w = strtok_r(buf, " \t*", &save); w; w = strtok_r(NULL, " \t*", &save)) {
		if (ptr && !strcmp(w, "struct") && (w = strtok_r(NULL, " \t*", &save)))
			continue;
		for (i = 0, known = 0; words[i] && !known; i++)
			known = !strcmp(w, words[i]);
		if (!known)
			return 0;
		longs += !strcmp(w, "long");
		if (!strcmp(w, "char") || !strcmp(w, "_Bool"))
			*size = 1;
		else if (!strcmp(w, "short"))
			*size = 2;
	}
	if (longs)
		*size = 8;
	if (ptr)
		*size = 8;
	return 1;
}

static const char *sized_int(int size, int is_signed)
{
	switch (size) {
	case 1: return is_signed ? "signed char" : "unsigned char";
	case 2: return is_signed ? "short" : "unsigned short";
	case 4: return is_signed ? "int" : "unsigned int";
	case 8: return is_signed ? "long long" : "unsigned long long";
	default: return NULL;
	}
}

/* One member at f->offset; returns the bytes it covers, which may be fewer
 * than f->size (a syscall's int argument in an 8-byte slot). */
static int emit_field(FILE *out, const struct bl_tp_field *f)
{
	long dim = f->dim > 0 ? f->dim : 1;
	int elem = f->size / dim, csize;
	const char *t;

	if (f->data_loc) {
		fprintf(out, "\tint data_loc_%s;\n", f->name);
		return 4;
	}
	if (f->dim >= 0 && plain_c_type(f->type, &csize) && csize * dim <= f->size &&
	    f->offset % csize == 0) {
		if (f->dim > 0)
			fprintf(out, "\t%s %s[%ld];\n", f->type, f->name, f->dim);
		else
			fprintf(out, "\t%s %s;\n", f->type, f->name);
		return csize * dim;
	}
	t = sized_int(elem, f->is_signed);
	if (t && f->size % dim == 0 && f->offset % elem == 0) {
		if (f->dim > 0)
			fprintf(out, "\t%s %s[%ld];\n", t, f->name, f->dim);
		else
			fprintf(out, "\t%s %s;\n", t, f->name);
	} else {
		fprintf(out, "\tunsigned char %s[%d];\n", f->name, f->size);
	}
	return f->size;
}

/* Members at the record's offsets: explicit padding fills the gaps, and a
 * field that would overlap the previous one is left out. The common fields
 * (the first 8 bytes) are one opaque member, as in BCC: the kernel refuses
 * tracepoint programs that read them. */
static void emit_struct(FILE *out, const struct tp *t, FILE *fmt)
{
	struct bl_tp_field f;
	int at = 8;

	fprintf(out, "struct tracepoint__%s__%s {\n\tunsigned long long __do_not_use__;\n",
		t->cat, t->ev);
	while (bl_tp_format_next(fmt, &f)) {
		if (f.offset < at)
			continue;
		if (f.offset > at)
			fprintf(out, "\tchar __pad_%d[%d];\n", at, f.offset - at);
		at = f.offset + emit_field(out, &f);
	}
	fprintf(out, "};\n");
}

static int emit_all(const struct scan *s, const char *name, FILE *out, struct bl_err *e)
{
	int i;

	for (i = 0; i < s->n; i++) {
		const struct tp *t = &s->v[i];
		FILE *fmt = bl_tp_format_open(t->cat, t->ev);

		if (!fmt && t->line)
			return bl_errf(e, ENOENT, "compile failed: %s:%ld: error: "
				       "TRACEPOINT_PROBE(%s, %s): no tracepoint %s:%s in this kernel (%s)",
				       name, t->line, t->cat, t->ev, t->cat, t->ev, strerror(errno));
		if (!fmt)
			continue;	/* just a name: nothing to generate */
		emit_struct(out, t, fmt);
		fclose(fmt);
	}
	return 0;
}

int bl_tp_header(const char *text, const char *name, char **out, struct bl_err *e)
{
	struct scan *s = calloc(1, sizeof(*s));
	size_t size = 0;
	FILE *f;
	int err;

	*out = NULL;
	if (!s)
		return bl_errf(e, ENOMEM, "out of memory");
	scan_text(s, text);
	if (!s->n) {
		free(s);
		return 0;
	}
	f = open_memstream(out, &size);
	if (!f) {
		free(s);
		return bl_errf(e, ENOMEM, "out of memory");
	}
	fprintf(f, "/* bpflua: the records of the tracepoints the program names. */\n");
	err = emit_all(s, name ? name : "<text>", f, e);
	if (fclose(f) && !err)
		err = bl_errf(e, ENOMEM, "out of memory");
	free(s);
	if (err) {
		free(*out);
		*out = NULL;
	}
	return err;
}
