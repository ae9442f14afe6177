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
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"

#define DEFAULT_TIMEOUT_S 120
#define DEFAULT_MEMORY_MIB 2048
#define EXIT_STACK 87           /* the worker's stack overflowed */
#define ALT_STACK_SIZE (64 * 1024)

/* What the worker writes: this header, then msg, log, the object, the
 * rewritten text and the warnings. */
struct result_hdr {
	int32_t rc, pruned;
	uint32_t msg_len, log_len, rewritten_len, warnings_len;
	uint64_t elf_size;
};

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

/* ---- the worker ---- */

static uintptr_t stack_top;
static rlim_t stack_size;

/* A fault within the main stack's reach (or just below it) is the stack
 * running out: say so by the exit status. Anything else dies as it was. */
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;

	if (a < stack_top && a + stack_size + (1 << 20) > stack_top)
		_exit(EXIT_STACK);
	signal(sig, SIG_DFL);
}

static void watch_stack(void)
{
	static char alt[ALT_STACK_SIZE];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	struct sigaction sa = { 0 };
	struct rlimit rl;
	char here;

	stack_top = (uintptr_t)&here;
	stack_size = getrlimit(RLIMIT_STACK, &rl) || rl.rlim_cur == RLIM_INFINITY ?
		(8 << 20) : rl.rlim_cur;
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (!sigaltstack(&ss, NULL))
		sigaction(SIGSEGV, &sa, NULL);
}

/* The address space may grow by limit MiB from what the fork inherited. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>

static rlim_t limit_bytes;

/* Under AddressSanitizer (make SANITIZE=1) the limit is hit inside its
 * allocator, which dies instead of failing the allocation: a death with the
 * address space at the limit is the limit, reported as such. It may die
 * holding its allocator's lock, so this must not allocate (fopen would
 * wait for that lock forever): a read into the stack. */
static void asan_death(void)
{
	char buf[64];
	unsigned long pages;
	ssize_t n;
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	pages = strtoul(buf, NULL, 10);
	if (limit_bytes && pages * sysconf(_SC_PAGESIZE) + (64UL << 20) >= limit_bytes)
		_exit(BL_COMPILER_EXIT_NOMEM);
}
#endif

static void limit_memory(long mib)
{
	unsigned long pages = 0;
	struct rlimit rl;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	rl.rlim_cur = rl.rlim_max = pages * sysconf(_SC_PAGESIZE) + ((rlim_t)mib << 20);
	setrlimit(RLIMIT_AS, &rl);
#if defined(__SANITIZE_ADDRESS__)
	limit_bytes = rl.rlim_cur;
	__sanitizer_set_death_callback(asan_death);
#endif
}

static size_t slen(const char *s)
{
	return s ? strlen(s) : 0;
}

static void worker(int fd, pid_t parent, const struct bl_compiler_api *cc,
		   const struct bl_compile_opts *o, long mem_mib)
{
	struct bl_compile_result r = { 0 };
	struct result_hdr h = { 0 };
	struct bl_err e = { 0 };

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
	watch_stack();
	limit_memory(mem_mib);
	cc->worker_init();
	h.rc = cc->compile(o, &r, &e);
	h.pruned = r.pruned;
	h.msg_len = strlen(e.msg);
	h.log_len = slen(e.log);
	h.elf_size = h.rc ? 0 : r.elf_size;
	h.rewritten_len = slen(r.rewritten);
	h.warnings_len = slen(r.warnings);
	if (bl_write_all(fd, &h, sizeof(h)) || bl_write_all(fd, e.msg, h.msg_len) ||
	    bl_write_all(fd, e.log, h.log_len) || bl_write_all(fd, r.elf, h.elf_size) ||
	    bl_write_all(fd, r.rewritten, h.rewritten_len) ||
	    bl_write_all(fd, r.warnings, h.warnings_len))
		_exit(1);
	if (!h.rc) {
		close(fd);
		cc->after_compile(o);
	}
	_exit(0);
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
	if (!c->want && c->len >= sizeof(struct result_hdr)) {
		struct result_hdr h;

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
	struct result_hdr h;
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

static int finish(pid_t pid, int err, enum outcome how, const struct collect *c,
		  long timeout_s, long mem_mib, struct bl_compile_result *r, struct bl_err *e)
{
	int status = 0;

	if (!err && how == DONE && c->want && c->len >= c->want) {
		reap_later(pid);
		return unpack(c, r, e);
	}
	if (err || how != DONE)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
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
	pid_t pid, self = getpid();
	int fds[2], err;

	memset(r, 0, sizeof(*r));
	reap_exited();
	if (pipe2(fds, O_CLOEXEC))
		return bl_errf(e, errno, "compile: pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(fds[0]);
		close(fds[1]);
		return bl_errf(e, err, "compile: fork: %s", strerror(err));
	}
	if (pid == 0) {
		close(fds[0]);
		worker(fds[1], self, cc, o, mem_mib);
	}
	close(fds[1]);
	err = wait_result(fds[0], cancel_fd, now_ms() + timeout_s * 1000, &c, &how);
	close(fds[0]);
	err = finish(pid, err, how, &c, timeout_s, mem_mib, r, e);
	free(c.buf);
	return err;
}
