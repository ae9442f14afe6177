/* link.c - struct bl_link: a libbpf link, a file descriptor whose closing
 * detaches (a kernel BPF link, a socket with a filter), or a
 * bpf_prog_attach attachment undone by bpf_prog_detach2 (kernels without a
 * link for it), and what it is attached to. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach_int.h"

struct bl_link {
	struct bpf_link *link;	/* NULL when fd is the attachment */
	int fd;
	int prog_fd;		/* >= 0: attached to fd with bpf_prog_attach */
	int attach_type;	/* then: its attach type */
	struct bl_link_info info;
};

/* 1 the first time this probe kind falls back to this mechanism (the first
 * word of via: "tracepoint", "fentry") in the process. */
static int first_fallback(enum bl_probe_kind kind, const char *via)
{
	static struct { enum bl_probe_kind kind; char mech[32]; } seen[32];
	static int n;
	size_t len = strcspn(via, " ");
	int i;

	for (i = 0; i < n; i++)
		if (seen[i].kind == kind && strlen(seen[i].mech) == len &&
		    !strncmp(seen[i].mech, via, len))
			return 0;
	if (n < (int)(sizeof(seen) / sizeof(seen[0]))) {
		seen[n].kind = kind;
		snprintf(seen[n++].mech, sizeof(seen[0].mech), "%.*s", (int)len, via);
	}
	return 1;
}

int bl_link_new(struct bpf_link *link, const struct bl_link_spec *s,
		struct bl_link **out, struct bl_err *e)
{
	struct bl_link *l = calloc(1, sizeof(*l));
	struct bl_link_info *i;

	*out = NULL;
	if (!l) {
		bpf_link__destroy(link);
		return bl_errf(e, ENOMEM, "prog '%s': out of memory", s->fn);
	}
	l->link = link;
	l->fd = -1;
	l->prog_fd = -1;
	i = &l->info;
	i->kind = s->kind;
	snprintf(i->fn, sizeof(i->fn), "%s", s->fn);
	snprintf(i->target, sizeof(i->target), "%s", s->target);
	snprintf(i->via, sizeof(i->via), "%s", s->via ? s->via : "");
	if (s->via && first_fallback(s->kind, s->via))
		snprintf(i->note, sizeof(i->note), "%s; attached %s via %s",
			 s->why ? s->why : "the probe could not attach as asked", s->target, s->via);
	*out = l;
	return 0;
}

int bl_link_new_fd(int fd, const struct bl_link_spec *s, struct bl_link **out,
		   struct bl_err *e)
{
	int err = bl_link_new(NULL, s, out, e);

	if (err) {
		close(fd);
		return err;
	}
	(*out)->fd = fd;
	return 0;
}

int bl_link_new_prog_attach(int prog_fd, int target_fd, int attach_type,
			    const struct bl_link_spec *s, struct bl_link **out, struct bl_err *e)
{
	int pfd = fcntl(prog_fd, F_DUPFD_CLOEXEC, 3);
	int tfd = fcntl(target_fd, F_DUPFD_CLOEXEC, 3);
	int err = 0;

	*out = NULL;
	if (pfd < 0 || tfd < 0)
		err = bl_errf(e, errno, "prog '%s': attached to %s, but cannot keep its fds: %s",
			      s->fn, s->target, strerror(errno));
	err = err ?: bl_link_new(NULL, s, out, e);
	if (err) {
		bpf_prog_detach2(prog_fd, target_fd, attach_type);
		if (pfd >= 0)
			close(pfd);
		if (tfd >= 0)
			close(tfd);
		return err;
	}
	(*out)->fd = tfd;
	(*out)->prog_fd = pfd;
	(*out)->attach_type = attach_type;
	return 0;
}

int bl_link_fd(const struct bl_link *l)
{
	return l->link ? bpf_link__fd(l->link) : l->fd;
}

const struct bl_link_info *bl_link_info(const struct bl_link *l)
{
	return &l->info;
}

void bl_link_destroy(struct bl_link *l)
{
	if (!l)
		return;
	if (l->link)
		bpf_link__destroy(l->link);
	if (l->prog_fd >= 0) {
		bpf_prog_detach2(l->prog_fd, l->fd, l->attach_type);
		close(l->prog_fd);
	}
	if (!l->link && l->fd >= 0)
		close(l->fd);
	free(l);
}
