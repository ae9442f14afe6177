/* bpf_leftovers [--present] PREFIX... - looks for loaded BPF programs and maps
 * whose kernel name starts with one of the PREFIXes (names are cut to 15
 * characters by the kernel, so keep prefixes that short), through the bpf()
 * syscall alone: BPF_{PROG,MAP}_GET_NEXT_ID, BPF_{PROG,MAP}_GET_FD_BY_ID,
 * BPF_OBJ_GET_INFO_BY_FD.
 *
 * Default: exits 0 once none is loaded, retrying for up to 3 s (the kernel
 * frees programs asynchronously after their last fd closes); else prints the
 * leftovers on stderr and exits 1.
 * --present: exits 0 as soon as one is loaded (retrying for up to 3 s), else 1:
 * proves a leak check is not vacuous. Exits 2 when bpf() itself fails. */
#include "testprog.h"

#include <linux/bpf.h>
#include <sys/syscall.h>

#define RETRY_MS 3000
#define STEP_MS 50

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* Next id after `id` of the kind given by next_cmd; 0 when there is none. */
static __u32 next_id(int next_cmd, __u32 id)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.start_id = id;
	if (sys_bpf(next_cmd, &a) == 0)
		return a.next_id;
	if (errno != ENOENT)
		die("bpf(GET_NEXT_ID)");
	return 0;
}

/* Copies the name of object `id` into name[BPF_OBJ_NAME_LEN]; returns 0, or
 * -1 when the object went away meanwhile. */
static int obj_name(int fd_cmd, __u32 id, int is_map, char *name)
{
	struct bpf_prog_info pinfo;
	struct bpf_map_info minfo;
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	if (is_map)
		a.map_id = id;
	else
		a.prog_id = id;
	fd = sys_bpf(fd_cmd, &a);
	if (fd < 0) {
		if (errno == ENOENT)
			return -1;
		die("bpf(GET_FD_BY_ID)");
	}
	memset(&pinfo, 0, sizeof(pinfo));
	memset(&minfo, 0, sizeof(minfo));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = fd;
	a.info.info_len = is_map ? sizeof(minfo) : sizeof(pinfo);
	a.info.info = (unsigned long)(is_map ? (void *)&minfo : (void *)&pinfo);
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) != 0)
		die("bpf(OBJ_GET_INFO_BY_FD)");
	close(fd);
	memcpy(name, is_map ? minfo.name : pinfo.name, BPF_OBJ_NAME_LEN);
	name[BPF_OBJ_NAME_LEN - 1] = '\0';
	return 0;
}

static int has_prefix(const char *name, char **prefixes, int n)
{
	for (int i = 0; i < n; i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

/* Counts loaded programs and maps named with a prefix; prints them if `say`. */
static int count_matches(char **prefixes, int n, int say)
{
	static const struct { int next_cmd, fd_cmd, is_map; const char *kind; } kinds[] = {
		{ BPF_PROG_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID, 0, "program" },
		{ BPF_MAP_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID, 1, "map" },
	};
	char name[BPF_OBJ_NAME_LEN];
	int found = 0;

	for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (__u32 id = next_id(kinds[k].next_cmd, 0); id; id = next_id(kinds[k].next_cmd, id)) {
			if (obj_name(kinds[k].fd_cmd, id, kinds[k].is_map, name) != 0)
				continue;
			if (!has_prefix(name, prefixes, n))
				continue;
			found++;
			if (say)
				fprintf(stderr, "bpf_leftovers: %s id %u '%s' is still loaded\n",
					kinds[k].kind, id, name);
		}
	}
	return found;
}

int main(int argc, char **argv)
{
	int present = argc > 1 && strcmp(argv[1], "--present") == 0;
	char **prefixes = argv + 1 + present;
	int n = argc - 1 - present;

	if (n < 1) {
		fprintf(stderr, "usage: bpf_leftovers [--present] PREFIX...\n");
		return 2;
	}
	for (int waited = 0;; waited += STEP_MS) {
		int found = count_matches(prefixes, n, 0);

		if (present ? found > 0 : found == 0)
			return 0;
		if (waited >= RETRY_MS)
			break;
		sleep_ms(STEP_MS);
	}
	if (present) {
		fprintf(stderr, "bpf_leftovers: no BPF program or map named %s* is loaded\n", prefixes[0]);
		return 1;
	}
	count_matches(prefixes, n, 1);
	return 1;
}
