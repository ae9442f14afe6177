/* synsender ADDR PORT MS - one blocking connect() to IPv4 ADDR:PORT that
 * gives up after MS ms (SO_SNDTIMEO). Pointed at an address whose SYNs are
 * lost, the kernel retransmits the SYN (first after 1 s): known TCP
 * retransmissions. Exits 0 on the timeout, 2 if the connect got an answer. */
#include "testprog.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct timeval tv;
	long ms;
	int s;

	if (argc != 4 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "usage: synsender ADDR PORT MS\n");
		return 2;
	}
	sa.sin_port = htons(num_arg(argv[2], "PORT"));
	ms = num_arg(argv[3], "MS");
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
		die("socket");
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		fprintf(stderr, "synsender: connected: the SYN was not lost\n");
		return 2;
	}
	if (errno != EINPROGRESS && errno != ETIMEDOUT && errno != EAGAIN)
		die("connect");
	close(s);
	return 0;
}
