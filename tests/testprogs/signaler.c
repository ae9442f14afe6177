/* signaler N SIG - forks a child that waits, sends it SIG N times with
 * kill(), then once to a pid that does not exist (kill fails with ESRCH),
 * then ends the child with SIGKILL. Events for killsnoop. */
#include "testprog.h"

#include <signal.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	long n, sig, i;
	pid_t child;

	if (argc != 3) {
		fprintf(stderr, "usage: signaler N SIG\n");
		return 2;
	}
	n = num_arg(argv[1], "N");
	sig = num_arg(argv[2], "SIG");
	signal(sig, SIG_IGN);	/* inherited: the child survives SIG */
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		for (;;)
			pause();
	}
	for (i = 0; i < n; i++)
		if (kill(child, sig) != 0)
			die("kill");
	if (kill(0x3ffffffe, sig) == 0 || errno != ESRCH)
		die("kill of a missing pid");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}
