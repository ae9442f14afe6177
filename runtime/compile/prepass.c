/* prepass.c - see prepass.h */
#include "prepass.h"

#include <ctype.h>
#include <string.h>

/* Include roots that are kernel headers; anything else (bpf/, "local.h",
 * compiler builtins) is left for clang to find. */
static const char *const kernel_dirs[] = {
	"linux/", "uapi/", "asm/", "asm-generic/", "net/", "bcc/", "trace/",
	"kernel/", "generated/", "crypto/", "scsi/", "rdma/", "sound/", "video/",
	"xen/", "keys/", "drm/", "media/", "misc/", "clocksource/", "dt-bindings/",
	"acpi/", "vdso/", "soc/", "ras/", "pcmcia/", "math-emu/", NULL,
};

/* Headers whose libc-style types clash with vmlinux.h's (uint64_t is
 * unsigned long long in the kernel, unsigned long for clang's bpf target;
 * wchar_t is u16 in the kernel). vmlinux.h and bpf_helpers.h already give
 * what programs want from them (size_t, offsetof, NULL, uintN_t). */
static const char *const clashing[] = { "stdint.h", "inttypes.h", "stddef.h", NULL };

/* Headers under those roots that bpflua has (bpf-headers/): kept. */
static const char *const provided[] = { "bcc/proto.h", NULL };

static char *skip_blanks(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int is_kernel_header(const char *name, int kheaders)
{
	int i;

	for (i = 0; provided[i]; i++)
		if (!strncmp(name, provided[i], strlen(provided[i])) &&
		    (name[strlen(provided[i])] == '>' || name[strlen(provided[i])] == '"'))
			return 0;
	for (i = 0; !kheaders && kernel_dirs[i]; i++)
		if (!strncmp(name, kernel_dirs[i], strlen(kernel_dirs[i])))
			return 1;
	for (i = 0; clashing[i]; i++)
		if (!strncmp(name, clashing[i], strlen(clashing[i])) &&
		    (name[strlen(clashing[i])] == '>' || name[strlen(clashing[i])] == '"'))
			return 1;
	return 0;
}

static void blank_to_eol(char *p)
{
	for (; *p && *p != '\n'; p++)
		*p = ' ';
}

/* p is at the start of a line. */
static void blank_kernel_include(char *p, int kheaders)
{
	char *hash = skip_blanks(p), *q;

	if (*hash != '#')
		return;
	q = skip_blanks(hash + 1);
	if (strncmp(q, "include", 7))
		return;
	q = skip_blanks(q + 7);
	if ((*q == '<' || *q == '"') && is_kernel_header(q + 1, kheaders))
		blank_to_eol(hash);
}

static int ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The string literal at q on one line becomes its text between blanks;
 * a '$' in it (BCC's "array_of_maps$inner") becomes a comma. The end of
 * what was done, NULL when q is no such literal. */
static char *unquote(char *q)
{
	char *end;

	if (*q != '"')
		return NULL;
	end = strchr(q + 1, '"');
	if (!end || memchr(q, '\n', end - q))
		return NULL;
	*q = ' ';
	*end = ' ';
	while ((q = memchr(q, '$', end - q)))
		*q = ',';
	return end + 1;
}

/* BPF_TABLE("hash", ... -> BPF_TABLE( hash , ...; the inner table of
 * BPF_ARRAY_OF_MAPS(m, "inner", n) and BPF_HASH_OF_MAPS(m, k, "inner")
 * (a later argument: `later`) becomes the identifier the header uses
 * (maps_more.h). */
static char *unquote_table_kind(char *p, char *start)
{
	static const struct { const char *name; int later; } macros[] = {
		{ "BPF_TABLE", 0 }, { "BPF_F_TABLE", 0 }, { "BPF_TABLE_PUBLIC", 0 },
		{ "BPF_TABLE_SHARED", 0 }, { "BPF_TABLE_PINNED", 0 }, { "BPF_QUEUESTACK", 0 },
		{ "BPF_QUEUESTACK_PINNED", 0 }, { "BPF_QUEUESTACK_PUBLIC", 0 },
		{ "BPF_QUEUESTACK_SHARED", 0 }, { "BPF_ARRAY_OF_MAPS", 1 },
		{ "BPF_HASH_OF_MAPS", 1 }, { NULL, 0 },
	};
	char *q, *end;
	int i;

	if (p > start && ident_char(p[-1]))
		return p + 1;
	for (i = 0; macros[i].name; i++) {
		size_t n = strlen(macros[i].name);

		if (strncmp(p, macros[i].name, n) || ident_char(p[n]))
			continue;
		q = skip_blanks(p + n);
		if (*q != '(')
			return p + n;
		q = skip_blanks(q + 1);
		if (macros[i].later)
			q += strcspn(q, "\");\n");
		end = unquote(q);
		return end ? end : p + n;
	}
	return p + 1;
}

const char *bl_skip_literal(const char *p)
{
	char q;

	if (p[0] == '/' && p[1] == '/')
		return p + strcspn(p, "\n");
	if (p[0] == '/' && p[1] == '*') {
		const char *end = strstr(p + 2, "*/");

		return end ? end + 2 : p + strlen(p);
	}
	if (*p != '"' && *p != '\'')
		return p;
	q = *p++;
	while (*p && *p != q && *p != '\n')
		p += (p[0] == '\\' && p[1]) ? 2 : 1;
	return *p == q ? p + 1 : p;
}

void bl_prepass(char *text, int kheaders)
{
	char *p = text, *next;
	int bol = 1;

	while (*p) {
		if (bol)
			blank_kernel_include(p, kheaders);
		bol = 0;
		next = (char *)bl_skip_literal(p);
		if (next != p) {
			p = next;
			continue;
		}
		if (*p == 'B') {
			p = unquote_table_kind(p, text);
			continue;
		}
		bol = (*p == '\n');
		p++;
	}
}
