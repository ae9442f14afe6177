/* usyms.c - a process's symbols through elfutils' libdwfl (see sym.h).
 *
 * The modules are /proc/PID/maps's file mappings (libdwfl's own reader, which
 * also finds the vDSO); each file is opened through /proc/PID/root, so a
 * process in another mount namespace gets its own files, and opened at once,
 * so lookups keep working after the process exits. Symbol tables and debug
 * files are read on the first lookup in a module, by libdwfl; we then sort
 * its function symbols once (libdwfl's own address lookup scans the whole
 * table on every call: ~200 us per address in libc).
 */
#include "sym.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <elfutils/libdwfl.h>

/* A module's function symbols by address (the module's userdata); names
 * point into libdwfl's copy of the table. */
struct index {
	struct bl_fsym *syms;
	size_t n;
};

struct bl_usyms {
	Dwfl *dwfl;
	int pid;
	struct bl_perfmap *jit;
};

/* libdwfl calls find_elf from inside dwfl_module_getelf(), which we only do
 * in bl_usyms_open(): the pid of the process being opened. */
static int opening_pid;

/* Opens modname as the process sees it; libdwfl's own finder for the rest
 * (the vDSO, read from the process's memory). */
static int find_elf(Dwfl_Module *mod, void **userdata, const char *modname,
		    Dwarf_Addr base, char **file_name, Elf **elfp)
{
	char path[4096];
	int fd;

	if (modname[0] != '/')
		return dwfl_linux_proc_find_elf(mod, userdata, modname, base, file_name, elfp);
	snprintf(path, sizeof(path), "/proc/%d/root%s", opening_pid, modname);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	*elfp = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!*elfp) {
		close(fd);
		return -1;
	}
	/* The debug-file search looks beside this name (.gnu_debuglink). */
	*file_name = strdup(path);
	return fd;
}

/* libdwfl's default search path: beside the file, in .debug/ there, and
 * under /usr/lib/debug (by build-id, then by path). */
static char *debuginfo_path;

static const Dwfl_Callbacks callbacks = {
	.find_elf = find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

static int open_elf(Dwfl_Module *mod, void **userdata, const char *name,
		    Dwarf_Addr start, void *arg)
{
	Dwarf_Addr bias;

	dwfl_module_getelf(mod, &bias);
	return DWARF_CB_OK;
}

/* NULL when the process cannot be read (gone, or no permission). */
struct bl_usyms *bl_usyms_open(int pid)
{
	struct bl_usyms *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->pid = pid;
	u->dwfl = dwfl_begin(&callbacks);
	if (!u->dwfl || dwfl_linux_proc_report(u->dwfl, pid) != 0 ||
	    dwfl_report_end(u->dwfl, NULL, NULL) != 0) {
		bl_usyms_close(u);
		return NULL;
	}
	opening_pid = pid;
	dwfl_getmodules(u->dwfl, open_elf, NULL, 0);
	u->jit = bl_perfmap_open(pid);
	return u;
}

static int free_index(Dwfl_Module *mod, void **userdata, const char *name,
		      Dwarf_Addr start, void *arg)
{
	struct index *ix = *userdata;

	if (ix) {
		free(ix->syms);
		free(ix);
	}
	return DWARF_CB_OK;
}

void bl_usyms_close(struct bl_usyms *u)
{
	if (!u)
		return;
	if (u->dwfl) {
		dwfl_getmodules(u->dwfl, free_index, NULL, 0);
		dwfl_end(u->dwfl);
	}
	bl_perfmap_close(u->jit);
	free(u);
}

/* Sized before sizeless, global before weak before local: the name BCC
 * and perf show for an address with aliases. */
static int rank(const GElf_Sym *sym)
{
	int bind = GELF_ST_BIND(sym->st_info);

	return (sym->st_size == 0) * 4 + (bind == STB_WEAK ? 1 : bind == STB_LOCAL ? 2 : 0);
}

static int is_function(const GElf_Sym *sym, GElf_Word shndx)
{
	int type = GELF_ST_TYPE(sym->st_info);

	return (type == STT_FUNC || type == STT_GNU_IFUNC) && shndx != SHN_UNDEF;
}

/* An empty index when the module has no symbols; NULL only without memory. */
static struct index *build_index(Dwfl_Module *mod)
{
	struct index *ix = calloc(1, sizeof(*ix));
	int n = dwfl_module_getsymtab(mod);

	if (!ix)
		return NULL;
	if (n > 0)
		ix->syms = malloc(n * sizeof(*ix->syms));
	for (int i = 1; ix->syms && i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		GElf_Word shndx;
		const char *name = dwfl_module_getsym_info(mod, i, &sym, &addr, &shndx, NULL, NULL);

		if (name && *name && is_function(&sym, shndx))
			ix->syms[ix->n++] = (struct bl_fsym){ addr, sym.st_size, name, rank(&sym) };
	}
	bl_fsym_sort(ix->syms, ix->n);
	return ix;
}

static const struct index *module_index(Dwfl_Module *mod)
{
	void **userdata;

	dwfl_module_info(mod, &userdata, NULL, NULL, NULL, NULL, NULL, NULL);
	if (!*userdata)
		*userdata = build_index(mod);
	return *userdata;
}

int bl_usyms_lookup(struct bl_usyms *u, uint64_t addr, struct bl_sym *out)
{
	Dwfl_Module *mod = dwfl_addrmodule(u->dwfl, addr);
	const struct index *ix;
	const struct bl_fsym *fs;
	Dwarf_Addr start, end;
	const char *name, *file;

	/* libdwfl may answer the last module for an address past it. */
	if (mod)
		name = dwfl_module_info(mod, NULL, &start, &end, NULL, NULL, &file, NULL);
	if (!mod || addr < start || addr >= end)
		return u->jit ? bl_perfmap_lookup(u->jit, addr, out) : -ENOENT;
	/* BCC names the module by the path the process mapped. */
	out->module = name;
	out->offset = addr - start;
	ix = module_index(mod);
	fs = ix ? bl_fsym_find(ix->syms, ix->n, addr) : NULL;
	if (!fs)
		return -ENOENT;
	out->name = fs->name;
	out->offset = addr - fs->start;
	return 0;
}
