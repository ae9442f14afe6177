/* loader.h - a compiled BPF object in the kernel: its maps, and its programs
 * loaded on demand, once per program type they are attached as.
 *
 * bl_object_open() opens the ELF with libbpf with every program's autoload
 * off and loads it: the maps (and global data) exist as soon as it returns.
 * bl_object_prog() then loads a function as a given program type by
 * opening the same ELF again as a private libbpf object whose maps reuse the
 * first object's fds (bpf_map__reuse_fd), except its .rodata, which is
 * private so that __bl_flavor (bpf-headers/bpflua/flavor.h) can differ per
 * instance. Instances are cached by (fn, type, expected attach type, attach
 * target, flavor), so attaching one function many times loads it once.
 */
#ifndef BL_LOADER_H
#define BL_LOADER_H

#include <linux/bpf.h>
#include <stddef.h>

#include "err.h"

struct bl_object;
struct btf;

struct bl_map_info {
	const char *name;
	int fd;
	enum bpf_map_type type;
	unsigned int key_size, value_size, max_entries, flags;
	unsigned int btf_key_type_id, btf_value_type_id; /* 0 when unknown */
};

struct bl_prog_spec {
	const char *fn;                   /* function name in the object */
	enum bpf_prog_type type;
	enum bpf_attach_type expected_attach_type; /* 0 unless the type needs one */
	const char *attach_func;          /* fentry/fexit target (kernel BTF name) or NULL */
	int flavor;                       /* BL_FLAVOR_* */
	int nargs;                        /* BL_FLAVOR_FEXIT: the target's argument count */
};

/* Opens and loads (maps only). `name` names the object in messages. */
int bl_object_open(const void *elf, size_t size, const char *name,
		   struct bl_object **out, struct bl_err *e);
/* Closes program instances and maps. Attachments hold their own kernel
 * references, so callers destroy links first when they mean to detach. */
void bl_object_close(struct bl_object *o);

const char *bl_object_name(const struct bl_object *o);
int bl_object_map_count(const struct bl_object *o);
const struct bl_map_info *bl_object_map(const struct bl_object *o, int i);
const struct bl_map_info *bl_object_map_by_name(const struct bl_object *o, const char *name);
/* The object's BTF (types of map keys and values), or NULL. */
const struct btf *bl_object_btf(const struct bl_object *o);

/* Writes len bytes at offset off of global variable `var` of data section
 * `section` (".data.x"), in the map the loaded programs read. It rewrites
 * the section's whole value: only for sections programs never write.
 * 0, -ENOENT when the object has no such variable, -ERANGE past its end,
 * or another -errno. */
int bl_object_write_global(struct bl_object *o, const char *section, const char *var,
			   size_t off, const void *data, size_t len);

int bl_object_prog_count(const struct bl_object *o);
/* Name of the i-th attachable function (a non-static function of the program). */
const char *bl_object_prog_name(const struct bl_object *o, int i);
/* 0 when fn is one of them, else -ENOENT and the one message for a
 * missing function (naming the ones there are). */
int bl_object_check_prog(const struct bl_object *o, const char *fn, struct bl_err *e);

struct bpf_program;
/* Loads (or finds) the instance of s->fn described by s; gives the libbpf
 * program (owned by the object) for libbpf's attach functions, or NULL
 * with e filled (and errno set). A verifier rejection gives e->msg with
 * the verifier's reason (last lines of the log) and e->log the full log. */
struct bpf_program *bl_object_prog(struct bl_object *o, const struct bl_prog_spec *s,
				   struct bl_err *e);

#endif
