/* lib_sys.c - bpflua.core: the system around the programs: interruptible
 * sleep, kernel symbols, kernel function and tracepoint lists (POSIX ERE),
 * library lookup, and the kernel's features. Bindings only: what they
 * return is worked out in plain C modules (probe_list.c, sym/, features.c).
 */
#include <poll.h>
#include <stdint.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "features.h"
#include "host.h"
#include "sym/ksyms.h"
#include "lib_core.h"
#include "probe_list.h"
#include "sym/libpath.h"

/* sleep(seconds): Ctrl-C raises "interrupted"; other signals resume it. */
/* Sleeps on a poll() of the host's interrupt fd, so that a Ctrl-C arriving
 * just before the wait starts still ends it. */
static int l_sleep(lua_State *L)
{
	double s = luaL_checknumber(L, 1);
	struct pollfd p = { .fd = bl_host_interrupt_fd(), .events = POLLIN };
	struct timespec now;
	double end;

	luaL_argcheck(L, s >= 0 && s == s, 1, "expected a non-negative number of seconds");
	bl_host_notify_ready();
	clock_gettime(CLOCK_MONOTONIC, &now);
	end = (double)now.tv_sec + now.tv_nsec / 1e9 + (s > 1e9 ? 1e9 : s);
	for (;;) {
		double left;

		if (bl_host_interrupted())
			return bl_host_raise_interrupt(L);
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = end - ((double)now.tv_sec + now.tv_nsec / 1e9);
		if (left <= 0)
			return 0;
		/* ceil to whole ms, so that a short sleep does not spin */
		poll(&p, 1, left > 2e6 ? 2000000000 : (int)(left * 1000 + 0.999));
	}
}

/* Kernel addresses do not fit a Lua number: Lua passes and receives them
 * as two 32-bit halves (lua/bpflua/bpf.lua joins them into a uint64_t). */
static uint64_t check_addr(lua_State *L, int lo, int hi)
{
	return (uint64_t)luaL_checknumber(L, lo) | (uint64_t)luaL_optnumber(L, hi, 0) << 32;
}

static int push_addr(lua_State *L, uint64_t a)
{
	lua_pushnumber(L, (double)(a & 0xffffffffu));
	lua_pushnumber(L, (double)(a >> 32));
	return 2;
}

static int ksyms_ready(lua_State *L)
{
	struct bl_err e = { 0 };

	if (bl_ksyms_load(&e) < 0)
		return bl_lib_fail(L, &e);
	return 0;
}

/* ksym(lo, hi) -> name, offset, module|nil | nil (unknown) | nil, msg, ... */
static int l_ksym(lua_State *L)
{
	uint64_t addr = check_addr(L, 1, 2);
	const struct bl_ksym *s;
	int r = ksyms_ready(L);

	if (r)
		return r;
	s = bl_ksym_lookup(addr);
	if (!s)
		return 0;
	lua_pushstring(L, s->name);
	lua_pushnumber(L, (double)(addr - s->addr));
	if (s->module)
		lua_pushstring(L, s->module);
	else
		lua_pushnil(L);
	return 3;
}

/* ksymname(name) -> lo, hi | nil (unknown) */
static int l_ksymname(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	int r = ksyms_ready(L);

	if (r)
		return r;
	if (!bl_ksym_exists(name))
		return 0;
	return push_addr(L, bl_ksym_addr(name));
}

/* Pushes the names as an array and frees them. */
static int push_names(lua_State *L, struct bl_names *l)
{
	lua_createtable(L, (int)l->n, 0);
	for (size_t i = 0; i < l->n; i++) {
		lua_pushstring(L, l->v[i]);
		lua_rawseti(L, -2, (int)i + 1);
	}
	bl_names_free(l);
	return 1;
}

/* kprobe_functions(re) -> { name, ... } (sorted) | nil, msg */
static int l_kprobe_functions(lua_State *L)
{
	struct bl_names l;
	struct bl_err e = { 0 };

	if (bl_kprobe_functions(luaL_checkstring(L, 1), &l, &e))
		return bl_lib_fail(L, &e);
	return push_names(L, &l);
}

/* tracepoints(re) -> { "cat:ev", ... } (sorted) | nil, msg */
static int l_tracepoints(lua_State *L)
{
	struct bl_names l;
	struct bl_err e = { 0 };

	if (bl_tracepoints(luaL_checkstring(L, 1), &l, &e))
		return bl_lib_fail(L, &e);
	return push_names(L, &l);
}

/* find_library(name) -> path | nil, msg */
static int l_find_library(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	struct bl_err e = { 0 };
	char path[4096];

	if (bl_find_library(name, path, sizeof(path), &e) < 0)
		return bl_lib_fail(L, &e);
	lua_pushstring(L, path);
	return 1;
}

static int l_tracepoint_exists(lua_State *L)
{
	const char *cat = luaL_checkstring(L, 1);
	const char *ev = luaL_checkstring(L, 2);

	lua_pushboolean(L, bl_tracepoint_exists(cat, ev));
	return 1;
}

static int l_syscall_prefix(lua_State *L)
{
	lua_pushstring(L, bl_syscall_prefix());
	return 1;
}

/* syscall_name("__x64_sys_sync") -> "sync" | nil */
static int l_syscall_name(lua_State *L)
{
	char name[128];

	if (!bl_syscall_name(luaL_checkstring(L, 1), name, sizeof(name)))
		return 0;
	lua_pushstring(L, name);
	return 1;
}

static int l_has_kprobes(lua_State *L)
{
	lua_pushboolean(L, bl_has_kprobes());
	return 1;
}

static int l_has_fentry(lua_State *L)
{
	lua_pushboolean(L, bl_has_fentry());
	return 1;
}

static int l_has_raw_tracepoint(lua_State *L)
{
	lua_pushboolean(L, bl_has_raw_tracepoint());
	return 1;
}

static const luaL_Reg sys_funcs[] = {
	{ "sleep", l_sleep },
	{ "ksym", l_ksym },
	{ "ksymname", l_ksymname },
	{ "kprobe_functions", l_kprobe_functions },
	{ "tracepoints", l_tracepoints },
	{ "find_library", l_find_library },
	{ "tracepoint_exists", l_tracepoint_exists },
	{ "syscall_prefix", l_syscall_prefix },
	{ "syscall_name", l_syscall_name },
	{ "has_kprobes", l_has_kprobes },
	{ "has_fentry", l_has_fentry },
	{ "has_raw_tracepoint", l_has_raw_tracepoint },
	{ NULL, NULL }
};

void bl_lib_open_sys(lua_State *L)
{
	luaL_register(L, NULL, sys_funcs);
}
