/* strlen_loop [-w FILE] N - calls libc's strlen() N times (through a
 * volatile pointer, so the compiler cannot fold or inline it). strlen is a
 * GNU IFUNC in glibc: uprobes on it must land on the implementation the
 * resolver picked. With -w it first prints its pid and waits until FILE
 * exists. */
#include "testprog.h"

#include <sys/stat.h>

int main(int argc, char **argv)
{
	size_t (*volatile fn)(const char *) = strlen;
	const char *go = NULL;
	volatile size_t sum = 0;
	struct stat st;
	long n;

	if (argc == 4 && !strcmp(argv[1], "-w")) {
		go = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: strlen_loop [-w FILE] N\n");
		return 2;
	}
	n = num_arg(argv[1], "N");
	if (go) {
		printf("%d\n", (int)getpid());
		fflush(stdout);
		while (stat(go, &st) != 0)
			sleep_ms(10);
	}
	for (long i = 0; i < n; i++)
		sum += fn("bltest");
	return sum != (size_t)n * 6;
}
