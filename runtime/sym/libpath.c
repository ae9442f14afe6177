/* libpath.c - see libpath.h
 *
 * /etc/ld.so.cache (glibc's "glibc-ld.so.cache1.1" format, possibly after an
 * old "ld.so-1.7.0" table) maps sonames to paths for the dynamic linker;
 * reading it directly finds what `ldconfig -p` shows without running it.
 */
#include "libpath.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"

#define LD_CACHE "/etc/ld.so.cache"
#define OLD_MAGIC "ld.so-1.7.0"
#define NEW_MAGIC "glibc-ld.so.cache1.1"

/* Entry flags: ELF, libc6 ABI, and on x86_64 the 64-bit library kind. */
#define FLAG_TYPE_MASK 0x00ff
#define FLAG_ELF_LIBC6 0x0003
#define FLAG_ARCH_MASK 0xff00
#define FLAG_X8664_LIB64 0x0300
#define FLAG_AARCH64_LIB64 0x0a00

struct cache_new_header {
	char magic[20];
	uint32_t nlibs;
	uint32_t len_strings;
	uint8_t flags, pad[3];
	uint32_t extension_offset;
	uint32_t unused[3];
};

struct cache_new_entry {
	int32_t flags;
	uint32_t key, value;     /* string offsets from the new header */
	uint32_t osversion;
	uint64_t hwcap;
};

static int arch_ok(int32_t flags)
{
	if ((flags & FLAG_TYPE_MASK) != FLAG_ELF_LIBC6)
		return 0;
#if defined(__x86_64__)
	return (flags & FLAG_ARCH_MASK) == FLAG_X8664_LIB64;
#elif defined(__aarch64__)
	return (flags & FLAG_ARCH_MASK) == FLAG_AARCH64_LIB64;
#else
	return 1;
#endif
}

/* Where the new-format table starts: after the old table, 8-byte aligned. */
static size_t new_header_offset(const char *buf, size_t size)
{
	uint32_t nlibs;
	size_t off;

	if (size >= sizeof(NEW_MAGIC) - 1 && !memcmp(buf, NEW_MAGIC, sizeof(NEW_MAGIC) - 1))
		return 0;
	if (size < 16 || memcmp(buf, OLD_MAGIC, sizeof(OLD_MAGIC) - 1))
		return size;
	memcpy(&nlibs, buf + 12, sizeof(nlibs));
	off = 16 + (size_t)nlibs * 12;
	return (off + 7) & ~(size_t)7;
}

/* Sonames matching "lib<name>.so" followed by nothing or a '.'. */
static int soname_matches(const char *key, const char *prefix, size_t plen)
{
	return !strncmp(key, prefix, plen) && (key[plen] == '\0' || key[plen] == '.');
}

static int search_cache(const char *prefix, char *path, size_t len)
{
	size_t size = 0, base, plen = strlen(prefix);
	char *buf;
	const struct cache_new_header *h;
	const struct cache_new_entry *ent;
	int found = 0;

	if (bl_read_file(LD_CACHE, &buf, &size))
		return 0;
	base = new_header_offset(buf, size);
	h = (const void *)(buf + base);
	if (base + sizeof(*h) > size || memcmp(h->magic, NEW_MAGIC, sizeof(NEW_MAGIC) - 1))
		goto out;
	ent = (const void *)(h + 1);
	for (uint32_t i = 0; i < h->nlibs && !found; i++, ent++) {
		if ((const char *)(ent + 1) > buf + size)
			break;
		if (base + ent->key >= size || base + ent->value >= size || !arch_ok(ent->flags))
			continue;
		if (!memchr(buf + base + ent->key, '\0', size - base - ent->key) ||
		    !memchr(buf + base + ent->value, '\0', size - base - ent->value))
			continue;
		if (soname_matches(buf + base + ent->key, prefix, plen) &&
		    access(buf + base + ent->value, F_OK) == 0)
			found = snprintf(path, len, "%s", buf + base + ent->value) < (int)len;
	}
out:
	free(buf);
	return found;
}

static const char *const lib_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
	"/usr/lib", "/lib", "/usr/local/lib",
};

static int search_dir(const char *dir, const char *prefix, char *path, size_t len)
{
	size_t plen = strlen(prefix);
	DIR *d = opendir(dir);
	struct dirent *ent;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (ent = readdir(d)))
		if (soname_matches(ent->d_name, prefix, plen))
			found = snprintf(path, len, "%s/%s", dir, ent->d_name) < (int)len;
	closedir(d);
	return found;
}

int bl_find_library(const char *name, char *path, size_t len, struct bl_err *e)
{
	char prefix[256];

	if (strchr(name, '/')) {
		if (access(name, F_OK) == 0 && snprintf(path, len, "%s", name) < (int)len)
			return 0;
		bl_errf(e, ENOENT, "library '%s': %s", name, strerror(ENOENT));
		return -ENOENT;
	}
	snprintf(prefix, sizeof(prefix), "lib%s.so", name);
	if (search_cache(prefix, path, len))
		return 0;
	for (size_t i = 0; i < sizeof(lib_dirs) / sizeof(lib_dirs[0]); i++)
		if (search_dir(lib_dirs[i], prefix, path, len))
			return 0;
	bl_errf(e, ENOENT, "library '%s': no %s* in %s or the standard library directories",
		name, prefix, LD_CACHE);
	bl_err_append(e, "hint: give the library's full path, or install it (`ldconfig -p` "
		      "lists the known ones)");
	return -ENOENT;
}
