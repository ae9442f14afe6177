/* compile_wire.c - see compile_wire.h */
#include "compile_wire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A program text or header is at most this long (the host reads sources
 * far smaller); a longer length means a garbled stream. */
#define MAX_STR (256u << 20)
#define MAX_CFLAGS 4096

static void put_str(FILE *f, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : BL_WIRE_NULL;

	fwrite(&n, sizeof(n), 1, f);
	if (s)
		fwrite(s, 1, n, f);
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		p += k;
		n -= k;
	}
	return 0;
}

int bl_wire_send_request(int fd, const struct bl_compile_opts *o, long mem_mib)
{
	const char *fixed[BL_WIRE_FIXED_STRS] = {
		o->text, o->filename, o->vmlinux_h, o->include_dir, o->kernel_header,
		o->kheaders_src, o->kheaders_build,
	};
	struct bl_wire_request h = {
		.n_strs = BL_WIRE_FIXED_STRS + o->n_cflags, .debug = o->debug,
		.no_pch = o->no_pch, .mem_mib = mem_mib,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int i, err;

	if (!f)
		return -ENOMEM;
	fwrite(&h, sizeof(h), 1, f);
	for (i = 0; i < BL_WIRE_FIXED_STRS; i++)
		put_str(f, fixed[i]);
	for (i = 0; i < o->n_cflags; i++)
		put_str(f, o->cflags[i]);
	err = fclose(f) ? -ENOMEM : send_all(fd, buf, len);
	free(buf);
	return err;
}

/* Exactly n bytes; -EPIPE at the end of the stream. */
static int read_exact(int fd, void *p, size_t n)
{
	while (n) {
		ssize_t k = read(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k ? -errno : -EPIPE;
		p = (char *)p + k;
		n -= k;
	}
	return 0;
}

static int get_str(int fd, char **out)
{
	uint32_t n;
	int err = read_exact(fd, &n, sizeof(n));

	*out = NULL;
	if (err || n == BL_WIRE_NULL)
		return err;
	if (n > MAX_STR)
		return -EPROTO;
	*out = malloc(n + 1);
	if (!*out)
		return -ENOMEM;
	(*out)[n] = '\0';
	return read_exact(fd, *out, n);
}

static void set_opts(struct bl_wire_opts *w, const struct bl_wire_request *h)
{
	char **s = w->strs;

	w->o = (struct bl_compile_opts){
		.text = s[0], .filename = s[1], .vmlinux_h = s[2], .include_dir = s[3],
		.kernel_header = s[4], .kheaders_src = s[5], .kheaders_build = s[6],
		.cflags = (const char *const *)(s + BL_WIRE_FIXED_STRS),
		.n_cflags = (int)(w->n_strs - BL_WIRE_FIXED_STRS), .debug = h->debug,
		.no_pch = h->no_pch,
	};
}

int bl_wire_read_request(int fd, struct bl_wire_opts *w)
{
	struct bl_wire_request h;
	uint32_t i;
	int err = read_exact(fd, &h, sizeof(h));

	memset(w, 0, sizeof(*w));
	if (err)
		return err;
	if (h.n_strs < BL_WIRE_FIXED_STRS || h.n_strs > BL_WIRE_FIXED_STRS + MAX_CFLAGS)
		return -EPROTO;
	w->strs = calloc(h.n_strs, sizeof(*w->strs));
	if (!w->strs)
		return -ENOMEM;
	w->n_strs = h.n_strs;
	for (i = 0; i < h.n_strs && !err; i++)
		err = get_str(fd, &w->strs[i]);
	for (i = BL_WIRE_FIXED_STRS; i < h.n_strs && !err; i++)
		if (!w->strs[i])
			err = -EPROTO;
	if (err) {
		bl_wire_opts_free(w);
		return err;
	}
	w->mem_mib = h.mem_mib;
	set_opts(w, &h);
	return 0;
}

void bl_wire_opts_free(struct bl_wire_opts *w)
{
	uint32_t i;

	for (i = 0; w->strs && i < w->n_strs; i++)
		free(w->strs[i]);
	free(w->strs);
	memset(w, 0, sizeof(*w));
}
