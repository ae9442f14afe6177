/* sockredir PORT1 PORT2 N - two TCP connections over 127.0.0.1: c1 to
 * PORT1 (accepted as a1) and c2 to PORT2 (a2). c1 sends N messages "mI;"
 * (I = 1..N), one write each; then prints what each accepted end received,
 * as "a1 BYTES TEXT" and "a2 BYTES TEXT" (TEXT "-" when empty). Without BPF,
 * a1 gets them all; an sk_msg program that redirects c1's messages into
 * a2's receive queue (msg_redirect_hash with BPF_F_INGRESS) shows them at
 * a2 instead. Stops reading once all bytes have come, or after 1 s
 * without any. */
#include "testprog.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

static int listener(long port, struct sockaddr_in *sa)
{
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);

	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0)
		die("socket");
	if (bind(l, (struct sockaddr *)sa, sizeof(*sa)) != 0 || listen(l, 1) != 0)
		die("bind/listen");
	return l;
}

/* Connects a client to port; *acc gets the accepted end. */
static int pair(long port, int *acc)
{
	struct sockaddr_in sa;
	int l = listener(port, &sa), c = socket(AF_INET, SOCK_STREAM, 0);

	if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		die("connect");
	*acc = accept(l, NULL, NULL);
	if (*acc < 0)
		die("accept");
	close(l);
	return c;
}

/* Reads from a[0] and a[1] into got[] until `want` bytes in all came. */
static void collect(int a[2], char got[2][4096], size_t len[2], size_t want)
{
	struct pollfd p[2] = { { a[0], POLLIN, 0 }, { a[1], POLLIN, 0 } };
	int i;

	while (len[0] + len[1] < want && poll(p, 2, 1000) > 0) {
		for (i = 0; i < 2; i++) {
			ssize_t r;

			if (!(p[i].revents & POLLIN))
				continue;
			r = recv(a[i], got[i] + len[i], 4095 - len[i], MSG_DONTWAIT);
			if (r < 0 && errno != EAGAIN)
				die("recv");
			if (r > 0)
				len[i] += r;
		}
	}
}

int main(int argc, char **argv)
{
	char got[2][4096], msg[32];
	size_t len[2] = { 0, 0 }, want = 0;
	int a[2], c1, c2, i;
	long n;

	if (argc != 4) {
		fprintf(stderr, "usage: sockredir PORT1 PORT2 N\n");
		return 2;
	}
	n = num_arg(argv[3], "N");
	c1 = pair(num_arg(argv[1], "PORT1"), &a[0]);
	c2 = pair(num_arg(argv[2], "PORT2"), &a[1]);
	for (i = 1; i <= n; i++) {
		int m = snprintf(msg, sizeof(msg), "m%d;", i);

		if (write(c1, msg, m) != m)
			die("write");
		want += m;
	}
	collect(a, got, len, want);
	for (i = 0; i < 2; i++)
		printf("a%d %zu %.*s\n", i + 1, len[i], len[i] ? (int)len[i] : 1,
		       len[i] ? got[i] : "-");
	close(c1);
	close(c2);
	close(a[0]);
	close(a[1]);
	return 0;
}
