/* fuzz_convert.c - libFuzzer target for the Lua table conversions
 * (lua/bpflua/convert.lua): convert_driver.lua turns each input into a C
 * type and a Lua value, converts, stores through LuaJIT, and checks the
 * stored bits. Any error escaping the driver is a finding: abort(). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

static lua_State *L;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	L = luaL_newstate();
	luaL_openlibs(L);
	if (luaL_dostring(L, "package.path = './lua/?.lua;./lua/?/init.lua;' .. package.path") ||
	    luaL_dofile(L, "tests/fuzz/convert_driver.lua")) {
		fprintf(stderr, "fuzz_convert: %s (run from the checkout)\n", lua_tostring(L, -1));
		exit(2);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lua_getglobal(L, "fuzz");
	lua_pushlstring(L, (const char *)data, size);
	if (lua_pcall(L, 1, 0, 0)) {
		fprintf(stderr, "fuzz_convert: %s\n", lua_tostring(L, -1));
		abort();
	}
	lua_gc(L, LUA_GCSTEP, 0);
	return 0;
}
