/* diag.c - see diag.h */
#include "diag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"

static const char *severity_name(enum CXDiagnosticSeverity s)
{
	switch (s) {
	case CXDiagnostic_Note: return "note";
	case CXDiagnostic_Warning: return "warning";
	case CXDiagnostic_Error: return "error";
	case CXDiagnostic_Fatal: return "fatal error";
	default: return "remark";
	}
}

/* Source line `line` (1-based) of text and its length, or NULL. */
static const char *find_line(const char *text, unsigned line, int *len)
{
	const char *p = text;

	while (--line && (p = strchr(p, '\n')))
		p++;
	if (!p)
		return NULL;
	*len = strcspn(p, "\n");
	return p;
}

/* The source line, then a caret under column col (tabs kept so it lines up). */
static void print_caret(FILE *f, const char *text, unsigned line, unsigned col)
{
	const char *src;
	unsigned i;
	int len;

	src = text ? find_line(text, line, &len) : NULL;
	if (!src)
		return;
	fprintf(f, "%.*s\n", len, src);
	for (i = 1; i < col && (int)i <= len; i++)
		fputc(src[i - 1] == '\t' ? '\t' : ' ', f);
	fputs("^\n", f);
}

/* Messages may name the user's file by its virtual path ("struct (unnamed
 * at /__bpflua__/main.bpf.c:1:1)"); write them with the user's name. */
static void put_renamed(FILE *f, const char *s, const char *name)
{
	const char *hit;

	while ((hit = strstr(s, BL_CC_MAIN))) {
		fprintf(f, "%.*s%s", (int)(hit - s), s, name);
		s = hit + strlen(BL_CC_MAIN);
	}
	fputs(s, f);
}

static void format_head(char *head, size_t len, const char *where, const char *sev,
			const char *msg, const char *name)
{
	FILE *f = fmemopen(head, len, "w");

	if (!f)
		return;
	fprintf(f, "%s%s: ", where, sev);
	put_renamed(f, msg, name);
	fputc('\0', f);
	fclose(f);
	head[len - 1] = '\0';
}

/* "<file>:<line>:<col>: <severity>: <text> [-Wflag]" into f; the first line
 * also into head (when not NULL). */
static void format_one(FILE *f, CXDiagnostic d, CXFile main, const char *main_text,
		       const char *name, char *head, size_t head_len)
{
	enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
	CXString msg = clang_getDiagnosticSpelling(d), opt, fname;
	CXSourceLocation loc = clang_getDiagnosticLocation(d);
	const char *file = NULL, *o;
	unsigned line = 0, col = 0;
	CXFile cf;
	char where[1024] = "";

	clang_getFileLocation(loc, &cf, &line, &col, NULL);
	fname = clang_getFileName(cf);
	if (cf == main)
		file = name;
	else if (cf)
		file = clang_getCString(fname);
	if (file)
		snprintf(where, sizeof(where), "%s:%u:%u: ", file, line, col);
	opt = clang_getDiagnosticOption(d, NULL);
	o = clang_getCString(opt);
	fprintf(f, "%s%s: ", where, severity_name(sev));
	put_renamed(f, clang_getCString(msg), name);
	fprintf(f, "%s%s%s\n", o && *o ? " [" : "", o && *o ? o : "", o && *o ? "]" : "");
	if (head)
		format_head(head, head_len, where, severity_name(sev), clang_getCString(msg), name);
	if (cf == main)
		print_caret(f, main_text, line, col);
	clang_disposeString(opt);
	clang_disposeString(fname);
	clang_disposeString(msg);
}

/* Notes attached to a diagnostic ("previous definition is here"). */
static void format_notes(FILE *f, CXDiagnostic d, CXFile main, const char *main_text,
			 const char *name)
{
	CXDiagnosticSet notes = clang_getChildDiagnostics(d);
	unsigned i, n = clang_getNumDiagnosticsInSet(notes);

	for (i = 0; i < n; i++) {
		CXDiagnostic note = clang_getDiagnosticInSet(notes, i);

		format_one(f, note, main, main_text, name, NULL, 0);
		clang_disposeDiagnostic(note);
	}
}

int bl_diags_collect(CXTranslationUnit tu, CXFile main, const char *main_text,
		     const char *name, struct bl_diags *d)
{
	unsigned i, n = clang_getNumDiagnostics(tu);
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	memset(d, 0, sizeof(*d));
	f = open_memstream(&buf, &size);
	if (!f)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		CXDiagnostic diag = clang_getDiagnostic(tu, i);
		int is_err = clang_getDiagnosticSeverity(diag) >= CXDiagnostic_Error;

		format_one(f, diag, main, main_text, name,
			   is_err && !d->n_errors ? d->first_error : NULL,
			   sizeof(d->first_error));
		format_notes(f, diag, main, main_text, name);
		d->n_errors += is_err;
		clang_disposeDiagnostic(diag);
	}
	if (fclose(f))
		return -ENOMEM;
	if (!size)
		free(buf);
	else if (d->n_errors)
		d->errors = buf;
	else
		d->warnings = buf;
	return 0;
}

void bl_diags_free(struct bl_diags *d)
{
	free(d->errors);
	free(d->warnings);
	memset(d, 0, sizeof(*d));
}
