/* loader_int.h - what loader.c and loader_instance.c share; not an API. */
#ifndef BL_LOADER_INT_H
#define BL_LOADER_INT_H

#include "loader.h"

struct bpf_object;
struct bpf_program;

/* One loaded copy of a function, as one program type/flavor. */
struct bl_instance {
	struct bl_instance *next;
	char *fn;
	char *attach_func;          /* NULL when none */
	enum bpf_prog_type type;
	enum bpf_attach_type expected_attach_type;
	int flavor, nargs;
	struct bpf_object *obj;     /* private libbpf object holding the program */
	struct bpf_program *prog;
};

struct bl_object {
	char *name;
	void *elf;                  /* a private copy: instances are opened from it */
	size_t size;
	struct bpf_object *master;  /* owns the maps */
	struct bl_map_info *maps;
	int map_count;
	const char **progs;         /* names, owned by master */
	int prog_count;
	struct bl_instance *instances;
};

/* Opens and loads a new instance of s->fn; fills e on failure. */
int bl_instance_load(struct bl_object *o, const struct bl_prog_spec *s,
		     struct bl_instance **out, struct bl_err *e);
void bl_instance_free(struct bl_instance *in);

/* "kprobe", "tracepoint", "tracing (fentry)" ... for messages. */
const char *bl_prog_type_desc(enum bpf_prog_type type, enum bpf_attach_type eat);

#endif
