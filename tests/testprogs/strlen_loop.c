/* strlen_loop [-w FILE] N - calls libc's strlen() N times (through a
 * volatile pointer, so the compiler cannot fold or inline it). strlen is a
 * GNU IFUNC in glibc: uprobes on it must land on the implementation the
 * resolver picked. With -w it first prints its pid and waits until FILE
 * exists. */
#include "testprog.h"

int main(int argc, char **argv)
{
	size_t (*volatile fn)(const char *) = strlen;
	const char *go;
	volatile size_t sum = 0;
	long n;

	go = take_wait_flag(&argc, &argv);
	if (argc != 2) {
		fprintf(stderr, "usage: strlen_loop [-w FILE] N\n");
		return 2;
	}
	n = num_arg(argv[1], "N");
	wait_for_file(go);
	for (long i = 0; i < n; i++)
		sum += fn("bltest");
	return sum != (size_t)n * 6;
}
