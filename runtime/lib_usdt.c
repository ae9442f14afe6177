/* lib_usdt.c - bpflua.core: USDT probes of a binary (usdt.h), for the USDT
 * class (lua/bpflua/usdt.lua), and their attachment (o:attach_usdt). */
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach.h"
#include "lib_core.h"
#include "usdt.h"

static void set_str(lua_State *L, const char *k, const char *v)
{
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

static void set_num(lua_State *L, const char *k, uint64_t v)
{
	lua_pushnumber(L, (lua_Number)v);
	lua_setfield(L, -2, k);
}

/* usdt_notes(path) -> { {provider=, name=, pc=, offset=, sema_addr=,
 * sema_offset=, args=}, ... } | nil, msg */
static int l_usdt_notes(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	struct bl_usdt_note *notes;
	struct bl_err e = { 0 };
	int n = bl_usdt_notes(path, &notes, &e);

	if (n < 0)
		return bl_lib_fail(L, &e);
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_createtable(L, 0, 7);
		set_str(L, "provider", notes[i].provider);
		set_str(L, "name", notes[i].name);
		set_num(L, "pc", notes[i].pc);
		set_num(L, "offset", notes[i].offset);
		set_num(L, "sema_addr", notes[i].sema_addr);
		set_num(L, "sema_offset", notes[i].sema_offset);
		set_str(L, "args", notes[i].args);
		lua_rawseti(L, -2, i + 1);
	}
	free(notes);
	return 1;
}

static uint64_t get_num(lua_State *L, int t, const char *k)
{
	uint64_t v;

	lua_getfield(L, t, k);
	v = (uint64_t)luaL_checknumber(L, -1);
	lua_pop(L, 1);
	return v;
}

static void get_str(lua_State *L, int t, const char *k, char *dst, size_t size)
{
	lua_getfield(L, t, k);
	snprintf(dst, size, "%s", luaL_checkstring(L, -1));
	lua_pop(L, 1);
}

/* A note table of usdt_notes() back into C. */
static void check_note(lua_State *L, int t, struct bl_usdt_note *n)
{
	luaL_checktype(L, t, LUA_TTABLE);
	memset(n, 0, sizeof(*n));
	get_str(L, t, "provider", n->provider, sizeof(n->provider));
	get_str(L, t, "name", n->name, sizeof(n->name));
	get_str(L, t, "args", n->args, sizeof(n->args));
	n->pc = get_num(L, t, "pc");
	n->offset = get_num(L, t, "offset");
	n->sema_addr = get_num(L, t, "sema_addr");
	n->sema_offset = get_num(L, t, "sema_offset");
}

/* o:attach_usdt(fn, path, note, pid, slot) -> link | nil, msg, log, errno */
static int l_attach_usdt(lua_State *L)
{
	struct bl_object *o = bl_lib_checkobject(L, 1);
	const char *fn = luaL_checkstring(L, 2);
	const char *path = luaL_checkstring(L, 3);
	int pid = (int)luaL_optinteger(L, 5, -1);
	int slot = (int)luaL_checkinteger(L, 6);
	struct bl_usdt_note n;
	struct bl_link *l = NULL;
	struct bl_err e = { 0 };

	check_note(L, 4, &n);
	int r = bl_attach_usdt(o, fn, path, &n, pid, slot, &l, &e);
	if (r < 0)
		return bl_lib_fail(L, &e);
	return bl_lib_push_link(L, 1, l);
}

/* is_exe(path) -> true when path is a regular file this process may
 * execute (Python's os.path.isfile and os.access(X_OK), as BCC's find_exe) */
static int l_is_exe(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	struct stat st;

	lua_pushboolean(L, !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK));
	return 1;
}

static const luaL_Reg usdt_funcs[] = {
	{ "usdt_notes", l_usdt_notes },
	{ "is_exe", l_is_exe },
	{ NULL, NULL }
};

static const luaL_Reg object_usdt_methods[] = {
	{ "attach_usdt", l_attach_usdt },
	{ NULL, NULL }
};

void bl_lib_open_usdt(lua_State *L)
{
	luaL_register(L, NULL, usdt_funcs);
	luaL_getmetatable(L, BL_OBJECT_MT);
	lua_getfield(L, -1, "__index");
	luaL_register(L, NULL, object_usdt_methods);
	lua_pop(L, 2);
}
