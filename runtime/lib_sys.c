/* lib_sys.c - bpflua.core: the system around the programs: interruptible
 * sleep, kernel function and tracepoint lists (POSIX ERE),
 * library lookup, BPF iterator targets, and the kernel's features. Bindings only: what they
 * return is worked out in plain C modules (probe_list.c, sym/, features.c, iter.c).
 */
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "btf/kstruct.h"
#include "features.h"
#include "host.h"
#include "iter.h"
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

/* user_functions(path, re) -> { {name, addr_lo, addr_hi}, ... } | nil, msg:
 * addresses as two 32-bit halves (a Lua number cannot hold every one). */
static int l_user_functions(lua_State *L)
{
	struct bl_user_fns l;
	struct bl_err e = { 0 };

	if (bl_user_functions(luaL_checkstring(L, 1), luaL_checkstring(L, 2), &l, &e))
		return bl_lib_fail(L, &e);
	lua_createtable(L, (int)l.n, 0);
	for (size_t i = 0; i < l.n; i++) {
		lua_createtable(L, 3, 0);
		lua_pushstring(L, l.v[i].name);
		lua_rawseti(L, -2, 1);
		lua_pushnumber(L, (double)(uint32_t)l.v[i].addr);
		lua_rawseti(L, -2, 2);
		lua_pushnumber(L, (double)(uint32_t)(l.v[i].addr >> 32));
		lua_rawseti(L, -2, 3);
		lua_rawseti(L, -2, (int)i + 1);
	}
	bl_user_fns_free(&l);
	return 1;
}

/* kernel_struct_has_field(struct, field) -> 1 | 0 | -1 (as BCC's) */
static int l_kernel_struct_has_field(lua_State *L)
{
	lua_pushinteger(L, bl_kstruct_has_field(luaL_checkstring(L, 1), luaL_checkstring(L, 2)));
	return 1;
}

/* iter_targets() -> { "bpf_map", "task", ... } (sorted) | nil, msg */
static int l_iter_targets(lua_State *L)
{
	struct bl_err e = { 0 };
	const char **v;
	int i, n;

	if (bl_iter_targets(&v, &n, &e))
		return bl_lib_fail(L, &e);
	lua_createtable(L, n, 0);
	for (i = 0; i < n; i++) {
		lua_pushstring(L, v[i]);
		lua_rawseti(L, -2, i + 1);
	}
	free(v);
	return 1;
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

/* fix_syscall_fnname("sys_sync") -> "__x64_sys_sync" (this kernel's prefix) */
static int l_fix_syscall_fnname(lua_State *L)
{
	char name[256];

	if (!bl_syscall_fix_fnname(luaL_checkstring(L, 1), name, sizeof(name)))
		return luaL_argerror(L, 1, "name too long");
	lua_pushstring(L, name);
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

static int l_has_ringbuf(lua_State *L)
{
	lua_pushboolean(L, bl_has_ringbuf());
	return 1;
}

static const luaL_Reg sys_funcs[] = {
	{ "sleep", l_sleep },
	{ "kprobe_functions", l_kprobe_functions },
	{ "tracepoints", l_tracepoints },
	{ "user_functions", l_user_functions },
	{ "kernel_struct_has_field", l_kernel_struct_has_field },
	{ "iter_targets", l_iter_targets },
	{ "find_library", l_find_library },
	{ "tracepoint_exists", l_tracepoint_exists },
	{ "syscall_prefix", l_syscall_prefix },
	{ "fix_syscall_fnname", l_fix_syscall_fnname },
	{ "has_fentry", l_has_fentry },
	{ "has_ringbuf", l_has_ringbuf },
	{ "has_raw_tracepoint", l_has_raw_tracepoint },
	{ NULL, NULL }
};

void bl_lib_open_sys(lua_State *L)
{
	luaL_register(L, NULL, sys_funcs);
}
