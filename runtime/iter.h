/* iter.h - running BPF iterators (BPF_ITER programs) once, and the
 * iterator targets this kernel has.
 *
 * A run attaches the loaded program (a BPF_TRACE_ITER link, given a map
 * for the iterators over one map's elements), creates an iterator from
 * the link, reads it to its end and closes both: nothing outlives the
 * call but the program, which belongs to its object.
 */
#ifndef BL_ITER_H
#define BL_ITER_H

#include <stddef.h>

#include "err.h"

struct bpf_program;

/* What one iterator runs over (union bpf_iter_link_info); at most one of
 * map_fd, pid/tid, cgroup is set: the kernel reads the same bytes as
 * whichever its target takes. */
struct bl_iter_opts {
	int map_fd;		/* bpf_map_elem, bpf_sk_storage_map, sockmap: the map; -1 */
	int pid, tid;		/* task, task_file, task_vma: one process or thread; 0: all */
	const char *cgroup;	/* cgroup: a cgroup v2 directory (NULL: the root) ... */
	int cgroup_fd;		/* ... or an fd open on one (-1) */
	int order;		/* cgroup: enum bpf_cgroup_iter_order; 0 for the others */
};

/* Runs prog (loaded as an iterator) over what o says. *out: all the text
 * the program wrote (malloc'd, NUL-terminated, *len bytes without the
 * NUL). 0, or -errno with e filled (the kernel's reason for a failed
 * attach or read). */
int bl_iter_read(struct bpf_program *prog, const struct bl_iter_opts *o, char **out,
		 size_t *len, struct bl_err *e);

/* The iterator targets of the running kernel, from its BTF: each target
 * X has a context struct bpf_iter__X and an attach function bpf_iter_X.
 * *names: sorted, malloc'd array of n pointers into the kernel's BTF
 * (valid for the process); free the array only. 0 or -errno with e. */
int bl_iter_targets(const char ***names, int *n, struct bl_err *e);

#endif
