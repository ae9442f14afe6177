/* sym.h - one symbol layer for kernel and user addresses (BPF.ksym, BPF.sym).
 *
 * Kernel addresses come from /proc/kallsyms (ksyms.h); user addresses from
 * the process's mappings (/proc/PID/maps) through elfutils' libdwfl, which
 * reads .symtab and .dynsym and finds separate debug files (build-id and
 * .gnu_debuglink, beside the file and under /usr/lib/debug); anonymous
 * memory from JIT maps (/tmp/perf-PID.map). Lua calls bl_sym_format()
 * (declared in runtime/ffi.h) through the FFI.
 */
#ifndef BL_SYM_H
#define BL_SYM_H

#include <stddef.h>
#include <stdint.h>

#include "ffi.h"

struct bl_sym {
	const char *name;    /* NULL: no symbol covers the address */
	const char *module;  /* path, "kernel", or NULL when unknown */
	uint64_t offset;     /* from the symbol, or without one from the module */
};

/* The symbol of addr in process pid (pid < 0: the kernel): 0, -ENOENT (no
 * symbol; module may still be set), or -errno when kallsyms is unreadable.
 * Strings stay valid until the next call. */
int bl_sym_resolve(int pid, uint64_t addr, int demangle, struct bl_sym *out);

/* A symbol table sorted by address (user modules, JIT maps). rank orders
 * the names of one address: lower wins. */
struct bl_fsym {
	uint64_t start, size;
	const char *name;
	int rank;
};
void bl_fsym_sort(struct bl_fsym *syms, size_t n);
/* The symbol containing addr: among those starting at or before it, the
 * nearest sized one that covers it, else the nearest sizeless one (a label
 * inside a function never hides the function); NULL when none. */
const struct bl_fsym *bl_fsym_find(const struct bl_fsym *syms, size_t n, uint64_t addr);

/* Caches of user processes kept at once; the least recently used goes. */
#define BL_SYM_MAX_PROCS 64

/* Per-process state (usyms.c, perfmap.c). */
struct bl_usyms;
struct bl_usyms *bl_usyms_open(int pid);
void bl_usyms_close(struct bl_usyms *u);
/* 0 with name, offset (from the symbol) and module set; -ENOENT when no
 * symbol covers addr (module and offset from the module's start may still be
 * set). Strings live as long as u. */
int bl_usyms_lookup(struct bl_usyms *u, uint64_t addr, struct bl_sym *out);

/* JIT maps: "START SIZE NAME" lines in hex (perf's format). */
struct bl_perfmap;
struct bl_perfmap *bl_perfmap_open(int pid);
void bl_perfmap_close(struct bl_perfmap *m);
int bl_perfmap_lookup(struct bl_perfmap *m, uint64_t addr, struct bl_sym *out);

/* Itanium C++ ABI demangling (libstdc++'s __cxa_demangle, loaded on first
 * need); NULL when name is not a mangled name. The result lives until the
 * next call. */
const char *bl_demangle(const char *name);

#endif
