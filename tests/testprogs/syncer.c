/* syncer [-l] [-u UID] GAP_MS... - calls sync(); then, for each GAP_MS, sleeps
 * that long and calls sync() again ("syncer 300 1500" makes 3 syncs, 300 ms
 * then 1500 ms apart). By default sync is the raw syscall, so exactly one
 * sys_enter_sync per call; -l calls libc's sync() instead (for uprobes on
 * libc's `sync`); -u drops to UID first (so BPF can filter on it). */
#include "testprog.h"

#include <sys/syscall.h>

static int use_libc;

static void do_sync(void)
{
	if (use_libc)
		sync();
	else if (syscall(SYS_sync) != 0)
		die("sync");
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "lu:")) != -1) {
		if (opt == 'l')
			use_libc = 1;
		else if (opt == 'u')
			drop_to_uid(num_arg(optarg, "UID"));
		else {
			fprintf(stderr, "usage: syncer [-l] [-u UID] GAP_MS...\n");
			return 2;
		}
	}
	do_sync();
	for (int i = optind; i < argc; i++) {
		sleep_ms(num_arg(argv[i], "GAP_MS"));
		do_sync();
	}
	return 0;
}
