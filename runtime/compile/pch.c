/* pch.c - see pch.h */
#include "pch.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <llvm/Config/llvm-config.h>

#include "../fdio.h"
#include "codegen.h"

/* The key is a hash of what the PCH is made of, so a change to any header
 * or flag (a new bpflua build) makes a new one, whatever the build system
 * knows about dependencies: the flags, every in-memory header, and the
 * clang that reads it (a PCH only loads in the clang that wrote it). The
 * kernel is in the name already (vmlinux.h's, and its -isystem flag). The
 * embedded headers count by the digest the build made of them
 * (tools/embed.sh): hashing their 400 KB took a compile half a millisecond. */
#define FNV_SEED 0xcbf29ce484222325ULL

extern const char bl_embedded_headers_digest[];

static uint64_t fnv(uint64_t h, const void *data, size_t size)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < size; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t pch_key(const struct bl_cc_env *env)
{
	uint64_t h = fnv(FNV_SEED, LLVM_VERSION_STRING, sizeof(LLVM_VERSION_STRING));
	int i;

	for (i = BL_CC_PRELUDE_ARGS; i < env->n_base_args; i++)
		h = fnv(h, env->args[i], strlen(env->args[i]) + 1);
	h = fnv(h, bl_embedded_headers_digest, strlen(bl_embedded_headers_digest));
	for (i = env->n_embedded_files; i < env->n_prelude_files; i++) {
		h = fnv(h, env->files[i].path, strlen(env->files[i].path) + 1);
		h = fnv(h, env->files[i].data, env->files[i].size);
	}
	return h;
}

/* Another build's, kernel's or vmlinux.h generator version's files older
 * than this are removed when a new PCH is built, so the cache does not grow
 * with every bpflua build, kernel or generator version; younger ones may
 * belong to a second bpflua in use at the same time. */
#define PCH_STALE_SECS (24 * 3600)

/* Macros vmlinux.h (runtime/btf/vmlinux_h.c) tests or defines; the other
 * headers are in env->files. */
static const char *const vmlinux_h_macros[] = {
	"__VMLINUX_H__", "DNAME_INLINE_LEN", NULL,
};

static int is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Whether `name` (n bytes) occurs as a whole identifier in the text. */
static int mentions(const char *text, size_t size, const char *name, size_t n)
{
	const char *p = text, *end = text + size, *hit;

	while ((hit = memmem(p, end - p, name, n))) {
		if ((hit == text || !is_ident(hit[-1])) &&
		    (hit + n == end || !is_ident(hit[n])))
			return 1;
		p = hit + 1;
	}
	return 0;
}

/* A -D/-U of a macro no prelude header mentions can't change the prelude. */
static int macro_is_foreign(const struct bl_cc_env *env, const char *name)
{
	size_t n = 0;
	int i;

	while (is_ident(name[n]))
		n++;
	if (!n)
		return 0;
	for (i = 0; vmlinux_h_macros[i]; i++)
		if (strlen(vmlinux_h_macros[i]) == n && !strncmp(vmlinux_h_macros[i], name, n))
			return 0;
	for (i = 0; i < env->n_prelude_files; i++)
		if (mentions(env->files[i].data, env->files[i].size, name, n))
			return 0;
	return 1;
}

/* Flags that leave the prelude as it was precompiled: warnings, and macros
 * it does not look at. Anything else (-I, -O, -std, ...) might not. */
static int cflags_allow_pch(const struct bl_cc_env *env, const struct bl_compile_opts *o)
{
	int i;

	for (i = 0; i < o->n_cflags; i++) {
		const char *f = o->cflags[i];

		if (!strncmp(f, "-W", 2) && f[2])
			continue;
		if ((!strncmp(f, "-D", 2) || !strncmp(f, "-U", 2)) && macro_is_foreign(env, f + 2))
			continue;
		return 0;
	}
	return 1;
}

/* <dir>/vmlinux-<btf hash>.h -> <dir>/vmlinux-<btf hash>.<key>.pch */
static int pch_path(const struct bl_cc_env *env, const char *vmlinux_h, char *path,
		    size_t len)
{
	size_t stem = strlen(vmlinux_h);
	int n;

	if (stem > 2 && !strcmp(vmlinux_h + stem - 2, ".h"))
		stem -= 2;
	n = snprintf(path, len, "%.*s.%016" PRIx64 ".pch", (int)stem, vmlinux_h, pch_key(env));
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* A file built from a vmlinux.h (runtime/btf/vmlinux_h.c): the header,
 * its PCHs and the pruned prelude's copies and lock (skel.h); not
 * temporary files, which the host's cachetmp.h sweeps. */
static int is_prelude_file(const char *name)
{
	size_t n = strlen(name);

	if (strncmp(name, "vmlinux-", 8) || strstr(name, ".tmp"))
		return 0;
	return (n > 2 && !strcmp(name + n - 2, ".h")) || (n > 4 && !strcmp(name + n - 4, ".pch")) ||
	       (n > 9 && !strcmp(name + n - 9, ".pch.lock"));
}

/* Every such file next to path (<stem>.<key>.pch) but this header's
 * (<stem>.h) and this key's (<stem>.<key>.*), unused for a day: other
 * builds', and other kernels' or generator versions' headers and what was
 * built from them. Best effort. */
static void remove_stale(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	const char *dot = strchr(base, '.'), *key_end = dot ? strchr(dot + 1, '.') : NULL;
	size_t stem = dot ? (size_t)(dot - base) : 0;
	char dir[4096];
	struct dirent *d;
	struct stat st;
	DIR *dh;

	if (!key_end || base == path || snprintf(dir, sizeof(dir), "%.*s", (int)(base - path), path) >=
	    (int)sizeof(dir) || !(dh = opendir(dir)))
		return;
	while ((d = readdir(dh))) {
		if (!is_prelude_file(d->d_name) ||
		    !strncmp(d->d_name, base, key_end - base + 1) ||
		    (!strncmp(d->d_name, base, stem) && !strcmp(d->d_name + stem, ".h")))
			continue;
		if (!fstatat(dirfd(dh), d->d_name, &st, AT_SYMLINK_NOFOLLOW) && S_ISREG(st.st_mode) &&
		    st.st_mtime + PCH_STALE_SECS < time(NULL))
			unlinkat(dirfd(dh), d->d_name, 0);
	}
	closedir(dh);
}

/* Built under a private name and renamed into place (pch.h). */
int bl_pch_build(const struct bl_cc_env *env, const char *path)
{
	struct bl_err e = { 0 };
	char tmp[4096];
	int fd, err;

	fd = bl_tmp_create(path, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	close(fd);
	err = bl_codegen_pch(env, tmp, &e);
	/* clang writes a new file over tmp, with the umask's mode. */
	if (!err && chmod(tmp, 0600))
		err = -errno;
	err = bl_tmp_commit(tmp, path, err);
	if (!err)
		remove_stale(path);
	bl_err_clear(&e);
	return err;
}

int bl_pch_use(struct bl_cc_env *env, const struct bl_compile_opts *o, char *path,
	       size_t len)
{
	/* The real headers (kbuild.h) are not precompiled: which of them a
	 * program includes is its own choice, and the tree may change. */
	if (env->kheaders || o->no_pch || !cflags_allow_pch(env, o) ||
	    pch_path(env, o->vmlinux_h, path, len))
		return 0;
	if (access(path, R_OK) && bl_pch_build(env, path))
		return 0;
	bl_cc_env_set_pch(env, path);
	return 1;
}

void bl_pch_discard(struct bl_cc_env *env, const char *path, int rebuild)
{
	bl_cc_env_set_pch(env, NULL);
	unlink(path);
	if (rebuild && !bl_pch_build(env, path))
		bl_cc_env_set_pch(env, path);
}
