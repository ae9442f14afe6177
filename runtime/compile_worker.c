/* compile_worker.c - see compile_worker.h */
#include "compile_worker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compile_wire.h"

#define DEFAULT_TIMEOUT_S 120
#define DEFAULT_MEMORY_MIB 2048
#define EXIT_STACK 87           /* the worker's stack overflowed (compile_serve.c) */

static long env_limit(const char *name, long dflt)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return dflt;
	v = strtol(s, &end, 10);
	return *end || v <= 0 ? dflt : v;
}

/* ---- bpflua's side ---- */

/* A worker that sent its whole result is left to exit on its own (tearing
 * down LLVM's memory takes a while, and it may build a cache file first:
 * compile.h's after_compile) and reaped at the next compile. */
static pid_t exiting[8];

static void reap_exited(void)
{
	size_t i;

	for (i = 0; i < sizeof(exiting) / sizeof(exiting[0]); i++)
		if (exiting[i] && waitpid(exiting[i], NULL, WNOHANG) != 0)
			exiting[i] = 0;
}

static void reap_later(pid_t pid)
{
	size_t i, n = sizeof(exiting) / sizeof(exiting[0]);

	for (i = 0; i < n; i++)
		if (!exiting[i]) {
			exiting[i] = pid;
			return;
		}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

struct collect {
	char *buf;
	size_t len, cap, want;  /* want: the whole result's size, once known */
};

/* Reads what is there; 1 at EOF or once the whole result is in. */
static int take(int fd, struct collect *c)
{
	ssize_t n;

	if (c->len == c->cap) {
		char *p = realloc(c->buf, c->cap = c->cap ? c->cap * 2 : 1 << 16);

		if (!p)
			return -ENOMEM;
		c->buf = p;
	}
	n = read(fd, c->buf + c->len, c->cap - c->len);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	c->len += n;
	if (!c->want && c->len >= sizeof(struct bl_wire_result)) {
		struct bl_wire_result h;

		memcpy(&h, c->buf, sizeof(h));
		c->want = sizeof(h) + (size_t)h.msg_len + h.log_len + h.elf_size +
			h.rewritten_len + h.warnings_len;
	}
	return n == 0 || (c->want && c->len >= c->want);
}

enum outcome { DONE, CANCELLED, TIMED_OUT };

static int wait_result(int fd, int cancel_fd, long deadline, struct collect *c,
		       enum outcome *how)
{
	struct pollfd p[2] = { { fd, POLLIN, 0 }, { cancel_fd, POLLIN, 0 } };
	int r = 0;

	while (r == 0) {
		long left = deadline - now_ms();

		if (left <= 0) {
			*how = TIMED_OUT;
			return 0;
		}
		if (poll(p, cancel_fd >= 0 ? 2 : 1, left) < 0 && errno != EINTR)
			return -errno;
		if (cancel_fd >= 0 && (p[1].revents & POLLIN)) {
			*how = CANCELLED;
			return 0;
		}
		if (p[0].revents)
			r = take(fd, c);
	}
	*how = DONE;
	return r < 0 ? r : 0;
}

static char *dup_part(const char *p, size_t n)
{
	return n ? strndup(p, n) : NULL;
}

static int unpack(const struct collect *c, struct bl_compile_result *r, struct bl_err *e)
{
	struct bl_wire_result h;
	const char *p = c->buf + sizeof(h);

	memcpy(&h, c->buf, sizeof(h));
	if (h.rc > 0)
		return bl_errf(e, EIO, "compile failed: the compiler sent a garbled result");
	if (h.rc) {
		bl_errf(e, -h.rc, "%.*s", (int)h.msg_len, p);
		bl_err_set_log(e, dup_part(p + h.msg_len, h.log_len));
		return h.rc;
	}
	p += h.msg_len + h.log_len;
	r->elf = malloc(h.elf_size);
	if (!r->elf)
		return bl_errf(e, ENOMEM, "out of memory");
	memcpy(r->elf, p, h.elf_size);
	r->elf_size = h.elf_size;
	r->pruned = h.pruned;
	r->rewritten = dup_part(p + h.elf_size, h.rewritten_len);
	r->warnings = dup_part(p + h.elf_size + h.rewritten_len, h.warnings_len);
	return 0;
}

/* How a worker that sent no (whole) result ended. */
static int died(int status, long mem_mib, struct bl_err *e)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == BL_COMPILER_EXIT_NOMEM) {
		bl_errf(e, ENOMEM, "compile failed: the compiler ran out of memory "
			"(the compile memory limit is %ld MiB)", mem_mib);
		bl_err_append(e, "hint: set BPFLUA_COMPILE_MEMORY=<MiB> for another limit");
		return -ENOMEM;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_STACK) {
		bl_errf(e, EINVAL, "compile failed: the compiler crashed (stack overflow)");
		bl_err_append(e, "hint: the program nests too deeply (a very long expression?)");
		return -EINVAL;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT)
		return bl_errf(e, EINTR, "interrupted");
	if (WIFSIGNALED(status))
		return bl_errf(e, EINVAL, "compile failed: the compiler crashed (%s)",
			       strsignal(WTERMSIG(status)));
	return bl_errf(e, EINVAL, "compile failed: the compiler exited with status %d",
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* The worker in service (none: pid 0), kept from one compile to the next. */
static struct {
	pid_t pid;
	int fd;
} cur;

enum end { LEAVE, KILL, WAIT };

/* Ends the service of the worker in cur. LEAVE: it sent its last result
 * and exits on its own (tearing down LLVM's memory takes a while, and it
 * may be building a cache file: compile.h's after_compile), reaped at a
 * later compile. KILL: now. WAIT: it is ending by itself. Returns its
 * status when it was waited for. */
static int retire(enum end how)
{
	int status = 0;

	close(cur.fd);
	if (how == KILL)
		kill(cur.pid, SIGKILL);
	if (how == LEAVE)
		reap_later(cur.pid);
	else
		while (waitpid(cur.pid, &status, 0) < 0 && errno == EINTR)
			;
	cur.pid = 0;
	cur.fd = -1;
	return status;
}

static int spawn(const struct bl_compiler_api *cc, struct bl_err *e)
{
	pid_t self = getpid();
	int sv[2], err;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return bl_errf(e, errno, "compile: socketpair: %s", strerror(errno));
	cur.pid = fork();
	if (cur.pid < 0) {
		err = errno;
		close(sv[0]);
		close(sv[1]);
		cur.pid = 0;
		return bl_errf(e, err, "compile: fork: %s", strerror(err));
	}
	if (cur.pid == 0) {
		close(sv[0]);
		bl_compile_serve(sv[1], self, cc);
	}
	close(sv[1]);
	cur.fd = sv[0];
	return 0;
}

/* An idle worker says nothing: one that did (or hung up) was killed from
 * outside meanwhile, and a new one takes the compile. */
static void drop_if_gone(void)
{
	struct pollfd p = { cur.fd, POLLIN, 0 };

	if (cur.pid && poll(&p, 1, 0) != 0)
		retire(KILL);
}

/* The request goes to the worker in service, or to a new one. */
static int send_request(const struct bl_compiler_api *cc, const struct bl_compile_opts *o,
			long mem_mib, struct bl_err *e)
{
	int err, tries;

	drop_if_gone();
	for (tries = 0; tries < 2; tries++) {
		if (!cur.pid && (err = spawn(cc, e)))
			return err;
		err = bl_wire_send_request(cur.fd, o, mem_mib);
		if (!err)
			return 0;
		retire(KILL);
	}
	return bl_errf(e, -err, "compile: sending the program to the compiler: %s",
		       strerror(-err));
}

static int finish(int err, enum outcome how, const struct collect *c, long timeout_s,
		  long mem_mib, struct bl_compile_result *r, struct bl_err *e)
{
	int status;

	if (!err && how == DONE && c->want && c->len >= c->want) {
		if (((const struct bl_wire_result *)c->buf)->last)
			retire(LEAVE);
		return unpack(c, r, e);
	}
	status = retire(err || how != DONE ? KILL : WAIT);
	if (err)
		return bl_errf(e, -err, "compile: reading the compiler's result: %s", strerror(-err));
	if (how == CANCELLED)
		return bl_errf(e, EINTR, "interrupted");
	if (how == TIMED_OUT) {
		bl_errf(e, ETIME, "compile failed: still compiling after %ld s "
			"(the compile time limit)", timeout_s);
		bl_err_append(e, "hint: set BPFLUA_COMPILE_TIMEOUT=<seconds> for another limit");
		return -ETIME;
	}
	return died(status, mem_mib, e);
}

int bl_compile_in_worker(const struct bl_compiler_api *cc, const struct bl_compile_opts *o,
			 int cancel_fd, struct bl_compile_result *r, struct bl_err *e)
{
	long timeout_s = env_limit("BPFLUA_COMPILE_TIMEOUT", DEFAULT_TIMEOUT_S);
	long mem_mib = env_limit("BPFLUA_COMPILE_MEMORY", DEFAULT_MEMORY_MIB);
	struct collect c = { 0 };
	enum outcome how = DONE;
	int err;

	memset(r, 0, sizeof(*r));
	reap_exited();
	err = send_request(cc, o, mem_mib, e);
	if (err)
		return err;
	err = wait_result(cur.fd, cancel_fd, now_ms() + timeout_s * 1000, &c, &how);
	err = finish(err, how, &c, timeout_s, mem_mib, r, e);
	free(c.buf);
	return err;
}
