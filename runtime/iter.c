/* iter.c - see iter.h */
#include "iter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btf/kernel_btf.h"

/* Reads fd to its end into a growing buffer. */
static int read_all(int fd, char **out, size_t *len, struct bl_err *e)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), *nb;
	ssize_t r;

	if (!buf)
		return bl_errf(e, ENOMEM, "out of memory");
	for (;;) {
		if (cap - n < 4096 + 1) {
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return bl_errf(e, ENOMEM, "out of memory");
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r == 0)
			break;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;

			free(buf);
			return bl_errf(e, err, "reading the iterator: %s", strerror(err));
		}
		n += r;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

/* The link info o gives, *cg_fd the cgroup directory it opened (or -1). */
static int link_info(const struct bl_iter_opts *o, union bpf_iter_link_info *info, int *cg_fd,
		     struct bl_err *e)
{
	memset(info, 0, sizeof(*info));
	*cg_fd = -1;
	if (o->map_fd >= 0) {
		info->map.map_fd = o->map_fd;
	} else if (o->pid || o->tid) {
		info->task.pid = o->pid;
		info->task.tid = o->tid;
	} else if (o->order) {
		info->cgroup.order = o->order;
		if (o->cgroup) {
			*cg_fd = open(o->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (*cg_fd < 0)
				return bl_errf(e, errno, "cannot open cgroup '%s': %s", o->cgroup,
					       strerror(errno));
		}
		info->cgroup.cgroup_fd = *cg_fd >= 0 ? *cg_fd : o->cgroup_fd >= 0 ? o->cgroup_fd : 0;
	} else {
		return 1;	/* none */
	}
	return 0;
}

int bl_iter_read(struct bpf_program *prog, const struct bl_iter_opts *o, char **out,
		 size_t *len, struct bl_err *e)
{
	union bpf_iter_link_info info;
	LIBBPF_OPTS(bpf_iter_attach_opts, opts);
	struct bpf_link *link;
	int fd, cg_fd, err;

	err = link_info(o, &info, &cg_fd, e);
	if (err < 0)
		return err;
	if (!err) {
		opts.link_info = &info;
		opts.link_info_len = sizeof(info);
	}
	link = bpf_program__attach_iter(prog, &opts);
	err = errno;
	if (cg_fd >= 0)
		close(cg_fd);	/* the link holds the cgroup itself */
	if (!link) {
		bl_errf(e, err, "prog '%s': cannot attach the iterator: %s",
			bpf_program__name(prog), strerror(err));
		if (o->order && err == EBADF)
			bl_err_append(e, "hint: cgroup must be a directory of a cgroup file system");
		return -err;
	}
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		err = errno;
		bpf_link__destroy(link);
		return bl_errf(e, err, "prog '%s': cannot create the iterator: %s",
			       bpf_program__name(prog), strerror(err));
	}
	err = read_all(fd, out, len, e);
	close(fd);
	bpf_link__destroy(link);
	return err;
}

/* Whether the BTF type t is the context struct of a target: struct
 * bpf_iter__X with a function bpf_iter_X beside it. */
static const char *target_of(const struct btf *btf, const struct btf_type *t)
{
	const char *name = btf__name_by_offset(btf, t->name_off), *x;
	char fn[128];

	if (!btf_is_struct(t) || !name || strncmp(name, "bpf_iter__", 10))
		return NULL;
	x = name + 10;
	if (snprintf(fn, sizeof(fn), "bpf_iter_%s", x) >= (int)sizeof(fn) ||
	    btf__find_by_name_kind(btf, fn, BTF_KIND_FUNC) < 0)
		return NULL;
	return x;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int bl_iter_targets(const char ***names, int *n, struct bl_err *e)
{
	const struct btf *btf = bl_kernel_btf(e);
	const char **v = NULL, **nv, *x;
	int i, cnt = 0, cap = 0;

	if (!btf)
		return -e->code;
	for (i = 1; i < (int)btf__type_cnt(btf); i++) {
		if (!(x = target_of(btf, btf__type_by_id(btf, i))))
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 32;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return bl_errf(e, ENOMEM, "out of memory");
			}
			v = nv;
		}
		v[cnt++] = x;
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_names);
	*names = v;
	*n = cnt;
	return 0;
}
