/* attach_tc.c - TC programs (BPF.SCHED_CLS) on a network interface's
 * ingress or egress (b:attach_tc / b:detach_tc; BCC has no such method, its
 * examples use pyroute2).
 *
 * Through a tcx BPF link (Linux 6.6+), never a netlink clsact filter: the
 * link goes when its fd closes, so no TC program of a script outlives it,
 * however it ends. A kernel without tcx gets an error naming the version
 * needed and the alternatives (a `tc filter` the user manages). */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach_int.h"

/* enum bpf_attach_type in Linux 6.6's uapi/linux/bpf.h (Debian's libbpf
 * headers predate them). */
#define BL_TCX_INGRESS 46
#define BL_TCX_EGRESS 47

/* 1 when the running kernel predates tcx (6.6). */
static int before_tcx(char *release, size_t size)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u))
		return 0;
	snprintf(release, size, "%s", u.release);
	if (sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 0;
	return major < 6 || (major == 6 && minor < 6);
}

static int attach_error(const char *fn, const char *target, const char *dev, int egress,
			int err, struct bl_err *e)
{
	char release[65] = "";

	if (err == EINVAL && before_tcx(release, sizeof(release))) {
		bl_errf(e, err, "prog '%s': cannot attach to %s: this kernel (%s) has no tcx "
			"links; attach_tc needs Linux 6.6 or later", fn, target, release);
		bl_err_append(e, "hint: attach the program with tc yourself, e.g. "
			      "`tc qdisc add dev %s clsact; tc filter add dev %s %s bpf da obj "
			      "PROG.o sec SECTION` (and remove it when done: it outlives the script), "
			      "or from a netlink library holding the function's fd",
			      dev, dev, egress ? "egress" : "ingress");
		return -err;
	}
	return bl_errf(e, err, "prog '%s': cannot attach to %s: %s", fn, target, strerror(err));
}

int bl_attach_tc(struct bl_object *o, const char *fn, const char *dev, int egress,
		 struct bl_link **out, struct bl_err *e)
{
	int type = egress ? BL_TCX_EGRESS : BL_TCX_INGRESS;
	struct bpf_program *prog;
	char target[300];
	int ifindex, fd, err;

	prog = bl_attach_begin(o, fn, BPF_PROG_TYPE_SCHED_CLS, 0, out, &err, e);
	if (!prog)
		return err;
	snprintf(target, sizeof(target), "tc %s of '%.200s'", egress ? "egress" : "ingress", dev);
	ifindex = if_nametoindex(dev);
	if (!ifindex)
		return bl_errf(e, errno, "attach_tc: no network interface '%s': %s", dev,
			       strerror(errno));
	/* libbpf passes an attach type it does not know through unchanged. */
	fd = bpf_link_create(bpf_program__fd(prog), ifindex, type, NULL);
	if (fd < 0)
		return attach_error(fn, target, dev, egress, -fd, e);
	return bl_link_new_fd(fd, &(struct bl_link_spec){
		.kind = BL_PROBE_TC, .fn = fn, .target = target }, out, e);
}
