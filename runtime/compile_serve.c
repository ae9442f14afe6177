/* compile_serve.c - the compile worker's side of compile_worker.h: a
 * process forked from bpflua compiles one program after another, each
 * under its own memory limit, and ends when bpflua closes the socket, dies,
 * or the compiler may not compile again. */
#include "compile_wire.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"

#define EXIT_STACK 87           /* the worker's stack overflowed (compile_worker.c) */
#define ALT_STACK_SIZE (64 * 1024)
/* A worker whose resident memory grew by this much since its first
 * compile (clang and LLVM keep a little of each) makes way for a new one. */
#define GROWTH_MIB 256

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

/* /proc/self/statm's field (0: size, 1: resident) in pages, or 0. */
static unsigned long statm(int field)
{
	unsigned long v[2] = { 0, 0 };
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%lu %lu", &v[0], &v[1]) != 2)
			v[0] = v[1] = 0;
		fclose(f);
	}
	return v[field];
}

/* The address space may grow by limit MiB during this compile. */
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
	struct rlimit rl;

	if (getrlimit(RLIMIT_AS, &rl))
		return;
	rl.rlim_cur = statm(0) * sysconf(_SC_PAGESIZE) + ((rlim_t)mib << 20);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
		rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_AS, &rl);
#if defined(__SANITIZE_ADDRESS__)
	limit_bytes = rl.rlim_cur;
	__sanitizer_set_death_callback(asan_death);
#endif
}

/* The worker lives as long as bpflua may compile: it must not keep alive
 * what bpflua lets go. Its fds (links, perf events, maps, programs) are
 * closed, and so are its mappings of BPF maps and perf buffers
 * ("anon_inode:..."); clang needs none of them. */
static void drop_inherited(int keep)
{
	unsigned long from, to;
	char line[512];
	FILE *f;

	close_range(3, keep - 1, 0);
	close_range(keep + 1, ~0U, 0);
	f = fopen("/proc/self/maps", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " anon_inode:") && sscanf(line, "%lx-%lx", &from, &to) == 2)
			munmap((void *)from, to - from);
	fclose(f);
}

static size_t slen(const char *s)
{
	return s ? strlen(s) : 0;
}

static void send_result(int fd, int rc, const struct bl_compile_result *r,
			const struct bl_err *e, int last)
{
	struct bl_wire_result h = {
		.rc = rc, .pruned = r->pruned, .last = last,
		.msg_len = strlen(e->msg), .log_len = slen(e->log),
		.elf_size = rc ? 0 : r->elf_size,
		.rewritten_len = slen(r->rewritten), .warnings_len = slen(r->warnings),
	};

	if (bl_write_all(fd, &h, sizeof(h)) || bl_write_all(fd, e->msg, h.msg_len) ||
	    bl_write_all(fd, e->log, h.log_len) || bl_write_all(fd, r->elf, h.elf_size) ||
	    bl_write_all(fd, r->rewritten, h.rewritten_len) ||
	    bl_write_all(fd, r->warnings, h.warnings_len))
		_exit(1);
}

static pid_t builder;

/* after_compile (the pruned prelude) in a child of its own, once, unless
 * the compile used the pruned prelude (it exists): the next request need
 * not wait for it. It dies with the worker. */
static void start_builder(const struct bl_compiler_api *cc, const struct bl_compile_opts *o,
			  int pruned)
{
	pid_t self = getpid();

	if (builder || pruned)
		return;
	builder = fork();
	if (builder == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != self)
			_exit(1);
		cc->after_compile(o);
		_exit(0);
	}
}

/* A failed compile may leave clang or LLVM in any state: the worker makes
 * way for a new one, as it does when the compiler says so and when it has
 * grown too much. */
static int compile_one(int fd, const struct bl_compiler_api *cc, const struct bl_wire_opts *w,
		       unsigned long *base)
{
	struct bl_compile_result r = { 0 };
	struct bl_err e = { 0 };
	unsigned long page_mib = (1UL << 20) / sysconf(_SC_PAGESIZE);
	int rc, last;

	limit_memory(w->mem_mib);
	rc = cc->compile(&w->o, &r, &e);
	if (!*base)
		*base = statm(1);
	last = rc || !cc->reusable() || statm(1) > *base + GROWTH_MIB * page_mib;
	send_result(fd, rc, &r, &e, last);
	if (!rc) {
		start_builder(cc, &w->o, r.pruned);
		cc->result_free(&r);
	}
	bl_err_clear(&e);
	return last;
}

void bl_compile_serve(int fd, pid_t parent, const struct bl_compiler_api *cc)
{
	struct bl_wire_opts w;
	unsigned long base = 0;
	int last = 0;

	/* Ctrl-C is bpflua's to handle: it ends a compile by killing us. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_IGN);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
	drop_inherited(fd);
	watch_stack();
	cc->worker_init();
	while (!last && !bl_wire_read_request(fd, &w)) {
		last = compile_one(fd, cc, &w, &base);
		bl_wire_opts_free(&w);
	}
	close(fd);
	/* With SIGCHLD ignored, this returns once the builder has ended. */
	while (builder && waitpid(builder, NULL, 0) < 0 && errno == EINTR)
		;
	_exit(0);
}
