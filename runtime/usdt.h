/* usdt.h - USDT probes (<sys/sdt.h>'s .note.stapsdt notes) of an ELF file:
 * where they are, their semaphores, and how to find their arguments.
 *
 * Addresses are adjusted for prelinking through .stapsdt.base, as sdt.h
 * documents; offsets are file offsets, what a uprobe and its reference
 * counter (the semaphore, incremented by the kernel while attached) take.
 */
#ifndef BL_USDT_H
#define BL_USDT_H

#include <linux/types.h>
#include <stdint.h>

#include "../bpf-headers/bpflua/usdt_spec.h"
#include "err.h"

struct bl_usdt_note {
	char provider[64];
	char name[64];
	uint64_t pc;            /* the probe's address in the file's address space */
	uint64_t offset;        /* ... as a file offset (where the uprobe goes) */
	uint64_t sema_addr;     /* the semaphore's address, 0 when it has none */
	uint64_t sema_offset;   /* ... as a file offset */
	char args[512];         /* the argument text, e.g. "-4@%eax 8@-16(%rbp)" */
};

/* The USDT probes of the ELF at path into *out (malloc'd; the caller frees
 * it). Returns how many (0 when it has none), or -errno with e filled. */
int bl_usdt_notes(const char *path, struct bl_usdt_note **out, struct bl_err *e);

/* Parses an x86-64 argument text into spec. `symaddr` resolves a symbol in
 * a %rip-relative operand (may be NULL: such operands are then refused). */
typedef int (*bl_usdt_symaddr_fn)(void *ctx, const char *sym, uint64_t *addr);
int bl_usdt_parse_args(const char *args, uint64_t pc, bl_usdt_symaddr_fn symaddr,
		       void *ctx, struct bl_usdt_spec *spec, struct bl_err *e);

#endif
