/* getpid_loop N [UID] - drops to UID when given, then makes N getpid
 * syscalls (raw, so none is cached or skipped). */
#include "testprog.h"

#include <sys/syscall.h>

int main(int argc, char **argv)
{
	long n;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: getpid_loop N [UID]\n");
		return 2;
	}
	n = num_arg(argv[1], "N");
	if (argc == 3)
		drop_to_uid(num_arg(argv[2], "UID"));
	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
	return 0;
}
