/* shared_maps.c - see shared_maps.h */
#include "shared_maps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <gelf.h>
#include <libelf.h>

struct export {
	struct export *next;
	char *name;
	int fd;                 /* our own dup of the map's fd */
	const void *owner;
};

static struct export *exports;

static struct export *find(const char *name)
{
	struct export *x;

	for (x = exports; x; x = x->next)
		if (!strcmp(x->name, name))
			return x;
	return NULL;
}

/* 1 when obj's BTF has the marker variable __bl_<kind>__<map>. */
static int marked(struct bpf_object *obj, const char *kind, const char *map)
{
	const struct btf *btf = bpf_object__btf(obj);
	char var[256];

	if (!btf || snprintf(var, sizeof(var), "__bl_%s__%s", kind, map) >= (int)sizeof(var))
		return 0;
	return btf__find_by_name_kind(btf, var, BTF_KIND_VAR) > 0;
}

int bl_shared_import(struct bpf_object *obj, const char *objname, struct bl_err *e)
{
	struct bpf_map *m;
	int err;

	bpf_object__for_each_map(m, obj) {
		const char *name = bpf_map__name(m);
		struct export *x;

		if (!marked(obj, "extern", name))
			continue;
		x = find(name);
		if (!x) {
			bl_errf(e, ENOENT, "object '%s': table '%s' is declared extern, but no "
				"BPF object of this process exports it", objname, name);
			bl_err_append(e, "hint: create the BPF object that declares it with "
				      "BPF_TABLE_PUBLIC or BPF_TABLE_SHARED first, and keep it");
			return -ENOENT;
		}
		err = bpf_map__reuse_fd(m, x->fd);
		if (err)
			return bl_errf(e, -err, "object '%s': cannot share table '%s': %s",
				       objname, name, strerror(-err));
	}
	return 0;
}

int bl_shared_export(struct bpf_object *obj, const void *owner, struct bl_err *e)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		const char *name = bpf_map__name(m);
		struct export *x;

		if (!marked(obj, "export", name))
			continue;
		x = calloc(1, sizeof(*x));
		if (!x || !(x->name = strdup(name)) || (x->fd = dup(bpf_map__fd(m))) < 0) {
			if (x)
				free(x->name);
			free(x);
			return bl_errf(e, ENOMEM, "cannot export table '%s': out of memory "
				       "or file descriptors", name);
		}
		x->owner = owner;
		x->next = exports;      /* found first: a later export wins */
		exports = x;
	}
	return 0;
}

void bl_shared_forget(const void *owner)
{
	struct export **p = &exports, *x;

	while ((x = *p)) {
		if (x->owner != owner) {
			p = &x->next;
			continue;
		}
		*p = x->next;
		close(x->fd);
		free(x->name);
		free(x);
	}
}

/* The string a symbol of section `scn` points at, or NULL. */
static const char *sym_string(Elf *elf, const GElf_Sym *sym)
{
	Elf_Scn *scn = elf_getscn(elf, sym->st_shndx);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	const char *s;

	if (!d || !d->d_buf || sym->st_value >= d->d_size)
		return NULL;
	s = (const char *)d->d_buf + sym->st_value;
	return memchr(s, '\0', d->d_size - sym->st_value) ? s : NULL;
}

/* Calls set(map name, path) for each __bl_pinned__ symbol of the ELF. */
static int each_pin(Elf *elf, int (*set)(void *, const char *, const char *), void *ctx)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	int err = 0;

	while (!err && (scn = elf_nextscn(elf, scn))) {
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !(d = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; !err && sh.sh_entsize && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name, *path;

			if (!gelf_getsym(d, i, &sym) ||
			    !(name = elf_strptr(elf, sh.sh_link, sym.st_name)) ||
			    strncmp(name, "__bl_pinned__", 13) || !(path = sym_string(elf, &sym)))
				continue;
			err = set(ctx, name + 13, path);
		}
	}
	return err;
}

/* The directory of path is on bpffs (libbpf pins only there). */
static int on_bpffs(const char *path)
{
	char dir[4096];
	struct statfs st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	return statfs(slash ? dir : ".", &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

struct pin_ctx {
	struct bpf_object *obj;
	const char *objname;
	struct bl_err *e;
};

static int set_pin(void *ctx, const char *map, const char *path)
{
	struct pin_ctx *c = ctx;
	struct bpf_map *m = bpf_object__find_map_by_name(c->obj, map);
	int err;

	if (!m)
		return 0;
	if (!on_bpffs(path)) {
		bl_errf(c->e, EINVAL, "object '%s': table '%s' is pinned at %s, which is not "
			"on a BPF file system", c->objname, map, path);
		bl_err_append(c->e, "hint: mount one there: mount -t bpf bpf /sys/fs/bpf");
		return -EINVAL;
	}
	err = bpf_map__set_pin_path(m, path);
	if (err)
		return bl_errf(c->e, -err, "object '%s': cannot pin table '%s' at %s: %s",
			       c->objname, map, path, strerror(-err));
	return 0;
}

int bl_shared_pins(struct bpf_object *obj, const void *elf, size_t size, const char *objname,
		   struct bl_err *e)
{
	struct pin_ctx c = { obj, objname, e };
	Elf *el;
	int err;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return bl_errf(e, EINVAL, "libelf is unusable: %s", elf_errmsg(-1));
	el = elf_memory((char *)elf, size);
	if (!el)
		return bl_errf(e, EINVAL, "object '%s': cannot read its ELF: %s", objname,
			       elf_errmsg(-1));
	err = each_pin(el, set_pin, &c);
	elf_end(el);
	return err;
}
