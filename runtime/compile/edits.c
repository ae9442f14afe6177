/* edits.c - see edits.h */
#include "edits.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bl_edits_add(struct bl_edits *ed, size_t start, size_t end, const char *text)
{
	char *copy;

	if (ed->n == ed->cap) {
		int cap = ed->cap ? ed->cap * 2 : 32;
		struct bl_edit *v = realloc(ed->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ed->v = v;
		ed->cap = cap;
	}
	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	ed->v[ed->n] = (struct bl_edit){ start, end, copy, ed->n };
	ed->n++;
	return 0;
}

int bl_edits_addf(struct bl_edits *ed, size_t start, size_t end, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n, err;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	err = bl_edits_add(ed, start, end, s);
	free(s);
	return err;
}

static int cmp_edit(const void *a, const void *b)
{
	const struct bl_edit *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->seq - y->seq;
}

static size_t count_nl(const char *s, size_t n)
{
	size_t c = 0;

	while (n--)
		c += (*s++ == '\n');
	return c;
}

/* Whether an earlier edit of the same range (sorted: they are just before
 * i) has the same text. A macro argument used twice in the macro's body
 * (bpf_trace_printk's) is walked twice: each walk gives the same nested
 * insertions at one offset, interleaved, and each must apply once. */
static int seen_edit(const struct bl_edits *ed, int i)
{
	const struct bl_edit *x = &ed->v[i];
	int j;

	for (j = i - 1; j >= 0 && ed->v[j].start == x->start && ed->v[j].end == x->end; j--)
		if (!strcmp(ed->v[j].text, x->text))
			return 1;
	return 0;
}

/* Upper bound of the output size: every replacement plus kept newlines. */
static size_t out_size(const struct bl_edits *ed, size_t len)
{
	size_t n = len + 1;
	int i;

	for (i = 0; i < ed->n; i++)
		n += strlen(ed->v[i].text);
	return n;
}

int bl_edits_apply(struct bl_edits *ed, const char *text, size_t len, char **out,
		   struct bl_err *e)
{
	size_t pos = 0, o = 0;
	char *buf;
	int i;

	qsort(ed->v, ed->n, sizeof(*ed->v), cmp_edit);
	buf = malloc(out_size(ed, len));
	if (!buf)
		return bl_errf(e, ENOMEM, "out of memory");
	for (i = 0; i < ed->n; i++) {
		const struct bl_edit *x = &ed->v[i];
		size_t lost, tl;

		if (seen_edit(ed, i))
			continue;
		if (x->start < pos || x->end > len || x->end < x->start) {
			free(buf);
			return bl_errf(e, EINVAL, "internal error: rewriter edits overlap at offset %zu",
				       x->start);
		}
		memcpy(buf + o, text + pos, x->start - pos);
		o += x->start - pos;
		tl = strlen(x->text);
		memcpy(buf + o, x->text, tl);
		o += tl;
		for (lost = count_nl(text + x->start, x->end - x->start); lost > count_nl(x->text, tl);
		     lost--)
			buf[o++] = '\n';
		pos = x->end;
	}
	memcpy(buf + o, text + pos, len - pos);
	o += len - pos;
	buf[o] = '\0';
	*out = buf;
	return 0;
}

void bl_edits_free(struct bl_edits *ed)
{
	int i;

	for (i = 0; i < ed->n; i++)
		free(ed->v[i].text);
	free(ed->v);
	memset(ed, 0, sizeof(*ed));
}
