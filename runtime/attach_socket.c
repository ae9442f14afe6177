/* attach_socket.c - socket filters on a raw packet socket (BCC's
 * BPF.attach_raw_socket): the socket sees every packet of one network
 * interface, in and out, and the program decides which to keep (its return
 * value: bytes kept, 0 drops). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "attach_int.h"

int bl_attach_raw_socket(const char *fn, int prog_fd, const char *dev,
			 struct bl_link **out, struct bl_err *e)
{
	struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int fd, err;

	*out = NULL;
	sa.sll_ifindex = if_nametoindex(dev);
	if (!sa.sll_ifindex) {
		err = errno;
		return bl_errf(e, err, "attach_raw_socket: no network interface '%s': %s", dev,
			       strerror(err));
	}
	/* Protocol 0: no packet queues until bind, which comes after the
	 * filter, so the socket never holds an unfiltered packet. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = errno;
		bl_errf(e, err, "attach_raw_socket: cannot open a raw packet socket: %s", strerror(err));
		if (err == EPERM || err == EACCES)
			bl_err_append(e, "hint: raw sockets need CAP_NET_RAW (run as root)");
		return -err;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_BPF, &prog_fd, sizeof(prog_fd))) {
		err = errno;
		close(fd);
		bl_errf(e, err, "prog '%s': cannot attach to a raw socket on '%s': %s", fn, dev,
			strerror(err));
		if (err == EINVAL)
			bl_err_append(e, "hint: load the function as BPF.SOCKET_FILTER: "
				      "b:load_func(name, BPF.SOCKET_FILTER)");
		return -err;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = errno;
		close(fd);
		return bl_errf(e, err, "attach_raw_socket: cannot bind a raw socket to '%s': %s", dev,
			       strerror(err));
	}
	return bl_link_new_fd(fd, &(struct bl_link_spec){
		.kind = BL_PROBE_SOCKET, .fn = fn, .target = dev }, out, e);
}
