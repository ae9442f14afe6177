/* kstruct.c - see kstruct.h */
#include "kstruct.h"

#include <errno.h>
#include <string.h>

#include <bpf/btf.h>

#include "kernel_btf.h"

/* The type id of member `field` of the struct/union t, looking into
 * anonymous members; 0 when absent. */
static __u32 find_member(const struct btf *btf, const struct btf_type *t, const char *field)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);
		const struct btf_type *mt;
		__u32 id;

		if (name && !strcmp(name, field))
			return m->type;
		if (name && *name)
			continue;
		mt = btf__type_by_id(btf, btf__resolve_type(btf, m->type));
		if (mt && (btf_is_struct(mt) || btf_is_union(mt)) && (id = find_member(btf, mt, field)))
			return id;
	}
	return 0;
}

/* Looks field up; returns its type id, 0 when absent, -errno without BTF
 * or struct. The kernel's BTF is the process's one copy (kernel_btf.h). */
static long lookup(const char *sname, const char *field, long *size)
{
	struct bl_err e = { 0 };
	const struct btf *btf = bl_kernel_btf(&e);
	long id, r;

	if (!btf) {
		r = -e.code;
		bl_err_clear(&e);
		return r ? r : -ENOENT;
	}
	id = btf__find_by_name_kind(btf, sname, BTF_KIND_STRUCT);
	if (id < 0)
		return -ENOENT;
	r = find_member(btf, btf__type_by_id(btf, id), field);
	if (r && size)
		*size = btf__resolve_size(btf, r);
	return r;
}

int bl_kstruct_has_field(const char *sname, const char *field)
{
	long r = lookup(sname, field, NULL);

	return r < 0 ? -1 : r > 0;
}

long bl_kstruct_field_size(const char *sname, const char *field)
{
	long size = -ENOENT, r = lookup(sname, field, &size);

	return r < 0 ? r : r == 0 ? -ENOENT : size;
}
