/* elf_sym.c - see elf_sym.h
 *
 * A uprobe is placed at a file offset. A symbol's value is a virtual
 * address; the loadable segment containing it maps file offsets to
 * addresses, which holds for executables, PIE and shared libraries alike.
 */
#include "elf_sym.h"

#include <errno.h>
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

static int vaddr_to_offset(Elf *elf, uint64_t vaddr, uint64_t *off)
{
	size_t n;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &n))
		return -ENOEXEC;
	for (size_t i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
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
			   const char *sym, sym_filter keep, uint64_t *vaddr)
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
		*vaddr = s.st_value;
		found = 1;
		if (GELF_ST_BIND(s.st_info) != STB_LOCAL)
			break;
	}
	return found;
}

static int find_sym(Elf *elf, const char *sym, sym_filter keep, uint64_t *vaddr)
{
	static const Elf64_Word types[] = { SHT_SYMTAB, SHT_DYNSYM };

	for (size_t t = 0; t < 2; t++) {
		Elf_Scn *scn = NULL;
		GElf_Shdr sh;

		while ((scn = elf_nextscn(elf, scn))) {
			if (gelf_getshdr(scn, &sh) && sh.sh_type == types[t] &&
			    find_in_section(elf, scn, &sh, sym, keep, vaddr))
				return 1;
		}
	}
	return 0;
}

int bl_elf_sym_offset(const char *path, const char *sym, uint64_t *off, struct bl_err *e)
{
	struct elf_file f;
	uint64_t vaddr = 0;
	int err = elf_file_open(path, &f, e);

	if (err)
		return err;
	if (!find_sym(f.elf, sym, is_func, &vaddr)) {
		err = bl_errf(e, ENOENT, "no function symbol '%s' in '%s'", sym, path);
		bl_err_append(e, "hint: `nm -D %s` lists its exported functions; a stripped "
			      "binary needs an address instead (addr=)", path);
	} else if (vaddr_to_offset(f.elf, vaddr, off)) {
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
	if (vaddr_to_offset(f.elf, vaddr, off))
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

	if (err)
		return err;
	if (!find_sym(f.elf, sym, is_object, vaddr))
		err = bl_errf(e, ENOENT, "no symbol '%s' in '%s'", sym, path);
	elf_file_close(&f);
	return err;
}
