/* attach_netns.c - BCC's attach_func for network-namespace programs: a
 * flow dissector (BPFAttachType.FLOW_DISSECTOR) or an sk_lookup program
 * (SK_LOOKUP) on a network namespace, the one at path, or open at netns_fd
 * when path is NULL.
 *
 * Always through a BPF link (Linux 5.8; sk_lookup has no other way), never
 * bpf_prog_attach, whose flow dissector would stay in the namespace after
 * the script: the link goes with its fd, so with the process however it
 * ends. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach_int.h"

static int attach_error(const char *fn, const char *target, int err, struct bl_err *e)
{
	bl_errf(e, err, "prog '%s': cannot attach to the network namespace %s: %s", fn, target,
		strerror(err));
	if (err == EBADF || err == EINVAL || err == ENOENT)
		bl_err_append(e, "hint: the target is a network namespace: 0 for the script's own, "
			      "a path such as /proc/PID/ns/net or /run/netns/NAME, or an fd open on one; "
			      "the function is a BPF.FLOW_DISSECTOR or BPF.SK_LOOKUP program");
	else if (err == EEXIST || err == E2BIG)
		bl_err_append(e, "hint: the namespace has a flow dissector already "
			      "(`bpftool net show`); it takes one");
	return -err;
}

int bl_attach_netns(struct bl_object *o, const char *fn, int prog_type, int attach_type,
		    int netns_fd, const char *path, struct bl_link **out, struct bl_err *e)
{
	struct bpf_program *prog;
	char target[600];
	int fd = netns_fd, link_fd, err;

	prog = bl_attach_begin(o, fn, prog_type, attach_type, out, &err, e);
	if (!prog)
		return err;
	if (path)
		snprintf(target, sizeof(target), "'%.500s'", path);
	else
		snprintf(target, sizeof(target), "fd %d", netns_fd);
	if (path && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return attach_error(fn, target, errno, e);
	link_fd = bpf_link_create(bpf_program__fd(prog), fd, attach_type, NULL);
	err = link_fd < 0 ? -link_fd : 0;
	if (path)
		close(fd);
	if (err)
		return attach_error(fn, target, err, e);
	return bl_link_new_fd(link_fd, &(struct bl_link_spec){
		.kind = BL_PROBE_NETNS, .fn = fn, .target = target }, out, e);
}
