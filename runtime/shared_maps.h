/* shared_maps.h - tables that several BPF objects of one process share, as
 * BCC's BPF_TABLE_PUBLIC / BPF_TABLE_SHARED export them and
 * BPF_TABLE("extern", ...) imports them; and tables pinned in bpffs
 * (BPF_TABLE_PINNED), shared with any process.
 *
 * The BPF side marks such a map with a BTF variable next to it
 * (bpf-headers/bpflua/maps.h): __bl_export__NAME or __bl_extern__NAME in
 * section .bl_shared, which libbpf skips. The loader asks here before
 * loading an object (an extern map reuses the exported map's fd) and after
 * (an exported map is registered under its name). An export lasts until
 * its object is closed; a later export of the same name replaces it.
 */
#ifndef BL_SHARED_MAPS_H
#define BL_SHARED_MAPS_H

#include <stddef.h>

#include "err.h"

struct bpf_object;

/* Before bpf_object__load(): points every extern map of obj at the
 * exported map of its name. Returns 0, or -ENOENT when no object of this
 * process exports one (e names the table). */
int bl_shared_import(struct bpf_object *obj, const char *objname, struct bl_err *e);

/* After load: registers obj's exported maps, owned by `owner`. */
int bl_shared_export(struct bpf_object *obj, const void *owner, struct bl_err *e);

/* Before load: gives each map declared with BPF_TABLE_PINNED its path
 * (the string __bl_pinned__NAME in section .bl_pinned of the ELF): libbpf
 * then reuses the map pinned there, or creates and pins it. */
int bl_shared_pins(struct bpf_object *obj, const void *elf, size_t size, const char *objname,
		   struct bl_err *e);

/* Drops the exports of `owner` (its object is being closed). */
void bl_shared_forget(const void *owner);

#endif
