/* udpsend PORT COUNT [TTL] - sends COUNT UDP datagrams of 4 bytes from
 * 127.0.0.1 to 127.0.0.1:PORT over loopback, with IP TTL TTL (default 64).
 * Nobody needs to listen: each datagram crosses lo once, so a socket
 * filter on lo sees exactly COUNT packets to PORT per direction. */
#include "testprog.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	long count, i;
	int s, ttl = 64;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: udpsend PORT COUNT [TTL]\n");
		return 2;
	}
	sa.sin_port = htons(num_arg(argv[1], "PORT"));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	count = num_arg(argv[2], "COUNT");
	if (argc == 4)
		ttl = num_arg(argv[3], "TTL");
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || setsockopt(s, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) != 0)
		die("socket");
	for (i = 0; i < count; i++)
		if (sendto(s, "blt", 4, 0, (struct sockaddr *)&sa, sizeof(sa)) != 4)
			die("sendto");
	close(s);
	return 0;
}
