/* spawner UID N PATH [ARG...] - drops to UID, then N times forks a child that
 * execs PATH with ARGs and waits for it. Exits 0 even if the exec fails (the
 * child then exits 127): failed execs are events too. For execsnoop and
 * exitsnoop. */
#include "testprog.h"

#include <sys/wait.h>

int main(int argc, char **argv)
{
	long n;

	if (argc < 4) {
		fprintf(stderr, "usage: spawner UID N PATH [ARG...]\n");
		return 2;
	}
	drop_to_uid(num_arg(argv[1], "UID"));
	n = num_arg(argv[2], "N");
	for (long i = 0; i < n; i++) {
		pid_t child = fork();

		if (child < 0)
			die("fork");
		if (child == 0) {
			execv(argv[3], argv + 3);
			_exit(127);
		}
		if (waitpid(child, NULL, 0) < 0)
			die("waitpid");
	}
	return 0;
}
