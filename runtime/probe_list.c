/* probe_list.c - see probe_list.h */
#include "probe_list.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdio.h"
#include "pyre.h"
#include "sym/elf_sym.h"
#include "sym/ksyms.h"
#include "tracefs.h"

#define BLACKLIST "/sys/kernel/debug/kprobes/blacklist"

void bl_names_free(struct bl_names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int names_add(struct bl_names *l, const char *s, size_t len)
{
	char **v;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;

		v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = strndup(s, len);
	return l->v[l->n] ? (l->n++, 0) : -ENOMEM;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts and drops repeats (a static function may appear once per file). */
static void names_sort_unique(struct bl_names *l)
{
	size_t w = 0;

	if (!l->n)      /* no array at all: qsort's NULL base is undefined */
		return;
	qsort(l->v, l->n, sizeof(*l->v), cmp_str);
	for (size_t i = 0; i < l->n; i++) {
		if (w && !strcmp(l->v[w - 1], l->v[i]))
			free(l->v[i]);
		else
			l->v[w++] = l->v[i];
	}
	l->n = w;
}

static int names_has(const struct bl_names *l, const char *s)
{
	/* An empty list has no array (bsearch's NULL base is undefined). */
	return l->n && bsearch(&s, l->v, l->n, sizeof(*l->v), cmp_str) != NULL;
}

/* BCC anchors its Python expressions: re.fullmatch (full) or re.match. */
static int compile_re(struct bl_re **re, const char *pat, int full, struct bl_err *e)
{
	return bl_re_compile(pat, full ? BL_RE_FULLMATCH : BL_RE_MATCH, re, e);
}

static int has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* Functions kprobes can never attach to, as BCC filters them by name. */
static int unattachable(const char *fn)
{
	const char *cold = strstr(fn, ".cold");

	return has_prefix(fn, "_kbl_addr_") || has_prefix(fn, "__perf") ||
	       has_prefix(fn, "perf_") || has_prefix(fn, "__SCT__") ||
	       (cold && strspn(cold + 5, ".0123456789") == strlen(cold + 5));
}

static int add_if(struct bl_names *out, const struct bl_names *deny, struct bl_re *re,
		  const char *fn)
{
	if (!*fn || unattachable(fn) || names_has(deny, fn) || !bl_re_test(re, fn))
		return 0;
	return names_add(out, fn, strlen(fn));
}

/* The kprobe blacklist ("start-end\tname" lines), sorted; empty when
 * debugfs is absent. */
static int load_blacklist(struct bl_names *deny)
{
	char *text, *line, *next, *name;
	size_t len;
	int err = 0;

	if (bl_read_file(BLACKLIST, &text, &len))
		return 0;
	for (line = text; *line && !err; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		name = strpbrk(line, " \t");
		if (name) {
			name += strspn(name, " \t");
			err = names_add(deny, name, strcspn(name, " \t"));
		}
	}
	free(text);
	names_sort_unique(deny);
	return err;
}

/* available_filter_functions: "name [module]" lines. */
static int from_tracefs(char *text, const struct bl_names *deny, struct bl_re *re,
			struct bl_names *out)
{
	char *line, *next;
	int err = 0;

	for (line = text; *line && !err; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		line[strcspn(line, " \t")] = '\0';
		err = add_if(out, deny, re, line);
	}
	return err;
}

/* Under lockdown tracefs hides its list; kallsyms's text symbols are the same. */
static int from_kallsyms(const struct bl_names *deny, struct bl_re *re, struct bl_names *out)
{
	int n, err = 0;
	const struct bl_ksym *s = bl_ksyms(&n);

	for (int i = 0; i < n && !err; i++)
		if (strchr("tTwW", s[i].type))
			err = add_if(out, deny, re, s[i].name);
	return err;
}

static int read_filter_functions(char **text, struct bl_err *e)
{
	char path[512];
	const char *dir = bl_tracefs(e);
	size_t len;
	int err;

	if (!dir)
		return -e->code;
	snprintf(path, sizeof(path), "%s/available_filter_functions", dir);
	err = bl_read_file(path, text, &len);
	if (err)
		bl_errf(e, -err, "cannot read %s: %s", path, strerror(-err));
	return err;
}

int bl_kprobe_functions(const char *ere, struct bl_names *out, struct bl_err *e)
{
	struct bl_names deny = { 0 };
	char *text = NULL;
	struct bl_re *re = NULL;
	int n, err = compile_re(&re, ere, 1, e);

	memset(out, 0, sizeof(*out));
	if (err)
		return err;
	err = read_filter_functions(&text, e);
	if (err && bl_ksyms(&n) && n)
		bl_err_clear(e);        /* kallsyms stands in */
	else if (err) {
		bl_re_free(re);
		return err;             /* the tracefs error says more */
	}
	err = load_blacklist(&deny);
	err = err ?: text ? from_tracefs(text, &deny, re, out) : from_kallsyms(&deny, re, out);
	free(text);
	bl_names_free(&deny);
	bl_re_free(re);
	if (err) {
		bl_names_free(out);
		return bl_errf(e, -err, "listing kernel functions: %s", strerror(-err));
	}
	names_sort_unique(out);
	return 0;
}

static int is_event_dir(const struct dirent *d)
{
	return d->d_name[0] != '.' && (d->d_type == DT_DIR || d->d_type == DT_UNKNOWN);
}

/* Adds "cat:ev" for each event directory of category `cat` matching re. */
static int add_category(const char *events, const char *cat, struct bl_re *re,
			struct bl_names *out)
{
	char path[512], tp[512];
	struct dirent *d;
	DIR *dp;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%s", events, cat);
	dp = opendir(path);
	if (!dp)
		return 0;
	while (!err && (d = readdir(dp)))
		if (is_event_dir(d)) {
			snprintf(tp, sizeof(tp), "%s:%s", cat, d->d_name);
			if (bl_re_test(re, tp))
				err = names_add(out, tp, strlen(tp));
		}
	closedir(dp);
	return err;
}

int bl_tracepoints(const char *ere, struct bl_names *out, struct bl_err *e)
{
	const char *dir;
	char events[512];
	struct dirent *d;
	struct bl_re *re = NULL;
	DIR *dp;
	int err = compile_re(&re, ere, 0, e);

	memset(out, 0, sizeof(*out));
	if (err)
		return err;
	dir = bl_tracefs(e);
	snprintf(events, sizeof(events), "%s/events", dir ? dir : "");
	if (!dir || !(dp = opendir(events))) {
		bl_re_free(re);
		return dir ? bl_errf(e, errno, "cannot list %s: %s", events, strerror(errno))
			   : -e->code;
	}
	while (!err && (d = readdir(dp)))
		if (is_event_dir(d))
			err = add_category(events, d->d_name, re, out);
	closedir(dp);
	bl_re_free(re);
	if (err) {
		bl_names_free(out);
		return bl_errf(e, -err, "listing tracepoints: %s", strerror(-err));
	}
	names_sort_unique(out);
	return 0;
}

void bl_user_fns_free(struct bl_user_fns *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

struct user_walk {
	struct bl_re *re;
	struct bl_user_fns *out;
	int err;
};

static int add_user_fn(const char *name, uint64_t addr, void *ctx)
{
	struct user_walk *w = ctx;
	struct bl_user_fns *l = w->out;

	if (!bl_re_test(w->re, name))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct bl_user_fn *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return w->err = -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].name = strdup(name);
	if (!l->v[l->n].name)
		return w->err = -ENOMEM;
	l->v[l->n++].addr = addr;
	return 0;
}

int bl_user_functions(const char *path, const char *re, struct bl_user_fns *out,
		      struct bl_err *e)
{
	struct user_walk w = { NULL, out, 0 };
	int err = compile_re(&w.re, re, 0, e);

	memset(out, 0, sizeof(*out));
	if (err)
		return err;
	err = bl_elf_functions(path, add_user_fn, &w, e);
	bl_re_free(w.re);
	if (!err && w.err)
		err = bl_errf(e, -w.err, "out of memory");
	if (err)
		bl_user_fns_free(out);
	return err;
}
