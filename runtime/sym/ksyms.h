/* ksyms.h - kernel symbols from /proc/kallsyms, loaded once, sorted. */
#ifndef BL_KSYMS_H
#define BL_KSYMS_H

#include <stdint.h>

#include "err.h"

struct bl_ksym {
	uint64_t addr;
	const char *name;
	const char *module;  /* NULL for the core kernel */
	char type;           /* nm's letter: 't'/'T' text, 'w'/'W' weak, 'd' data ... */
};

int bl_ksyms_load(struct bl_err *e);
/* Symbol containing addr (greatest addr <= given), or NULL. */
const struct bl_ksym *bl_ksym_lookup(uint64_t addr);
/* Address of a symbol by name, or 0. */
uint64_t bl_ksym_addr(const char *name);
/* 1 when the kernel has a symbol of that name (addresses may read as 0 to
 * unprivileged users, so bl_ksym_addr() cannot tell). */
int bl_ksym_exists(const char *name);
/* All symbols in address order (for enumeration, e.g. get_kprobe_functions
 * under lockdown), loading kallsyms on first use; NULL and 0 when it cannot
 * be read. */
const struct bl_ksym *bl_ksyms(int *count);

#endif
