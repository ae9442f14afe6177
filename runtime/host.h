/* host.h - what the host (main.c) offers the Lua bindings.
 *
 * Ctrl-C: SIGINT/SIGTERM set a flag (async-signal-safe) and a Lua hook that
 * raises the interrupt error at the next Lua instruction. Blocking calls in
 * the bindings (trace pipe reads, polls, sleep) are not restarted after a
 * signal: they see EINTR, and raise the same error through
 * bl_host_raise_interrupt(), so `pcall` catches Ctrl-C wherever it lands.
 * Uncaught, main.c cleans up (lua_close runs every __gc) and exits 130.
 */
#ifndef BL_HOST_H
#define BL_HOST_H

#include <lua.h>

/* The error value raised on Ctrl-C (a string, so scripts can compare it). */
#define BL_INTERRUPT_MSG "interrupted"

/* Non-zero once SIGINT/SIGTERM arrived and not yet raised as an error. */
int bl_host_interrupted(void);
/* Raises BL_INTERRUPT_MSG as a Lua error (clears the pending flag). */
int bl_host_raise_interrupt(lua_State *L);
/* Forgets a pending interrupt without raising it (the REPL's prompt). */
void bl_host_clear_interrupt(void);
/* A descriptor that is readable while an interrupt is pending (a self-pipe
 * written by the handler), or -1: blocking waits poll it beside their own,
 * so a signal arriving just before the wait starts still ends it. */
int bl_host_interrupt_fd(void);
/* Called by every blocking wait before it blocks: the first call tells a
 * test engine or benchmark (through $BPFLUA_READY_FD) that the script has
 * finished setting up - probes are attached and it now waits for events. */
void bl_host_notify_ready(void);

/* main.c's side: install the SIGINT/SIGTERM handlers (first thing, so no
 * signal ever finds the default action) and unblock them; then hook L once
 * it exists (NULL unhooks: lua_close must not be interrupted); the signal
 * that interrupted (for the exit status 128+sig). */
void bl_host_install_signals(void);
void bl_host_hook(lua_State *L);
int bl_host_exit_signal(void);

/* Opens the bpflua.core module (runtime/lib_*.c); main.c registers it in
 * package.preload. */
int luaopen_bpflua_core(lua_State *L);

#endif
