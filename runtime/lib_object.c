/* lib_object.c - bpflua.core: compiling program text, and the object
 * userdata (a loaded BPF object: its maps and its functions).
 *
 * An object's environment table holds its links (lib_attach.c) as keys, so
 * closing the object - explicitly, or by __gc at exit - detaches them first:
 * links must go before the programs they point at.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <lauxlib.h>
#include <lua.h>

#include "btf/ctype.h"
#include "metrics.h"
#include "btf/event_type.h"
#include "build.h"
#include "fdio.h"
#include "host.h"
#include "iter.h"
#include "lib_core.h"
#include "loader.h"
#include "../bpf-headers/bpflua/flavor.h"

struct lobject {
	struct bl_object *o;    /* NULL once closed */
};

struct bl_object *bl_lib_checkobject(lua_State *L, int idx)
{
	struct lobject *u = luaL_checkudata(L, idx, BL_OBJECT_MT);

	if (!u->o)
		luaL_argerror(L, idx, "BPF object is closed (after cleanup())");
	return u->o;
}

/* cflags: a Lua array of strings -> a malloc'd array of pointers into it
 * (the strings stay alive on the stack). */
static const char **check_cflags(lua_State *L, int idx, int *n)
{
	const char **v;
	int i;

	*n = 0;
	if (lua_isnoneornil(L, idx))
		return NULL;
	luaL_checktype(L, idx, LUA_TTABLE);
	*n = (int)lua_objlen(L, idx);
	v = calloc(*n + 1, sizeof(*v));
	if (!v)
		luaL_error(L, "out of memory");
	for (i = 0; i < *n; i++) {
		lua_rawgeti(L, idx, i + 1);
		/* strings only: a number converted here would die with the pop */
		v[i] = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		lua_pop(L, 1);          /* the table keeps the string alive */
		if (!v[i]) {
			free(v);
			luaL_argerror(L, idx, "cflags must be strings");
		}
	}
	return v;
}

static void push_opt_string(lua_State *L, const char *s)
{
	if (s)
		lua_pushstring(L, s);
	else
		lua_pushnil(L);
}

/* build(text, filename, cflags, include_dir, debug, kheaders)
 *   -> elf, rewritten|nil, warnings|nil  |  nil, msg, log, errno
 * kheaders: nil, or the path of a kernel header tree ("": the running
 * kernel's) to compile against (build.h).
 * rewritten: the text to show, when debug asks for it. */
static int l_build(lua_State *L)
{
	struct bl_compile_opts opts = { 0 };
	struct bl_build_result res = { 0 };
	struct bl_err e = { 0 };
	const char **cflags, *kheaders;
	int r;

	opts.text = luaL_checkstring(L, 1);
	opts.filename = luaL_optstring(L, 2, "<text>");
	opts.include_dir = luaL_optstring(L, 4, NULL);
	opts.debug = (int)luaL_optinteger(L, 5, 0);
	kheaders = luaL_optstring(L, 6, NULL);
	cflags = check_cflags(L, 3, &opts.n_cflags);
	opts.cflags = cflags;
	r = bl_build(&opts, kheaders, bl_host_interrupt_fd(), &res, &e);
	free(cflags);
	if (r == -EINTR) {
		bl_err_clear(&e);
		return bl_host_raise_interrupt(L);
	}
	if (r < 0)
		return bl_lib_fail(L, &e);
	lua_pushlstring(L, res.elf, res.elf_size);
	/* BCC's DEBUG_PREPROCESSOR shows the rewritten text (build.h). */
	push_opt_string(L, opts.debug & BL_DEBUG_PREPROCESSOR ? res.rewritten : NULL);
	push_opt_string(L, res.warnings);
	bl_build_result_free(&res);
	return 3;
}

/* read_source(path) -> text | nil, msg. Only a regular file: a device or
 * FIFO would never end (or never start). A Ctrl-C during the read raises
 * "interrupted" once it returns. */
static int l_read_source(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	size_t len;
	char *text;
	int r = bl_read_regular(path, &text, &len);

	if (bl_host_interrupted()) {
		free(text);
		return bl_host_raise_interrupt(L);
	}
	if (r < 0) {
		lua_pushnil(L);
		lua_pushfstring(L, "%s: %s", path, r == -ENXIO ? "not a regular file" : strerror(-r));
		return 2;
	}
	lua_pushlstring(L, text, len);
	free(text);
	return 1;
}

/* open(elf, name) -> object | nil, msg, log, errno */
static int l_open(lua_State *L)
{
	size_t size;
	const char *elf = luaL_checklstring(L, 1, &size);
	const char *name = luaL_optstring(L, 2, "<text>");
	struct lobject *u = lua_newuserdata(L, sizeof(*u));
	struct bl_err e = { 0 };

	u->o = NULL;
	luaL_getmetatable(L, BL_OBJECT_MT);
	lua_setmetatable(L, -2);
	lua_newtable(L);                /* the object's links */
	lua_setfenv(L, -2);
	if (bl_object_open(elf, size, name, &u->o, &e) < 0)
		return bl_lib_fail(L, &e);
	return 1;
}

/* Detaches every link still in the object's environment, then closes it. */
static int l_object_close(lua_State *L)
{
	struct lobject *u = luaL_checkudata(L, 1, BL_OBJECT_MT);

	if (!u->o)
		return 0;
	bl_lib_detach_all(L, 1);
	bl_metrics_forget(u->o);
	bl_object_close(u->o);
	u->o = NULL;
	return 0;
}

static int l_object_name(lua_State *L)
{
	lua_pushstring(L, bl_object_name(bl_lib_checkobject(L, 1)));
	return 1;
}

/* Sets t[field] to the ctype string of a BTF id, or t[field.."_error"] to
 * why there is none (Lua falls back to raw bytes of the right size). */
static void set_ctype(lua_State *L, const struct btf *btf, unsigned int id,
		      const char *field)
{
	struct bl_err e = { 0 };
	char *s;

	if (!btf || !id)
		return;
	s = bl_btf_ctype(btf, id, &e);
	if (s) {
		lua_pushstring(L, s);
		lua_setfield(L, -2, field);
		free(s);
		return;
	}
	lua_pushstring(L, e.msg);
	lua_pushfstring(L, "%s_error", field);
	lua_insert(L, -2);
	lua_settable(L, -3);
	bl_err_clear(&e);
}

/* t.event_ctype: the record type of an output map (btf/event_type.h), or
 * t.event_ctype_error when submissions disagree. */
static void set_event_ctype(lua_State *L, const struct btf *btf, const char *map)
{
	struct bl_err e = { 0 };
	int id = bl_btf_event_type(btf, map, &e);

	if (id < 0) {
		lua_pushstring(L, e.msg);
		lua_setfield(L, -2, "event_ctype_error");
		bl_err_clear(&e);
		return;
	}
	set_ctype(L, btf, (unsigned int)id, "event_ctype");
}

static void set_int(lua_State *L, const char *field, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, field);
}

static void push_map_info(lua_State *L, const struct bl_object *o,
			  const struct bl_map_info *m)
{
	const char *type = libbpf_bpf_map_type_str(m->type);

	lua_createtable(L, 0, 12);
	lua_pushstring(L, m->name);
	lua_setfield(L, -2, "name");
	lua_pushstring(L, type ? type : "unknown");
	lua_setfield(L, -2, "type");
	set_int(L, "type_id", m->type);
	set_int(L, "fd", m->fd);
	set_int(L, "key_size", m->key_size);
	set_int(L, "value_size", m->value_size);
	set_int(L, "max_entries", m->max_entries);
	set_int(L, "flags", m->flags);
	set_ctype(L, bl_object_btf(o), m->btf_key_type_id, "key_ctype");
	set_ctype(L, bl_object_btf(o), m->btf_value_type_id, "value_ctype");
	if (m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY || m->type == BPF_MAP_TYPE_RINGBUF)
		set_event_ctype(L, bl_object_btf(o), m->name);
}

/* maps() -> { info, ... }: name, type ("hash", ...), fd, sizes, ctypes */
static int l_object_maps(lua_State *L)
{
	struct bl_object *o = bl_lib_checkobject(L, 1);
	int i, n = bl_object_map_count(o);

	lua_createtable(L, n, 0);
	for (i = 0; i < n; i++) {
		push_map_info(L, o, bl_object_map(o, i));
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

/* map(name) -> info | nil */
static int l_object_map(lua_State *L)
{
	struct bl_object *o = bl_lib_checkobject(L, 1);
	const struct bl_map_info *m = bl_object_map_by_name(o, luaL_checkstring(L, 2));

	if (!m)
		return 0;
	push_map_info(L, o, m);
	return 1;
}

/* programs() -> { "fn", ... } in the object's order */
static int l_object_programs(lua_State *L)
{
	struct bl_object *o = bl_lib_checkobject(L, 1);
	int i, n = bl_object_prog_count(o);

	lua_createtable(L, n, 0);
	for (i = 0; i < n; i++) {
		lua_pushstring(L, bl_object_prog_name(o, i));
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

/* load_prog(fn, prog_type, expected_attach_type, attach_func|nil) -> fd |
 * nil, msg, log, errno: BCC's load_func; the fd is the object's. */
static int l_object_load_prog(lua_State *L)
{
	struct bl_object *o = bl_lib_checkobject(L, 1);
	struct bl_prog_spec s = {
		.fn = luaL_checkstring(L, 2),
		.type = (enum bpf_prog_type)luaL_checkinteger(L, 3),
		.expected_attach_type = (enum bpf_attach_type)luaL_optinteger(L, 4, 0),
		.attach_func = luaL_optstring(L, 5, NULL),
		.flavor = BL_FLAVOR_NATIVE,
	};
	struct bl_err e = { 0 };
	struct bpf_program *p = bl_object_check_prog(o, s.fn, &e) ? NULL
				: bl_object_prog(o, &s, &e);

	if (!p)
		return bl_lib_fail(L, &e);
	lua_pushinteger(L, bpf_program__fd(p));
	return 1;
}

/* iter_read(fn, target, map_fd, pid, tid, cgroup (path|fd), order) -> text |
 * nil, msg, log, errno: loads fn as the iterator over target (once, as
 * load_prog) and runs it; the arguments after target may be nil. */
static int l_object_iter_read(lua_State *L)
{
	struct bl_object *o = bl_lib_checkobject(L, 1);
	struct bl_prog_spec s = {
		.fn = luaL_checkstring(L, 2),
		.type = BPF_PROG_TYPE_TRACING,
		.expected_attach_type = BPF_TRACE_ITER,
		.attach_func = luaL_checkstring(L, 3),
		.flavor = BL_FLAVOR_NATIVE,
	};
	struct bl_iter_opts io = {
		.map_fd = (int)luaL_optinteger(L, 4, -1),
		.pid = (int)luaL_optinteger(L, 5, 0),
		.tid = (int)luaL_optinteger(L, 6, 0),
		.cgroup = lua_type(L, 7) == LUA_TSTRING ? lua_tostring(L, 7) : NULL,
		.cgroup_fd = lua_type(L, 7) == LUA_TNUMBER ? (int)lua_tointeger(L, 7) : -1,
		.order = (int)luaL_optinteger(L, 8, 0),
	};
	struct bl_err e = { 0 };
	struct bpf_program *p = bl_object_check_prog(o, s.fn, &e) ? NULL
				: bl_object_prog(o, &s, &e);
	char *text;
	size_t len;

	if (!p || bl_iter_read(p, &io, &text, &len, &e))
		return bl_lib_fail(L, &e);
	lua_pushlstring(L, text, len);
	free(text);
	return 1;
}

static int l_object_tostring(lua_State *L)
{
	struct lobject *u = luaL_checkudata(L, 1, BL_OBJECT_MT);

	if (u->o)
		lua_pushfstring(L, "bpflua.object (%s)", bl_object_name(u->o));
	else
		lua_pushliteral(L, "bpflua.object (closed)");
	return 1;
}

static const luaL_Reg object_methods[] = {
	{ "close", l_object_close },
	{ "name", l_object_name },
	{ "maps", l_object_maps },
	{ "map", l_object_map },
	{ "programs", l_object_programs },
	{ "load_prog", l_object_load_prog },
	{ "iter_read", l_object_iter_read },
	{ NULL, NULL }
};

static const luaL_Reg object_funcs[] = {
	{ "build", l_build },
	{ "read_source", l_read_source },
	{ "open", l_open },
	{ NULL, NULL }
};

void bl_lib_open_object(lua_State *L)
{
	bl_lib_newclass(L, BL_OBJECT_MT, object_methods, l_object_close, l_object_tostring);
	luaL_register(L, NULL, object_funcs);
}
