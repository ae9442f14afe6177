/* lib_sys.c - bpflua.core: the system around the programs: interruptible
 * sleep, kernel symbols, kernel function and tracepoint lists (POSIX ERE),
 * library lookup, and the kernel's features.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "features.h"
#include "host.h"
#include "sym/ksyms.h"
#include "lib_core.h"
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

/* BCC anchors these: get_kprobe_functions uses re.fullmatch, the tracepoint
 * and symbol lists re.match (start only). */
static int compile_re(lua_State *L, regex_t *re, const char *pat, int full)
{
	size_t n = strlen(pat) + 8;
	char *anchored = malloc(n), err[256];
	int r;

	if (!anchored)
		return luaL_error(L, "out of memory");
	snprintf(anchored, n, full ? "^(%s)$" : "^(%s)", pat);
	r = regcomp(re, anchored, REG_EXTENDED | REG_NOSUB);
	free(anchored);
	if (r == 0)
		return 0;
	regerror(r, re, err, sizeof(err));
	lua_pushnil(L);
	lua_pushfstring(L, "invalid regular expression '%s': %s", pat, err);
	return 2;
}

static int has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* Functions kprobes can never attach to, as BCC filters them by name. */
static int unattachable(const char *fn)
{
	const char *cold = strstr(fn, ".cold");

	return has_prefix(fn, "_kbl_addr_") || has_prefix(fn, "__perf") ||
	       has_prefix(fn, "perf_") || has_prefix(fn, "__SCT__") ||
	       (cold && strspn(cold + 5, ".0123456789") == strlen(cold + 5));
}

/* Adds the kprobe blacklist's names to the set at the top of the stack
 * (debugfs may be absent: then there is nothing to add). */
static void load_blacklist(lua_State *L)
{
	FILE *f = fopen("/sys/kernel/debug/kprobes/blacklist", "r");
	char line[512], name[256];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %255s", name) == 1) {
			lua_pushboolean(L, 1);
			lua_setfield(L, -2, name);
		}
	fclose(f);
}

/* Appends fn to the array at -2 unless the set at -1 already has it. */
static void add_unique(lua_State *L, const char *fn)
{
	lua_getfield(L, -1, fn);
	if (lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		return;
	}
	lua_pop(L, 1);
	lua_pushboolean(L, 1);
	lua_setfield(L, -2, fn);
	lua_pushstring(L, fn);
	lua_rawseti(L, -3, (int)lua_objlen(L, -3) + 1);
}

static FILE *open_tracefs(lua_State *L, const char *file, int *nret)
{
	struct bl_err e = { 0 };
	const char *dir = bl_tracefs(&e);
	char path[512];
	FILE *f;

	if (!dir) {
		*nret = bl_lib_fail(L, &e);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f) {
		bl_errf(&e, errno, "cannot read %s: %s", path, strerror(errno));
		*nret = bl_lib_fail(L, &e);
	}
	return f;
}

/* The function name on a line of available_filter_functions ("name
 * [module]") or of /proc/kallsyms ("addr type name [module]", text symbols
 * only), or NULL to skip the line. */
static char *function_name(char *line, int from_kallsyms)
{
	char type, *name;

	if (!from_kallsyms) {
		line[strcspn(line, " \t\n")] = '\0';
		return *line ? line : NULL;
	}
	if (sscanf(line, "%*s %c", &type) != 1 || !strchr("tTwW", type))
		return NULL;
	name = strchr(strchr(line, ' ') + 1, ' ');
	if (!name)
		return NULL;
	name++;
	name[strcspn(name, " \t\n")] = '\0';
	return *name ? name : NULL;
}

/* kprobe_functions(re) -> { name, ... } | nil, msg: traceable kernel
 * functions whose whole name matches the POSIX ERE. */
static int l_kprobe_functions(lua_State *L)
{
	const char *pat = luaL_checkstring(L, 1);
	char line[512], *fn;
	regex_t re;
	int r = compile_re(L, &re, pat, 1), kallsyms = 0;
	FILE *f;

	if (r)
		return r;
	f = open_tracefs(L, "available_filter_functions", &r);
	if (!f) {
		/* tracefs hides it under lockdown: kallsyms lists the same text */
		kallsyms = 1;
		f = fopen("/proc/kallsyms", "r");
		if (!f) {
			regfree(&re);
			return r;       /* the tracefs error says more */
		}
		lua_pop(L, r);
	}
	lua_newtable(L);                /* result */
	lua_newtable(L);                /* seen, pre-filled with the blacklist */
	load_blacklist(L);
	while (fgets(line, sizeof(line), f)) {
		fn = function_name(line, kallsyms);
		if (fn && !unattachable(fn) && regexec(&re, fn, 0, NULL, 0) == 0)
			add_unique(L, fn);
	}
	fclose(f);
	regfree(&re);
	lua_pop(L, 1);
	return 1;
}

static int is_event_dir(const struct dirent *d)
{
	return d->d_name[0] != '.' && (d->d_type == DT_DIR || d->d_type == DT_UNKNOWN);
}

/* Appends "cat:ev" for each event directory of category `cat` matching re. */
static void add_category(lua_State *L, const char *dir, const char *cat, regex_t *re)
{
	char path[512], tp[512];
	struct dirent *d;
	DIR *dp;

	snprintf(path, sizeof(path), "%s/events/%s", dir, cat);
	dp = opendir(path);
	if (!dp)
		return;
	while ((d = readdir(dp)))
		if (is_event_dir(d)) {
			snprintf(tp, sizeof(tp), "%s:%s", cat, d->d_name);
			if (regexec(re, tp, 0, NULL, 0) == 0) {
				lua_pushstring(L, tp);
				lua_rawseti(L, -2, (int)lua_objlen(L, -2) + 1);
			}
		}
	closedir(dp);
}

/* tracepoints(re) -> { "cat:ev", ... } | nil, msg */
static int l_tracepoints(lua_State *L)
{
	const char *pat = luaL_checkstring(L, 1);
	struct bl_err e = { 0 };
	const char *dir;
	char path[512];
	struct dirent *d;
	regex_t re;
	DIR *dp;
	int r = compile_re(L, &re, pat, 0);

	if (r)
		return r;
	dir = bl_tracefs(&e);
	snprintf(path, sizeof(path), "%s/events", dir ? dir : "");
	if (!dir || !(dp = opendir(path))) {
		regfree(&re);
		if (dir)
			bl_errf(&e, errno, "cannot list %s: %s", path, strerror(errno));
		return bl_lib_fail(L, &e);
	}
	lua_newtable(L);
	while ((d = readdir(dp)))
		if (is_event_dir(d))
			add_category(L, dir, d->d_name, &re);
	closedir(dp);
	regfree(&re);
	return 1;
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
