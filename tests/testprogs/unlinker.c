/* unlinker UID N - drops to UID, then calls unlink("/nonexistent-bltest/f")
 * N times (raw syscall). Each call enters the kernel's do_unlinkat(dfd =
 * AT_FDCWD = -100, name) and fails with -ENOENT (-2): a known first argument
 * and a known return value for kprobe/kretprobe/fentry/fexit tests. */
#include "testprog.h"

#include <sys/syscall.h>

int main(int argc, char **argv)
{
	/* On the stack, written before the first call: a probe at syscall entry
	 * reads it with bpf_probe_read_user_str, which cannot fault a page in,
	 * and a string literal's page may not have been touched yet. */
	char path[] = "/nonexistent-bltest/f";
	long n;

	if (argc != 3) {
		fprintf(stderr, "usage: unlinker UID N\n");
		return 2;
	}
	drop_to_uid(num_arg(argv[1], "UID"));
	n = num_arg(argv[2], "N");
	for (long i = 0; i < n; i++) {
		if (syscall(SYS_unlink, path) == 0 || errno != ENOENT) {
			fprintf(stderr, "unlink: expected ENOENT, got %s\n", strerror(errno));
			return 2;
		}
	}
	return 0;
}
