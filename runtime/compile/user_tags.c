/* user_tags.c - see user_tags.h */
#include "user_tags.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prepass.h"

#define MAX_TAG 128

static int ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* At p, "struct NAME" or "union NAME": the keyword's length into *kw, NAME
 * into name, the offset after NAME into *end; 0 if not. */
static int tag_at(const char *text, const char *p, char *name, size_t *kw, size_t *end)
{
	static const char *const kws[] = { "struct", "union", NULL };
	const char *q;
	size_t n;
	int i;

	if (p > text && ident_char(p[-1]))
		return 0;
	for (i = 0; kws[i]; i++) {
		n = strlen(kws[i]);
		if (strncmp(p, kws[i], n) || !isspace((unsigned char)p[n]))
			continue;
		for (q = p + n; isspace((unsigned char)*q); q++)
			;
		for (n = 0; ident_char(q[n]) && n < MAX_TAG - 1; n++)
			name[n] = q[n];
		name[n] = '\0';
		if (!n || ident_char(q[n]))
			return 0;
		*kw = strlen(kws[i]);
		*end = q + n - p;
		return 1;
	}
	return 0;
}

static int tag_definition(const char *text, const char *p, char *name, size_t *kw)
{
	size_t end;

	if (!tag_at(text, p, name, kw, &end))
		return 0;
	for (p += end; isspace((unsigned char)*p); p++)
		;
	return *p == '{';
}

/* vmlinux.h (runtime/btf/vmlinux_h.c) writes each record as a line
 * "struct NAME {" or "union NAME {". */
static int kernel_defines(const char *vm, const char *kw, size_t kwlen, const char *name)
{
	char line[MAX_TAG + 16];

	snprintf(line, sizeof(line), "\n%.*s %s {\n", (int)kwlen, kw, name);
	return strstr(vm, line) != NULL;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 65536 + 1 > cap) {
			char *nb = realloc(buf, cap = (cap ? cap * 2 : 1 << 22));

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* Each record once, as a #define line, into f. */
static void add_define(FILE *f, char **seen, size_t *seen_len, const char *kw, size_t kwlen,
		       const char *name)
{
	char key[MAX_TAG + 16];

	snprintf(key, sizeof(key), "#define %.*s_%s ", (int)kwlen, kw, name);
	if (*seen && strstr(*seen, key))
		return;
	fprintf(f, "%s%.*s %s" BL_USER_TAG_SUFFIX "\n", key, (int)kwlen, kw, name);
	*seen = realloc(*seen, *seen_len + strlen(key) + 1);
	if (*seen) {
		strcpy(*seen + *seen_len, key);
		*seen_len += strlen(key);
	}
}

int bl_user_tags_header(const char *text, const char *vmlinux_h, char **out,
			struct bl_err *e)
{
	char name[MAX_TAG], *vm = NULL, *buf = NULL, *seen = NULL;
	const char *p = text, *next;
	size_t size = 0, kw, seen_len = 0;
	FILE *f = NULL;
	int vm_read = 0;

	*out = NULL;
	while (*p) {
		next = bl_skip_literal(p);
		if (next != p) {
			p = next;
			continue;
		}
		if ((*p == 's' || *p == 'u') && tag_definition(text, p, name, &kw)) {
			if (!vm_read++)
				vm = read_text(vmlinux_h);
			if (vm && kernel_defines(vm, p, kw, name)) {
				if (!f && !(f = open_memstream(&buf, &size)))
					break;
				add_define(f, &seen, &seen_len, p, kw, name);
			}
		}
		p++;
	}
	free(vm);
	free(seen);
	if (f && fclose(f) == 0 && buf) {
		*out = buf;
		return 0;
	}
	free(buf);
	return f ? bl_errf(e, ENOMEM, "out of memory") : 0;
}

/* Whether header renames "<kw> name". */
static int renamed(const char *header, const char *kw, size_t kwlen, const char *name)
{
	char key[MAX_TAG + 16];

	snprintf(key, sizeof(key), "#define %.*s_%s ", (int)kwlen, kw, name);
	return strstr(header, key) != NULL;
}

void bl_user_tags_rename(char *text, const char *header)
{
	char name[MAX_TAG], *p = text, *next;
	size_t kw, end, n;

	if (!header)
		return;
	while (*p) {
		next = (char *)bl_skip_literal(p);
		if (next != p) {
			p = next;
			continue;
		}
		if ((*p == 's' || *p == 'u') && tag_at(text, p, name, &kw, &end) &&
		    renamed(header, p, kw, name)) {
			/* "struct  NAME" -> "struct_NAME  ": the blanks move
			 * after the name, newlines last (none if all are). */
			size_t nb = end - kw - strlen(name);
			size_t i, nl = 0;

			for (i = 0; i < nb; i++)
				nl += p[kw + i] == '\n';
			if (nl < nb) {
				n = strlen(name);
				p[kw] = '_';
				memmove(p + kw + 1, name, n);
				memset(p + kw + 1 + n, ' ', nb - 1);
				memset(p + end - nl, '\n', nl);
			}
			p += end;
			continue;
		}
		p++;
	}
}
