/* main.c - the bpflua command: run a Lua script, chunks, stdin, or a REPL.
 *
 * Shaped like lua.c/luajit.c: parse options, create the state, run
 * everything in one protected call with a traceback handler, and report at
 * this level only. Exit status: 0; 1 for a script error; 128+signal for an
 * uncaught Ctrl-C (130) or SIGTERM, after lua_close() has run every __gc so
 * all probes are detached.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <lauxlib.h>
#include <lua.h>
#include <luajit.h>
#include <lualib.h>

#include "cachetmp.h"
#include "metrics_http.h"
#include "compiler.h"
#include "host.h"
#include "objcache.h"

#define PROGNAME "bpflua"

struct options {
	const char *chunks[64];  /* -e chunks, in order */
	int n_chunks;
	int script;              /* argv index of the script ("-" = stdin), 0 if none */
	int interactive;         /* -i */
	int version;
	int help;
	int cache_info;
	int cache_clear;
	const char *metrics;      /* --metrics [ADDR:]PORT */
};

int luaopen_bpflua_readline(lua_State *L);

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROGNAME " [options] [script [args...]]\n"
		"Run BCC-style eBPF tracing scripts written in Lua.\n\n"
		"  -e chunk       run the Lua chunk (may be repeated)\n"
		"  -i             enter the interactive prompt after running the script\n"
		"  -v, --version  print the versions of bpflua, LuaJIT, libbpf and LLVM\n"
		"  --no-cache     compile every program, neither using nor filling the cache\n"
		"  --cache-info   print where compiled objects are cached, how many, and stale temp files\n"
		"  --cache-clear  delete every cached compiled object and stale temp files\n"
		"  --metrics [ADDR:]PORT  serve the tables the script exports (t:export)\n"
		"                 as Prometheus metrics on GET /metrics\n"
		"  -h, --help     print this help\n"
		"  --             stop handling options\n"
		"  -              run standard input\n\n"
		"With no script and a terminal on stdin, starts the interactive prompt.\n"
		"In scripts the global BPF is BCC's BPF class; see bpflua(1).\n");
}

/* Returns 0, or -1 after printing what is wrong. */
static int parse_args(int argc, char **argv, struct options *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || strcmp(a, "-") == 0) {
			o->script = i;
			return 0;
		}
		if (strcmp(a, "--") == 0) {
			o->script = i + 1 < argc ? i + 1 : 0;
			return 0;
		}
		if (strcmp(a, "-e") == 0) {
			if (i + 1 >= argc || o->n_chunks == 64) {
				fprintf(stderr, PROGNAME ": '-e' needs a chunk\n");
				return -1;
			}
			o->chunks[o->n_chunks++] = argv[++i];
		} else if (strcmp(a, "-i") == 0) {
			o->interactive = 1;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--version") == 0) {
			o->version = 1;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			o->help = 1;
		} else if (strcmp(a, "--no-cache") == 0) {
			bl_objcache_disable();
		} else if (strcmp(a, "--cache-info") == 0) {
			o->cache_info = 1;
		} else if (strcmp(a, "--cache-clear") == 0) {
			o->cache_clear = 1;
		} else if (strcmp(a, "--metrics") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, PROGNAME ": '--metrics' needs [ADDR:]PORT\n");
				return -1;
			}
			o->metrics = argv[++i];
		} else {
			fprintf(stderr, PROGNAME ": unknown option '%s'\n", a);
			usage(stderr);
			return -1;
		}
	}
	return 0;
}

static void print_version(void)
{
	struct bl_err e = {0};
	const struct bl_compiler_api *cc = bl_compiler_get(&e);

	printf(PROGNAME " %s\n", BPFLUA_VERSION);
	printf("LuaJIT  %s\n", LUAJIT_VERSION + strlen("LuaJIT "));
	printf("libbpf  %s\n", libbpf_version_string() + 1);
	printf("LLVM    %s\n", cc ? cc->llvm_version : "(compiler module not found)");
	bl_err_clear(&e);
}

static int cache_command(const struct options *o)
{
	struct bl_err e = {0};
	char dir[4096];
	long n, tmp = 0;
	long long bytes, tmp_bytes = 0;
	int err;

	if (o->cache_clear) {
		err = bl_objcache_clear(&n, &e) ?: bl_cachetmp_sweep(1, &tmp, &tmp_bytes, &e);
		if (!err)
			printf("removed %ld cached object%s and %ld stale temporary file%s\n",
			       n, n == 1 ? "" : "s", tmp, tmp == 1 ? "" : "s");
	} else {
		err = bl_objcache_stat(dir, sizeof(dir), &n, &bytes, &e) ?:
		      bl_cachetmp_sweep(0, &tmp, &tmp_bytes, &e);
		if (!err)
			printf("cache: %s\nobjects: %ld (%lld bytes)\n"
			       "stale temporary files: %ld (%lld bytes; --cache-clear removes them)\nenabled: %s\n",
			       dir, n, bytes, tmp, tmp_bytes,
			       bl_objcache_enabled() ? "yes" : "no (BPFLUA_CACHE or --no-cache)");
	}
	if (err)
		fprintf(stderr, PROGNAME ": %s\n", e.msg);
	bl_err_clear(&e);
	return err ? 1 : 0;
}

/* The traceback users need: the frames of their script. bpflua.args owns
 * which frames are bpflua's own plumbing (its traceback, level 2: above
 * this handler); a plain traceback when that module cannot run. */
static void push_user_traceback(lua_State *L, const char *msg)
{
	int top = lua_gettop(L);

	lua_getglobal(L, "require");
	lua_pushliteral(L, "bpflua.args");
	if (lua_pcall(L, 1, 1, 0) == 0 && lua_istable(L, -1)) {
		lua_getfield(L, -1, "traceback");
		lua_pushstring(L, msg);
		lua_pushinteger(L, 2);
		if (lua_pcall(L, 2, 1, 0) == 0 && lua_isstring(L, -1)) {
			lua_replace(L, top + 1);
			lua_settop(L, top + 1);
			return;
		}
	}
	lua_settop(L, top);
	luaL_traceback(L, L, msg, 1);
}

/* Error handler: adds a traceback, except for Ctrl-C, which is reported
 * by its exit status alone. */
static int msghandler(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	if (msg && strcmp(msg, BL_INTERRUPT_MSG) == 0)
		return 1;
	if (!msg) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			return 1;
		msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	push_user_traceback(L, msg);
	return 1;
}

static int docall(lua_State *L, int narg, int nres)
{
	int base = lua_gettop(L) - narg;
	int status;

	lua_pushcfunction(L, msghandler);
	lua_insert(L, base);
	status = lua_pcall(L, narg, nres, base);
	lua_remove(L, base);
	return status;
}

/* arg = { [-n..-1] = interpreter and options, [0] = script, [1..] = args } */
static void create_arg_table(lua_State *L, int argc, char **argv, int script)
{
	int i, base = script ? script : argc;

	lua_createtable(L, argc - base, base);
	for (i = 0; i < argc; i++) {
		lua_pushstring(L, argv[i]);
		lua_rawseti(L, -2, i - base);
	}
	lua_setglobal(L, "arg");
}

static int push_script_args(lua_State *L, int argc, char **argv, int script)
{
	int i;

	luaL_checkstack(L, argc - script, "too many script arguments");
	for (i = script + 1; i < argc; i++)
		lua_pushstring(L, argv[i]);
	return argc - script - 1;
}

/* script is an argv index; 0 means standard input with no arguments. */
static int run_script(lua_State *L, int argc, char **argv, int script)
{
	const char *name = script && strcmp(argv[script], "-") ? argv[script] : NULL;
	int status = luaL_loadfile(L, name);  /* skips a #! first line */

	if (status)
		return status;
	return docall(L, script ? push_script_args(L, argc, argv, script) : 0, 0);
}

static int run_repl(lua_State *L)
{
	lua_getglobal(L, "require");
	lua_pushliteral(L, "bpflua.repl");
	lua_call(L, 1, 1);
	lua_getfield(L, -1, "run");
	lua_remove(L, -2);
	return docall(L, 0, 0);
}

static void open_libs(lua_State *L)
{
	luaL_openlibs(L);
	lua_getglobal(L, "package");
	lua_getfield(L, -1, "preload");
	lua_pushcfunction(L, luaopen_bpflua_core);
	lua_setfield(L, -2, "bpflua.core");
	lua_pushcfunction(L, luaopen_bpflua_readline);
	lua_setfield(L, -2, "bpflua.readline");
	lua_pop(L, 2);
	/* Scripts get BPF and USDT as globals, as BCC's Python scripts import them. */
	lua_getglobal(L, "require");
	lua_pushliteral(L, "bpflua");
	lua_call(L, 1, 1);
	lua_getfield(L, -1, "BPF");
	lua_setglobal(L, "BPF");
	lua_getfield(L, -1, "USDT");
	lua_setglobal(L, "USDT");
	lua_pop(L, 1);
}

struct run_ctx {
	int argc;
	char **argv;
	struct options *o;
	int status;
};

static int pmain(lua_State *L)
{
	struct run_ctx *c = lua_touserdata(L, 1);
	struct options *o = c->o;
	int i, status = 0;

	lua_gc(L, LUA_GCSTOP, 0);
	open_libs(L);
	lua_gc(L, LUA_GCRESTART, 0);
	create_arg_table(L, c->argc, c->argv, o->script);
	for (i = 0; i < o->n_chunks && !status; i++) {
		status = luaL_loadbuffer(L, o->chunks[i], strlen(o->chunks[i]), "=(command line)");
		if (!status)
			status = docall(L, 0, 0);
	}
	if (!status && o->script)
		status = run_script(L, c->argc, c->argv, o->script);
	else if (!status && !o->n_chunks && !o->interactive && !isatty(STDIN_FILENO))
		status = run_script(L, c->argc, c->argv, 0);  /* like lua: run a piped stdin */
	if (!status && (o->interactive || (!o->script && !o->n_chunks && isatty(STDIN_FILENO))))
		status = run_repl(L);
	c->status = status;
	if (status)
		return lua_error(L);  /* hand the message to main() */
	return 0;
}

static int report(lua_State *L, int status)
{
	const char *msg = lua_tostring(L, -1);

	if (!status)
		return 0;
	if (msg && strcmp(msg, BL_INTERRUPT_MSG) == 0)
		return 128 + bl_host_exit_signal();
	fflush(stdout);
	fprintf(stderr, PROGNAME ": %s\n", msg ? msg : "(error object is not a string)");
	return 1;
}

/* --metrics: the server starts before the script, so a scrape in the
 * first second of a long run already answers (with bpflua's own metrics). */
static int serve_metrics(const struct options *o)
{
	struct bl_err e = {0};

	if (!o->metrics || !bl_metrics_serve(o->metrics, &e))
		return 0;
	fprintf(stderr, PROGNAME ": %s\n", e.msg);
	bl_err_clear(&e);
	return 1;
}

/* A signal no Lua code was left to see (it came before the state existed,
 * or during the cleanup) still ends the run as an interrupt. */
static int interrupted_status(int rc)
{
	return bl_host_interrupted() && rc == 0 ? 128 + bl_host_exit_signal() : rc;
}

int main(int argc, char **argv)
{
	struct options o = {0};
	struct run_ctx c = { argc, argv, &o, 0 };
	lua_State *L;
	int rc;

	bl_host_install_signals();
	if (parse_args(argc, argv, &o))
		return 1;
	if (o.help) {
		usage(stdout);
		return 0;
	}
	if (o.cache_info || o.cache_clear)
		return interrupted_status(cache_command(&o));
	if (o.version) {
		print_version();
		if (!o.script && !o.n_chunks && !o.interactive)
			return 0;
	}
	L = luaL_newstate();
	if (!L) {
		fprintf(stderr, PROGNAME ": cannot create the Lua state: out of memory\n");
		return 1;
	}
	bl_host_hook(L);
	rc = serve_metrics(&o);
	if (!rc)
		rc = report(L, lua_cpcall(L, pmain, &c));
	bl_metrics_stop();
	bl_host_hook(NULL);
	lua_close(L);   /* runs every __gc: detaches probes, closes maps */
	fflush(stdout);
	return interrupted_status(rc);
}
