/* trace_pipe.c - see trace_pipe.h
 *
 * The pipe is opened non-blocking and waited on with poll(): a blocking
 * read() on trace_pipe would be restarted or sleep through Ctrl-C, while
 * poll() returns EINTR as soon as the host's handler (no SA_RESTART) runs.
 */
#include "trace_pipe.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "features.h"

#define BUF_SIZE 65536

struct bl_trace_pipe {
	int fd;
	int cancel_fd;      /* readable = stop waiting (-EINTR), or -1 */
	size_t start, end;  /* unread bytes are buf[start, end) */
	char buf[BUF_SIZE + 1];
};

int bl_trace_pipe_open(struct bl_trace_pipe **out, struct bl_err *e)
{
	const char *fs = bl_tracefs(e);
	struct bl_trace_pipe *tp;
	char path[PATH_MAX];
	int err;

	*out = NULL;
	if (!fs)
		return -e->code;
	tp = calloc(1, sizeof(*tp));
	if (!tp)
		return bl_errf(e, ENOMEM, "trace_pipe: out of memory");
	snprintf(path, sizeof(path), "%s/trace_pipe", fs);
	tp->cancel_fd = -1;
	tp->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (tp->fd < 0) {
		err = errno;
		free(tp);
		bl_errf(e, err, "cannot open %s: %s", path, strerror(err));
		if (err == EACCES || err == EPERM)
			bl_err_append(e, "hint: reading bpf_trace_printk output needs root");
		return -err;
	}
	*out = tp;
	return 0;
}

void bl_trace_pipe_close(struct bl_trace_pipe *tp)
{
	if (!tp)
		return;
	close(tp->fd);
	free(tp);
}

/* A complete line from the buffer (newline replaced by NUL), or NULL. */
static char *take_line(struct bl_trace_pipe *tp, int *len)
{
	char *line = tp->buf + tp->start;
	char *nl = memchr(line, '\n', tp->end - tp->start);

	if (!nl)
		return NULL;
	*nl = '\0';
	*len = nl - line;
	tp->start = nl + 1 - tp->buf;
	return line;
}

/* Makes room for more: moves the partial line to the front; a line filling
 * the whole buffer is handed out as it is. */
static char *compact(struct bl_trace_pipe *tp, int *len)
{
	char *line;

	if (tp->start > 0) {
		memmove(tp->buf, tp->buf + tp->start, tp->end - tp->start);
		tp->end -= tp->start;
		tp->start = 0;
		return NULL;
	}
	if (tp->end < BUF_SIZE)
		return NULL;
	line = tp->buf;
	line[BUF_SIZE] = '\0';
	*len = BUF_SIZE;
	tp->start = tp->end = 0;
	return line;
}

void bl_trace_pipe_set_cancel_fd(struct bl_trace_pipe *tp, int fd)
{
	tp->cancel_fd = fd;
}

/* Waits for data; returns 1 when readable, 0 on timeout, -EINTR when
 * interrupted (a signal, or the cancel fd readable), other -errno. */
static int wait_readable(const struct bl_trace_pipe *tp, int nonblocking)
{
	struct pollfd p[2] = {
		{ .fd = tp->fd, .events = POLLIN },
		{ .fd = tp->cancel_fd, .events = POLLIN },
	};
	int n = poll(p, tp->cancel_fd >= 0 ? 2 : 1, nonblocking ? 0 : -1);

	if (n < 0)
		return -errno;
	if (tp->cancel_fd >= 0 && (p[1].revents & POLLIN))
		return -EINTR;
	return n > 0;
}

/* Reads what is there; returns bytes read, 0 when nothing yet, -errno. */
static int fill(struct bl_trace_pipe *tp, int nonblocking, struct bl_err *e)
{
	ssize_t n;
	int ready;

	for (;;) {
		ready = wait_readable(tp, nonblocking);
		if (ready == -EINTR)
			return bl_errf(e, EINTR, "trace_pipe: interrupted");
		if (ready < 0)
			return bl_errf(e, -ready, "trace_pipe: poll failed: %s", strerror(-ready));
		if (!ready)
			return 0;
		n = read(tp->fd, tp->buf + tp->end, BUF_SIZE - tp->end);
		if (n > 0) {
			tp->end += n;
			return n;
		}
		if (n < 0 && errno == EINTR)
			return bl_errf(e, EINTR, "trace_pipe: interrupted");
		if (n < 0 && errno != EAGAIN)
			return bl_errf(e, errno, "trace_pipe: read failed: %s", strerror(errno));
		if (nonblocking)
			return 0;
	}
}

static int is_blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return !*s;
}

int bl_trace_pipe_readline(struct bl_trace_pipe *tp, int nonblocking,
			   const char **line, struct bl_err *e)
{
	char *l;
	int len, n;

	for (;;) {
		l = take_line(tp, &len);
		if (!l)
			l = compact(tp, &len);
		if (l && !is_blank(l)) {
			*line = l;
			return len;
		}
		if (l)
			continue;
		n = fill(tp, nonblocking, e);
		if (n <= 0)
			return n;
	}
}
