/* emit UID RATE SECONDS - drops to UID, then makes RATE getpid syscalls a
 * second for SECONDS, in bursts every millisecond: the steady producer of
 * the event stream benchmark (bench/run). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec next;
	long uid, rate, ms, per_ms;

	if (argc != 4) {
		fprintf(stderr, "usage: emit UID RATE SECONDS\n");
		return 2;
	}
	uid = atol(argv[1]);
	rate = atol(argv[2]);
	ms = atol(argv[3]) * 1000;
	per_ms = rate / 1000;
	if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)) {
		perror("emit: dropping to the uid");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (long t = 0; t < ms; t++) {
		for (long i = 0; i < per_ms; i++)
			syscall(SYS_getpid);
		next.tv_nsec += 1000000;
		if (next.tv_nsec >= 1000000000) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return 0;
}
