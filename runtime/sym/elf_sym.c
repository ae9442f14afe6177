/* elf_sym.c - see elf_sym.h
 *
 * A uprobe is placed at a file offset. A symbol's value is a virtual
 * address; the loadable segment containing it maps file offsets to
 * addresses, which holds for executables, PIE and shared libraries alike.
 */
#include "elf_sym.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

struct elf_file {
	int fd;
	Elf *elf;
};

static int elf_file_open(const char *path, struct elf_file *f, struct bl_err *e)
{
	int err;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return bl_errf(e, EINVAL, "libelf is unusable: %s", elf_errmsg(-1));
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		err = errno;
		bl_errf(e, err, "cannot open '%s': %s", path, strerror(err));
		bl_err_append(e, "hint: give a full path, or a library name such as \"c\" "
			      "(BPF.find_library)");
		return -err;
	}
	f->elf = elf_begin(f->fd, ELF_C_READ, NULL);
	if (!f->elf || elf_kind(f->elf) != ELF_K_ELF) {
		if (f->elf)
			elf_end(f->elf);
		close(f->fd);
		return bl_errf(e, ENOEXEC, "'%s' is not an ELF file", path);
	}
	return 0;
}

static void elf_file_close(struct elf_file *f)
{
	elf_end(f->elf);
	close(f->fd);
}

int bl_elf_segment_offset(Elf *elf, uint64_t vaddr, int exec_only, uint64_t *off)
{
	size_t n;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &n))
		return -ENOEXEC;
	for (size_t i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD ||
		    (exec_only && !(ph.p_flags & PF_X)))
			continue;
		if (vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_memsz) {
			*off = vaddr - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -ENOENT;
}

static int name_matches(const char *name, const char *sym)
{
	size_t n = strlen(sym);

	return !strncmp(name, sym, n) && (name[n] == '\0' || name[n] == '@');
}

static int is_func(const GElf_Sym *s)
{
	int type = GELF_ST_TYPE(s->st_info);

	return (type == STT_FUNC || type == STT_GNU_IFUNC) &&
	       s->st_shndx != SHN_UNDEF && s->st_value;
}

static int is_object(const GElf_Sym *s)
{
	return is_func(s) || (GELF_ST_TYPE(s->st_info) == STT_OBJECT &&
			      s->st_shndx != SHN_UNDEF);
}

typedef int (*sym_filter)(const GElf_Sym *s);

/* Searches one symbol table section; a global definition wins over a local. */
static int find_in_section(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
			   const char *sym, sym_filter keep, GElf_Sym *out)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t count = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
	int found = 0;
	GElf_Sym s;

	for (size_t i = 0; data && i < count; i++) {
		const char *name;

		if (!gelf_getsym(data, i, &s) || !keep(&s))
			continue;
		name = elf_strptr(elf, sh->sh_link, s.st_name);
		if (!name || !name_matches(name, sym))
			continue;
		*out = s;
		found = 1;
		if (GELF_ST_BIND(s.st_info) != STB_LOCAL)
			break;
	}
	return found;
}

static int find_sym(Elf *elf, const char *sym, sym_filter keep, GElf_Sym *out)
{
	static const Elf64_Word types[] = { SHT_SYMTAB, SHT_DYNSYM };

	for (size_t t = 0; t < 2; t++) {
		Elf_Scn *scn = NULL;
		GElf_Shdr sh;

		while ((scn = elf_nextscn(elf, scn))) {
			if (gelf_getshdr(scn, &sh) && sh.sh_type == types[t] &&
			    find_in_section(elf, scn, &sh, sym, keep, out))
				return 1;
		}
	}
	return 0;
}

/* An IFUNC symbol's address is its resolver, which runs once, when the
 * loader binds the symbol: a uprobe there never sees a call. As BCC does,
 * the probe goes on the implementation the resolver picks, picked here by
 * letting the dynamic loader bind the symbol in this process (same CPU,
 * same choice; libc is loaded already). Returns 0 when it cannot tell, and
 * the caller keeps the resolver. */
static uint64_t ifunc_impl(const char *path, const char *sym)
{
	void *h = dlopen(path, RTLD_LAZY | RTLD_LOCAL), *impl;
	struct link_map *lm = NULL;
	uint64_t vaddr = 0;
	Dl_info info;

	if (!h)
		return 0;
	impl = dlsym(h, sym);
	/* The implementation must lie in this file, not in one it links. */
	if (impl && !dlinfo(h, RTLD_DI_LINKMAP, &lm) && lm && dladdr(impl, &info) &&
	    info.dli_fname && lm->l_name && !strcmp(info.dli_fname, lm->l_name))
		vaddr = (uintptr_t)impl - lm->l_addr;
	dlclose(h);
	return vaddr;
}

int bl_elf_sym_offset(const char *path, const char *sym, uint64_t *off, struct bl_err *e)
{
	struct elf_file f;
	uint64_t vaddr = 0, impl;
	GElf_Sym s;
	int err = elf_file_open(path, &f, e);

	if (err)
		return err;
	if (find_sym(f.elf, sym, is_func, &s)) {
		vaddr = s.st_value;
		if (GELF_ST_TYPE(s.st_info) == STT_GNU_IFUNC && (impl = ifunc_impl(path, sym)))
			vaddr = impl;
	}
	if (!vaddr) {
		err = bl_errf(e, ENOENT, "no function symbol '%s' in '%s'", sym, path);
		bl_err_append(e, "hint: `nm -D %s` lists its exported functions; a stripped "
			      "binary needs an address instead (addr=)", path);
	} else if (bl_elf_segment_offset(f.elf, vaddr, 1, off)) {
		err = bl_errf(e, ENOEXEC, "symbol '%s' in '%s' is not in an executable segment",
			      sym, path);
	}
	elf_file_close(&f);
	return err;
}

int bl_elf_vaddr_offset(const char *path, uint64_t vaddr, uint64_t *off, struct bl_err *e)
{
	struct elf_file f;
	int err = elf_file_open(path, &f, e);

	if (err)
		return err;
	if (bl_elf_segment_offset(f.elf, vaddr, 1, off))
		err = bl_errf(e, EINVAL, "address 0x%llx is not in an executable segment of '%s'",
			      (unsigned long long)vaddr, path);
	elf_file_close(&f);
	return err;
}

int bl_elf_data_sym_addr(const char *path, const char *sym, uint64_t *vaddr,
			 struct bl_err *e)
{
	struct elf_file f;
	int err = elf_file_open(path, &f, e);
	GElf_Sym s;

	if (err)
		return err;
	if (find_sym(f.elf, sym, is_object, &s))
		*vaddr = s.st_value;
	else
		err = bl_errf(e, ENOENT, "no symbol '%s' in '%s'", sym, path);
	elf_file_close(&f);
	return err;
}

static int each_in_section(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
			   int (*fn)(const char *, uint64_t, void *), void *ctx)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t count = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
	GElf_Sym s;
	int stop = 0;

	for (size_t i = 0; data && i < count && !stop; i++) {
		const char *name;

		if (!gelf_getsym(data, i, &s) || !is_func(&s))
			continue;
		name = elf_strptr(elf, sh->sh_link, s.st_name);
		if (name && *name)
			stop = fn(name, s.st_value, ctx);
	}
	return stop;
}

int bl_elf_functions(const char *path, int (*fn)(const char *name, uint64_t vaddr, void *ctx),
		     void *ctx, struct bl_err *e)
{
	struct elf_file f;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	int err = elf_file_open(path, &f, e);

	if (err)
		return err;
	while ((scn = elf_nextscn(f.elf, scn)))
		if (gelf_getshdr(scn, &sh) && (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM) &&
		    each_in_section(f.elf, scn, &sh, fn, ctx))
			break;
	elf_file_close(&f);
	return 0;
}
