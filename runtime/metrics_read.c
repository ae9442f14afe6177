/* metrics_read.c - see metrics_read.h. */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "metrics.h"
#include "metrics_read.h"

#define BATCH 4096

int bl_mread_open(struct bl_mread *r, const struct bl_metric_map *m, struct bl_err *e)
{
	int err;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	err = bl_mlayout_from_btf(m->btf, m->key_type_id, m->key_size, "key", &r->key, e);
	err = err ?: bl_mlayout_from_btf(m->btf, m->value_type_id, m->value_size, "value",
					 &r->value, e);
	if (err)
		return err;
	if (r->value.n != 1 || r->value.f[0].kind == BL_MF_CHARS)
		return bl_errf(e, EINVAL, "the value must be one integer to be a metric");
	r->fd = fcntl(m->fd, F_DUPFD_CLOEXEC, 3);
	if (r->fd < 0)
		return bl_errf(e, errno, "cannot keep the map: %s", strerror(errno));
	r->percpu = m->percpu;
	r->key_size = m->key_size;
	r->value_size = m->value_size;
	return 0;
}

void bl_mread_close(struct bl_mread *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

void bl_mrows_free(struct bl_mrows *rows)
{
	free(rows->keys);
	free(rows->vals);
	memset(rows, 0, sizeof(*rows));
}

static int ncpus(const struct bl_mread *r)
{
	return r->percpu ? libbpf_num_possible_cpus() : 1;
}

/* Bytes one lookup fills: per-CPU values are 8-byte aligned, one per CPU. */
static size_t value_bytes(const struct bl_mread *r)
{
	return r->percpu ? (size_t)((r->value_size + 7) & ~7u) * ncpus(r) : r->value_size;
}

static int64_t sum_value(const struct bl_mread *r, const unsigned char *v, int *sgn)
{
	size_t stride = (r->value_size + 7) & ~7u;
	uint64_t sum = 0;
	int c, n = ncpus(r);

	for (c = 0; c < n; c++)
		sum += (uint64_t)bl_mfield_int(&r->value.f[0], v + c * stride, sgn);
	return (int64_t)sum;
}

static int grow(struct bl_mrows *rows, unsigned int more)
{
	unsigned int cap = rows->cap ? rows->cap : 256;
	void *k, *v;

	if (rows->n + more <= rows->cap)
		return 0;
	while (cap < rows->n + more)
		cap *= 2;
	k = realloc(rows->keys, (size_t)cap * rows->key_size);
	if (k)
		rows->keys = k;
	v = realloc(rows->vals, (size_t)cap * sizeof(*rows->vals));
	if (v)
		rows->vals = v;
	if (!k || !v)
		return -ENOMEM;
	rows->cap = cap;
	return 0;
}

static int add_rows(const struct bl_mread *r, struct bl_mrows *rows, const unsigned char *keys,
		    const unsigned char *vals, unsigned int n)
{
	size_t vb = value_bytes(r);
	unsigned int i;

	if (grow(rows, n))
		return -ENOMEM;
	memcpy(rows->keys + (size_t)rows->n * r->key_size, keys, (size_t)n * r->key_size);
	for (i = 0; i < n; i++)
		rows->vals[rows->n + i] = sum_value(r, vals + i * vb, &rows->sgn);
	rows->n += n;
	return 0;
}

/* -EOPNOTSUPP when this map (type or kernel) has no batch lookup. */
static int read_batch(const struct bl_mread *r, struct bl_mrows *rows)
{
	size_t tok = r->key_size < 8 ? 8 : r->key_size;
	unsigned char *keys = malloc((size_t)BATCH * r->key_size), *vals = malloc(BATCH * value_bytes(r));
	unsigned char *in = calloc(1, tok), *out = calloc(1, tok);
	int first = 1, err = 0;

	while (keys && vals && in && out && !err) {
		__u32 count = BATCH;

		err = bpf_map_lookup_batch(r->fd, first ? NULL : in, out, keys, vals, &count, NULL);
		err = err < 0 ? -errno : 0;
		if (first && err && err != -ENOENT) {
			err = -EOPNOTSUPP;
			break;
		}
		first = 0;
		if ((!err || err == -ENOENT) && count && add_rows(r, rows, keys, vals, count))
			err = -ENOMEM;
		memcpy(in, out, tok);
	}
	if (!(keys && vals && in && out))
		err = -ENOMEM;
	free(keys), free(vals), free(in), free(out);
	return err == -ENOENT ? 0 : err;
}

static int read_each(const struct bl_mread *r, struct bl_mrows *rows)
{
	unsigned char *key = malloc(r->key_size), *next = malloc(r->key_size);
	unsigned char *val = malloc(value_bytes(r));
	void *prev = NULL;
	int err = 0;

	while (key && next && val && !err) {
		if (bpf_map_get_next_key(r->fd, prev, next) < 0) {
			err = errno == ENOENT ? 1 : -errno;
			break;
		}
		memcpy(key, next, r->key_size);
		prev = key;
		if (bpf_map_lookup_elem(r->fd, key, val) < 0) {
			if (errno != ENOENT)	/* deleted meanwhile: skipped */
				err = -errno;
			continue;
		}
		if (add_rows(r, rows, key, val, 1))
			err = -ENOMEM;
	}
	if (!(key && next && val))
		err = -ENOMEM;
	free(key), free(next), free(val);
	return err > 0 ? 0 : err;
}

int bl_mread_all(struct bl_mread *r, struct bl_mrows *rows)
{
	int err = -EOPNOTSUPP;

	memset(rows, 0, sizeof(*rows));
	rows->key_size = r->key_size;
	if (!r->no_batch) {
		err = read_batch(r, rows);
		if (err == -EOPNOTSUPP) {
			r->no_batch = 1;
			bl_mrows_free(rows);
			rows->key_size = r->key_size;
		}
	}
	if (err == -EOPNOTSUPP)
		err = read_each(r, rows);
	if (err)
		bl_mrows_free(rows);
	return err;
}
