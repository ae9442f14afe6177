/* stack_chain [-w] N - main -> bl_chain_top -> bl_chain_mid -> bl_chain_leaf,
 * N times; bl_chain_leaf makes one raw getppid syscall (from its own frame, so
 * a tracepoint's user stack starts in it). Built with frame pointers
 * (Makefile) so that the kernel can walk the user stack.
 *
 * Probe bl_chain_site for the whole chain: a function symbol inside
 * bl_chain_leaf past its prologue (a uprobe at a function's first
 * instruction sees the caller's frame pointer, and the caller drops out of
 * the stack).
 *
 * With -w, then prints "pid PID", then "NAME 0xADDR" for addresses to
 * symbolize (mid: inside bl_chain_mid, getpid: inside libc's getpid, jit: in
 * a JIT region it lists in /tmp/perf-PID.map as bl_jit_func, cxx: inside a
 * function whose symbol is C++'s bltest::chain::jig(int)), "ready", and
 * waits for its
 * stdin to close; then removes the map and exits.
 */
#include "testprog.h"

#include <sys/mman.h>
#include <sys/syscall.h>

__attribute__((noinline, used)) void bl_chain_sink(long r)
{
	asm volatile("" :: "r"(r) : "memory");
}

/* Calls bl_chain_sink so that it is no leaf: GCC gives leaves no frame. */
__attribute__((noinline, used)) void bl_chain_leaf(void)
{
	long r;

	asm volatile(".globl bl_chain_site\n\t.type bl_chain_site, @function\n"
		     "bl_chain_site:\n\t"
		     "syscall"
		     : "=a"(r) : "a"(SYS_getppid) : "rcx", "r11", "memory");
	bl_chain_sink(r);
}

__attribute__((noinline, used)) void bl_chain_mid(void)
{
	bl_chain_leaf();
	asm volatile("" ::: "memory");
}

__attribute__((noinline, used)) void bl_chain_top(void)
{
	bl_chain_mid();
	asm volatile("" ::: "memory");
}

/* A C++ name (bltest::chain::jig(int)) for the demangling test: C can
 * give a function any symbol name. */
__attribute__((noinline, used)) int bl_chain_cxx(int x) asm("_ZN6bltest5chain3jigEi");
int bl_chain_cxx(int x)
{
	asm volatile("" ::: "memory");
	return x + 1;
}

/* A fake JIT: 64 bytes of anonymous memory named in the perf map. */
static void *jit_region(char *map, size_t len)
{
	void *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	FILE *f;

	if (code == MAP_FAILED)
		die("mmap");
	snprintf(map, len, "/tmp/perf-%d.map", (int)getpid());
	f = fopen(map, "w");
	if (!f)
		die(map);
	fprintf(f, "%lx 40 bl_jit_func\n", (unsigned long)code + 0x100);
	fclose(f);
	return (char *)code + 0x100;
}

static void wait_mode(void)
{
	char map[64], buf[64];
	char *jit = jit_region(map, sizeof(map));

	printf("pid %d\n", (int)getpid());
	printf("mid 0x%lx\n", (unsigned long)bl_chain_mid + 1);
	printf("getpid 0x%lx\n", (unsigned long)getpid + 1);
	printf("jit 0x%lx\n", (unsigned long)jit + 0x10);
	printf("cxx 0x%lx\n", (unsigned long)bl_chain_cxx + 1);
	printf("ready\n");
	fflush(stdout);
	while (fread(buf, 1, sizeof(buf), stdin) > 0)
		;
	unlink(map);
}

int main(int argc, char **argv)
{
	int wait = argc > 1 && strcmp(argv[1], "-w") == 0;
	long n;

	if (argc != 2 + wait) {
		fprintf(stderr, "usage: stack_chain [-w] N\n");
		return 2;
	}
	n = num_arg(argv[1 + wait], "N");
	for (long i = 0; i < n; i++)
		bl_chain_top();
	if (wait)
		wait_mode();
	return 0;
}
