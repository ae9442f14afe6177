/* metrics_layout.c - see metrics_layout.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "metrics_layout.h"

static const struct btf_type *skip_mods(const struct btf *btf, unsigned int *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t))) {
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

/* One member (or the whole key) as a field: an integer, an enum, or an
 * array of 1-byte integers (a char[] label). */
static int field_of(const struct btf *btf, unsigned int id, struct bl_mfield *f,
		    struct bl_err *e)
{
	const struct btf_type *t = skip_mods(btf, &id);

	if (t && btf_is_int(t) && !(btf_int_encoding(t) & BTF_INT_BOOL) && t->size <= 8) {
		f->size = t->size;
		f->kind = btf_int_encoding(t) & BTF_INT_SIGNED ? BL_MF_SINT : BL_MF_UINT;
		return 0;
	}
	if (t && btf_is_enum(t)) {
		f->size = t->size;
		f->kind = BL_MF_SINT;
		return 0;
	}
	if (t && btf_is_array(t)) {
		const struct btf_array *a = btf_array(t);
		unsigned int elem = a->type;
		const struct btf_type *et = skip_mods(btf, &elem);

		if (et && btf_is_int(et) && et->size == 1) {
			f->size = a->nelems;
			f->kind = BL_MF_CHARS;
			return 0;
		}
	}
	return bl_errf(e, EINVAL, "'%s' is neither an integer nor a char array", f->name);
}

static int struct_fields(const struct btf *btf, const struct btf_type *t,
			 struct bl_mlayout *l, struct bl_err *e)
{
	const struct btf_member *m = btf_members(t);
	int i, err;

	if (btf_vlen(t) > BL_MFIELDS_MAX)
		return bl_errf(e, EINVAL, "more than %d members", BL_MFIELDS_MAX);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		struct bl_mfield *f = &l->f[l->n];

		if (btf_member_bitfield_size(t, i))
			return bl_errf(e, EINVAL, "bit-field '%s' cannot be a label",
				       btf__name_by_offset(btf, m->name_off));
		snprintf(f->name, sizeof(f->name), "%s", btf__name_by_offset(btf, m->name_off));
		f->off = btf_member_bit_offset(t, i) / 8;
		err = field_of(btf, m->type, f, e);
		if (err)
			return err;
		l->n++;
	}
	return 0;
}

int bl_mlayout_from_btf(const struct btf *btf, unsigned int id, unsigned int size,
			const char *what, struct bl_mlayout *l, struct bl_err *e)
{
	const struct btf_type *t;
	int err;

	memset(l, 0, sizeof(*l));
	if (!btf || !id) {
		if (size != 1 && size != 2 && size != 4 && size != 8)
			return bl_errf(e, EINVAL, "the %s (%u bytes, no BTF) is not an integer",
				       what, size);
		l->n = 1;
		l->f[0] = (struct bl_mfield){ .name = "", .size = size, .kind = BL_MF_UINT };
		return 0;
	}
	t = skip_mods(btf, &id);
	if (t && (btf_is_struct(t) || btf_is_union(t)))
		err = struct_fields(btf, t, l, e);
	else {
		l->n = 1;
		err = field_of(btf, id, &l->f[0], e);
	}
	if (err)
		return bl_errf(e, -err, "the %s cannot be exported: %s", what, e->msg);
	return 0;
}

int64_t bl_mfield_int(const struct bl_mfield *f, const void *p, int *is_signed)
{
	const unsigned char *b = (const unsigned char *)p + f->off;
	union { int8_t i8; int16_t i16; int32_t i32; int64_t i64;
		uint8_t u8; uint16_t u16; uint32_t u32; uint64_t u64; } v;
	int s = f->kind == BL_MF_SINT;

	memcpy(&v, b, f->size > 8 ? 8 : f->size);
	*is_signed = s;
	switch (f->size) {
	case 1: return s ? (int64_t)v.i8 : (int64_t)v.u8;
	case 2: return s ? (int64_t)v.i16 : (int64_t)v.u16;
	case 4: return s ? (int64_t)v.i32 : (int64_t)v.u32;
	default: return v.i64;	/* 8 bytes: the caller reads it by sgn */
	}
}
