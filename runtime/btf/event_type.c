/* event_type.c - see event_type.h */
#include "event_type.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#define PREFIX "__bl_event_"

/* id with typedefs and qualifiers skipped. */
static __u32 skip_mods(const struct btf *btf, __u32 id)
{
	for (int depth = 0; id && depth < 32; depth++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!t || !(btf_is_typedef(t) || btf_is_mod(t)))
			break;
		id = t->type;
	}
	return id;
}

/* Is `name` "__bl_event_<map>" or "<function>.__bl_event_<map>"? */
static int names_map(const char *name, const char *map)
{
	const char *dot = strrchr(name, '.');

	if (dot)
		name = dot + 1;
	return !strncmp(name, PREFIX, sizeof(PREFIX) - 1) &&
	       !strcmp(name + sizeof(PREFIX) - 1, map);
}

/* VAR of type `typeof(data) *` -> the record type id, or 0. */
static __u32 record_type(const struct btf *btf, const struct btf_type *var)
{
	__u32 id = skip_mods(btf, var->type);
	const struct btf_type *t = btf__type_by_id(btf, id);

	if (!t || !btf_is_ptr(t))
		return 0;
	id = skip_mods(btf, t->type);           /* typeof(data) */
	t = btf__type_by_id(btf, id);
	if (t && btf_is_ptr(t))                 /* data is a pointer: its pointee */
		id = skip_mods(btf, t->type);
	return id;                              /* 0 for void */
}

int bl_btf_event_type(const struct btf *btf, const char *map, struct bl_err *e)
{
	__u32 i, n, found = 0;

	if (!btf)
		return 0;
	n = btf__type_cnt(btf);
	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);
		__u32 id;

		if (!btf_is_var(t) || !names_map(btf__name_by_offset(btf, t->name_off), map))
			continue;
		id = record_type(btf, t);
		if (!id)
			continue;
		if (found && found != id)
			return bl_errf(e, EINVAL, "table '%s': records of different types are "
				       "submitted (BTF types [%u] and [%u]); pass the type: "
				       "t:event(data, ctype)", map, found, id);
		found = id;
	}
	return (int)found;
}
