/* lib_events.c - bpflua.core: perf and ring buffers (runtime/events.h).
 *
 * One userdata per opened buffer. Lua opens and waits through these
 * bindings (a wait can raise the Ctrl-C error); records are read through
 * the FFI accessors (ffi.h), with ev:ptr() as the handle.
 *
 *   open_perf(map_fd, name, page_cnt, wakeup_events) -> ev | nil, msg, nil, errno
 *   open_ring(map_fd, name)                          -> ev | nil, msg, nil, errno
 *   events_poll(timeout_ms, ev...)  -> true (records wait) | false | nil, msg, nil, errno
 *   ev:ptr()                        -> light userdata (struct bl_events *)
 *   ev:close()
 */
#include <errno.h>

#include <lauxlib.h>
#include <lua.h>

#include "events.h"
#include "host.h"
#include "lib_core.h"

struct levents {
	struct bl_events *ev;   /* NULL once closed */
};

static struct bl_events *check_events(lua_State *L, int idx)
{
	struct levents *u = luaL_checkudata(L, idx, BL_EVENTS_MT);

	if (!u->ev)
		luaL_argerror(L, idx, "event buffer is closed (after cleanup())");
	return u->ev;
}

static int push_events(lua_State *L, struct bl_events *ev, struct bl_err *e)
{
	struct levents *u;

	if (!ev)
		return bl_lib_fail(L, e);
	u = lua_newuserdata(L, sizeof(*u));
	u->ev = ev;
	luaL_getmetatable(L, BL_EVENTS_MT);
	lua_setmetatable(L, -2);
	return 1;
}

static int l_open_perf(lua_State *L)
{
	int fd = (int)luaL_checkinteger(L, 1);
	const char *name = luaL_checkstring(L, 2);
	int page_cnt = (int)luaL_optinteger(L, 3, 8);
	int wakeup = (int)luaL_optinteger(L, 4, 1);
	struct bl_err e = { 0 };

	return push_events(L, bl_events_open_perf(fd, name, page_cnt, wakeup, &e), &e);
}

static int l_open_ring(lua_State *L)
{
	int fd = (int)luaL_checkinteger(L, 1);
	const char *name = luaL_checkstring(L, 2);
	struct bl_err e = { 0 };

	return push_events(L, bl_events_open_ring(fd, name, &e), &e);
}

#define MAX_POLL 64

/* Ctrl-C while waiting raises "interrupted" (host.h). */
static int l_events_poll(lua_State *L)
{
	int timeout = (int)luaL_checkinteger(L, 1);
	int i, r, n = lua_gettop(L) - 1;
	struct bl_events *evs[MAX_POLL];
	struct bl_err e = { 0 };

	luaL_argcheck(L, n <= MAX_POLL, MAX_POLL + 2, "too many event buffers");
	for (i = 0; i < n; i++)
		evs[i] = check_events(L, i + 2);
	if (bl_host_interrupted())
		return bl_host_raise_interrupt(L);
	if (timeout != 0)
		bl_host_notify_ready();
	r = bl_events_poll(evs, n, timeout, bl_host_interrupt_fd(), &e);
	if (r == -EINTR)
		return bl_host_raise_interrupt(L);
	if (r < 0)
		return bl_lib_fail(L, &e);
	lua_pushboolean(L, r > 0);
	return 1;
}

static int l_events_ptr(lua_State *L)
{
	lua_pushlightuserdata(L, check_events(L, 1));
	return 1;
}

static int l_events_close(lua_State *L)
{
	struct levents *u = luaL_checkudata(L, 1, BL_EVENTS_MT);

	bl_events_free(u->ev);
	u->ev = NULL;
	return 0;
}

static const luaL_Reg events_methods[] = {
	{ "ptr", l_events_ptr },
	{ "close", l_events_close },
	{ NULL, NULL }
};

static const luaL_Reg events_funcs[] = {
	{ "open_perf", l_open_perf },
	{ "open_ring", l_open_ring },
	{ "events_poll", l_events_poll },
	{ NULL, NULL }
};

void bl_lib_open_events(lua_State *L)
{
	bl_lib_newclass(L, BL_EVENTS_MT, events_methods, l_events_close, NULL);
	luaL_register(L, NULL, events_funcs);
}
