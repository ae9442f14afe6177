/* napper MS N - prints its pid, then N times main -> bl_nap_outer ->
 * bl_nap_inner, which sleeps MS milliseconds in one raw nanosleep syscall
 * made from its own frame (libc's wrapper has no frame pointer, and its
 * caller would drop out of the user stack). Built with frame pointers
 * (Makefile). For off-CPU tests: the sleeping stack and the time slept are
 * known. */
#include "testprog.h"

#include <sys/syscall.h>

__attribute__((noinline, used)) void bl_nap_inner(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	long r;

	asm volatile("syscall" : "=a"(r) : "a"(SYS_nanosleep), "D"(&ts), "S"(0L)
		     : "rcx", "r11", "memory");
	if (r != 0) {
		errno = -r;
		die("nanosleep");
	}
}

__attribute__((noinline, used)) void bl_nap_outer(long ms)
{
	bl_nap_inner(ms);
	asm volatile("" ::: "memory");
}

int main(int argc, char **argv)
{
	long ms, n;

	if (argc != 3) {
		fprintf(stderr, "usage: napper MS N\n");
		return 2;
	}
	ms = num_arg(argv[1], "MS");
	n = num_arg(argv[2], "N");
	printf("%d\n", (int)getpid());
	fflush(stdout);
	for (long i = 0; i < n; i++)
		bl_nap_outer(ms);
	return 0;
}
