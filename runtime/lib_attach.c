/* lib_attach.c - bpflua.core: attaching an object's functions (methods of
 * the object userdata) and the link userdata they return.
 *
 * A link is referenced from its object's environment table (so the object
 * can detach everything it owns when closed) and refers back to its object
 * through its own environment (so the object outlives it). Destroying a link
 * detaches it; __gc does so too, which covers exit and error exit.
 */
#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "attach.h"
#include "lib_core.h"

struct llink {
	struct bl_link *l;      /* NULL once detached */
};

static const char *const kind_names[] = {
	[BL_PROBE_KPROBE] = "kprobe",
	[BL_PROBE_KRETPROBE] = "kretprobe",
	[BL_PROBE_TRACEPOINT] = "tracepoint",
	[BL_PROBE_RAW_TRACEPOINT] = "raw_tracepoint",
	[BL_PROBE_UPROBE] = "uprobe",
	[BL_PROBE_URETPROBE] = "uretprobe",
	[BL_PROBE_KFUNC] = "kfunc",
	[BL_PROBE_KRETFUNC] = "kretfunc",
	[BL_PROBE_PERF_EVENT] = "perf_event",
	[BL_PROBE_USDT] = "usdt",
	[BL_PROBE_LSM] = "lsm",
	[BL_PROBE_SOCKET] = "raw_socket",
	[BL_PROBE_XDP] = "xdp",
	[BL_PROBE_CGROUP] = "cgroup",
	[BL_PROBE_SOCKMAP] = "sockmap",
	[BL_PROBE_NETNS] = "netns",
	[BL_PROBE_TC] = "tc",
};

int bl_lib_push_link(lua_State *L, int obj, struct bl_link *l)
{
	struct llink *u = lua_newuserdata(L, sizeof(*u));

	u->l = l;
	luaL_getmetatable(L, BL_LINK_MT);
	lua_setmetatable(L, -2);
	lua_createtable(L, 1, 0);
	lua_pushvalue(L, obj);
	lua_rawseti(L, -2, 1);
	lua_setfenv(L, -2);
	lua_getfenv(L, obj);
	lua_pushvalue(L, -2);
	lua_pushboolean(L, 1);
	lua_rawset(L, -3);
	lua_pop(L, 1);
	return 1;
}

/* Callers store the attach call's result in r before calling this: the
 * call sets l, and C leaves the order of argument evaluation unspecified.
 * Pushes the link and its note (bl_link_info: a fallback to tell the user
 * about) or nil; a prepare (attach.h: l is NULL) pushes true. */
static int attach_result(lua_State *L, int r, struct bl_link *l, struct bl_err *e)
{
	const char *note;

	if (r < 0)
		return bl_lib_fail(L, e);
	if (!l) {
		lua_pushboolean(L, 1);
		return 1;
	}
	note = bl_link_info(l)->note;
	bl_lib_push_link(L, 1, l);
	if (note[0])
		lua_pushstring(L, note);
	else
		lua_pushnil(L);
	return 2;
}

/* The optional last argument `prepare` of the attach methods: out NULL
 * for the bl_attach_* call (attach.h). */
static struct bl_link **out_for(lua_State *L, int idx, struct bl_link **l)
{
	return lua_toboolean(L, idx) ? NULL : l;
}

/* o:attach_kprobe(fn, func, offset, retprobe[, prepare])
 *   -> link, note|nil (true when prepare) | nil, msg, log, errno */
static int l_attach_kprobe(lua_State *L)
{
	struct bl_object *o = bl_lib_checkobject(L, 1);
	const char *fn = luaL_checkstring(L, 2);
	const char *func = luaL_checkstring(L, 3);
	unsigned long off = (unsigned long)luaL_optnumber(L, 4, 0);
	int ret = lua_toboolean(L, 5);
	struct bl_link *l = NULL;
	struct bl_err e = { 0 };

	int r = bl_attach_kprobe(o, fn, func, off, ret, out_for(L, 6, &l), &e);
	return attach_result(L, r, l, &e);
}

typedef int (*attach_tp_fn)(struct bl_object *o, const char *fn, const char *tp,
			    struct bl_link **out, struct bl_err *e);

/* o:attach_<kind>(fn, tp[, prepare]): the tracepoint kinds take the same arguments. */
static int attach_tp(lua_State *L, attach_tp_fn attach)
{
	struct bl_object *o = bl_lib_checkobject(L, 1);
	const char *fn = luaL_checkstring(L, 2);
	const char *tp = luaL_checkstring(L, 3);
	struct bl_link *l = NULL;
	struct bl_err e = { 0 };

	int r = attach(o, fn, tp, out_for(L, 4, &l), &e);
	return attach_result(L, r, l, &e);
}

/* o:attach_tracepoint(fn, "cat:ev") */
static int l_attach_tracepoint(lua_State *L)
{
	return attach_tp(L, bl_attach_tracepoint);
}

/* o:attach_raw_tracepoint(fn, tp) */
static int l_attach_raw_tracepoint(lua_State *L)
{
	return attach_tp(L, bl_attach_raw_tracepoint);
}

/* o:attach_uprobe(fn, path, sym|nil, offset, pid, retprobe) */
static int l_attach_uprobe(lua_State *L)
{
	struct bl_object *o = bl_lib_checkobject(L, 1);
	const char *fn = luaL_checkstring(L, 2);
	const char *path = luaL_checkstring(L, 3);
	const char *sym = luaL_optstring(L, 4, NULL);
	unsigned long off = (unsigned long)luaL_optnumber(L, 5, 0);
	int pid = (int)luaL_optinteger(L, 6, -1);
	int ret = lua_toboolean(L, 7);
	struct bl_link *l = NULL;
	struct bl_err e = { 0 };

	int r = bl_attach_uprobe(o, fn, path, sym, off, pid, ret, &l, &e);
	return attach_result(L, r, l, &e);
}

/* o:attach_kfunc(fn, func, ret[, prepare]) */
static int l_attach_kfunc(lua_State *L)
{
	struct bl_object *o = bl_lib_checkobject(L, 1);
	const char *fn = luaL_checkstring(L, 2);
	const char *func = luaL_checkstring(L, 3);
	int ret = lua_toboolean(L, 4);
	struct bl_link *l = NULL;
	struct bl_err e = { 0 };

	int r = bl_attach_kfunc(o, fn, func, ret, out_for(L, 5, &l), &e);
	return attach_result(L, r, l, &e);
}

/* o:attach_perf_event(fn, type, config, sample_period, sample_freq, pid, cpu, group_fd) */
static int l_attach_perf_event(lua_State *L)
{
	struct bl_object *o = bl_lib_checkobject(L, 1);
	const char *fn = luaL_checkstring(L, 2);
	struct bl_perf_event_spec s = {
		.type = (unsigned int)luaL_checkinteger(L, 3),
		.config = (unsigned long long)luaL_checknumber(L, 4),
		.sample_period = (unsigned long long)luaL_optnumber(L, 5, 0),
		.sample_freq = (unsigned long long)luaL_optnumber(L, 6, 0),
		.pid = (int)luaL_optinteger(L, 7, -1),
		.cpu = (int)luaL_optinteger(L, 8, -1),
		.group_fd = (int)luaL_optinteger(L, 9, -1),
	};
	struct bl_link *l = NULL;
	struct bl_err e = { 0 };

	int r = bl_attach_perf_event(o, fn, &s, &l, &e);
	return attach_result(L, r, l, &e);
}

#define BL_COUNTER_MT "bpflua.perf_counter"

/* A counting perf event whose fd sits in a BPF_PERF_ARRAY slot. */
struct lcounter {
	int fd;         /* -1 once closed */
};

/* perf_counter_open(map_fd, type, config, pid, cpu) -> counter | nil, msg:
 * opens a counting event on cpu and stores its fd at key cpu of the map. */
static int l_perf_counter_open(lua_State *L)
{
	int map_fd = (int)luaL_checkinteger(L, 1);
	struct bl_perf_event_spec s = {
		.type = (unsigned int)luaL_checkinteger(L, 2),
		.config = (unsigned long long)luaL_checknumber(L, 3),
		.pid = (int)luaL_optinteger(L, 4, -1),
		.cpu = (int)luaL_checkinteger(L, 5),
		.group_fd = -1,
	};
	char what[128];
	struct bl_err e = { 0 };
	struct lcounter *c;
	int fd;

	snprintf(what, sizeof(what), "perf counter type %u config %llu on cpu %d", s.type,
		 s.config, s.cpu);
	fd = bl_perf_event_open(&s, what, &e);
	if (fd < 0)
		return bl_lib_fail(L, &e);
	if (bpf_map_update_elem(map_fd, &s.cpu, &fd, BPF_ANY)) {
		int err = errno;

		close(fd);
		bl_errf(&e, err, "%s: cannot store it in the table: %s", what, strerror(err));
		return bl_lib_fail(L, &e);
	}
	c = lua_newuserdata(L, sizeof(*c));
	c->fd = fd;
	luaL_getmetatable(L, BL_COUNTER_MT);
	lua_setmetatable(L, -2);
	return 1;
}

/* counter:close(): closes the event (its table slot then reads -ENOENT). */
static int l_counter_close(lua_State *L)
{
	struct lcounter *c = luaL_checkudata(L, 1, BL_COUNTER_MT);

	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	return 0;
}

static const luaL_Reg counter_methods[] = {
	{ "close", l_counter_close },
	{ NULL, NULL }
};

/* online_cpus() -> { 0, 1, ... } | nil, msg */
static int l_online_cpus(lua_State *L)
{
	int cpus[4096], n;
	struct bl_err e = { 0 };

	n = bl_online_cpus(cpus, sizeof(cpus) / sizeof(*cpus), &e);
	if (n < 0)
		return bl_lib_fail(L, &e);
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_pushinteger(L, cpus[i]);
		lua_rawseti(L, -2, i + 1);
	}
	return 1;
}

/* o:attach_lsm(fn, hook[, prepare]) */
static int l_attach_lsm(lua_State *L)
{
	struct bl_object *o = bl_lib_checkobject(L, 1);
	const char *fn = luaL_checkstring(L, 2);
	const char *hook = luaL_checkstring(L, 3);
	struct bl_link *l = NULL;
	struct bl_err e = { 0 };

	int r = bl_attach_lsm(o, fn, hook, out_for(L, 4, &l), &e);
	return attach_result(L, r, l, &e);
}

/* o:attach_raw_socket(fn, prog_fd, dev) -> link (its fd() is the socket) */
static int l_attach_raw_socket(lua_State *L)
{
	const char *fn = luaL_checkstring(L, 2);
	int prog_fd = luaL_checkinteger(L, 3);
	const char *dev = luaL_checkstring(L, 4);
	struct bl_link *l = NULL;
	struct bl_err e = { 0 };

	bl_lib_checkobject(L, 1);
	int r = bl_attach_raw_socket(fn, prog_fd, dev, &l, &e);
	return attach_result(L, r, l, &e);
}

/* o:attach_xdp(fn, prog_fd, dev, flags) -> link */
static int l_attach_xdp(lua_State *L)
{
	const char *fn = luaL_checkstring(L, 2);
	int prog_fd = luaL_checkinteger(L, 3);
	const char *dev = luaL_checkstring(L, 4);
	unsigned int flags = luaL_optinteger(L, 5, 0);
	struct bl_link *l = NULL;
	struct bl_err e = { 0 };

	bl_lib_checkobject(L, 1);
	int r = bl_attach_xdp(fn, prog_fd, dev, flags, &l, &e);
	return attach_result(L, r, l, &e);
}

/* xdp_detach(dev, flags) -> true | nil, msg, log, errno */
static int l_xdp_detach(lua_State *L)
{
	struct bl_err e = { 0 };

	if (bl_xdp_detach(luaL_checkstring(L, 1), luaL_optinteger(L, 2, 0), &e))
		return bl_lib_fail(L, &e);
	lua_pushboolean(L, 1);
	return 1;
}

typedef int (*attach_at_fn)(struct bl_object *o, const char *fn, int prog_type,
			    int attach_type, int fd, const char *path,
			    struct bl_link **out, struct bl_err *e);

/* o:attach_<kind>(fn, prog_type, attach_type, path | fd[, prepare]): the
 * kinds attaching to what a path or an fd names (a cgroup, a network
 * namespace). */
static int attach_at(lua_State *L, attach_at_fn attach)
{
	struct bl_object *o = bl_lib_checkobject(L, 1);
	const char *fn = luaL_checkstring(L, 2);
	int prog_type = luaL_checkint(L, 3), attach_type = luaL_checkint(L, 4);
	const char *path = lua_type(L, 5) == LUA_TSTRING ? lua_tostring(L, 5) : NULL;
	int fd = path ? -1 : luaL_checkint(L, 5);
	struct bl_link *l = NULL;
	struct bl_err e = { 0 };

	int r = attach(o, fn, prog_type, attach_type, fd, path, out_for(L, 6, &l), &e);
	return attach_result(L, r, l, &e);
}

static int l_attach_cgroup(lua_State *L)
{
	return attach_at(L, bl_attach_cgroup);
}

static int l_attach_netns(lua_State *L)
{
	return attach_at(L, bl_attach_netns);
}

/* o:attach_sockmap(fn, prog_type, attach_type, map_fd, map_name[, prepare]) */
static int l_attach_sockmap(lua_State *L)
{
	struct bl_object *o = bl_lib_checkobject(L, 1);
	const char *fn = luaL_checkstring(L, 2);
	int prog_type = luaL_checkint(L, 3), attach_type = luaL_checkint(L, 4);
	int map_fd = luaL_checkint(L, 5);
	const char *map_name = luaL_optstring(L, 6, NULL);
	struct bl_link *l = NULL;
	struct bl_err e = { 0 };

	int r = bl_attach_sockmap(o, fn, prog_type, attach_type, map_fd, map_name,
				  out_for(L, 7, &l), &e);
	return attach_result(L, r, l, &e);
}

/* o:attach_tc(fn, dev, egress[, prepare]) */
static int l_attach_tc(lua_State *L)
{
	struct bl_object *o = bl_lib_checkobject(L, 1);
	const char *fn = luaL_checkstring(L, 2);
	const char *dev = luaL_checkstring(L, 3);
	int egress = lua_toboolean(L, 4);
	struct bl_link *l = NULL;
	struct bl_err e = { 0 };

	int r = bl_attach_tc(o, fn, dev, egress, out_for(L, 5, &l), &e);
	return attach_result(L, r, l, &e);
}

void bl_lib_detach_all(lua_State *L, int idx)
{
	idx = idx < 0 ? lua_gettop(L) + idx + 1 : idx;
	lua_getfenv(L, idx);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		struct llink *u = luaL_checkudata(L, -2, BL_LINK_MT);

		if (u->l)
			bl_link_destroy(u->l);
		u->l = NULL;
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	lua_newtable(L);
	lua_setfenv(L, idx);
}

/* l:detach(): detaches now; later calls do nothing. */
static int l_link_detach(lua_State *L)
{
	struct llink *u = luaL_checkudata(L, 1, BL_LINK_MT);

	if (!u->l)
		return 0;
	bl_link_destroy(u->l);
	u->l = NULL;
	lua_getfenv(L, 1);              /* forget it in the object's set */
	lua_rawgeti(L, -1, 1);
	if (lua_isuserdata(L, -1)) {
		lua_getfenv(L, -1);
		lua_pushvalue(L, 1);
		lua_pushnil(L);
		lua_rawset(L, -3);
	}
	return 0;
}

/* l:fd(): the fd holding the attachment (the socket of a raw socket), or
 * nil once detached. */
static int l_link_fd(lua_State *L)
{
	struct llink *u = luaL_checkudata(L, 1, BL_LINK_MT);

	if (!u->l)
		return 0;
	lua_pushinteger(L, bl_link_fd(u->l));
	return 1;
}

static int l_link_gc(lua_State *L)
{
	struct llink *u = luaL_checkudata(L, 1, BL_LINK_MT);

	if (u->l)
		bl_link_destroy(u->l);
	u->l = NULL;
	return 0;
}

static int l_link_tostring(lua_State *L)
{
	struct llink *u = luaL_checkudata(L, 1, BL_LINK_MT);
	const struct bl_link_info *i;

	if (!u->l) {
		lua_pushliteral(L, "bpflua.link (detached)");
		return 1;
	}
	i = bl_link_info(u->l);
	lua_pushfstring(L, "bpflua.link (%s %s -> %s%s%s)", kind_names[i->kind], i->target,
			i->fn, i->via[0] ? " via " : "", i->via);
	return 1;
}

static const luaL_Reg link_methods[] = {
	{ "detach", l_link_detach },
	{ "fd", l_link_fd },
	{ NULL, NULL }
};

static const luaL_Reg object_attach_methods[] = {
	{ "attach_kprobe", l_attach_kprobe },
	{ "attach_tracepoint", l_attach_tracepoint },
	{ "attach_raw_tracepoint", l_attach_raw_tracepoint },
	{ "attach_uprobe", l_attach_uprobe },
	{ "attach_kfunc", l_attach_kfunc },
	{ "attach_perf_event", l_attach_perf_event },
	{ "attach_lsm", l_attach_lsm },
	{ "attach_raw_socket", l_attach_raw_socket },
	{ "attach_xdp", l_attach_xdp },
	{ "attach_cgroup", l_attach_cgroup },
	{ "attach_sockmap", l_attach_sockmap },
	{ "attach_netns", l_attach_netns },
	{ "attach_tc", l_attach_tc },
	{ NULL, NULL }
};

static const luaL_Reg attach_funcs[] = {
	{ "online_cpus", l_online_cpus },
	{ "perf_counter_open", l_perf_counter_open },
	{ "xdp_detach", l_xdp_detach },
	{ NULL, NULL }
};

void bl_lib_open_attach(lua_State *L)
{
	bl_lib_newclass(L, BL_LINK_MT, link_methods, l_link_gc, l_link_tostring);
	bl_lib_newclass(L, BL_COUNTER_MT, counter_methods, l_counter_close, NULL);
	luaL_register(L, NULL, attach_funcs);
	/* The attach functions are methods of the object (lib_object.c). */
	luaL_getmetatable(L, BL_OBJECT_MT);
	lua_getfield(L, -1, "__index");
	luaL_register(L, NULL, object_attach_methods);
	lua_pop(L, 2);
}
