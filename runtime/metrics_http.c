/* metrics_http.c - GET /metrics over HTTP with libmicrohttpd, on its own
 * thread, so scrapes are answered whatever the script is doing (sleeping,
 * polling buffers, busy in Lua). The thread never touches Lua: it renders
 * the registry of metrics.c. It blocks every signal, so Ctrl-C and SIGTERM
 * keep reaching the main thread. */

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "metrics.h"
#include "metrics_http.h"

static struct MHD_Daemon *daemon_;

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text,
								 MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result serve_metrics(struct MHD_Connection *c)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len = 0;
	char *text = bl_metrics_render(&len);

	if (!text)
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static int has_body(struct MHD_Connection *c)
{
	const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_CONTENT_LENGTH);

	return (len && strcmp(len, "0")) ||
	       MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					   MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **state)
{
	static int first_call;

	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n");
	if (has_body(c) || *upload_size)	/* refused before reading it */
		return reply(c, MHD_HTTP_BAD_REQUEST, "unexpected request body\n");
	if (*state == NULL) {	/* headers only so far; answer on the next call */
		*state = &first_call;
		return MHD_YES;
	}
	if (strcmp(url, "/metrics") && strcmp(url, "/"))
		return reply(c, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n");
	if (!strcmp(url, "/"))
		return reply(c, MHD_HTTP_OK, "bpflua: metrics at /metrics\n");
	return serve_metrics(c);
}

/* "PORT", ":PORT", "ADDR:PORT" or "[ADDR6]:PORT" into a socket address;
 * no ADDR: every address (IPv6 and IPv4). */
static int parse_addr(const char *spec, struct sockaddr_storage *ss, int *any,
		      unsigned short *port, struct bl_err *e)
{
	char host[256] = "";
	const char *colon = strrchr(spec, ':');
	const char *p = colon ? colon + 1 : spec;
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_STREAM }, *ai;
	char *end;
	long n = strtol(p, &end, 10);

	if (!*p || *end || n < 1 || n > 65535)
		return bl_errf(e, EINVAL, "metrics address '%s': expected [ADDR:]PORT with a port "
			       "from 1 to 65535", spec);
	*port = (unsigned short)n;
	*any = !colon || colon == spec;
	if (*any)
		return 0;
	snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	if (getaddrinfo(host, p, &hints, &ai) != 0)
		return bl_errf(e, EINVAL, "metrics address '%s': '%s' is not a numeric IP address",
			       spec, host);
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return 0;
}

/* No ADDR: every address, IPv6 and IPv4 on one socket. */
static void any_addr(struct sockaddr_storage *ss, unsigned short port)
{
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

	a->sin6_family = AF_INET6;
	a->sin6_addr = in6addr_any;
	a->sin6_port = htons(port);
}

/* The listening socket is made here, not by libmicrohttpd, to set exactly
 * SO_REUSEADDR: a restarted script gets its port back although connections
 * it served linger in TIME_WAIT, while a second live exporter on the same
 * port is still refused (libmicrohttpd's reuse option adds SO_REUSEPORT). */
static int listen_on(const struct sockaddr_storage *ss)
{
	int one = 1, zero = 0;
	socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						  : sizeof(struct sockaddr_in);
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (ss->ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) != 0) ||
	    bind(fd, (const struct sockaddr *)ss, len) != 0 || listen(fd, 64) != 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static struct MHD_Daemon *start(int fd)
{
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL,
				on_request, NULL, MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_CONNECTION_LIMIT, 32U,
				MHD_OPTION_CONNECTION_TIMEOUT, 10U, MHD_OPTION_END);
}

int bl_metrics_serve(const char *spec, struct bl_err *e)
{
	struct sockaddr_storage ss = { 0 };
	unsigned short port = 0;
	sigset_t all, old;
	int any = 0, err, fd;

	if (daemon_)
		return bl_errf(e, EBUSY, "metrics are served already");
	err = parse_addr(spec, &ss, &any, &port, e);
	if (err)
		return err;
	if (any)
		any_addr(&ss, port);
	fd = listen_on(&ss);
	if (fd == -EAFNOSUPPORT && any) {	/* a kernel without IPv6 */
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		*a = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port) };
		fd = listen_on(&ss);
	}
	if (fd < 0)
		return bl_errf(e, -fd, "cannot serve metrics on '%s': %s\n"
			       "hint: is the port in use? pick another with --metrics [ADDR:]PORT",
			       spec, strerror(-fd));
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);	/* the server thread inherits it */
	errno = 0;
	daemon_ = start(fd);
	err = errno ? errno : ENOMEM;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!daemon_)
		close(fd);
	if (!daemon_)
		return bl_errf(e, err, "cannot serve metrics on '%s': %s\n"
			       "hint: is the port in use? pick another with --metrics [ADDR:]PORT",
			       spec, strerror(err));
	return 0;
}

void bl_metrics_stop(void)
{
	if (daemon_)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
}
