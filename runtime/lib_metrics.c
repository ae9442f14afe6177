/* lib_metrics.c - bindings of the metrics exporter (metrics.h,
 * metrics_http.h): obj:export(map, spec) and core.metrics_serve(addr). */
#include <string.h>

#include <bpf/bpf.h>

#include "lib_core.h"
#include "loader.h"
#include "metrics.h"
#include "metrics_http.h"

static int is_percpu(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static enum bl_metric_type metric_type(const char *s)
{
	return !strcmp(s, "gauge") ? BL_METRIC_GAUGE
	     : !strcmp(s, "histogram") ? BL_METRIC_HISTOGRAM : BL_METRIC_COUNTER;
}

/* spec.labels (a sequence of strings, already checked by metrics.lua). */
static void read_labels(lua_State *L, int idx, struct bl_metric_spec *s)
{
	int i;

	lua_getfield(L, idx, "labels");
	if (lua_istable(L, -1)) {
		s->nlabels = (int)lua_objlen(L, -1);
		if (s->nlabels > BL_MFIELDS_MAX)
			luaL_error(L, "export: at most %d labels", BL_MFIELDS_MAX);
		for (i = 0; i < s->nlabels; i++) {
			lua_rawgeti(L, -1, i + 1);
			s->labels[i] = lua_tostring(L, -1);   /* kept alive by spec.labels */
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
}

static const char *str_field(lua_State *L, int idx, const char *k)
{
	const char *v;

	lua_getfield(L, idx, k);
	v = lua_tostring(L, -1);        /* kept alive by the spec table */
	lua_pop(L, 1);
	return v;
}

/* obj:export(mapname, {name, help, type, labels, scale, linear}) -> true | nil, msg */
static int l_object_export(lua_State *L)
{
	struct bl_object *o = bl_lib_checkobject(L, 1);
	const struct bl_map_info *m = bl_object_map_by_name(o, luaL_checkstring(L, 2));
	struct bl_metric_spec s = { 0 };
	struct bl_err e = { 0 };
	struct bl_metric_map mm;

	luaL_checktype(L, 3, LUA_TTABLE);
	if (!m)
		return luaL_error(L, "export: no map '%s'", lua_tostring(L, 2));
	s.name = str_field(L, 3, "name");
	s.help = str_field(L, 3, "help");
	s.type = metric_type(str_field(L, 3, "type"));
	lua_getfield(L, 3, "scale");
	s.scale = lua_tonumber(L, -1);
	lua_getfield(L, 3, "linear");
	s.linear = lua_toboolean(L, -1);
	lua_pop(L, 2);
	read_labels(L, 3, &s);
	mm = (struct bl_metric_map){
		.fd = m->fd, .percpu = is_percpu(m->type), .key_size = m->key_size,
		.value_size = m->value_size, .btf = bl_object_btf(o),
		.key_type_id = m->btf_key_type_id, .value_type_id = m->btf_value_type_id,
	};
	if (bl_metrics_export(o, &mm, &s, &e))
		return bl_lib_fail(L, &e);
	lua_pushboolean(L, 1);
	return 1;
}

/* metrics_serve("[ADDR:]PORT") -> true | nil, msg */
static int l_metrics_serve(lua_State *L)
{
	struct bl_err e = { 0 };

	if (bl_metrics_serve(luaL_checkstring(L, 1), &e))
		return bl_lib_fail(L, &e);
	lua_pushboolean(L, 1);
	return 1;
}

static const luaL_Reg metrics_funcs[] = {
	{ "metrics_serve", l_metrics_serve },
	{ NULL, NULL }
};

void bl_lib_open_metrics(lua_State *L)
{
	luaL_getmetatable(L, BL_OBJECT_MT);
	lua_getfield(L, -1, "__index");
	lua_pushcfunction(L, l_object_export);
	lua_setfield(L, -2, "export");
	lua_pop(L, 2);
	luaL_register(L, NULL, metrics_funcs);
}
