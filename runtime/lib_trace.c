/* lib_trace.c - bpflua.core: the trace pipe userdata (bpf_trace_printk
 * output) behind trace_print / trace_fields / trace_readline.
 *
 * Reads block; before blocking they tell the host the script is ready, and
 * a signal during the wait becomes the "interrupted" error (host.h), so
 * Ctrl-C inside trace_print() is catchable by pcall like anywhere else.
 */
#include <errno.h>

#include <lauxlib.h>
#include <lua.h>

#include "host.h"
#include "lib_core.h"
#include "trace_pipe.h"

struct ltrace {
	struct bl_trace_pipe *tp;   /* NULL once closed */
};

static struct bl_trace_pipe *check_trace(lua_State *L)
{
	struct ltrace *u = luaL_checkudata(L, 1, BL_TRACE_MT);

	if (!u->tp)
		luaL_argerror(L, 1, "trace pipe is closed");
	return u->tp;
}

/* trace_open() -> pipe | nil, msg, log, errno */
static int l_trace_open(lua_State *L)
{
	struct ltrace *u = lua_newuserdata(L, sizeof(*u));
	struct bl_err e = { 0 };

	u->tp = NULL;
	luaL_getmetatable(L, BL_TRACE_MT);
	lua_setmetatable(L, -2);
	if (bl_trace_pipe_open(&u->tp, &e) < 0)
		return bl_lib_fail(L, &e);
	bl_trace_pipe_set_cancel_fd(u->tp, bl_host_interrupt_fd());
	return 1;
}

/* One line: 1 with *line set, 0 when nonblocking and none is ready;
 * raises on Ctrl-C; pushes nil, msg, log, errno (returns -4) on failure. */
static int read_line(lua_State *L, struct bl_trace_pipe *tp, int nonblocking,
		     const char **line)
{
	struct bl_err e = { 0 };
	int r;

	if (bl_host_interrupted())
		bl_host_raise_interrupt(L);
	if (!nonblocking)
		bl_host_notify_ready();
	r = bl_trace_pipe_readline(tp, nonblocking, line, &e);
	if (r == -EINTR) {
		bl_err_clear(&e);
		if (bl_host_interrupted())
			bl_host_raise_interrupt(L);
		return 0;
	}
	if (r < 0)
		return -bl_lib_fail(L, &e);
	return r > 0 ? 1 : 0;
}

/* p:readline([nonblocking]) -> line | nil (nothing ready) | nil, msg, log, errno */
static int l_trace_readline(lua_State *L)
{
	struct bl_trace_pipe *tp = check_trace(L);
	int nonblocking = lua_toboolean(L, 2);
	const char *line;
	int r;

	do {
		r = read_line(L, tp, nonblocking, &line);
		if (r < 0)
			return -r;
	} while (r == 0 && !nonblocking);   /* a signal that was not Ctrl-C */
	if (r == 0)
		return 0;
	lua_pushstring(L, line);
	return 1;
}

static int push_fields(lua_State *L, const struct bl_trace_fields *f)
{
	lua_pushstring(L, f->task);
	lua_pushinteger(L, f->pid);
	lua_pushinteger(L, f->cpu);
	lua_pushstring(L, f->flags);
	lua_pushnumber(L, f->ts);
	lua_pushstring(L, f->msg ? f->msg : "");
	return 6;
}

/* p:fields([nonblocking]) -> task, pid, cpu, flags, ts, msg | nil | nil, msg, ...
 * Lines that do not parse are skipped, as BCC's trace_fields does. */
static int l_trace_fields(lua_State *L)
{
	struct bl_trace_pipe *tp = check_trace(L);
	int nonblocking = lua_toboolean(L, 2);
	struct bl_trace_fields f;
	const char *line;
	int r;

	for (;;) {
		r = read_line(L, tp, nonblocking, &line);
		if (r < 0)
			return -r;
		if (r == 0 && nonblocking)
			return 0;
		if (r > 0 && bl_trace_parse(line, &f) == 0)
			return push_fields(L, &f);
	}
}

/* trace_parse(line) -> task, pid, cpu, flags, ts, msg | nil: the parse the
 * pipe's fields() does, for lines of an object's private stream. */
static int l_trace_parse(lua_State *L)
{
	struct bl_trace_fields f;

	if (bl_trace_parse(luaL_checkstring(L, 1), &f) < 0)
		return 0;
	return push_fields(L, &f);
}

static int l_trace_close(lua_State *L)
{
	struct ltrace *u = luaL_checkudata(L, 1, BL_TRACE_MT);

	if (u->tp)
		bl_trace_pipe_close(u->tp);
	u->tp = NULL;
	return 0;
}

static const luaL_Reg trace_methods[] = {
	{ "readline", l_trace_readline },
	{ "fields", l_trace_fields },
	{ "close", l_trace_close },
	{ NULL, NULL }
};

static const luaL_Reg trace_funcs[] = {
	{ "trace_open", l_trace_open },
	{ "trace_parse", l_trace_parse },
	{ NULL, NULL }
};

void bl_lib_open_trace(lua_State *L)
{
	bl_lib_newclass(L, BL_TRACE_MT, trace_methods, l_trace_close, NULL);
	luaL_register(L, NULL, trace_funcs);
}
