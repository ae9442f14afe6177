/* holder COMM PATH DONE - names itself COMM (prctl PR_SET_NAME), keeps PATH
 * open (O_RDONLY), listens on a TCP port of 127.0.0.1 and binds a UDP
 * socket there, on ports the kernel picks, prints
 * `pid PID fd FD tcp PORT udp PORT` (then flushes), and waits until the file DONE
 * exists (at most 30 s, then exits 2). For BPF iterators: a process, a
 * file, a listening socket and a UDP socket that a test knows exactly. */
#include "testprog.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>

/* A socket of type on 127.0.0.1:*port (0: the kernel picks, and *port
 * is set to its pick). */
static int bound(int type, int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(*port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, type, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)))
		die("socket/bind");
	if (type == SOCK_STREAM && listen(s, 1))
		die("listen");
	if (getsockname(s, (struct sockaddr *)&a, &len))
		die("getsockname");
	*port = ntohs(a.sin_port);
	return s;
}

int main(int argc, char **argv)
{
	int fd, tcp = 0, udp = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: holder COMM PATH DONE\n");
		return 2;
	}
	if (prctl(PR_SET_NAME, argv[1], 0, 0, 0))
		die("prctl");
	fd = open(argv[2], O_RDONLY);
	if (fd < 0)
		die(argv[2]);
	bound(SOCK_STREAM, &tcp);
	bound(SOCK_DGRAM, &udp);
	printf("pid %d fd %d tcp %d udp %d\n", (int)getpid(), fd, tcp, udp);
	fflush(stdout);
	for (int i = 0; i < 3000; i++) {
		if (!access(argv[3], F_OK))
			return 0;
		usleep(10000);
	}
	fprintf(stderr, "holder: %s never appeared\n", argv[3]);
	return 2;
}
