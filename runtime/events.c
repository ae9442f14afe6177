/* events.c - perf and ring buffers drained pull-style (events.h, and the
 * record accessors of ffi.h). */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <linux/perf_event.h>

#include "events.h"
#include "ffi.h"
#include "metrics.h"

struct bl_events {
	char name[64];                  /* the map, for messages */
	struct perf_buffer *pb;         /* one of pb, rb */
	struct ring_buffer *rb;
	/* the batch: record bytes back to back (8-aligned), and the records;
	 * while draining, recs[i].data holds the offset into buf */
	char *buf;
	size_t len, cap;
	struct bl_event_rec *recs;
	int n, ncap;
	int oom;                        /* a record did not fit in memory */
	uint64_t lost;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 64;
	void *q;

	while (c < need)
		c *= 2;
	if (c == *cap)
		return 0;
	q = realloc(*p, c * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

/* Appends one record to the batch; -ENOMEM when it cannot. */
static int add(struct bl_events *ev, int cpu, const void *data, size_t size)
{
	size_t off = (ev->len + 7) & ~(size_t)7, ncap = ev->ncap;

	if (grow((void **)&ev->buf, &ev->cap, off + size, 1) ||
	    grow((void **)&ev->recs, &ncap, ev->n + 1, sizeof(*ev->recs))) {
		ev->oom = 1;
		return -ENOMEM;
	}
	ev->ncap = (int)ncap;
	memcpy(ev->buf + off, data, size);
	ev->recs[ev->n].data = (const void *)(uintptr_t)off;
	ev->recs[ev->n].size = (uint32_t)size;
	ev->recs[ev->n].cpu = cpu;
	ev->n++;
	ev->len = off + size;
	return 0;
}

static void reset(struct bl_events *ev)
{
	ev->len = 0;
	ev->n = 0;
	ev->oom = 0;
}

/* Offsets become pointers once the buffer no longer moves. */
static void fix_pointers(struct bl_events *ev)
{
	for (int i = 0; i < ev->n; i++)
		ev->recs[i].data = ev->buf + (uintptr_t)ev->recs[i].data;
}

/* A perf sample: header, u32 size, the bytes; a lost record: header, id, count. */
struct sample { struct perf_event_header h; uint32_t size; char data[]; };
struct lost { struct perf_event_header h; uint64_t id, lost; };

static enum bpf_perf_event_ret on_perf(void *ctx, int cpu, struct perf_event_header *h)
{
	struct bl_events *ev = ctx;

	if (h->type == PERF_RECORD_SAMPLE) {
		struct sample *s = (struct sample *)h;

		if (add(ev, cpu, s->data, s->size))
			return LIBBPF_PERF_EVENT_ERROR;
	} else if (h->type == PERF_RECORD_LOST) {
		ev->lost += ((struct lost *)h)->lost;
		bl_metrics_note_lost(((struct lost *)h)->lost);
	}
	return LIBBPF_PERF_EVENT_CONT;
}

static int on_ring(void *ctx, void *data, size_t size)
{
	return add(ctx, -1, data, size);
}

static struct bl_events *new_events(const char *name, struct bl_err *e)
{
	struct bl_events *ev = calloc(1, sizeof(*ev));

	if (!ev) {
		bl_errf(e, ENOMEM, "table '%s': out of memory", name);
		return NULL;
	}
	snprintf(ev->name, sizeof(ev->name), "%s", name);
	return ev;
}

struct bl_events *bl_events_open_perf(int map_fd, const char *name, int page_cnt,
				      int wakeup_events, struct bl_err *e)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_RAW,
		.sample_period = 1,
		.wakeup_events = wakeup_events > 0 ? wakeup_events : 1,
	};
	struct bl_events *ev;
	int err;

	if (page_cnt <= 0 || (page_cnt & (page_cnt - 1))) {
		bl_errf(e, EINVAL, "table '%s': open_perf_buffer: page_cnt must be a power of 2, got %d",
			name, page_cnt);
		return NULL;
	}
	ev = new_events(name, e);
	if (!ev)
		return NULL;
	ev->pb = perf_buffer__new_raw(map_fd, page_cnt, &attr, on_perf, ev, NULL);
	if (!ev->pb) {
		err = errno;
		bl_errf(e, err, "table '%s': open_perf_buffer failed: %s%s", name, strerror(err),
			err == EPERM ? " (hint: run as root, or raise RLIMIT_MEMLOCK)" : "");
		free(ev);
		return NULL;
	}
	return ev;
}

struct bl_events *bl_events_open_ring(int map_fd, const char *name, struct bl_err *e)
{
	struct bl_events *ev = new_events(name, e);
	int err;

	if (!ev)
		return NULL;
	ev->rb = ring_buffer__new(map_fd, on_ring, ev, NULL);
	if (!ev->rb) {
		err = errno;
		bl_errf(e, err, "table '%s': open_ring_buffer failed: %s", name, strerror(err));
		free(ev);
		return NULL;
	}
	return ev;
}

void bl_events_free(struct bl_events *ev)
{
	if (!ev)
		return;
	perf_buffer__free(ev->pb);
	ring_buffer__free(ev->rb);
	free(ev->buf);
	free(ev->recs);
	free(ev);
}

static int drain(struct bl_events *ev, struct bl_err *e)
{
	int r = ev->pb ? perf_buffer__consume(ev->pb) : ring_buffer__consume(ev->rb);

	fix_pointers(ev);
	if (ev->oom)
		return bl_errf(e, ENOMEM, "table '%s': out of memory for %d events", ev->name, ev->n);
	if (r < 0)
		return bl_errf(e, -r, "table '%s': reading events failed: %s", ev->name, strerror(-r));
	return ev->n;
}

int bl_events_consume(struct bl_events *ev, struct bl_err *e)
{
	reset(ev);
	return drain(ev, e);
}

static int epoll_fd(const struct bl_events *ev)
{
	return ev->pb ? perf_buffer__epoll_fd(ev->pb) : ring_buffer__epoll_fd(ev->rb);
}

int bl_events_poll(struct bl_events **evs, int n, int timeout_ms, int intr_fd,
		   struct bl_err *e)
{
	struct pollfd fds[n + 1];
	int i, r, total = 0;

	for (i = 0; i < n; i++) {
		reset(evs[i]);
		fds[i] = (struct pollfd){ .fd = epoll_fd(evs[i]), .events = POLLIN };
	}
	fds[n] = (struct pollfd){ .fd = intr_fd, .events = POLLIN };
	do
		r = poll(fds, n + 1, timeout_ms);
	while (r < 0 && errno == EINTR && !(intr_fd >= 0 && poll(&fds[n], 1, 0) > 0));
	if (r < 0 && errno != EINTR)
		return bl_errf(e, errno, "polling event buffers failed: %s", strerror(errno));
	if (r < 0 || (intr_fd >= 0 && fds[n].revents))
		return -EINTR;
	for (i = 0; i < n; i++) {
		r = drain(evs[i], e);
		if (r < 0)
			return r;
		total += r;
	}
	return total;
}

int bl_events_count(const struct bl_events *ev)
{
	return ev->n;
}

const struct bl_event_rec *bl_events_records(const struct bl_events *ev)
{
	return ev->recs;
}

uint64_t bl_events_take_lost(struct bl_events *ev)
{
	uint64_t n = ev->lost;

	ev->lost = 0;
	return n;
}
