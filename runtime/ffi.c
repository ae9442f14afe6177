/* ffi.c - implements ffi.h: the data path Lua calls through LuaJIT's FFI.
 * No Lua API here: Lua calls these directly through ffi.C, once per element,
 * so they stay thin. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
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
