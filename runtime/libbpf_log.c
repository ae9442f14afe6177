/* libbpf_log.c - see libbpf_log.h */
#include "libbpf_log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

/* Enough for the messages of one failing open/load; older ones are dropped. */
#define CAPTURE_MAX 16384

static char captured[CAPTURE_MAX];
static size_t captured_len;
static char last_line[512];

static void keep_last_line(const char *msg)
{
	size_t n = strlen(msg);

	while (n && msg[n - 1] == '\n')
		n--;
	if (!n)
		return;
	if (n >= sizeof(last_line))
		n = sizeof(last_line) - 1;
	memcpy(last_line, msg, n);
	last_line[n] = '\0';
}

static int capture(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char msg[1024];
	size_t n;

	if (level == LIBBPF_DEBUG)
		return 0;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n >= sizeof(msg))
		n = sizeof(msg) - 1;
	if (captured_len + n >= CAPTURE_MAX)
		captured_len = 0;  /* keep the newest messages */
	memcpy(captured + captured_len, msg, n);
	captured_len += n;
	captured[captured_len] = '\0';
	if (level == LIBBPF_WARN)
		keep_last_line(msg);
	return 0;
}

void bl_libbpf_log_begin(void)
{
	static int installed;

	if (!installed) {
		libbpf_set_print(capture);
		installed = 1;
	}
	captured_len = 0;
	captured[0] = '\0';
	last_line[0] = '\0';
}

char *bl_libbpf_log_take(void)
{
	char *copy = captured_len ? strdup(captured) : NULL;

	captured_len = 0;
	captured[0] = '\0';
	return copy;
}

const char *bl_libbpf_log_last(void)
{
	return last_line;
}

const char *bl_libbpf_strerror(int err)
{
	static char buf[128];

	if (libbpf_strerror(err < 0 ? err : -err, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "%s", strerror(err < 0 ? -err : err));
	return buf;
}

int bl_libbpf_errno(int err)
{
	if (err < 0)
		err = -err;
	return err >= __LIBBPF_ERRNO__START ? -EINVAL : -err;
}
