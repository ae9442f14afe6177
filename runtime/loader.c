/* loader.c - see loader.h. The master object (maps) and the instance cache;
 * loading one instance lives in loader_instance.c. */
#include "loader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btf/kernel_btf.h"
#include "libbpf_log.h"
#include "loader_int.h"
#include "shared_maps.h"

static void take_libbpf_log(struct bl_err *e)
{
	char *log = bl_libbpf_log_take();

	if (log)
		bl_err_set_log(e, log);
}

static int open_master(struct bl_object *o, struct bl_err *e)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = o->name,
		    .btf_custom_path = bl_kernel_btf_copy_path());
	struct bpf_program *p;
	int err;

	o->master = bpf_object__open_mem(o->elf, o->size, &opts);
	if (!o->master) {
		err = -errno;
		bl_errf(e, bl_libbpf_errno(err), "object '%s': cannot open the compiled BPF ELF: %s%s%s",
			o->name, bl_libbpf_strerror(err), *bl_libbpf_log_last() ? "; " : "",
			bl_libbpf_log_last());
		err = bl_libbpf_errno(err);
		bl_err_append(e, "hint: this is a bpflua compiler bug if the program compiled without errors");
		return err;
	}
	/* Programs load later, per attach point (bl_object_prog). */
	bpf_object__for_each_program(p, o->master)
		bpf_program__set_autoload(p, false);
	err = bl_shared_import(o->master, o->name, e);
	err = err ?: bl_shared_pins(o->master, o->elf, o->size, o->name, e);
	if (err)
		return err;
	err = bpf_object__load(o->master);
	if (err == -ESRCH) {
		/* libbpf: "extern 'x' (strong): not resolved" */
		bl_errf(e, ESRCH, "object '%s': a kernel symbol the program uses (extern "
			"... __ksym) is not in this kernel's BTF or /proc/kallsyms", o->name);
		bl_err_append(e, "hint: PAGE_OFFSET with a randomized memory layout reads "
			      "page_offset_base, which needs kallsyms with data symbols "
			      "(CONFIG_KALLSYMS_ALL)");
	} else if (err) {
		bl_errf(e, bl_libbpf_errno(err), "object '%s': creating its maps failed: %s%s%s",
			o->name, bl_libbpf_strerror(err), *bl_libbpf_log_last() ? "; " : "",
			bl_libbpf_log_last());
		if (err == -EPERM)
			bl_err_append(e, "hint: creating BPF maps needs root (CAP_BPF); "
				      "check also the memory cgroup limit");
		else
			bl_err_append(e, "hint: check the map definitions (type, key/value size, max_entries)");
	}
	return err ? bl_libbpf_errno(err) : bl_shared_export(o->master, o, e);
}

/* The key or value type a map's definition names (__type(key, T),
 * __type(value, T)), from the object's BTF: libbpf keeps no BTF value type
 * for queues and stacks, and none at all for maps the kernel takes without
 * BTF (maps of maps, socket maps), whose keys and values still have one.
 * 0 when unknown. */
static unsigned int def_type(struct bpf_object *obj, const char *map, const char *member)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *t;
	const struct btf_member *m;
	int id = btf ? btf__find_by_name_kind(btf, map, BTF_KIND_VAR) : -1;

	t = id > 0 ? btf__type_by_id(btf, btf__resolve_type(btf, btf__type_by_id(btf, id)->type)) : NULL;
	if (!t || !btf_is_struct(t))
		return 0;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const struct btf_type *pt = btf__type_by_id(btf, m->type);

		if (!strcmp(btf__name_by_offset(btf, m->name_off), member) && pt && btf_is_ptr(pt))
			return pt->type;
	}
	return 0;
}

/* A map without BTF types: those of its definition (maps of maps, socket
 * maps, queues and stacks). Other maps without BTF (stack traces, perf
 * buffers) name sizes, not types, and keep none. */
static void fill_def_types(struct bpf_object *obj, const struct bpf_map *m,
			   struct bl_map_info *info)
{
	if (!info->btf_key_type_id && info->key_size)
		info->btf_key_type_id = def_type(obj, bpf_map__name(m), "key");
	if (!info->btf_value_type_id)
		info->btf_value_type_id = def_type(obj, bpf_map__name(m), "value");
}

/* Internal maps (.rodata, .bss, .kconfig) hold global data, not tables. */
static int collect_maps(struct bl_object *o)
{
	struct bpf_map *m;
	int n = 0;

	bpf_object__for_each_map(m, o->master)
		n++;
	o->maps = calloc(n ? n : 1, sizeof(*o->maps));
	if (!o->maps)
		return -ENOMEM;
	bpf_object__for_each_map(m, o->master) {
		if (bpf_map__is_internal(m))
			continue;
		o->maps[o->map_count++] = (struct bl_map_info){
			.name = bpf_map__name(m),
			.fd = bpf_map__fd(m),
			.type = bpf_map__type(m),
			.key_size = bpf_map__key_size(m),
			.value_size = bpf_map__value_size(m),
			.max_entries = bpf_map__max_entries(m),
			.flags = bpf_map__map_flags(m),
			.btf_key_type_id = bpf_map__btf_key_type_id(m),
			.btf_value_type_id = bpf_map__btf_value_type_id(m),
		};
		fill_def_types(o->master, m, &o->maps[o->map_count - 1]);
	}
	return 0;
}

/* libbpf already leaves subprograms out of its program iteration. */
static int collect_progs(struct bl_object *o)
{
	struct bpf_program *p;
	int n = 0;

	bpf_object__for_each_program(p, o->master)
		n++;
	o->progs = calloc(n ? n : 1, sizeof(*o->progs));
	if (!o->progs)
		return -ENOMEM;
	bpf_object__for_each_program(p, o->master)
		o->progs[o->prog_count++] = bpf_program__name(p);
	return 0;
}

static struct bl_object *object_new(const void *elf, size_t size, const char *name)
{
	struct bl_object *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->name = strdup(name ? name : "bpf");
	o->elf = malloc(size ? size : 1);
	if (!o->name || !o->elf) {
		bl_object_close(o);
		return NULL;
	}
	memcpy(o->elf, elf, size);
	o->size = size;
	return o;
}

int bl_object_open(const void *elf, size_t size, const char *name,
		   struct bl_object **out, struct bl_err *e)
{
	struct bl_object *o = object_new(elf, size, name);
	int err;

	*out = NULL;
	if (!o)
		return bl_errf(e, ENOMEM, "object '%s': out of memory", name ? name : "bpf");
	bl_libbpf_log_begin();
	err = open_master(o, e);
	if (!err && (collect_maps(o) || collect_progs(o)))
		err = bl_errf(e, ENOMEM, "object '%s': out of memory", o->name);
	if (err) {
		take_libbpf_log(e);
		bl_object_close(o);
		return err;
	}
	*out = o;
	return 0;
}

void bl_object_close(struct bl_object *o)
{
	struct bl_instance *in, *next;

	if (!o)
		return;
	for (in = o->instances; in; in = next) {
		next = in->next;
		bl_instance_free(in);
	}
	bl_shared_forget(o);
	bpf_object__close(o->master);
	free(o->maps);
	free(o->progs);
	free(o->elf);
	free(o->name);
	free(o);
}

const char *bl_object_name(const struct bl_object *o)
{
	return o->name;
}

int bl_object_map_count(const struct bl_object *o)
{
	return o->map_count;
}

const struct bl_map_info *bl_object_map(const struct bl_object *o, int i)
{
	return i >= 0 && i < o->map_count ? &o->maps[i] : NULL;
}

const struct bl_map_info *bl_object_map_by_name(const struct bl_object *o, const char *name)
{
	for (int i = 0; i < o->map_count; i++)
		if (!strcmp(o->maps[i].name, name))
			return &o->maps[i];
	return NULL;
}

const struct btf *bl_object_btf(const struct bl_object *o)
{
	return bpf_object__btf(o->master);
}

/* The internal map of a data section: libbpf names it "<prefix><section>". */
static struct bpf_map *section_map(struct bpf_object *obj, const char *section)
{
	size_t slen = strlen(section);
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);
		size_t len = strlen(n);

		if (bpf_map__is_internal(m) && len >= slen && !strcmp(n + len - slen, section))
			return m;
	}
	return NULL;
}

/* Offset and size of variable `var` in DATASEC `section`; -1 when absent. */
static long datasec_var(const struct btf *btf, const char *section, const char *var,
			size_t *size)
{
	int id = btf ? btf__find_by_name_kind(btf, section, BTF_KIND_DATASEC) : -1;
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;

	if (id <= 0)
		return -1;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *t = btf__type_by_id(btf, vs->type);

		if (t && !strcmp(btf__name_by_offset(btf, t->name_off), var)) {
			*size = vs->size;
			return vs->offset;
		}
	}
	return -1;
}

int bl_object_write_global(struct bl_object *o, const char *section, const char *var,
			   size_t off, const void *data, size_t len)
{
	struct bpf_map *m = section_map(o->master, section);
	size_t size = 0;
	long base = datasec_var(bpf_object__btf(o->master), section, var, &size);
	size_t msize;
	char *value;
	int key = 0, err;

	if (!m || base < 0)
		return -ENOENT;
	msize = bpf_map__value_size(m);
	if (off > size || len > size - off || (size_t)base + size > msize)
		return -ERANGE;
	value = malloc(msize);
	if (!value)
		return -ENOMEM;
	err = bpf_map_lookup_elem(bpf_map__fd(m), &key, value);
	if (!err) {
		memcpy(value + base + off, data, len);
		err = bpf_map_update_elem(bpf_map__fd(m), &key, value, BPF_ANY);
	}
	free(value);
	return err ? -errno : 0;
}

int bl_object_prog_count(const struct bl_object *o)
{
	return o->prog_count;
}

const char *bl_object_prog_name(const struct bl_object *o, int i)
{
	return i >= 0 && i < o->prog_count ? o->progs[i] : NULL;
}

int bl_object_check_prog(const struct bl_object *o, const char *fn, struct bl_err *e)
{
	char list[768] = "";
	size_t at = 0;

	for (int i = 0; i < o->prog_count; i++)
		if (!strcmp(o->progs[i], fn))
			return 0;
	for (int i = 0; i < o->prog_count && at < sizeof(list); i++)
		at += snprintf(list + at, sizeof(list) - at, "%s%s", i ? ", " : "", o->progs[i]);
	bl_errf(e, ENOENT, "no function '%s' in the BPF program (%s%s)", fn,
		o->prog_count ? "its functions: " : "it has no functions", list);
	return -ENOENT;
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static struct bl_instance *find_instance(struct bl_object *o, const struct bl_prog_spec *s)
{
	struct bl_instance *in;

	for (in = o->instances; in; in = in->next) {
		if (!strcmp(in->fn, s->fn) && in->type == s->type &&
		    in->expected_attach_type == s->expected_attach_type &&
		    same_str(in->attach_func, s->attach_func) &&
		    in->flavor == s->flavor && in->nargs == s->nargs)
			return in;
	}
	return NULL;
}

struct bpf_program *bl_object_prog(struct bl_object *o, const struct bl_prog_spec *s,
				   struct bl_err *e)
{
	struct bl_instance *in = find_instance(o, s);
	int err;

	if (in)
		return in->prog;
	if (bl_object_check_prog(o, s->fn, e)) {
		errno = ENOENT;
		return NULL;
	}
	err = bl_instance_load(o, s, &in, e);
	if (err) {
		errno = -err;
		return NULL;
	}
	in->next = o->instances;
	o->instances = in;
	return in->prog;
}
