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

#endif
