/* fileops UID N open|stat|sync PATH - drops to UID, then opens (O_RDONLY),
 * stats or syncs (fsync of an open PATH) N times. A missing PATH is not an
 * error here: the failing call is the event a tool must show with its errno. */
#include "testprog.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	long n;
	struct stat st;

	if (argc != 5) {
		fprintf(stderr, "usage: fileops UID N open|stat|sync PATH\n");
		return 2;
	}
	drop_to_uid(num_arg(argv[1], "UID"));
	n = num_arg(argv[2], "N");
	for (long i = 0; i < n; i++) {
		if (strcmp(argv[3], "open") == 0) {
			int fd = open(argv[4], O_RDONLY);

			if (fd >= 0)
				close(fd);
		} else if (strcmp(argv[3], "stat") == 0) {
			stat(argv[4], &st);
		} else if (strcmp(argv[3], "sync") == 0) {
			int fd = open(argv[4], O_RDONLY);

			if (fd < 0)
				die("open");
			if (fsync(fd) != 0)
				die("fsync");
			close(fd);
		} else {
			fprintf(stderr, "unknown op '%s'\n", argv[3]);
			return 2;
		}
	}
	return 0;
}
