/* tracefs_format.c - see tracefs_format.h */
#include "tracefs_format.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tracefs.h"

FILE *bl_tp_format_open(const char *category, const char *event)
{
	struct bl_err e = { 0 };
	const char *fs = bl_tracefs(&e);
	char path[512];

	bl_err_clear(&e);
	if (!fs || strchr(category, '/') || strchr(event, '/')) {
		errno = ENOENT;
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/events/%s/%s/format", fs, category, event);
	return fopen(path, "re");
}

static int is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static void trim(char *s)
{
	size_t n = strlen(s);
	char *p = s;

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)*p))
		p++;
	memmove(s, p, strlen(p) + 1);
}

/* "TYPE NAME[DIM]" -> type, name, dim. */
static int split_decl(char *decl, struct bl_tp_field *f)
{
	char *end = decl + strlen(decl), *br = strchr(decl, '['), *start;

	f->dim = 0;
	if (br) {
		f->dim = br[1] == ']' ? -1 : strtol(br + 1, NULL, 0);
		end = br;
	}
	while (end > decl && isspace((unsigned char)end[-1]))
		end--;
	start = end;
	while (start > decl && is_ident(start[-1]))
		start--;
	if (start == end || (size_t)(end - start) >= sizeof(f->name))
		return -1;
	snprintf(f->name, sizeof(f->name), "%.*s", (int)(end - start), start);
	snprintf(f->type, sizeof(f->type), "%.*s", (int)(start - decl), decl);
	trim(f->type);
	return 0;
}

static int parse_field(const char *line, struct bl_tp_field *f)
{
	const char *p = strstr(line, "field:"), *semi, *o, *z, *sg;
	char decl[384];

	if (!p || !(semi = strchr(p, ';')) || !(o = strstr(semi, "offset:")) ||
	    !(z = strstr(semi, "size:")) || !(sg = strstr(semi, "signed:")))
		return -1;
	p += strlen("field:");
	if ((size_t)(semi - p) >= sizeof(decl))
		return -1;
	snprintf(decl, sizeof(decl), "%.*s", (int)(semi - p), p);
	f->data_loc = !strncmp(decl, "__data_loc ", 11);
	f->offset = atoi(o + 7);
	f->size = atoi(z + 5);
	f->is_signed = atoi(sg + 7);
	/* "__data_loc char[] NAME": the brackets come before the name. */
	if (f->data_loc && strchr(decl, ']'))
		memset(strchr(decl, '['), ' ', strchr(decl, ']') - strchr(decl, '[') + 1);
	return split_decl(f->data_loc ? decl + 11 : decl, f);
}

int bl_tp_format_next(FILE *fmt, struct bl_tp_field *f)
{
	char line[1024];

	while (fgets(line, sizeof(line), fmt))
		if (parse_field(line, f) == 0)
			return 1;
	return 0;
}
