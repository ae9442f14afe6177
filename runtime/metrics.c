/* metrics.c - the registry of exported maps and the text they render to;
 * see metrics.h. Reading a map whole is metrics_read.c's. */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "metrics.h"
#include "metrics_read.h"

struct export {
	struct export *next;
	const void *owner;
	char *name, *help;
	enum bl_metric_type type;
	char *labels[BL_MFIELDS_MAX];
	double scale;
	int linear, slot;           /* slot: histogram key member holding the slot */
	struct bl_mread src;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct export *exports;
static uint64_t scrapes, read_errors, events_lost;
static double last_scrape_seconds;

void bl_metrics_note_lost(uint64_t n)
{
	__atomic_add_fetch(&events_lost, n, __ATOMIC_RELAXED);
}

/* Prometheus metric and label names: [a-zA-Z_:][a-zA-Z0-9_:]* (labels: no ':'). */
static int valid_name(const char *s, int colon)
{
	const char *p;

	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || (colon && *p == ':')))
			return 0;
	return 1;
}

static void free_export(struct export *x)
{
	int i;

	if (!x)
		return;
	free(x->name);
	free(x->help);
	for (i = 0; i < BL_MFIELDS_MAX; i++)
		free(x->labels[i]);
	bl_mread_close(&x->src);
	free(x);
}

static int find_slot(struct export *x, const struct bl_metric_spec *s, struct bl_err *e)
{
	const struct bl_mlayout *k = &x->src.key;
	int i;

	x->slot = -1;
	if (s->type != BL_METRIC_HISTOGRAM)
		return 0;
	if (k->n == 1 && k->f[0].kind != BL_MF_CHARS) {
		x->slot = 0;
		return 0;
	}
	for (i = 0; i < k->n; i++)
		if (!strcmp(k->f[i].name, "slot") && k->f[i].kind != BL_MF_CHARS)
			x->slot = i;
	if (x->slot < 0)
		return bl_errf(e, EINVAL, "a histogram's key is an integer slot, or a struct "
			       "with a member named 'slot' (the other members label sections)");
	return 0;
}

/* Label names: the spec's, else the members' names ("key" for a bare integer). */
static int name_labels(struct export *x, const struct bl_metric_spec *s, struct bl_err *e)
{
	const struct bl_mlayout *k = &x->src.key;
	int i, n = 0;

	for (i = 0; i < k->n; i++) {
		const char *name;

		if (i == x->slot)
			continue;
		name = s->nlabels ? (n < s->nlabels ? s->labels[n] : NULL)
				  : (k->f[i].name[0] ? k->f[i].name : "key");
		if (!name)
			return bl_errf(e, EINVAL, "labels: %d names for %d key members",
				       s->nlabels, k->n - (x->slot >= 0));
		if (!valid_name(name, 0) || !strcmp(name, "le"))
			return bl_errf(e, EINVAL, "label name '%s' is not a Prometheus label name",
				       name);
		x->labels[i] = strdup(name);
		n++;
	}
	if (s->nlabels && n != s->nlabels)
		return bl_errf(e, EINVAL, "labels: %d names for %d key members", s->nlabels, n);
	return 0;
}

static int duplicate(const char *name)
{
	struct export *x;

	for (x = exports; x; x = x->next)
		if (!strcmp(x->name, name))
			return 1;
	return 0;
}

int bl_metrics_export(const void *owner, const struct bl_metric_map *m,
		      const struct bl_metric_spec *s, struct bl_err *e)
{
	struct export *x;
	int err;

	if (!valid_name(s->name, 1))
		return bl_errf(e, EINVAL, "'%s' is not a Prometheus metric name "
			       "([a-zA-Z_:][a-zA-Z0-9_:]*)", s->name ? s->name : "");
	x = calloc(1, sizeof(*x));
	if (!x)
		return bl_errf(e, ENOMEM, "out of memory");
	x->owner = owner;
	x->type = s->type;
	x->scale = s->scale ? s->scale : 1;
	x->linear = s->linear;
	x->name = strdup(s->name);
	x->help = strdup(s->help ? s->help : "");
	err = bl_mread_open(&x->src, m, e);
	err = err ?: find_slot(x, s, e);
	err = err ?: name_labels(x, s, e);
	if (!err && (!x->name || !x->help))
		err = bl_errf(e, ENOMEM, "out of memory");
	pthread_mutex_lock(&lock);
	if (!err && duplicate(s->name))
		err = bl_errf(e, EEXIST, "metric '%s' is exported already", s->name);
	if (!err) {
		struct export **pp = &exports;

		while (*pp)	/* appended: metrics render in export order */
			pp = &(*pp)->next;
		*pp = x;
	}
	pthread_mutex_unlock(&lock);
	if (err)
		free_export(x);
	return err;
}

void bl_metrics_forget(const void *owner)
{
	struct export **pp, *x;

	pthread_mutex_lock(&lock);
	for (pp = &exports; (x = *pp);) {
		if (x->owner == owner) {
			*pp = x->next;
			free_export(x);
		} else {
			pp = &x->next;
		}
	}
	pthread_mutex_unlock(&lock);
}

/* A label value: \ " and newline escaped, as the text format wants. */
static void put_escaped(FILE *f, const char *s, size_t max)
{
	size_t i;

	for (i = 0; i < max && s[i]; i++) {
		if (s[i] == '\\' || s[i] == '"')
			fputc('\\', f);
		if (s[i] == '\n')
			fputs("\\n", f);
		else
			fputc(s[i], f);
	}
}

/* {a="1",b="x"} of one key; `extra` is appended inside (e.g. le="4"). */
static void put_labels(FILE *f, const struct export *x, const void *key, const char *extra)
{
	const struct bl_mlayout *k = &x->src.key;
	int i, n = 0, sgn;

	for (i = 0; i < k->n; i++) {
		const struct bl_mfield *fl = &k->f[i];

		if (i == x->slot)
			continue;
		fprintf(f, "%s%s=\"", n++ ? "," : "{", x->labels[i]);
		if (fl->kind == BL_MF_CHARS) {
			put_escaped(f, (const char *)key + fl->off, fl->size);
		} else {
			int64_t v = bl_mfield_int(fl, key, &sgn);

			fprintf(f, sgn ? "%lld" : "%llu", (long long)v);
		}
		fputc('"', f);
	}
	if (extra)
		fprintf(f, "%s%s", n++ ? "," : "{", extra);
	if (n)
		fputc('}', f);
}

static void put_value(FILE *f, const struct export *x, int64_t v, int sgn)
{
	if (x->scale == 1)
		fprintf(f, sgn ? " %lld\n" : " %llu\n", (long long)v);
	else
		fprintf(f, " %.15g\n", (sgn ? (double)v : (double)(uint64_t)v) * x->scale);
}

static void render_samples(FILE *f, const struct export *x, const struct bl_mrows *r)
{
	unsigned int i;

	for (i = 0; i < r->n; i++) {
		fputs(x->name, f);
		put_labels(f, x, bl_mrows_key(r, i), NULL);
		put_value(f, x, r->vals[i], r->sgn);
	}
}

/* The upper bound of a slot: log2 slot s holds values up to 2^s - 1. */
static double slot_bound(const struct export *x, int64_t s)
{
	double b = x->linear ? (double)s : (s <= 0 ? 0 : (double)((1ULL << (s > 63 ? 63 : s)) - 1));

	if (!x->linear && s > 63)
		b = 18446744073709551615.0;
	return b * x->scale;
}

/* Rows of one section are those whose key equals row `first`'s outside
 * the slot member. */
static int same_section(const struct export *x, const void *a, const void *b)
{
	const struct bl_mlayout *k = &x->src.key;
	int i;

	for (i = 0; i < k->n; i++)
		if (i != x->slot && memcmp((const char *)a + k->f[i].off,
					   (const char *)b + k->f[i].off, k->f[i].size))
			return 0;
	return 1;
}

static int64_t slot_of(const struct export *x, const void *key)
{
	int sgn;

	return bl_mfield_int(&x->src.key.f[x->slot], key, &sgn);
}

/* Every section gets the same buckets, up to the highest slot in use in
 * any, so that series sum across sections and hosts bucket by bucket. */
static void render_section(FILE *f, const struct export *x, const struct bl_mrows *r,
			   unsigned int first, char *done, int64_t max)
{
	const void *k0 = bl_mrows_key(r, first);
	int64_t s;
	uint64_t cum = 0, total = 0;
	unsigned int i;
	char le[64];

	for (s = 0; s <= max; s++) {
		for (i = first; i < r->n; i++)
			if (!done[i] && same_section(x, k0, bl_mrows_key(r, i)) &&
			    slot_of(x, bl_mrows_key(r, i)) == s)
				cum += (uint64_t)r->vals[i];
		snprintf(le, sizeof(le), "le=\"%.15g\"", slot_bound(x, s));
		fprintf(f, "%s_bucket", x->name);
		put_labels(f, x, k0, le);
		fprintf(f, " %llu\n", (unsigned long long)cum);
	}
	for (i = first; i < r->n; i++)
		if (!done[i] && same_section(x, k0, bl_mrows_key(r, i))) {
			total += (uint64_t)r->vals[i];
			done[i] = 1;
		}
	fprintf(f, "%s_bucket", x->name);
	put_labels(f, x, k0, "le=\"+Inf\"");
	fprintf(f, " %llu\n%s_count", (unsigned long long)total, x->name);
	put_labels(f, x, k0, NULL);
	fprintf(f, " %llu\n", (unsigned long long)total);
}

static void render_histogram(FILE *f, const struct export *x, const struct bl_mrows *r)
{
	char *done = calloc(r->n + 1, 1);
	int64_t max = 0, s;
	unsigned int i;

	if (!done)
		return;
	for (i = 0; i < r->n; i++) {
		s = slot_of(x, bl_mrows_key(r, i));
		if (s > max && r->vals[i])
			max = s;
	}
	for (i = 0; i < r->n; i++)
		if (!done[i])
			render_section(f, x, r, i, done, max);
	free(done);
}

static const char *type_name(enum bl_metric_type t)
{
	return t == BL_METRIC_COUNTER ? "counter" : t == BL_METRIC_GAUGE ? "gauge" : "histogram";
}

static void render_help(FILE *f, const char *name, const char *help, const char *type)
{
	fprintf(f, "# HELP %s ", name);
	for (; *help; help++) {
		if (*help == '\\')
			fputs("\\\\", f);
		else if (*help == '\n')
			fputs("\\n", f);
		else
			fputc(*help, f);
	}
	fprintf(f, "\n# TYPE %s %s\n", name, type);
}

static void render_export(FILE *f, struct export *x)
{
	struct bl_mrows r;

	if (bl_mread_all(&x->src, &r) < 0) {
		read_errors++;
		return;
	}
	render_help(f, x->name, x->help, type_name(x->type));
	if (x->type == BL_METRIC_HISTOGRAM)
		render_histogram(f, x, &r);
	else
		render_samples(f, x, &r);
	bl_mrows_free(&r);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void render_own(FILE *f)
{
	render_help(f, "bpflua_scrape_duration_seconds",
		    "Time the previous scrape took to read the exported maps.", "gauge");
	fprintf(f, "bpflua_scrape_duration_seconds %.9f\n", last_scrape_seconds);
	render_help(f, "bpflua_scrapes_total", "Scrapes served.", "counter");
	fprintf(f, "bpflua_scrapes_total %llu\n", (unsigned long long)scrapes);
	render_help(f, "bpflua_map_read_errors_total",
		    "Exported maps that could not be read during a scrape.", "counter");
	fprintf(f, "bpflua_map_read_errors_total %llu\n", (unsigned long long)read_errors);
	render_help(f, "bpflua_events_lost_total",
		    "Perf and ring buffer records the kernel dropped.", "counter");
	fprintf(f, "bpflua_events_lost_total %llu\n",
		(unsigned long long)__atomic_load_n(&events_lost, __ATOMIC_RELAXED));
}

char *bl_metrics_render(size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	struct export *x;
	double t0 = now();

	if (!f)
		return NULL;
	pthread_mutex_lock(&lock);
	for (x = exports; x; x = x->next)
		render_export(f, x);
	scrapes++;
	last_scrape_seconds = now() - t0;
	render_own(f);
	pthread_mutex_unlock(&lock);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
