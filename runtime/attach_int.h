/* attach_int.h - what the attach_*.c files share; not an API. */
#ifndef BL_ATTACH_INT_H
#define BL_ATTACH_INT_H

#include "attach.h"
#include "loader.h"

struct bpf_link;
struct bpf_program;

/* What a link is: filled with designated initializers by each attach_*.c. */
struct bl_link_spec {
	enum bl_probe_kind kind;
	const char *fn;         /* the BPF function */
	const char *target;     /* what the user asked for */
	const char *via;        /* NULL when attached as asked, else the fallback */
	const char *why;        /* with via: why the probe asked for was not used */
};

/* Wraps a libbpf link (taken over, also on failure). */
int bl_link_new(struct bpf_link *link, const struct bl_link_spec *s,
		struct bl_link **out, struct bl_err *e);

/* Wraps a file descriptor whose closing detaches (taken over, also on
 * failure). */
int bl_link_new_fd(int fd, const struct bl_link_spec *s, struct bl_link **out,
		   struct bl_err *e);

/* The start of an attach by fd (attach.h, "Prepare"): clears *out (when
 * not NULL) and loads fn as prog_type for attach_type. Returns the program
 * to attach, or NULL with *err the result to return: -errno (e set) when
 * the load failed, 0 when out is NULL (only preparing). */
static inline struct bpf_program *bl_attach_begin(struct bl_object *o, const char *fn,
						  int prog_type, int attach_type,
						  struct bl_link **out, int *err, struct bl_err *e)
{
	struct bpf_program *prog;

	if (out)
		*out = NULL;
	prog = bl_object_prog(o, &(struct bl_prog_spec){
		.fn = fn, .type = prog_type, .expected_attach_type = attach_type }, e);
	*err = prog ? 0 : -e->code;
	return out ? prog : NULL;
}

/* Wraps what bpf_prog_attach(prog_fd, target_fd, attach_type) attached:
 * destroying the link detaches it (bpf_prog_detach2). The link keeps
 * duplicates of both fds (the caller keeps its own); on failure the
 * attachment is undone. */
int bl_link_new_prog_attach(int prog_fd, int target_fd, int attach_type,
			    const struct bl_link_spec *s, struct bl_link **out,
			    struct bl_err *e);

/* Attaches a loaded tracepoint program to category:event through a perf
 * event; `what` names the probe in messages ("tracepoint 'a:b'"). */
int bl_attach_perf_tracepoint(struct bpf_program *prog, const char *category,
			      const char *event, const char *what,
			      struct bpf_link **out, struct bl_err *e);

/* Reads (once per process) the id of category:event, so that attaching
 * to it later reads no file; 0 or -errno. */
int bl_attach_tracepoint_prepare(const char *category, const char *event,
				 const char *what, struct bl_err *e);

/* Attaches s->fn as fentry (fexit for the ret kinds) of the kernel function
 * s->target with the given flavor (kfunc, or the kprobe fallback). */
int bl_attach_fentry(struct bl_object *o, const struct bl_link_spec *s, int flavor,
		     struct bl_link **out, struct bl_err *e);

/* Loads fn as a uprobe program; NULL (e set, naming `what`) when the kernel
 * has no uprobe PMU or the load fails. USDT probes are uprobes too. */
struct bpf_program *bl_uprobe_prog(struct bl_object *o, const char *fn, const char *what,
				   struct bl_err *e);

/* The number of arguments of a kernel function per its BTF, or -errno. */
int bl_kfunc_nargs(const char *func);

#endif
