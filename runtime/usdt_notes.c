/* usdt_notes.c - reading .note.stapsdt with libelf (see usdt.h).
 *
 * Each note (owner "stapsdt", type 3) describes one probe site: three
 * addresses (pc, the link-time address of .stapsdt.base, semaphore), then
 * "provider\0name\0args\0". When the file was prelinked, .stapsdt.base has
 * moved and the other addresses move by as much. */
#include "usdt.h"
#include "sym/elf_sym.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NT_STAPSDT 3

struct notes {
	struct bl_usdt_note *v;
	int n, cap;
};

static Elf_Scn *find_section(Elf *elf, const char *name, GElf_Shdr *sh)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (gelf_getshdr(scn, sh) && (n = elf_strptr(elf, shstrndx, sh->sh_name)) &&
		    !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/* Copies the NUL-terminated string at *p (within end) into dst. */
static int take_str(const char **p, const char *end, char *dst, size_t size)
{
	size_t len = strnlen(*p, end - *p);

	if (*p + len >= end || len >= size)
		return -1;
	memcpy(dst, *p, len + 1);
	*p += len + 1;
	return 0;
}

static int parse_note(Elf *elf, const char *desc, size_t size, int64_t base_delta,
		      int have_base, struct bl_usdt_note *n)
{
	const char *p = desc + 24, *end = desc + size;
	uint64_t addr[3];

	if (size < 24 + 3)
		return -1;
	memcpy(addr, desc, sizeof(addr));
	memset(n, 0, sizeof(*n));
	if (take_str(&p, end, n->provider, sizeof(n->provider)) ||
	    take_str(&p, end, n->name, sizeof(n->name)) ||
	    take_str(&p, end, n->args, sizeof(n->args)))
		return -1;
	n->pc = addr[0] + (have_base ? base_delta : 0);
	n->sema_addr = addr[2] ? addr[2] + (have_base ? base_delta : 0) : 0;
	if (bl_elf_segment_offset(elf, n->pc, 1, &n->offset))
		return -1;
	if (n->sema_addr && bl_elf_segment_offset(elf, n->sema_addr, 0, &n->sema_offset))
		return -1;
	return 0;
}

static int add_note(struct notes *ns, const struct bl_usdt_note *n)
{
	if (ns->n == ns->cap) {
		int cap = ns->cap ? ns->cap * 2 : 16;
		struct bl_usdt_note *v = realloc(ns->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ns->v = v;
		ns->cap = cap;
	}
	ns->v[ns->n++] = *n;
	return 0;
}

static int read_notes(Elf *elf, Elf_Scn *scn, int64_t base_delta, int have_base,
		      struct notes *ns)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	while (data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		struct bl_usdt_note n;
		const char *owner = (const char *)data->d_buf + name_off;

		if (nh.n_type != NT_STAPSDT || nh.n_namesz != 8 || memcmp(owner, "stapsdt", 8))
			continue;
		if (parse_note(elf, (const char *)data->d_buf + desc_off, nh.n_descsz,
			       base_delta, have_base, &n))
			continue;       /* a malformed note: skip it, as readelf does */
		if (add_note(ns, &n))
			return -ENOMEM;
	}
	return 0;
}

static int elf_notes(Elf *elf, struct notes *ns)
{
	GElf_Shdr sh, bsh;
	Elf_Scn *scn = find_section(elf, ".note.stapsdt", &sh);
	Elf_Scn *base = find_section(elf, ".stapsdt.base", &bsh);
	const char *first;
	Elf_Data *data;
	size_t name_off, desc_off;
	GElf_Nhdr nh;
	int64_t delta = 0;

	if (!scn)
		return 0;
	/* The notes record .stapsdt.base's link-time address: the first note
	 * tells by how much the section moved since. */
	data = elf_getdata(scn, NULL);
	if (base && data && gelf_getnote(data, 0, &nh, &name_off, &desc_off) > 0 &&
	    nh.n_descsz >= 24) {
		uint64_t recorded;

		first = (const char *)data->d_buf + desc_off;
		memcpy(&recorded, first + 8, sizeof(recorded));
		delta = (int64_t)(bsh.sh_addr - recorded);
	}
	return read_notes(elf, scn, delta, base != NULL, ns);
}

int bl_usdt_notes(const char *path, struct bl_usdt_note **out, struct bl_err *e)
{
	struct notes ns = { 0 };
	int fd, err;
	Elf *elf;

	*out = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return bl_errf(e, EINVAL, "libelf is unusable: %s", elf_errmsg(-1));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		return bl_errf(e, err, "cannot open '%s': %s", path, strerror(err));
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (elf)
			elf_end(elf);
		close(fd);
		return bl_errf(e, ENOEXEC, "'%s' is not an ELF file", path);
	}
	err = elf_notes(elf, &ns);
	elf_end(elf);
	close(fd);
	if (err) {
		free(ns.v);
		return bl_errf(e, -err, "reading the USDT notes of '%s': %s", path, strerror(-err));
	}
	*out = ns.v;
	return ns.n;
}
