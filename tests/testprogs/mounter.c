/* mounter DIR - in the caller's mount namespace (run it under unshare -m):
 * mount("bltsrc", DIR, "tmpfs", MS_NOSUID|MS_NODEV, "size=1m"), then
 * umount2(DIR, MNT_DETACH), then a mount on a missing directory that fails
 * with ENOENT: two known mount() calls and one umount(). */
#include "testprog.h"

#include <sys/mount.h>

int main(int argc, char **argv)
{
	/* on the stack, so resident: a probe cannot fault in an unread page */
	char src[] = "bltsrc", type[] = "tmpfs", data[] = "size=1m", none[] = "";
	char missing[] = "/nonexistent-bltmount";

	if (argc != 2) {
		fprintf(stderr, "usage: mounter DIR\n");
		return 2;
	}
	if (mount(src, argv[1], type, MS_NOSUID | MS_NODEV, data) != 0)
		die("mount");
	if (umount2(argv[1], MNT_DETACH) != 0)
		die("umount2");
	if (mount(src, missing, type, 0, none) == 0 || errno != ENOENT)
		die("mount on a missing directory");
	return 0;
}
