/* attach_int.h - what the attach_*.c files share; not an API. */
#ifndef BL_ATTACH_INT_H
#define BL_ATTACH_INT_H

#include "attach.h"
#include "loader.h"

struct bpf_link;
struct bpf_program;

/* Wraps a libbpf link (taken over, also on failure). `via` may be NULL. */
int bl_link_new(struct bpf_link *link, enum bl_probe_kind kind, const char *fn,
		const char *target, const char *via, struct bl_link **out,
		struct bl_err *e);

/* Loads fn as the given type/flavor (see bl_object_prog). */
struct bpf_program *bl_attach_prog(struct bl_object *o, const char *fn,
				   enum bpf_prog_type type, enum bpf_attach_type eat,
				   const char *attach_func, int flavor, int nargs,
				   struct bl_err *e);

/* Attaches a loaded tracepoint program to category:event through a perf
 * event; `what` names the probe in messages ("tracepoint 'a:b'"). */
int bl_attach_perf_tracepoint(struct bpf_program *prog, const char *category,
			      const char *event, const char *what,
			      struct bpf_link **out, struct bl_err *e);

/* Attaches fn as fentry/fexit of func with the given flavor (kfunc, or the
 * kprobe fallback). */
int bl_attach_fentry(struct bl_object *o, const char *fn, const char *func, int ret,
		     int flavor, const char *via, enum bl_probe_kind kind,
		     struct bl_link **out, struct bl_err *e);

/* The number of arguments of a kernel function per its BTF, or -errno. */
int bl_kfunc_nargs(const char *func);

#endif
