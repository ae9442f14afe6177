/* ksyms.h - kernel symbols from /proc/kallsyms, loaded once, sorted. */
#ifndef BL_KSYMS_H
#define BL_KSYMS_H

#include <stdint.h>

#include "err.h"

struct bl_ksym {
	uint64_t addr;
	const char *name;
	const char *module;  /* NULL for the core kernel */
};

int bl_ksyms_load(struct bl_err *e);
/* Symbol containing addr (greatest addr <= given), or NULL. */
const struct bl_ksym *bl_ksym_lookup(uint64_t addr);
/* Address of a symbol by name, or 0. */
uint64_t bl_ksym_addr(const char *name);
/* 1 when the kernel has a symbol of that name (addresses may read as 0 to
 * unprivileged users, so bl_ksym_addr() cannot tell). */
int bl_ksym_exists(const char *name);
/* All symbols in address order (for enumeration, e.g. get_kprobe_functions):
 * bl_ksym_get(0 .. bl_ksym_count()-1); both load kallsyms on first use. */
int bl_ksym_count(void);
const struct bl_ksym *bl_ksym_get(int i);

#endif
