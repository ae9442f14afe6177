/* ksyms.c - see ksyms.h
 *
 * /proc/kallsyms is read once into one text arena (names and module names
 * point into it) and two indexes: by address for lookups of stack addresses,
 * by name for bl_ksym_addr() and existence checks.
 */
#include "ksyms.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdio.h"

#define KALLSYMS "/proc/kallsyms"

struct ksyms {
	struct bl_ksym *syms;   /* sorted by address */
	struct bl_ksym **by_name;
	int count, cap;
	char *arena;
};

static struct ksyms ks;

static int cmp_addr(const void *a, const void *b)
{
	const struct bl_ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_name(const void *a, const void *b)
{
	const struct bl_ksym *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static int add_sym(uint64_t addr, char type, char *name, char *module)
{
	struct bl_ksym *tmp;

	if (ks.count == ks.cap) {
		int cap = ks.cap ? ks.cap * 2 : 65536;

		tmp = realloc(ks.syms, cap * sizeof(*tmp));
		if (!tmp)
			return -ENOMEM;
		ks.syms = tmp;
		ks.cap = cap;
	}
	ks.syms[ks.count++] = (struct bl_ksym){ addr, name, module, type };
	return 0;
}

/* One line: "ffffffff81000000 T _stext\t[module]\n", parsed in place. */
static int parse_line(char *line)
{
	char *end, *name, *module = NULL, *p;
	uint64_t addr = strtoull(line, &end, 16);

	if (end == line || end[0] != ' ' || !end[1] || end[2] != ' ')
		return 0;
	name = end + 3;
	p = strpbrk(name, " \t");
	if (p) {
		*p++ = '\0';
		p += strspn(p, " \t");
		if (*p == '[') {
			module = p + 1;
			p = strchr(module, ']');
			if (p)
				*p = '\0';
		}
	}
	return add_sym(addr, end[1], name, module);
}

static int build_name_index(void)
{
	ks.by_name = malloc(ks.count * sizeof(*ks.by_name));
	if (!ks.by_name)
		return -ENOMEM;
	for (int i = 0; i < ks.count; i++)
		ks.by_name[i] = &ks.syms[i];
	qsort(ks.by_name, ks.count, sizeof(*ks.by_name), cmp_name);
	return 0;
}

static void ksyms_free(void)
{
	free(ks.syms);
	free(ks.by_name);
	free(ks.arena);
	memset(&ks, 0, sizeof(ks));
}

int bl_ksyms_load(struct bl_err *e)
{
	char *line, *next;
	size_t len;
	int err = 0;

	if (ks.arena)
		return 0;
	err = bl_read_file(KALLSYMS, &ks.arena, &len);
	if (err)
		return bl_errf(e, -err, "cannot read %s: %s", KALLSYMS, strerror(-err));
	for (line = ks.arena; line && *line && !err; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		err = parse_line(line);
	}
	/* Names point into the arena, so sort only after all are in place. */
	if (!err) {
		qsort(ks.syms, ks.count, sizeof(*ks.syms), cmp_addr);
		err = build_name_index();
	}
	if (err) {
		ksyms_free();
		return bl_errf(e, err, "cannot index %s: %s", KALLSYMS, strerror(-err));
	}
	return 0;
}

/* Lazily loads; lookups report "not found" when kallsyms can't be read. */
static int ensure_loaded(void)
{
	struct bl_err e = { 0 };

	if (ks.arena)
		return 0;
	return bl_ksyms_load(&e);
}

const struct bl_ksym *bl_ksym_lookup(uint64_t addr)
{
	int lo = 0, hi, best = -1;

	if (ensure_loaded() || !ks.count)
		return NULL;
	hi = ks.count - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (ks.syms[mid].addr <= addr) {
			best = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return best < 0 ? NULL : &ks.syms[best];
}

static const struct bl_ksym *find_by_name(const char *name)
{
	struct bl_ksym key = { .name = name }, *pkey = &key, **hit;

	if (ensure_loaded() || !ks.count)
		return NULL;
	hit = bsearch(&pkey, ks.by_name, ks.count, sizeof(*ks.by_name), cmp_name);
	return hit ? *hit : NULL;
}

uint64_t bl_ksym_addr(const char *name)
{
	const struct bl_ksym *s = find_by_name(name);

	return s ? s->addr : 0;
}

int bl_ksym_exists(const char *name)
{
	return find_by_name(name) != NULL;
}

const struct bl_ksym *bl_ksyms(int *count)
{
	*count = ensure_loaded() ? 0 : ks.count;
	return *count ? ks.syms : NULL;
}
