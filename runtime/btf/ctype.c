/* ctype.c - see ctype.h */
#include "ctype.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

/* Deeper nesting than this is a malformed (or cyclic) BTF, not a real type. */
#define MAX_DEPTH 32

struct gen {
	const struct btf *btf;
	struct bl_err *e;
	char *buf;
	size_t len, cap;
	int failed;
};

static int fail(struct gen *g, int code, __u32 id, const char *why)
{
	const struct btf_type *t = btf__type_by_id(g->btf, id);
	const char *name = t ? btf__name_by_offset(g->btf, t->name_off) : NULL;

	if (!g->failed)
		bl_errf(g->e, code, "BTF type [%u]%s%s%s: %s", id,
			name && *name ? " '" : "", name && *name ? name : "",
			name && *name ? "'" : "", why);
	g->failed = 1;
	return -1;
}

static void put(struct gen *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(g->buf + g->len, g->cap - g->len, fmt, ap);
		va_end(ap);
		if (n < 0 || g->len + (size_t)n < g->cap)
			break;
		size_t cap = (g->cap + n) * 2;
		char *p = realloc(g->buf, cap);
		if (!p) {
			fail(g, ENOMEM, 0, "out of memory");
			return;
		}
		g->buf = p;
		g->cap = cap;
	}
	if (n > 0)
		g->len += n;
}

/* Skips typedefs and qualifiers: they do not change the layout. */
static const struct btf_type *resolve(const struct btf *btf, __u32 *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t) || btf_is_type_tag(t))) {
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

/* The fixed-size integer type of `size` bytes; sizes LuaJIT has no
 * integer for (__int128, odd sizes) become arrays via *elems. */
static const char *sized_int(unsigned int size, int is_signed, unsigned int *elems)
{
	switch (size) {
	case 1: return is_signed ? "int8_t" : "uint8_t";
	case 2: return is_signed ? "int16_t" : "uint16_t";
	case 4: return is_signed ? "int32_t" : "uint32_t";
	case 8: return is_signed ? "int64_t" : "uint64_t";
	case 16: *elems = 2; return "uint64_t";
	}
	*elems = size;
	return "uint8_t";
}

/* char stays char (so ffi.string() takes char[] fields), bool stays bool. */
static const char *int_ctype(const struct btf *btf, const struct btf_type *t,
			     unsigned int *elems)
{
	const char *name = btf__name_by_offset(btf, t->name_off);
	__u8 enc = btf_int_encoding(t);

	if ((enc & BTF_INT_BOOL) && t->size == 1)
		return "bool";
	if (t->size == 1 && ((enc & BTF_INT_CHAR) || (name && strcmp(name, "char") == 0)))
		return "char";
	return sized_int(t->size, enc & BTF_INT_SIGNED, elems);
}

static const char *float_ctype(const struct btf_type *t, unsigned int *elems)
{
	if (t->size == 4)
		return "float";
	if (t->size == 8)
		return "double";
	*elems = t->size;
	return "uint8_t";
}

/* Integer facts of a bitfield's declared type (an int or an enum). */
static int int_info(const struct btf_type *t, unsigned int *size, int *is_signed)
{
	if (btf_is_int(t))
		*is_signed = (btf_int_encoding(t) & BTF_INT_SIGNED) != 0;
	else if (btf_is_any_enum(t))
		*is_signed = btf_kflag(t);
	else
		return -1;
	*size = t->size;
	return 0;
}

static int emit_decl(struct gen *g, __u32 id, const char *name, int depth);

/* Fills the bits [*pos, to) with unnamed padding that cannot move anything:
 * single bits up to a byte boundary, then a byte array. */
static void pad(struct gen *g, unsigned long *pos, unsigned long to, int *npad)
{
	if (*pos % 8 && *pos < to) {
		unsigned long k = 8 - *pos % 8;

		if (k > to - *pos)
			k = to - *pos;
		put(g, "uint8_t : %lu; ", k);
		*pos += k;
	}
	if (*pos + 8 <= to) {
		unsigned long bytes = (to - *pos) / 8;

		put(g, "uint8_t __pad%d[%lu]; ", (*npad)++, bytes);
		*pos += bytes * 8;
	}
	if (*pos < to) {
		put(g, "uint8_t : %lu; ", to - *pos);
		*pos = to;
	}
}

static unsigned long align_up(unsigned long v, unsigned long a)
{
	return a ? (v + a - 1) / a * a : v;
}

/* A struct needs `packed` when some member sits below its natural
 * alignment, or its size is not a multiple of its members' alignment. */
static int record_is_packed(const struct btf *btf, const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);
	unsigned long maxalign = 1;
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		__u32 id = m->type;
		const struct btf_type *mt = resolve(btf, &id);
		int a = btf__align_of(btf, m->type);

		if (a <= 0 || !mt)
			continue;
		if ((unsigned long)a > maxalign)
			maxalign = a;
		if (!btf_member_bitfield_size(t, i) &&
		    btf_member_bit_offset(t, i) % (8ul * a))
			return 1;
	}
	return t->size % maxalign != 0;
}

/* Smallest storage unit (bits) holding a bitfield without straddling,
 * starting with its declared type, which C would use. */
static unsigned int bitfield_unit(unsigned int size, unsigned long off, unsigned int bits)
{
	unsigned int unit;

	if (off % (8 * size) + bits <= 8 * size)
		return 8 * size;
	for (unit = 8; unit <= 64; unit *= 2)
		if (off % unit + bits <= unit)
			return unit;
	return 0;
}

static int emit_bitfield(struct gen *g, const struct btf_type *t, int i,
			 unsigned long *pos, unsigned long *maxalign, int *npad)
{
	const struct btf_member *m = btf_members(t) + i;
	unsigned long off = btf_member_bit_offset(t, i);
	unsigned int bits = btf_member_bitfield_size(t, i), size, unit;
	__u32 id = m->type;
	const struct btf_type *mt = resolve(g->btf, &id);
	int is_signed;

	if (!mt || int_info(mt, &size, &is_signed) < 0)
		return fail(g, EINVAL, m->type, "bitfield of a non-integer type");
	if (off < *pos)
		return fail(g, EINVAL, m->type, "overlapping bitfield");
	pad(g, pos, off, npad);
	unit = bitfield_unit(size, off, bits);
	if (!unit)
		return fail(g, EINVAL, m->type, "bitfield wider than 64 bits");
	if (unit / 8 > *maxalign)
		*maxalign = unit / 8;
	put(g, "%s %s : %u; ", sized_int(unit / 8, is_signed, &size),
	    btf__name_by_offset(g->btf, m->name_off), bits);
	*pos = off + bits;
	return 0;
}

static int emit_member(struct gen *g, const struct btf_type *t, int i, int packed,
		       unsigned long *pos, unsigned long *maxalign, int *npad, int depth)
{
	const struct btf_member *m = btf_members(t) + i;
	unsigned long off = btf_member_bit_offset(t, i);
	int align = packed ? 1 : btf__align_of(g->btf, m->type);
	int size = btf__resolve_size(g->btf, m->type);

	if (align <= 0 || size < 0)
		return fail(g, EINVAL, m->type, "member of unknown size");
	if (off % 8 || off < *pos)
		return fail(g, EINVAL, m->type, "member offset does not fit a C layout");
	/* C puts the member at the next aligned offset; pad up to where BTF
	 * says it is (the unpacked case guarantees `off` itself is aligned). */
	if (align_up(*pos, 8ul * align) != off)
		pad(g, pos, off, npad);
	if ((unsigned long)align > *maxalign)
		*maxalign = align;
	if (emit_decl(g, m->type, btf__name_by_offset(g->btf, m->name_off), depth) < 0)
		return -1;
	put(g, "; ");
	*pos = off + 8ul * size;
	return 0;
}

static int emit_struct(struct gen *g, const struct btf_type *t, int depth)
{
	int packed = record_is_packed(g->btf, t), npad = 0, i;
	unsigned long pos = 0, maxalign = 1, end = 8ul * t->size;

	put(g, packed ? "struct __attribute__((packed)) { " : "struct { ");
	for (i = 0; i < btf_vlen(t); i++) {
		int r = btf_member_bitfield_size(t, i)
			? emit_bitfield(g, t, i, &pos, &maxalign, &npad)
			: emit_member(g, t, i, packed, &pos, &maxalign, &npad, depth);
		if (r < 0)
			return -1;
	}
	if (pos > end)
		return fail(g, EINVAL, 0, "members extend past the struct's size");
	if ((packed ? pos : align_up(pos, 8 * maxalign)) != end)
		pad(g, &pos, end, &npad);
	put(g, "}");
	return 0;
}

static int emit_union(struct gen *g, const struct btf_type *t, int depth)
{
	const struct btf_member *m = btf_members(t);
	int i, maxsize = 0;

	put(g, "union { ");
	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(g->btf, m->name_off);
		unsigned int bits = btf_member_bitfield_size(t, i), size;
		__u32 id = m->type;
		const struct btf_type *mt = resolve(g->btf, &id);
		int is_signed, msize = btf__resolve_size(g->btf, m->type);

		if (bits) {
			if (!mt || int_info(mt, &size, &is_signed) < 0)
				return fail(g, EINVAL, m->type, "bitfield of a non-integer type");
			put(g, "%s %s : %u; ", sized_int(size, is_signed, &size), name, bits);
		} else {
			if (emit_decl(g, m->type, name, depth) < 0)
				return -1;
			put(g, "; ");
		}
		if (msize > maxsize)
			maxsize = msize;
	}
	if (t->size > (unsigned int)maxsize)
		put(g, "uint8_t __pad0[%u]; ", t->size);
	put(g, "}");
	return 0;
}

/* Writes the type's base (what precedes the declarator); types LuaJIT has
 * no scalar for add an innermost array dimension through *elems. */
static int emit_base(struct gen *g, __u32 id, const struct btf_type *t,
		     unsigned int *elems, int depth)
{
	if (depth > MAX_DEPTH)
		return fail(g, EINVAL, id, "types nested too deeply");
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		put(g, "%s", int_ctype(g->btf, t, elems));
		return 0;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		put(g, "%s", sized_int(t->size, btf_kflag(t), elems));
		return 0;
	case BTF_KIND_FLOAT:
		put(g, "%s", float_ctype(t, elems));
		return 0;
	case BTF_KIND_PTR:
		put(g, "uint64_t");
		return 0;
	case BTF_KIND_STRUCT:
		return emit_struct(g, t, depth + 1);
	case BTF_KIND_UNION:
		return emit_union(g, t, depth + 1);
	case BTF_KIND_FWD:
		return fail(g, EINVAL, id, "incomplete type (only declared, never defined)");
	default:
		return fail(g, EINVAL, id, "not a data type");
	}
}

/* "<base> <name><dims>"; name may be empty (a type name, or an anonymous
 * struct/union member). */
static int emit_decl(struct gen *g, __u32 id, const char *name, int depth)
{
	const struct btf_type *t;
	char dims[128];
	size_t dl = 0;
	unsigned int elems = 0;

	dims[0] = '\0';
	if (id == 0)
		return fail(g, EINVAL, id, "void has no values");
	for (t = resolve(g->btf, &id); t && btf_is_array(t); t = resolve(g->btf, &id)) {
		dl += snprintf(dims + dl, sizeof(dims) - dl, "[%u]", btf_array(t)->nelems);
		if (dl >= sizeof(dims))
			return fail(g, EINVAL, id, "too many array dimensions");
		id = btf_array(t)->type;
	}
	if (!t)
		return fail(g, ENOENT, id, "no such type");
	if (emit_base(g, id, t, &elems, depth) < 0)
		return -1;
	put(g, "%s%s%s", name && *name ? " " : "", name ? name : "", dims);
	if (elems)
		put(g, "[%u]", elems);
	return g->failed ? -1 : 0;
}

char *bl_btf_ctype(const struct btf *btf, unsigned int id, struct bl_err *e)
{
	struct gen g = { .btf = btf, .e = e };

	if (id >= btf__type_cnt(btf)) {
		bl_errf(e, ENOENT, "BTF type [%u]: no such type", id);
		return NULL;
	}
	if (emit_decl(&g, id, "", 0) < 0 || g.failed) {
		free(g.buf);
		return NULL;
	}
	return g.buf;
}
