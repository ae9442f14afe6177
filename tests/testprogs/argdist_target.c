/* argdist_target [-w FILE] N [PATH] - known arguments for argdist's specs.
 * For v = 1..N it calls bl_ad_value(v) v times (returns 10 * v + 1), so
 * value v is seen v times; then bl_ad_str(s) with s = "alpha" twice and
 * "beta" three times (s on the stack, each time with another byte past
 * its NUL); then bl_ad_nap(1) N times (each sleeps
 * 1 ms); then, with PATH, opens PATH (read-only, it may be missing) N
 * times. With -w it first prints its pid and waits until FILE exists. */
#include "testprog.h"

#include <fcntl.h>

__attribute__((noinline, used)) int bl_ad_value(int v)
{
	asm volatile("" ::: "memory");
	return 10 * v + 1;
}

__attribute__((noinline, used)) size_t bl_ad_str(const char *s)
{
	asm volatile("" ::: "memory");
	return strlen(s);
}

__attribute__((noinline, used)) void bl_ad_nap(long ms)
{
	sleep_ms(ms);
}

int main(int argc, char **argv)
{
	const char *go, *path;
	char word[16];
	long n;

	go = take_wait_flag(&argc, &argv);
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: argdist_target [-w FILE] N [PATH]\n");
		return 2;
	}
	n = num_arg(argv[1], "N");
	path = argc == 3 ? argv[2] : NULL;
	wait_for_file(go);
	for (long v = 1; v <= n; v++)
		for (long k = 0; k < v; k++)
			bl_ad_value((int)v);
	/* on the stack, which is mapped: a probe cannot fault a page in */
	strcpy(word, "alpha");
	for (int k = 0; k < 2; k++)
		bl_ad_str(word);
	strcpy(word, "beta");
	for (int k = 0; k < 3; k++) {
		word[6] = (char)('x' + k); /* past the NUL: one string still */
		bl_ad_str(word);
	}
	for (long k = 0; k < n; k++)
		bl_ad_nap(1);
	for (long k = 0; path && k < n; k++) {
		int fd = open(path, O_RDONLY);

		if (fd >= 0)
			close(fd);
	}
	return 0;
}
