/* usdt_target [-w FILE] N - USDT probes whose arguments gcc puts in registers,
 * memory and constants (see `readelf -n build/testprogs/usdt_target`),
 * fired for i = 1..N:
 *
 *   bltest:regs(i, 2i, (short)-i, (unsigned char)(i + 250))   registers, sub-registers
 *   bltest:mem(p->a, p->b, p->c, local)                       memory: disp(%base), stack
 *   bltest:consts(5, -7, 1000000000000)                       constants
 *   bltest:sib(arr[idx], pairs[idx].d)                        disp(%base,%index,scale)
 *   bltest:global(bl_usdt_global)                             symbol(%rip)
 *
 * with idx = i % 4, p = &pairs[idx], local = 3i; then the library's
 * probes (lib/bltest_usdt.c). Prints "gated K": how many calls found the
 * library's semaphore raised. With -w it first prints its pid and waits
 * until FILE exists (so a tracer can attach to this process alone).
 */
#include "testprog.h"

#include <sys/sdt.h>

int bl_usdt_lib_tick(long i);

struct pair {
	long a;
	int b;
	short c;
	signed char d;
};

static struct pair pairs[4] = {
	{ 1, 2, 3, 4 }, { 5, -6, 7, -8 }, { 9, 10, -11, 12 }, { -13, 14, 15, 16 },
};
static int arr[4] = { 100, 200, 300, -400 };
long bl_usdt_global = -123456789012L;

/* p is &q[idx], which gcc cannot know: the sib probe indexes q. */
__attribute__((noinline)) void run(long i, struct pair *p, struct pair *q, int *a, int idx)
{
	volatile int local = (int)i * 3;

	DTRACE_PROBE4(bltest, regs, i, (int)(i * 2), (short)-i, (unsigned char)(i + 250));
	DTRACE_PROBE4(bltest, mem, p->a, p->b, p->c, local);
	DTRACE_PROBE3(bltest, consts, 5, -7, 1000000000000L);
	DTRACE_PROBE2(bltest, sib, a[idx], q[idx].d);
	DTRACE_PROBE1(bltest, global, bl_usdt_global);
}

int main(int argc, char **argv)
{
	const char *go;
	long n, gated = 0;

	go = take_wait_flag(&argc, &argv);
	if (argc != 2) {
		fprintf(stderr, "usage: usdt_target [-w FILE] N\n");
		return 2;
	}
	n = num_arg(argv[1], "N");
	wait_for_file(go);
	for (long i = 1; i <= n; i++) {
		run(i, &pairs[i % 4], pairs, arr, (int)(i % 4));
		gated += bl_usdt_lib_tick(i);
	}
	printf("gated %ld\n", gated);
	return 0;
}
