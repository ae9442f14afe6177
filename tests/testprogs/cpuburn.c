/* cpuburn MS - prints its pid, then spends MS milliseconds of its own CPU
 * time (CLOCK_PROCESS_CPUTIME_ID, so a busy machine only stretches the wall
 * time) spinning in bl_burn(). For sampling tests: the samples of its pid,
 * and the function they land in, are known. */
#include "testprog.h"

static long cpu_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		die("clock_gettime");
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

__attribute__((noinline, used)) unsigned long bl_burn(long ms)
{
	unsigned long x = 1;
	long end = cpu_ms() + ms;

	while (cpu_ms() < end)
		for (int i = 0; i < 100000; i++)
			x = x * 6364136223846793005UL + 1442695040888963407UL;
	return x;
}

int main(int argc, char **argv)
{
	volatile unsigned long sink;
	long ms;

	if (argc != 2) {
		fprintf(stderr, "usage: cpuburn MS\n");
		return 2;
	}
	ms = num_arg(argv[1], "MS");
	printf("%d\n", (int)getpid());
	fflush(stdout);
	sink = bl_burn(ms);
	(void)sink;
	return 0;
}
