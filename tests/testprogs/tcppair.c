/* tcppair [-6] [-u UID] [-n N] PORT [BYTES] - listens on 127.0.0.1:PORT (::1
 * with -6), then N times (default 1): connects to it, accepts, sends BYTES
 * (default 0) bytes from the client and closes both ends; then closes the
 * listener. -u drops to UID first. So: N connects, N accepts, and full sets
 * of TCP state changes on a known port. */
#include "testprog.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* BYTES from the client c to the server end a, read as they arrive. */
static void send_bytes(int c, int a, long bytes)
{
	char buf[4096];

	memset(buf, 'x', sizeof(buf));
	while (bytes > 0) {
		ssize_t w = write(c, buf, bytes < (long)sizeof(buf) ? bytes : (long)sizeof(buf));

		if (w <= 0)
			die("write");
		bytes -= w;
		while (w > 0) {
			ssize_t r = read(a, buf, w);

			if (r <= 0)
				die("read");
			w -= r;
		}
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	int one = 1, l, c, a, opt, af = AF_INET;
	long bytes = 0, n = 1, port;
	socklen_t len;

	while ((opt = getopt(argc, argv, "6u:n:")) != -1) {
		if (opt == '6')
			af = AF_INET6;
		else if (opt == 'u')
			drop_to_uid(num_arg(optarg, "UID"));
		else if (opt == 'n')
			n = num_arg(optarg, "N");
		else
			goto usage;
	}
	if (argc - optind < 1 || argc - optind > 2)
		goto usage;
	port = num_arg(argv[optind], "PORT");
	if (argc - optind == 2)
		bytes = num_arg(argv[optind + 1], "BYTES");
	if (af == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof(*sin6);
	}
	l = socket(af, SOCK_STREAM, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0)
		die("socket");
	if (bind(l, (struct sockaddr *)&ss, len) != 0 || listen(l, 1) != 0)
		die("bind/listen");
	for (; n > 0; n--) {
		c = socket(af, SOCK_STREAM, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&ss, len) != 0)
			die("connect");
		a = accept(l, NULL, NULL);
		if (a < 0)
			die("accept");
		send_bytes(c, a, bytes);
		close(c);
		close(a);
	}
	close(l);
	return 0;
usage:
	fprintf(stderr, "usage: tcppair [-6] [-u UID] [-n N] PORT [BYTES]\n");
	return 2;
}
