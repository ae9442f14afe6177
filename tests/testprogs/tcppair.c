/* tcppair PORT [BYTES] - listens on 127.0.0.1:PORT, connects to it, accepts,
 * sends BYTES (default 0) bytes from the client, then closes both ends: one
 * connect, one accept, and a full set of TCP state changes on a known port. */
#include "testprog.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1, l, c, a;
	long bytes = 0;
	char buf[4096];

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: tcppair PORT [BYTES]\n");
		return 2;
	}
	sa.sin_port = htons(num_arg(argv[1], "PORT"));
	if (argc == 3)
		bytes = num_arg(argv[2], "BYTES");
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0)
		die("socket");
	if (bind(l, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(l, 1) != 0)
		die("bind/listen");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		die("connect");
	a = accept(l, NULL, NULL);
	if (a < 0)
		die("accept");
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
	close(c);
	close(a);
	close(l);
	return 0;
}
