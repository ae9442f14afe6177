/* attach_sockmap.c - BCC's attach_func for socket-map programs: an sk_msg
 * verdict (BPFAttachType.SK_MSG_VERDICT) or sk_skb parser/verdict
 * (SK_SKB_STREAM_PARSER, SK_SKB_STREAM_VERDICT, SK_SKB_VERDICT) on a
 * BPF_SOCKMAP or BPF_SOCKHASH table.
 *
 * Through a BPF link where the kernel has one for them (Linux 6.10+), else
 * bpf_prog_attach to the map, as BCC does. Neither outlives the script: a
 * link goes with its fd, and a map drops the programs attached to it when
 * its last user fd closes (the kernel's sock_map_release_progs), which the
 * process's exit does, SIGKILL included. BPFLUA_SOCKMAP_LINK=0 makes
 * bpflua act as on a kernel without the link (a test hook). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach_int.h"

static int use_link(void)
{
	const char *v = getenv("BPFLUA_SOCKMAP_LINK");

	return !v || strcmp(v, "0") != 0;
}

static int attach_error(const char *fn, const char *target, int err, struct bl_err *e)
{
	bl_errf(e, err, "prog '%s': cannot attach to %s: %s", fn, target, strerror(err));
	if (err == EINVAL)
		bl_err_append(e, "hint: the table is a BPF_SOCKMAP or BPF_SOCKHASH, and the attach "
			      "type suits the program type (BPFAttachType.SK_MSG_VERDICT for BPF.SK_MSG; "
			      "SK_SKB_STREAM_PARSER, SK_SKB_STREAM_VERDICT or SK_SKB_VERDICT for BPF.SK_SKB)");
	else if (err == EBUSY || err == EEXIST)
		bl_err_append(e, "hint: the table has a program of this kind already (one per attach type; "
			      "SK_SKB_VERDICT and SK_SKB_STREAM_VERDICT exclude each other)");
	else if (err == EBADF)
		bl_err_append(e, "hint: the target is the table (b[\"name\"]) or its fd");
	return -err;
}

int bl_attach_sockmap(struct bl_object *o, const char *fn, int prog_type, int attach_type,
		      int map_fd, const char *map_name, struct bl_link **out, struct bl_err *e)
{
	struct bl_link_spec s = { .kind = BL_PROBE_SOCKMAP, .fn = fn };
	struct bpf_program *prog;
	char target[300];
	int prog_fd, fd, err;

	prog = bl_attach_begin(o, fn, prog_type, attach_type, out, &err, e);
	if (!prog)
		return err;
	snprintf(target, sizeof(target), "table '%.200s' (attach type %d)",
		 map_name ? map_name : "?", attach_type);
	s.target = target;
	prog_fd = bpf_program__fd(prog);
	fd = use_link() ? bpf_link_create(prog_fd, map_fd, attach_type, NULL) : -EINVAL;
	if (fd >= 0)
		return bl_link_new_fd(fd, &s, out, e);
	if (fd != -EINVAL)
		return attach_error(fn, target, -fd, e);
	/* No sockmap link before Linux 6.10 (EINVAL): attach to the map. */
	if (bpf_prog_attach(prog_fd, map_fd, attach_type, 0))
		return attach_error(fn, target, errno, e);
	return bl_link_new_prog_attach(prog_fd, map_fd, attach_type, &s, out, e);
}
