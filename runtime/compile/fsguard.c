/* fsguard.c - see fsguard.h */
#include "fsguard.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* libc's open(), called the usual way from here. O_NONBLOCK: opening a
 * FIFO would otherwise wait for a writer. */
static int guarded_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	struct stat st;
	va_list ap;
	int fd;

	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	fd = open(path, flags | O_NONBLOCK, mode);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
		if (!(flags & O_NONBLOCK))
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		return fd;
	}
	close(fd);
	errno = ENXIO;
	return -1;
}

struct dyn {
	const ElfW(Sym) *sym;
	const char *str;
	const uint32_t *gnu_hash;	/* nbuckets, symoffset, ... */
	const uint32_t *hash;		/* nbucket, nchain, ... */
	const ElfW(Rela) *rela[2];
	size_t rela_size[2];
};

/* The dynamic section's addresses: glibc relocates them in place on most
 * architectures, not on all. */
static uintptr_t dyn_addr(uintptr_t base, uintptr_t v)
{
	return v < base ? base + v : v;
}

static void read_dyn(const struct dl_phdr_info *info, const ElfW(Dyn) *d, struct dyn *y)
{
	uintptr_t base = info->dlpi_addr;

	for (; d->d_tag != DT_NULL; d++) {
		switch (d->d_tag) {
		case DT_SYMTAB: y->sym = (const void *)dyn_addr(base, d->d_un.d_ptr); break;
		case DT_STRTAB: y->str = (const void *)dyn_addr(base, d->d_un.d_ptr); break;
		case DT_RELA: y->rela[0] = (const void *)dyn_addr(base, d->d_un.d_ptr); break;
		case DT_RELASZ: y->rela_size[0] = d->d_un.d_val; break;
		case DT_JMPREL: y->rela[1] = (const void *)dyn_addr(base, d->d_un.d_ptr); break;
		case DT_PLTRELSZ: y->rela_size[1] = d->d_un.d_val; break;
		case DT_GNU_HASH: y->gnu_hash = (const void *)dyn_addr(base, d->d_un.d_ptr); break;
		case DT_HASH: y->hash = (const void *)dyn_addr(base, d->d_un.d_ptr); break;
		}
	}
}

/* The index of the imported symbol open, or 0. Imports come first in the
 * symbol table: below GNU hash's symoffset (which hashes only definitions),
 * within SysV hash's nchain. */
static size_t open_index(const struct dyn *y)
{
	size_t i, n = y->gnu_hash ? y->gnu_hash[1] : y->hash ? y->hash[1] : 0;

	for (i = 1; i < n; i++)
		if (y->sym[i].st_shndx == SHN_UNDEF && !strcmp(y->str + y->sym[i].st_name, "open"))
			return i;
	return 0;
}

/* Points every relocated slot for open at guarded_open. There are a
 * million relocations in LLVM's libraries: they are matched by index. */
static void patch(uintptr_t base, const struct dyn *y)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t sym = open_index(y);
	int t;

	for (t = 0; t < 2 && sym; t++) {
		size_t i, n = y->rela[t] ? y->rela_size[t] / sizeof(ElfW(Rela)) : 0;

		for (i = 0; i < n; i++) {
			const ElfW(Rela) *r = &y->rela[t][i];
			void **slot = (void **)(base + r->r_offset);
			uintptr_t pg = (uintptr_t)slot & ~(uintptr_t)(page - 1);

			if (ELF64_R_SYM(r->r_info) != sym)
				continue;
			if (mprotect((void *)pg, page, PROT_READ | PROT_WRITE) == 0)
				*slot = (void *)guarded_open;
		}
	}
}

static int each_object(struct dl_phdr_info *info, size_t size, void *data)
{
	struct dyn y = { 0 };
	int i;

	if (!strstr(info->dlpi_name, "libLLVM") && !strstr(info->dlpi_name, "libclang"))
		return 0;
	for (i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
			read_dyn(info, (const void *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr), &y);
	if (y.sym && y.str)
		patch(info->dlpi_addr, &y);
	return 0;
}

void bl_fsguard_install(void)
{
	dl_iterate_phdr(each_object, NULL);
}
