/* link.c - struct bl_link: a libbpf link and what it is attached to. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "attach_int.h"

struct bl_link {
	struct bpf_link *link;
	struct bl_link_info info;
};

int bl_link_new(struct bpf_link *link, enum bl_probe_kind kind, const char *fn,
		const char *target, const char *via, struct bl_link **out,
		struct bl_err *e)
{
	struct bl_link *l = calloc(1, sizeof(*l));

	*out = NULL;
	if (!l) {
		bpf_link__destroy(link);
		return bl_errf(e, ENOMEM, "prog '%s': out of memory", fn);
	}
	l->link = link;
	l->info.kind = kind;
	snprintf(l->info.fn, sizeof(l->info.fn), "%s", fn);
	snprintf(l->info.target, sizeof(l->info.target), "%s", target);
	snprintf(l->info.via, sizeof(l->info.via), "%s", via ? via : "");
	*out = l;
	return 0;
}

const struct bl_link_info *bl_link_info(const struct bl_link *l)
{
	return &l->info;
}

void bl_link_destroy(struct bl_link *l)
{
	if (!l)
		return;
	bpf_link__destroy(l->link);
	free(l);
}

struct bpf_program *bl_attach_prog(struct bl_object *o, const char *fn,
				   enum bpf_prog_type type, enum bpf_attach_type eat,
				   const char *attach_func, int flavor, int nargs,
				   struct bl_err *e)
{
	struct bl_prog_spec s = {
		.fn = fn, .type = type, .expected_attach_type = eat,
		.attach_func = attach_func, .flavor = flavor, .nargs = nargs,
	};

	return bl_object_prog(o, &s, e);
}
