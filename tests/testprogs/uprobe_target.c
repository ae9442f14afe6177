/* uprobe_target N - calls bl_target_add(i, 10 * i) for i = 1..N (returns
 * 11 * i), then bl_target_ret42() N times. Probe them by name in
 * build/testprogs/uprobe_target. Prints the sum of the results on stdout
 * only with -p. */
#include "testprog.h"

__attribute__((noinline, used)) int bl_target_add(int a, int b)
{
	asm volatile("" ::: "memory");
	return a + b;
}

__attribute__((noinline, used)) int bl_target_ret42(void)
{
	asm volatile("" ::: "memory");
	return 42;
}

int main(int argc, char **argv)
{
	int print = argc > 1 && strcmp(argv[1], "-p") == 0;
	long n, sum = 0;

	if (argc != 2 + print) {
		fprintf(stderr, "usage: uprobe_target [-p] N\n");
		return 2;
	}
	n = num_arg(argv[1 + print], "N");
	for (long i = 1; i <= n; i++)
		sum += bl_target_add(i, 10 * i);
	for (long i = 1; i <= n; i++)
		sum += bl_target_ret42();
	if (print)
		printf("%ld\n", sum);
	return 0;
}
