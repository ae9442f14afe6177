/* lib_core.c - luaopen_bpflua_core: the bpflua.core module table, built from
 * the per-concern lib_*.c files, and the helpers they share (lib_core.h). */
#include <lauxlib.h>
#include <lua.h>

#include "embed.h"
#include "lib_core.h"

/* tools/embed.sh's table of runtime/ffi.h (see the Makefile). */
extern const struct bl_embedded_file bl_embedded_ffi[];

int bl_lib_fail(lua_State *L, struct bl_err *e)
{
	lua_pushnil(L);
	lua_pushstring(L, e->msg[0] ? e->msg : "unknown error");
	if (e->log)
		lua_pushstring(L, e->log);
	else
		lua_pushnil(L);
	lua_pushinteger(L, e->code);
	bl_err_clear(e);
	return 4;
}

void bl_lib_newclass(lua_State *L, const char *name, const luaL_Reg *methods,
		     lua_CFunction gc, lua_CFunction tostring)
{
	luaL_newmetatable(L, name);
	lua_newtable(L);
	luaL_register(L, NULL, methods);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, gc);
	lua_setfield(L, -2, "__gc");
	if (tostring) {
		lua_pushcfunction(L, tostring);
		lua_setfield(L, -2, "__tostring");
	}
	lua_pushstring(L, name);
	lua_setfield(L, -2, "__name");
	lua_pop(L, 1);
}

/* The text Lua passes to ffi.cdef: the same declarations ffi.c compiles. */
static int l_ffi_header(lua_State *L)
{
	const struct bl_embedded_file *f = bl_embed_find(bl_embedded_ffi, "ffi.h");

	if (!f)
		return luaL_error(L, "bpflua.core: ffi.h is not embedded in this binary");
	lua_pushlstring(L, f->data, f->size);
	return 1;
}

static const luaL_Reg core_funcs[] = {
	{ "ffi_header", l_ffi_header },
	{ NULL, NULL }
};

int luaopen_bpflua_core(lua_State *L)
{
	lua_newtable(L);
	luaL_register(L, NULL, core_funcs);
	bl_lib_open_object(L);
	bl_lib_open_attach(L);
	bl_lib_open_trace(L);
	bl_lib_open_sys(L);
	bl_lib_open_events(L);
	bl_lib_open_metrics(L);
	bl_lib_open_usdt(L);
	return 1;
}
