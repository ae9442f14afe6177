/* host.c - signals and readiness, see host.h.
 *
 * The handler only sets flags and a Lua hook (as lua.c does): both are safe
 * from a signal handler, and the hook turns the signal into an ordinary Lua
 * error at the next instruction, so pcall catches it wherever it lands.
 */
#include "host.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>

static lua_State *hooked_L;
static volatile sig_atomic_t pending;   /* signal number not yet raised, or 0 */
static volatile sig_atomic_t last_sig;  /* signal number of the latest interrupt */
/* Self-pipe: the handler writes a byte, so a wait that polls the read end
 * wakes even when the signal lands between its check and its poll(). */
static int wake[2] = { -1, -1 };

static void stop_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	bl_host_raise_interrupt(L);
}

static void on_signal(int sig)
{
	if (pending)            /* a second Ctrl-C while the first is unhandled */
		_exit(128 + sig);
	pending = sig;
	last_sig = sig;
	if (wake[1] >= 0 && write(wake[1], "", 1) < 0) {
		/* full or closed: the flag still carries the interrupt */
	}
	if (hooked_L)
		lua_sethook(hooked_L, stop_hook,
			    LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

void bl_host_install_signals(void)
{
	struct sigaction sa;
	sigset_t set;

	if (wake[0] < 0 && pipe2(wake, O_NONBLOCK | O_CLOEXEC))
		wake[0] = wake[1] = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;        /* no SA_RESTART: blocking waits must see EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Ctrl-C is how a tracing script ends: a parent that started us with
	 * them blocked must not make us unstoppable. One already pending is
	 * delivered here, to the handler. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

void bl_host_hook(lua_State *L)
{
	hooked_L = L;
	if (L && pending)       /* arrived before there was a Lua state to hook */
		lua_sethook(L, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

int bl_host_interrupted(void)
{
	return pending != 0;
}

int bl_host_interrupt_fd(void)
{
	return wake[0];
}

void bl_host_clear_interrupt(void)
{
	char buf[64];

	if (hooked_L)
		lua_sethook(hooked_L, NULL, 0, 0);
	pending = 0;
	while (wake[0] >= 0 && read(wake[0], buf, sizeof(buf)) > 0)
		;
}

int bl_host_raise_interrupt(lua_State *L)
{
	bl_host_clear_interrupt();
	lua_pushstring(L, BL_INTERRUPT_MSG);
	return lua_error(L);
}

int bl_host_exit_signal(void)
{
	return last_sig ? last_sig : SIGINT;
}

void bl_host_notify_ready(void)
{
	static int done;
	const char *s;
	int fd;

	if (done)
		return;
	done = 1;
	s = getenv("BPFLUA_READY_FD");
	if (!s || !*s)
		return;
	fd = atoi(s);
	if (fd > 2 && write(fd, "R", 1) == 1)
		close(fd);
}
