/* attach_xdp.c - XDP programs on a network interface (BCC's attach_xdp and
 * remove_xdp). bpflua attaches through a kernel BPF link, never the
 * netlink attachment BCC uses, because a link goes when its last fd
 * closes: no XDP program of a script outlives it, however it ends. */
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "attach_int.h"

static int ifindex_of(const char *what, const char *dev, struct bl_err *e)
{
	int ifindex = if_nametoindex(dev);

	if (!ifindex)
		return bl_errf(e, errno, "%s: no network interface '%s': %s", what, dev,
			       strerror(errno));
	return ifindex;
}

static int attach_error(const char *fn, const char *dev, int err, struct bl_err *e)
{
	bl_errf(e, err, "prog '%s': cannot attach XDP to '%s': %s", fn, dev, strerror(err));
	if (err == EBUSY || err == EEXIST)
		bl_err_append(e, "hint: another XDP program is attached to '%s' (`ip link show %s`); "
			      "remove it first (BPF.remove_xdp(\"%s\"), or `ip link set %s xdp off`)",
			      dev, dev, dev, dev);
	else if (err == EINVAL)
		bl_err_append(e, "hint: load the function as BPF.XDP (b:load_func(name, BPF.XDP)); "
			      "a driver without native XDP takes flags = BPF.XDP_FLAGS_SKB_MODE");
	else if (err == EOPNOTSUPP)
		bl_err_append(e, "hint: the driver of '%s' has no XDP in this mode; "
			      "flags = BPF.XDP_FLAGS_SKB_MODE uses generic XDP", dev);
	return -err;
}

int bl_attach_xdp(const char *fn, int prog_fd, const char *dev, unsigned int flags,
		  struct bl_link **out, struct bl_err *e)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags & XDP_FLAGS_MODES);
	int ifindex, fd;

	*out = NULL;
	if (flags & ~(XDP_FLAGS_MODES | XDP_FLAGS_UPDATE_IF_NOEXIST))
		return bl_errf(e, EINVAL, "attach_xdp: flags 0x%x: only XDP_FLAGS_SKB_MODE, "
			       "XDP_FLAGS_DRV_MODE, XDP_FLAGS_HW_MODE and XDP_FLAGS_UPDATE_IF_NOEXIST "
			       "are supported", flags);
	ifindex = ifindex_of("attach_xdp", dev, e);
	if (ifindex < 0)
		return ifindex;
	fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
	if (fd < 0)
		return attach_error(fn, dev, -fd, e);
	return bl_link_new_fd(fd, &(struct bl_link_spec){
		.kind = BL_PROBE_XDP, .fn = fn, .target = dev }, out, e);
}

int bl_xdp_detach(const char *dev, unsigned int flags, struct bl_err *e)
{
	int ifindex = ifindex_of("remove_xdp", dev, e), err;

	if (ifindex < 0)
		return ifindex;
	err = bpf_xdp_detach(ifindex, flags & XDP_FLAGS_MODES, NULL);
	if (err) {
		bl_errf(e, -err, "remove_xdp: cannot detach XDP from '%s': %s", dev, strerror(-err));
		if (err == -EBUSY)
			bl_err_append(e, "hint: a BPF link of another process holds it; it goes "
				      "when that process ends");
		return err;
	}
	return 0;
}
