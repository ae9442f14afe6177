/* cloner UID N - drops to UID, then clones N children (the raw clone syscall,
 * as glibc's fork does on x86_64, so exactly N clone calls), each exiting at
 * once; waits for each. */
#include "testprog.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	long n;

	if (argc != 3) {
		fprintf(stderr, "usage: cloner UID N\n");
		return 2;
	}
	drop_to_uid(num_arg(argv[1], "UID"));
	n = num_arg(argv[2], "N");
	for (long i = 0; i < n; i++) {
		long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);

		if (pid < 0)
			die("clone");
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, NULL, 0) != pid)
			die("waitpid");
	}
	return 0;
}
