/* objcache.c - see objcache.h */
#include "objcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf/kernel_btf.h"
#include "cachedir.h"
#include "fdio.h"
#include "kconfig.h"
#include "kheaders.h"
#include "sha256.h"

#define MAGIC "BPFLUAO2"

/* The checksum covers the key as well as the object: an entry copied over
 * another key's file is refused, not loaded for the wrong program. */
struct entry_header {
	char magic[8];
	uint64_t size;
	char key[BL_OBJCACHE_KEY_LEN - 1];
	unsigned char sha[32];
};

static int disabled;

int bl_objcache_enabled(void)
{
	const char *v = getenv("BPFLUA_CACHE");

	if (disabled)
		return 0;
	return !(v && (strcmp(v, "0") == 0 || strcmp(v, "off") == 0 || strcmp(v, "no") == 0));
}

void bl_objcache_disable(void)
{
	disabled = 1;
}

void bl_objcache_key(const struct bl_compile_opts *o, char key[BL_OBJCACHE_KEY_LEN])
{
	struct bl_sha256 s;
	unsigned char d[32];
	char debug[16], ident[2 * PATH_MAX + 128];
	int i;

	bl_sha256_init(&s);
	bl_sha256_str(&s, BPFLUA_BUILD_ID);
	bl_sha256_str(&s, BPFLUA_LLVM_VERSION);
	bl_sha256_str(&s, bl_kernel_id());
	bl_sha256_str(&s, o->filename);
	bl_sha256_str(&s, o->include_dir);
	snprintf(debug, sizeof(debug), "%d", o->debug);
	bl_sha256_str(&s, debug);
	for (i = 0; i < o->n_cflags; i++)
		bl_sha256_str(&s, o->cflags[i]);
	bl_sha256_str(&s, o->kernel_header);
	if (o->kheaders_build)
		bl_kheaders_identity(o->kheaders_src, o->kheaders_build, ident, sizeof(ident));
	else
		bl_kconfig_identity(ident, sizeof(ident));
	bl_sha256_str(&s, ident);
	bl_sha256_str(&s, o->text);
	bl_sha256_final(&s, d);
	bl_sha256_hex(d, key);
}

/* objects/ itself gets the cache directory's checks, and must not be a
 * symlink (which could lead anywhere). */
static int objects_dir(char *dir, size_t len, struct bl_err *e)
{
	struct stat st;
	int err = bl_cachedir(dir, len, e);

	if (err)
		return err;
	if (strlen(dir) + sizeof("/objects") >= len)
		return bl_errf(e, ENAMETOOLONG, "cache directory path too long: %s", dir);
	strcat(dir, "/objects");
	if (mkdir(dir, 0700) && errno != EEXIST)
		return bl_errf(e, errno, "cannot create %s: %s", dir, strerror(errno));
	if (lstat(dir, &st))
		return bl_errf(e, errno, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return bl_errf(e, ENOTDIR, "cache directory '%s' is not a directory (a symlink or another file); remove it", dir);
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		return bl_errf(e, EPERM, "cache directory '%s' is not private (uid %u, mode %04o); remove it",
			       dir, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	return 0;
}

static int entry_path(const char *key, char *path, size_t len, struct bl_err *e)
{
	char dir[PATH_MAX];
	int err = objects_dir(dir, sizeof(dir), e);

	if (err)
		return err;
	if ((size_t)snprintf(path, len, "%s/%s.o", dir, key) >= len)
		return bl_errf(e, ENAMETOOLONG, "cache entry path too long in %s", dir);
	return 0;
}

static void entry_sha(const char *key, const void *elf, size_t size, unsigned char d[32])
{
	struct bl_sha256 s;

	bl_sha256_init(&s);
	bl_sha256_update(&s, key, BL_OBJCACHE_KEY_LEN - 1);
	bl_sha256_update(&s, elf, size);
	bl_sha256_final(&s, d);
}

/* Reads and checks the entry for key; NULL when it is not a valid one. Only
 * a regular file of ours qualifies: the fd was opened without blocking, so
 * a FIFO or device at the name costs nothing. */
static void *read_entry(int fd, const char *key, size_t *size)
{
	struct entry_header h;
	struct stat st;
	unsigned char d[32];
	void *elf;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) ||
	    read(fd, &h, sizeof(h)) != sizeof(h) || memcmp(h.magic, MAGIC, 8) ||
	    memcmp(h.key, key, sizeof(h.key)) ||
	    (uint64_t)st.st_size != sizeof(h) + h.size || h.size == 0)
		return NULL;
	elf = malloc(h.size);
	if (!elf || read(fd, elf, h.size) != (ssize_t)h.size)
		goto bad;
	entry_sha(key, elf, h.size, d);
	if (memcmp(d, h.sha, 32))
		goto bad;
	*size = h.size;
	return elf;
bad:
	free(elf);
	return NULL;
}

int bl_objcache_get(const char *key, void **elf, size_t *size, struct bl_err *e)
{
	char path[PATH_MAX];
	int fd, err = entry_path(key, path, sizeof(path), e);

	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0) {           /* a symlink (ELOOP) or worse: not an entry */
		unlink(path);
		return -ENOENT;
	}
	*elf = read_entry(fd, key, size);
	if (*elf)
		futimens(fd, NULL);     /* recently used: pruned last */
	close(fd);
	if (*elf)
		return 0;
	unlink(path);   /* corrupt, truncated or not ours: rebuild it */
	return -ENOENT;
}

static void prune(void);

int bl_objcache_put(const char *key, const void *elf, size_t size, struct bl_err *e)
{
	char path[PATH_MAX], tmp[PATH_MAX + 32];
	struct entry_header h = { .size = size };
	int fd, err = entry_path(key, path, sizeof(path), e);

	if (err)
		return err;
	memcpy(h.magic, MAGIC, 8);
	memcpy(h.key, key, sizeof(h.key));
	entry_sha(key, elf, size, h.sha);
	fd = bl_tmp_create(path, tmp, sizeof(tmp));
	if (fd < 0)
		return bl_errf(e, -fd, "cannot write cache entry %s: %s", path, strerror(-fd));
	err = bl_write_all(fd, &h, sizeof(h)) || bl_write_all(fd, elf, size) || fsync(fd)
		? -errno : 0;
	close(fd);
	err = bl_tmp_commit(tmp, path, err);
	if (err)
		return bl_errf(e, -err, "cannot write cache entry %s: %s", path, strerror(-err));
	prune();
	return 0;
}

/* <key>.o; temp files (<key>.o.tmp.<pid>) are cachetmp.c's. */
static int is_entry_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 2 && !strcmp(name + n - 2, ".o");
}

/* Calls fn on each regular entry in objects/. */
static int each_entry(int (*fn)(const char *path, const struct stat *st, void *arg),
		      void *arg, char *dir, size_t len, struct bl_err *e)
{
	char path[PATH_MAX + 256];
	struct dirent *d;
	struct stat st;
	DIR *dp;
	int err = objects_dir(dir, len, e);

	if (err)
		return err;
	dp = opendir(dir);
	if (!dp)
		return bl_errf(e, errno, "cannot read %s: %s", dir, strerror(errno));
	while ((d = readdir(dp))) {
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (is_entry_name(d->d_name) && lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			fn(path, &st, arg);
	}
	closedir(dp);
	return 0;
}

struct tally {
	long n;
	long long bytes;
};

static int count_one(const char *path, const struct stat *st, void *arg)
{
	struct tally *t = arg;

	t->n++;
	t->bytes += st->st_size;
	return 0;
}

static int remove_one(const char *path, const struct stat *st, void *arg)
{
	if (unlink(path) == 0)
		(*(long *)arg)++;
	return 0;
}

int bl_objcache_stat(char *dir, size_t len, long *entries, long long *bytes,
		     struct bl_err *e)
{
	struct tally t = {0};
	int err = each_entry(count_one, &t, dir, len, e);

	*entries = t.n;
	*bytes = t.bytes;
	return err;
}

int bl_objcache_clear(long *removed, struct bl_err *e)
{
	char dir[PATH_MAX];

	*removed = 0;
	return each_entry(remove_one, removed, dir, sizeof(dir), e);
}

/* Bounding the directory: past MAX_ENTRIES objects, the least recently
 * used (oldest mtime: a hit refreshes it) go until KEEP_ENTRIES remain. Runs
 * only after a compile, which costs far more than this scan. */
#define MAX_ENTRIES 1024
#define KEEP_ENTRIES 768

struct aged {
	char path[PATH_MAX + 256];
	struct timespec mtime;
};

struct aged_list {
	struct aged *v;
	size_t n, cap;
};

static int collect_one(const char *path, const struct stat *st, void *arg)
{
	struct aged_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		struct aged *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	snprintf(l->v[l->n].path, sizeof(l->v[l->n].path), "%s", path);
	l->v[l->n++].mtime = st->st_mtim;
	return 0;
}

static int older_first(const void *a, const void *b)
{
	const struct timespec *x = &((const struct aged *)a)->mtime;
	const struct timespec *y = &((const struct aged *)b)->mtime;

	if (x->tv_sec != y->tv_sec)
		return x->tv_sec < y->tv_sec ? -1 : 1;
	return x->tv_nsec < y->tv_nsec ? -1 : x->tv_nsec > y->tv_nsec;
}

static void prune(void)
{
	struct aged_list l = { 0 };
	struct bl_err e = { 0 };
	char dir[PATH_MAX];
	size_t i;

	if (each_entry(collect_one, &l, dir, sizeof(dir), &e) == 0 && l.n > MAX_ENTRIES) {
		qsort(l.v, l.n, sizeof(*l.v), older_first);
		for (i = 0; i < l.n - KEEP_ENTRIES; i++)
			unlink(l.v[i].path);
	}
	free(l.v);
	bl_err_clear(&e);
}
