/* ffi.c - implements ffi.h: the data path Lua calls through LuaJIT's FFI.
 * No Lua API here: Lua calls these directly through ffi.C, once per element,
 * so they stay thin. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ffi.h"
#include "sym/ksyms.h"

int bl_map_lookup(int fd, const void *key, void *value)
{
	return bpf_map_lookup_elem(fd, key, value);
}

int bl_map_update(int fd, const void *key, const void *value, uint64_t flags)
{
	return bpf_map_update_elem(fd, key, value, flags);
}

int bl_map_delete(int fd, const void *key)
{
	return bpf_map_delete_elem(fd, key);
}

int bl_map_lookup_and_delete(int fd, const void *key, void *value)
{
	return bpf_map_lookup_and_delete_elem(fd, key, value);
}

int bl_map_next_key(int fd, const void *key, void *next_key)
{
	return bpf_map_get_next_key(fd, key, next_key);
}

int bl_map_keys(int fd, void *keys, unsigned int max, unsigned int key_size)
{
	char *out = keys;
	const void *prev = NULL;
	unsigned int n;
	int r;

	for (n = 0; n < max; n++) {
		r = bl_map_next_key(fd, prev, out + (size_t)n * key_size);
		if (r == -ENOENT)
			break;
		if (r < 0)
			return r;
		prev = out + (size_t)n * key_size;
	}
	return (int)n;
}

/* The kernel says ENOTSUPP (524) for a map type without a batch operation,
 * and kernels before 5.6 say EINVAL for the whole command. */
#define ENOTSUPP_KERNEL 524

/* BPFLUA_MAP_BATCH=0 makes bpflua act as on a kernel without batch
 * operations (the tests of the fallback use it). */
static int batch_off(void)
{
	static int off = -1;

	if (off < 0) {
		const char *v = getenv("BPFLUA_MAP_BATCH");

		off = v && !strcmp(v, "0");
	}
	return off;
}

static int batch_ret(int r, int first)
{
	if (r == -ENOTSUPP_KERNEL || r == -EOPNOTSUPP || (first && r == -EINVAL))
		return -EOPNOTSUPP;
	return r;
}

int bl_map_lookup_batch(int fd, void *keys, void *values, unsigned int max,
			unsigned int key_size, unsigned int value_size, int del)
{
	/* The cursor is a bucket or an index for the kernel's maps, a key for
	 * generic ones: room for either. */
	char cursor[2][key_size + 8];
	void *in = NULL;
	unsigned int n = 0;
	int r, i = 0;

	if (batch_off())
		return -EOPNOTSUPP;
	while (n < max) {
		__u32 count = max - n;

		r = (del ? bpf_map_lookup_and_delete_batch : bpf_map_lookup_batch)(
			fd, in, cursor[i], (char *)keys + (size_t)n * key_size,
			(char *)values + (size_t)n * value_size, &count, NULL);
		r = batch_ret(r, in == NULL);
		if (r < 0 && r != -ENOENT)
			return r;
		n += count;
		if (r == -ENOENT)
			break;
		in = cursor[i];
		i ^= 1;
	}
	return (int)n;
}

/* An update batch (values given) or a delete batch (values NULL). */
static int batch_write(int fd, const void *keys, const void *values, unsigned int n,
		       uint64_t flags)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o, .elem_flags = flags);
	__u32 count = n;
	int r;

	if (batch_off())
		return -EOPNOTSUPP;
	if (n == 0)
		return 0;
	r = values ? bpf_map_update_batch(fd, keys, values, &count, &o)
		   : bpf_map_delete_batch(fd, keys, &count, NULL);
	r = batch_ret(r, 1);
	return r < 0 ? r : (int)count;
}

int bl_map_update_batch(int fd, const void *keys, const void *values, unsigned int n,
			uint64_t flags)
{
	return batch_write(fd, keys, values, n, flags);
}

int bl_map_delete_batch(int fd, const void *keys, unsigned int n)
{
	return batch_write(fd, keys, NULL, n, 0);
}

const char *bl_strerror(int err)
{
	return strerror(err < 0 ? -err : err);
}

uint64_t bl_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

size_t bl_strnlen(const char *s, size_t max)
{
	return strnlen(s, max);
}

int bl_num_possible_cpus(void)
{
	return libbpf_num_possible_cpus();
}

/* kallsyms is loaded on first use; its errors are only errnos here. */
static int ksyms_ready(void)
{
	struct bl_err e = { 0 };
	int err = bl_ksyms_load(&e);

	bl_err_clear(&e);
	return err;
}

int bl_ksym_find_name(const char *name, uint64_t *addr)
{
	int err = ksyms_ready();

	if (err)
		return err;
	if (!bl_ksym_exists(name))
		return 0;
	*addr = bl_ksym_addr(name);
	return 1;
}
