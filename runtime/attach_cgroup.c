/* attach_cgroup.c - BCC's attach_func for cgroup programs (cgroup_skb,
 * cgroup_sock, sock_ops, ...): the function, loaded for the attach type,
 * on the cgroup open at cgroup_fd or at path (when not NULL). Through a BPF link, so it comes off
 * the cgroup with the link (or the process), where bpf_prog_attach would
 * leave it there. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "attach_int.h"

static struct bpf_link *attach(struct bpf_program *prog, int cgroup_fd, const char *path)
{
	struct bpf_link *link;
	int fd = cgroup_fd, err;

	if (path) {
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return NULL;
	}
	link = bpf_program__attach_cgroup(prog, fd);
	err = errno;
	if (path)
		close(fd);
	errno = err;
	return link;
}

int bl_attach_cgroup(struct bl_object *o, const char *fn, int prog_type, int attach_type,
		     int cgroup_fd, const char *path, struct bl_link **out, struct bl_err *e)
{
	struct bpf_program *prog;
	struct bpf_link *link;
	char target[600];
	int err;

	prog = bl_attach_begin(o, fn, prog_type, attach_type, out, &err, e);
	if (!prog)
		return err;
	if (path)
		snprintf(target, sizeof(target), "%.500s, attach type %d", path, attach_type);
	else
		snprintf(target, sizeof(target), "fd %d, attach type %d", cgroup_fd, attach_type);
	link = attach(prog, cgroup_fd, path);
	if (!link) {
		err = errno;
		bl_errf(e, err, "prog '%s': cannot attach to the cgroup (%s): %s", fn, target,
			strerror(err));
		if (err == EBADF || err == ENOTDIR || err == ENOENT)
			bl_err_append(e, "hint: the target is a cgroup v2 directory (its path, "
				      "or an fd open on it)");
		else if (err == EINVAL)
			bl_err_append(e, "hint: the attach type must suit the program type "
				      "(BPFAttachType.CGROUP_INET_EGRESS for BPF.CGROUP_SKB, ...)");
		return -err;
	}
	return bl_link_new(link, &(struct bl_link_spec){
		.kind = BL_PROBE_CGROUP, .fn = fn, .target = target }, out, e);
}
