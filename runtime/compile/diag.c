/* diag.c - see diag.h */
#include "diag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "user_tags.h"

/* A call to an undeclared function is only a warning in C (an implicit
 * declaration), but a BPF program has nothing to link it to: it is an
 * error, at the call. (clang's own builtins, "implicitly declaring library
 * function 'memset'", stay warnings: they compile.) */
static enum CXDiagnosticSeverity severity(CXDiagnostic d)
{
	enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
	CXString msg;
	int undeclared;

	if (sev != CXDiagnostic_Warning)
		return sev;
	msg = clang_getDiagnosticSpelling(d);
	undeclared = !strncmp(clang_getCString(msg), "implicit declaration of function '",
			      strlen("implicit declaration of function '"));
	clang_disposeString(msg);
	return undeclared ? CXDiagnostic_Error : sev;
}

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
 * at /__bpflua__/main.bpf.c:1:1)"), or a record of the program by its
 * renamed tag (user_tags.h); write them as the user wrote them. */
static void put_renamed(FILE *f, const char *s, const char *name)
{
	const char *main_hit, *tag_hit;

	for (;;) {
		main_hit = strstr(s, BL_CC_MAIN);
		tag_hit = strstr(s, BL_USER_TAG_SUFFIX);
		if (!main_hit && !tag_hit)
			break;
		if (main_hit && (!tag_hit || main_hit < tag_hit)) {
			fprintf(f, "%.*s%s", (int)(main_hit - s), s, name);
			s = main_hit + strlen(BL_CC_MAIN);
		} else {
			fprintf(f, "%.*s", (int)(tag_hit - s), s);
			s = tag_hit + strlen(BL_USER_TAG_SUFFIX);
		}
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

/* "<file>:<line>:<col>: <severity>: <text> [-Wflag]" into f, then the
 * source line and caret; with head, the first line goes into head instead
 * of f (the first error's line is the error message, said once). */
static void format_one(FILE *f, CXDiagnostic d, CXFile main, const char *main_text,
		       const char *name, char *head, size_t head_len)
{
	enum CXDiagnosticSeverity sev = severity(d);
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
	if (head) {
		format_head(head, head_len, where, severity_name(sev), clang_getCString(msg), name);
	} else {
		fprintf(f, "%s%s: ", where, severity_name(sev));
		put_renamed(f, clang_getCString(msg), name);
		fprintf(f, "%s%s%s\n", o && *o ? " [" : "", o && *o ? o : "", o && *o ? "]" : "");
	}
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

/* One diagnostic and its notes into f; the first error into first (its
 * line into d->first_error). */
static void collect_one(CXDiagnostic diag, FILE *f, FILE *first, CXFile main,
			const char *main_text, const char *name, struct bl_diags *d)
{
	int is_err = severity(diag) >= CXDiagnostic_Error, is_first = is_err && !d->n_errors;
	FILE *to = is_first ? first : f;

	format_one(to, diag, main, main_text, name, is_first ? d->first_error : NULL,
		   sizeof(d->first_error));
	format_notes(to, diag, main, main_text, name);
	d->n_errors += is_err;
}

/* The first error's source line and notes, then every other diagnostic:
 * what follows the first error's own line (d->first_error). */
static char *join(const char *first, size_t n_first, const char *rest, size_t n_rest,
		  int n_errors)
{
	char *s = NULL;

	if (n_errors > 1 && asprintf(&s, "%.*s%.*s(%d errors in all)\n", (int)n_first, first,
				     (int)n_rest, rest, n_errors) < 0)
		return NULL;
	if (n_errors <= 1 && asprintf(&s, "%.*s%.*s", (int)n_first, first, (int)n_rest, rest) < 0)
		return NULL;
	return s;
}

int bl_diags_collect(CXTranslationUnit tu, CXFile main, const char *main_text,
		     const char *name, struct bl_diags *d)
{
	unsigned i, n = clang_getNumDiagnostics(tu);
	char *buf = NULL, *fbuf = NULL;
	size_t size = 0, fsize = 0;
	FILE *f, *first;
	int err = 0;

	memset(d, 0, sizeof(*d));
	f = open_memstream(&buf, &size);
	first = open_memstream(&fbuf, &fsize);
	if (!f || !first) {
		if (f)
			fclose(f);
		free(buf);
		if (first)
			fclose(first);
		free(fbuf);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		CXDiagnostic diag = clang_getDiagnostic(tu, i);

		collect_one(diag, f, first, main, main_text, name, d);
		clang_disposeDiagnostic(diag);
	}
	if (fclose(f) | fclose(first))
		err = -ENOMEM;
	if (!err && d->n_errors) {
		d->errors = join(fbuf, fsize, buf, size, d->n_errors);
		err = d->errors ? 0 : -ENOMEM;
	} else if (!err && size) {
		d->warnings = buf;
		buf = NULL;
	}
	free(buf);
	free(fbuf);
	return err;
}

void bl_diags_free(struct bl_diags *d)
{
	free(d->errors);
	free(d->warnings);
	memset(d, 0, sizeof(*d));
}
