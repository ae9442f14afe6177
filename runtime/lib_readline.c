/* lib_readline.c - the bpflua.readline module: line editing and history
 * for the REPL (GNU readline).
 *
 * readline() normally restarts its read after a signal; a Ctrl-C at the
 * prompt must instead drop the line and show a fresh prompt, so input goes
 * through our own getc that gives up when the host saw an interrupt.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include <lauxlib.h>
#include <lua.h>

#include "host.h"

static int cancelled;
static lua_State *completion_L;

static int getc_interruptible(FILE *f)
{
	unsigned char c;

	for (;;) {
		ssize_t n = read(fileno(f), &c, 1);

		if (n == 1)
			return c;
		if (n == 0)
			return EOF;
		if (errno != EINTR)
			return EOF;
		if (bl_host_interrupted()) {
			cancelled = 1;
			rl_done = 1;
			return '\n';
		}
	}
}

/* Completion asks the Lua function stored in the registry for candidates. */
static char *completion_entry(const char *text, int state)
{
	static int n, i;
	lua_State *L = completion_L;
	char *r = NULL;

	if (!L)
		return NULL;
	if (!state) {
		int top = lua_gettop(L);

		n = i = 0;
		lua_getfield(L, LUA_REGISTRYINDEX, "bpflua.readline.complete");
		lua_pushstring(L, text);
		lua_pushstring(L, rl_line_buffer);
		if (lua_isfunction(L, -3) && lua_pcall(L, 2, 1, 0) == 0 && lua_istable(L, -1)) {
			n = (int)lua_objlen(L, -1);
			lua_setfield(L, LUA_REGISTRYINDEX, "bpflua.readline.candidates");
		}
		lua_settop(L, top);
	}
	if (i < n) {
		lua_getfield(L, LUA_REGISTRYINDEX, "bpflua.readline.candidates");
		lua_rawgeti(L, -1, ++i);
		if (lua_isstring(L, -1))
			r = strdup(lua_tostring(L, -1));
		lua_pop(L, 2);
	}
	return r;
}

static char **complete(const char *text, int start, int end)
{
	rl_attempted_completion_over = 1;
	return rl_completion_matches(text, completion_entry);
}

/* readline(prompt) -> line | nil at EOF | false when Ctrl-C dropped the line */
static int l_readline(lua_State *L)
{
	const char *prompt = luaL_optstring(L, 1, "> ");
	char *line;

	cancelled = 0;
	completion_L = L;
	line = readline(prompt);
	completion_L = NULL;
	if (cancelled) {
		free(line);
		bl_host_clear_interrupt();
		fputs("^C\n", stdout);
		lua_pushboolean(L, 0);
		return 1;
	}
	if (!line) {
		lua_pushnil(L);
		return 1;
	}
	lua_pushstring(L, line);
	free(line);
	return 1;
}

static int l_add_history(lua_State *L)
{
	add_history(luaL_checkstring(L, 1));
	return 0;
}

static int l_set_completer(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TFUNCTION);
	lua_pushvalue(L, 1);
	lua_setfield(L, LUA_REGISTRYINDEX, "bpflua.readline.complete");
	return 0;
}

static int l_history_file(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);

	if (lua_toboolean(L, 2))
		write_history(path);
	else
		read_history(path);
	return 0;
}

static const luaL_Reg funcs[] = {
	{ "readline", l_readline },
	{ "add_history", l_add_history },
	{ "set_completer", l_set_completer },
	{ "history_file", l_history_file },
	{ NULL, NULL },
};

int luaopen_bpflua_readline(lua_State *L)
{
	rl_readline_name = "bpflua";
	rl_catch_signals = 0;
	rl_getc_function = getc_interruptible;
	rl_attempted_completion_function = complete;
	rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(,+-*/%^~#[]";
	luaL_newlib(L, funcs);
	return 1;
}
