/* attach_tracepoint.c - static kernel tracepoints through perf events.
 *
 * The tracepoint's id comes from tracefs; the program rides on a perf event
 * fd, so the attachment ends with the process. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "attach_int.h"
#include "features.h"

/* Tracepoint ids read so far: a later attach of the same tracepoint (the
 * attach after a prepare, see attach.h) reads no file. Ids stay as long as
 * the tracepoint exists. */
#define TP_CACHE 64
static struct { char name[192]; int id; } tp_cache[TP_CACHE];
static int tp_cached;

static int read_tp_id(const char *fs, const char *category, const char *event,
		      const char *what, struct bl_err *e)
{
	char path[PATH_MAX], buf[32] = "";
	int fd, n, err;

	snprintf(path, sizeof(path), "%s/events/%s/%s/id", fs, category, event);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT) {
			bl_errf(e, err, "%s: no such tracepoint in this kernel", what);
			bl_err_append(e, "hint: see %s/events/%s/ for the events of '%s', or test "
				      "with BPF.tracepoint_exists('%s', '%s')", fs, category,
				      category, category, event);
		} else {
			bl_errf(e, err, "%s: cannot read %s: %s", what, path, strerror(err));
		}
		return -err;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	err = errno;
	close(fd);
	if (n <= 0)
		return bl_errf(e, n < 0 ? err : EINVAL, "%s: cannot read %s", what, path);
	return atoi(buf);
}

static int tp_id(const char *category, const char *event, const char *what, struct bl_err *e)
{
	const char *fs;
	char name[192];
	int i, id;

	snprintf(name, sizeof(name), "%s:%s", category, event);
	for (i = 0; i < tp_cached; i++)
		if (!strcmp(tp_cache[i].name, name))
			return tp_cache[i].id;
	fs = bl_tracefs(e);
	if (!fs)
		return -e->code;
	id = read_tp_id(fs, category, event, what, e);
	if (id >= 0 && tp_cached < TP_CACHE) {
		snprintf(tp_cache[tp_cached].name, sizeof(tp_cache[0].name), "%s", name);
		tp_cache[tp_cached++].id = id;
	}
	return id;
}

static int perf_tp_open(int id)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.config = id,
		.sample_period = 1,
		.wakeup_events = 1,
	};

	/* cpu 0, any pid: a BPF program on a tracepoint runs on every CPU. */
	return syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
}

int bl_attach_perf_tracepoint(struct bpf_program *prog, const char *category,
			      const char *event, const char *what,
			      struct bpf_link **out, struct bl_err *e)
{
	int id = tp_id(category, event, what, e), pfd, err;

	if (id < 0)
		return id;
	pfd = perf_tp_open(id);
	if (pfd < 0) {
		err = errno;
		bl_errf(e, err, "%s: cannot open its perf event: %s", what, strerror(err));
		if (err == EACCES || err == EPERM)
			bl_err_append(e, "hint: needs root (CAP_PERFMON), or a lower "
				      "kernel.perf_event_paranoid");
		return -err;
	}
	*out = bpf_program__attach_perf_event(prog, pfd);
	if (!*out) {
		err = errno;
		close(pfd);
		bl_errf(e, err, "prog '%s': cannot attach to %s: %s",
			bpf_program__name(prog), what, strerror(err));
		if (err == EEXIST)
			bl_err_append(e, "hint: this function is already attached there");
		return -err;
	}
	return 0;
}

int bl_attach_tracepoint_prepare(const char *category, const char *event,
				 const char *what, struct bl_err *e)
{
	int id = tp_id(category, event, what, e);

	return id < 0 ? id : 0;
}

/* "category:event" into its halves; both non-empty, no path separators. */
static int split_tp(const char *tp, char *cat, size_t clen, char *ev, size_t elen)
{
	const char *colon = strchr(tp, ':');

	if (!colon || colon == tp || !colon[1] || (size_t)(colon - tp) >= clen ||
	    strlen(colon + 1) >= elen || strchr(tp, '/'))
		return -EINVAL;
	snprintf(cat, clen, "%.*s", (int)(colon - tp), tp);
	snprintf(ev, elen, "%s", colon + 1);
	return 0;
}

int bl_attach_tracepoint(struct bl_object *o, const char *fn, const char *tp,
			 struct bl_link **out, struct bl_err *e)
{
	char cat[128], ev[256], what[512];
	struct bpf_program *prog;
	struct bpf_link *link;
	int err;

	if (out)
		*out = NULL;
	if (bl_object_check_prog(o, fn, e))
		return -e->code;
	snprintf(what, sizeof(what), "tracepoint '%s'", tp);
	if (split_tp(tp, cat, sizeof(cat), ev, sizeof(ev))) {
		bl_errf(e, EINVAL, "%s: not a tracepoint name", what);
		bl_err_append(e, "hint: write it as \"category:event\", e.g. \"syscalls:sys_enter_sync\"");
		return -EINVAL;
	}
	/* Check the name before loading: a typo should not cost a verifier run. */
	err = bl_attach_tracepoint_prepare(cat, ev, what, e);
	if (err)
		return err;
	prog = bl_object_prog(o, &(struct bl_prog_spec){
		.fn = fn, .type = BPF_PROG_TYPE_TRACEPOINT }, e);
	if (!prog || !out)
		return prog ? 0 : -e->code;
	err = bl_attach_perf_tracepoint(prog, cat, ev, what, &link, e);
	return err ? err : bl_link_new(link, &(struct bl_link_spec){
		.kind = BL_PROBE_TRACEPOINT, .fn = fn, .target = tp }, out, e);
}
