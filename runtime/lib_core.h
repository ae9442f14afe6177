/* lib_core.h - shared by the lib_*.c files that make up the bpflua.core
 * module (the only files that see lua_State, with lib_readline.c).
 *
 * Convention of bpflua.core (its callers are the modules in lua/bpflua/, not scripts):
 * misuse raises "bad argument"; an environment failure returns
 * nil, msg, log, errno - so the Lua layer raises it at the user's line, and
 * decides whether the long log (clang output, verifier log) goes along.
 */
#ifndef BL_LIB_CORE_H
#define BL_LIB_CORE_H

#include <lauxlib.h>
#include <lua.h>

#include "err.h"

struct bl_object;

#define BL_OBJECT_MT "bpflua.object"
#define BL_LINK_MT   "bpflua.link"
#define BL_TRACE_MT  "bpflua.trace_pipe"
#define BL_EVENTS_MT "bpflua.events"

/* Pushes nil, e->msg, e->log (or nil), e->code; clears e; returns 4. */
int bl_lib_fail(lua_State *L, struct bl_err *e);
/* Creates metatable `name` whose __index is a table of `methods`, with
 * __gc; leaves nothing on the stack. */
void bl_lib_newclass(lua_State *L, const char *name, const luaL_Reg *methods,
		     lua_CFunction gc, lua_CFunction tostring);

/* The open object at idx; raises when it is not one or is closed. */
struct bl_object *bl_lib_checkobject(lua_State *L, int idx);

struct bl_link;
/* Wraps l as a link userdata owned by the object at index obj; pushes it
 * (lib_attach.c). */
int bl_lib_push_link(lua_State *L, int obj, struct bl_link *l);

/* Destroys the links of the object at idx (lib_attach.c). */
void bl_lib_detach_all(lua_State *L, int idx);

/* Each adds its functions to the module table on top of the stack. */
void bl_lib_open_object(lua_State *L);
void bl_lib_open_attach(lua_State *L);
void bl_lib_open_trace(lua_State *L);
void bl_lib_open_sys(lua_State *L);
void bl_lib_open_events(lua_State *L);
void bl_lib_open_metrics(lua_State *L);   /* after bl_lib_open_object */
void bl_lib_open_usdt(lua_State *L);

#endif
