/* memhog MB - touches MB MiB of fresh anonymous memory, a page at a time, in
 * bl_hog_touch(). In a memory cgroup smaller than MB it is the one the OOM
 * killer picks: a known OOM kill (its trigger and victim both memhog).
 * Exits 0 if it survived (the limit was not hit), 2 on a setup error. */
#include "testprog.h"

#include <sys/mman.h>

__attribute__((noinline)) void bl_hog_touch(char *p, size_t len)
{
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
}

int main(int argc, char **argv)
{
	long mb;

	if (argc != 2) {
		fprintf(stderr, "usage: memhog MB\n");
		return 2;
	}
	mb = num_arg(argv[1], "MB");
	for (long i = 0; i < mb; i++) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die("mmap");
		bl_hog_touch(p, 1 << 20);
	}
	return 0;
}
