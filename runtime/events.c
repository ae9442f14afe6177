/* events.c - perf and ring buffers read in place (events.h, and the chunk
 * accessors of ffi.h). */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/perf_event.h>

#include "events.h"
#include "ffi.h"
#include "metrics.h"

#define CHUNK 256

/* The kernel's ring buffer record header (BPF_RINGBUF_HDR_SZ). */
#define RB_BUSY (1U << 31)
#define RB_DISCARD (1U << 30)
#define RB_HDR 8

/* One perf ring (one CPU). tail is where reading stands; the kernel sees
 * it when the chunk is released. */
struct pcpu {
	struct perf_event_mmap_page *hdr;
	char *data;
	uint64_t size, tail;
	int cpu;
	char *wrap;                     /* a record that wrapped, made whole */
	size_t wrap_cap;
};

struct bl_events {
	char name[64];                  /* the map, for messages */
	/* ring buffer: consumer page (ours), producer page, data twice */
	int ring_fd;
	__u64 *cons;
	uint64_t pos;                   /* read up to here */
	void *prod_map;
	const char *ring_data;
	size_t prod_len;
	uint64_t mask;
	/* perf buffer: one ring per CPU, read from cur on */
	struct perf_buffer *pb;
	struct pcpu *cpus;
	int ncpu, cur;
	struct bl_event_rec recs[CHUNK];
	uint64_t lost;
};

static struct bl_events *new_events(const char *name, struct bl_err *e)
{
	struct bl_events *ev = calloc(1, sizeof(*ev));

	if (!ev) {
		bl_errf(e, ENOMEM, "table '%s': out of memory", name);
		return NULL;
	}
	snprintf(ev->name, sizeof(ev->name), "%s", name);
	ev->ring_fd = -1;
	return ev;
}

static uint64_t load_acquire(const volatile __u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_release(volatile __u64 *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* ---------------------------------------------------------- ring buffers */

struct bl_events *bl_events_open_ring(int map_fd, const char *name, struct bl_err *e)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);
	long page = sysconf(_SC_PAGESIZE);
	struct bl_events *ev;
	void *p;
	int err;

	if (bpf_obj_get_info_by_fd(map_fd, &info, &len)) {
		err = errno;
		bl_errf(e, err, "table '%s': open_ring_buffer failed: %s", name, strerror(err));
		return NULL;
	}
	ev = new_events(name, e);
	if (!ev)
		return NULL;
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	ev->cons = p;
	ev->prod_len = page + 2 * (size_t)info.max_entries;
	p = mmap(NULL, ev->prod_len, PROT_READ, MAP_SHARED, map_fd, page);
	if (p == MAP_FAILED)
		goto fail;
	ev->prod_map = p;
	ev->ring_data = (const char *)p + page;
	ev->mask = info.max_entries - 1;
	ev->ring_fd = map_fd;
	ev->pos = load_acquire(ev->cons);
	return ev;
fail:
	err = errno;
	bl_errf(e, err, "table '%s': open_ring_buffer failed: mapping the ring: %s", name,
		strerror(err));
	bl_events_free(ev);
	return NULL;
}

static uint64_t ring_prod(const struct bl_events *ev)
{
	return load_acquire((const __u64 *)ev->prod_map);
}

static int ring_next(struct bl_events *ev)
{
	const char *data = ev->ring_data;
	uint64_t pos = ev->pos, prod = ring_prod(ev);
	int n = 0;

	while (pos < prod && n < CHUNK) {
		const uint32_t *hdr = (const uint32_t *)(data + (pos & ev->mask));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

		if (len & RB_BUSY)
			break;
		pos += ((len & ~(RB_BUSY | RB_DISCARD)) + RB_HDR + 7) & ~7ULL;
		if (!(len & RB_DISCARD))
			ev->recs[n++] = (struct bl_event_rec){ (const char *)hdr + RB_HDR, len, -1 };
		if (pos >= prod)
			prod = ring_prod(ev);
	}
	ev->pos = pos;
	return n;
}

/* ---------------------------------------------------------- perf buffers */

/* The online CPUs below max (a list such as "0-3,5"); -errno. */
static int online_cpus(int *cpus, int max)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
	int a, b, n = 0;
	char sep;

	if (!f)
		return -errno;
	while (fscanf(f, "%d", &a) == 1) {
		b = a;
		sep = (char)fgetc(f);
		if (sep == '-') {
			if (fscanf(f, "%d", &b) != 1)
				break;
			sep = (char)fgetc(f);
		}
		for (; a <= b && n < max; a++)
			cpus[n++] = a;
		if (sep != ',')
			break;
	}
	fclose(f);
	return n ? n : -EINVAL;
}

static int perf_setup(struct bl_events *ev, int map_fd, int page_cnt,
		      struct perf_event_attr *attr, struct bl_err *e)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);
	int *cpus, n, err;
	LIBBPF_OPTS(perf_buffer_raw_opts, o);

	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return bl_errf(e, errno, "table '%s': open_perf_buffer failed: %s", ev->name,
			       strerror(errno));
	cpus = calloc(info.max_entries ? info.max_entries : 1, sizeof(*cpus));
	n = cpus ? online_cpus(cpus, (int)info.max_entries) : -ENOMEM;
	if (n < 0) {
		free(cpus);
		return bl_errf(e, -n, "table '%s': open_perf_buffer: listing the online CPUs failed: %s",
			       ev->name, strerror(-n));
	}
	o.cpu_cnt = n;
	o.cpus = cpus;
	o.map_keys = cpus;
	ev->pb = perf_buffer__new_raw(map_fd, page_cnt, attr, NULL, NULL, &o);
	err = errno;
	ev->cpus = calloc(n, sizeof(*ev->cpus));
	for (int i = 0; ev->pb && ev->cpus && i < n; i++) {
		void *base;
		size_t sz;

		if (perf_buffer__buffer(ev->pb, i, &base, &sz))
			break;
		ev->cpus[i] = (struct pcpu){ .hdr = base, .data = (char *)base + sysconf(_SC_PAGESIZE),
					     .size = sz, .cpu = cpus[i] };
		ev->cpus[i].tail = ev->cpus[i].hdr->data_tail;
		ev->ncpu = i + 1;
	}
	free(cpus);
	if (!ev->pb)
		return bl_errf(e, err, "table '%s': open_perf_buffer failed: %s%s", ev->name,
			       strerror(err), err == EPERM ?
			       " (hint: run as root, or raise RLIMIT_MEMLOCK)" : "");
	if (ev->ncpu != n)
		return bl_errf(e, ENOMEM, "table '%s': open_perf_buffer: out of memory", ev->name);
	return 0;
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

	if (page_cnt <= 0 || (page_cnt & (page_cnt - 1))) {
		bl_errf(e, EINVAL, "table '%s': open_perf_buffer: page_cnt must be a power of 2, got %d",
			name, page_cnt);
		return NULL;
	}
	ev = new_events(name, e);
	if (ev && perf_setup(ev, map_fd, page_cnt, &attr, e)) {
		bl_events_free(ev);
		return NULL;
	}
	return ev;
}

/* A perf sample: header, u32 size, the bytes; a lost record: header, id, count. */
struct sample { struct perf_event_header h; uint32_t size; char data[]; };
struct lost { struct perf_event_header h; uint64_t id, lost; };

/* The record at c->tail, made contiguous when it wraps; NULL: no memory. */
static const struct perf_event_header *perf_record(struct pcpu *c)
{
	uint64_t off = c->tail & (c->size - 1);
	const struct perf_event_header *h = (const void *)(c->data + off);
	size_t first;

	if (off + h->size <= c->size)
		return h;
	if (c->wrap_cap < h->size) {
		char *p = realloc(c->wrap, h->size);

		if (!p)
			return NULL;
		c->wrap = p;
		c->wrap_cap = h->size;
	}
	first = c->size - off;
	memcpy(c->wrap, h, first);
	memcpy(c->wrap + first, c->data, h->size - first);
	return (const void *)c->wrap;
}

/* Reads CPU c's records into the chunk from n on; the new count, or -ENOMEM.
 * At most one record per ring wraps in a pass, so one wrap buffer does. */
static int perf_cpu_next(struct bl_events *ev, struct pcpu *c, int n)
{
	uint64_t head = load_acquire(&c->hdr->data_head);

	while (c->tail < head && n < CHUNK) {
		const struct perf_event_header *h = perf_record(c);

		if (!h)
			return -ENOMEM;
		if (h->type == PERF_RECORD_SAMPLE) {
			const struct sample *s = (const void *)h;

			ev->recs[n++] = (struct bl_event_rec){ s->data, s->size, c->cpu };
		} else if (h->type == PERF_RECORD_LOST) {
			ev->lost += ((const struct lost *)h)->lost;
			bl_metrics_note_lost(((const struct lost *)h)->lost);
		}
		c->tail += h->size;
	}
	return n;
}

static int perf_next(struct bl_events *ev)
{
	int n = 0;

	for (; ev->cur < ev->ncpu; ev->cur++) {
		n = perf_cpu_next(ev, &ev->cpus[ev->cur], n);
		if (n < 0 || n == CHUNK)
			return n;
	}
	ev->cur = 0;
	return n;
}

/* ---------------------------------------------------------- both */

void bl_events_release(struct bl_events *ev)
{
	if (ev->cons) {
		if (load_acquire(ev->cons) != ev->pos)
			store_release(ev->cons, ev->pos);
		return;
	}
	for (int i = 0; i < ev->ncpu; i++)
		if (ev->cpus[i].hdr->data_tail != ev->cpus[i].tail)
			store_release(&ev->cpus[i].hdr->data_tail, ev->cpus[i].tail);
}

int bl_events_next(struct bl_events *ev)
{
	bl_events_release(ev);
	return ev->cons ? ring_next(ev) : perf_next(ev);
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

void bl_events_free(struct bl_events *ev)
{
	if (!ev)
		return;
	if (ev->cons || ev->cpus)
		bl_events_release(ev);
	if (ev->cons)
		munmap(ev->cons, sysconf(_SC_PAGESIZE));
	if (ev->prod_map)
		munmap(ev->prod_map, ev->prod_len);
	for (int i = 0; i < ev->ncpu; i++)
		free(ev->cpus[i].wrap);
	free(ev->cpus);
	perf_buffer__free(ev->pb);
	free(ev);
}

/* Records wait in ev (a cheap check: no syscall). */
static int pending(const struct bl_events *ev)
{
	if (ev->cons)
		return ring_prod(ev) != ev->pos;
	for (int i = 0; i < ev->ncpu; i++)
		if (load_acquire(&ev->cpus[i].hdr->data_head) != ev->cpus[i].tail)
			return 1;
	return 0;
}

static int wait_fd(const struct bl_events *ev)
{
	return ev->cons ? ev->ring_fd : perf_buffer__epoll_fd(ev->pb);
}

int bl_events_poll(struct bl_events **evs, int n, int timeout_ms, int intr_fd,
		   struct bl_err *e)
{
	struct pollfd fds[n + 1];
	int i, r;

	for (i = 0; i < n; i++) {
		bl_events_release(evs[i]);
		if (pending(evs[i]))
			timeout_ms = 0;
		fds[i] = (struct pollfd){ .fd = wait_fd(evs[i]), .events = POLLIN };
	}
	fds[n] = (struct pollfd){ .fd = intr_fd, .events = POLLIN };
	do
		r = poll(fds, n + 1, timeout_ms);
	while (r < 0 && errno == EINTR && !(intr_fd >= 0 && poll(&fds[n], 1, 0) > 0));
	if (r < 0 && errno != EINTR)
		return bl_errf(e, errno, "polling event buffers failed: %s", strerror(errno));
	if (r < 0 || (intr_fd >= 0 && fds[n].revents))
		return -EINTR;
	for (i = 0; i < n; i++)
		if (pending(evs[i]))
			return 1;
	return 0;
}
