/* metrics_layout.h - where the labels and the number of an exported map
 * live in its key and value bytes, read off the map's BTF once at export
 * time, so the metrics thread decodes raw bytes without touching BTF (or
 * Lua) at scrape time.
 *
 * A key is an integer (one label) or a struct of integers and char arrays
 * (one label per member, in order); a value is an integer. Anything else
 * (pointers, nested structs, float) has no label or number form and is
 * refused when exported, naming the member.
 */
#ifndef BL_METRICS_LAYOUT_H
#define BL_METRICS_LAYOUT_H

#include <stdint.h>

#include "err.h"

struct btf;

#define BL_MFIELDS_MAX 8

enum bl_mfield_kind { BL_MF_UINT, BL_MF_SINT, BL_MF_CHARS };

struct bl_mfield {
	char name[64];
	unsigned int off, size;         /* bytes */
	enum bl_mfield_kind kind;
};

struct bl_mlayout {
	int n;
	struct bl_mfield f[BL_MFIELDS_MAX];
};

/* Fills l from BTF type `id` (0: a plain unsigned integer of `size` bytes,
 * for maps without BTF). `what` ("key", "value") names it in errors.
 * -EINVAL with e filled when a member has no label form. */
int bl_mlayout_from_btf(const struct btf *btf, unsigned int id, unsigned int size,
			const char *what, struct bl_mlayout *l, struct bl_err *e);

/* The integer of field f in bytes p, widened to 64 bits by its kind. */
int64_t bl_mfield_int(const struct bl_mfield *f, const void *p, int *is_signed);

#endif
