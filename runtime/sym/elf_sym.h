/* elf_sym.h - function symbols of an ELF file as uprobe file offsets. */
#ifndef BL_ELF_SYM_H
#define BL_ELF_SYM_H

#include <libelf.h>
#include <stdint.h>

#include "err.h"

/* File offset of function `sym` in the ELF at path (executable, PIE or
 * shared library), looked up in .symtab then .dynsym; "name@VERSION" and
 * "name@@VERSION" entries match `name`. Returns 0 or -errno with e filled. */
int bl_elf_sym_offset(const char *path, const char *sym, uint64_t *off, struct bl_err *e);

/* File offset of a virtual address through the loadable segment holding it
 * (only executable ones when exec_only); 0 or -errno. */
int bl_elf_segment_offset(Elf *elf, uint64_t vaddr, int exec_only, uint64_t *off);

/* File offset of a virtual address of the ELF (as `nm` prints it). */
int bl_elf_vaddr_offset(const char *path, uint64_t vaddr, uint64_t *off, struct bl_err *e);

/* Virtual address of a data object or function symbol (USDT operands
 * such as counter(%rip) name one). */
int bl_elf_data_sym_addr(const char *path, const char *sym, uint64_t *vaddr,
			 struct bl_err *e);

/* Calls fn(name, vaddr, ctx) for each defined function symbol of .symtab
 * and .dynsym (as BCC's bcc_foreach_function_symbol: a name may come
 * twice, and several names may share an address); fn returns non-zero to
 * stop. Returns 0 or -errno with e filled. */
int bl_elf_functions(const char *path, int (*fn)(const char *name, uint64_t vaddr, void *ctx),
		     void *ctx, struct bl_err *e);

#endif
