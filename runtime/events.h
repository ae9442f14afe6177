/* events.h - perf and ring buffers drained pull-style.
 *
 * libbpf's buffers call a C function per record; here that function only
 * copies the record (cpu, size, bytes) into a growable batch owned by the
 * bl_events, and counts lost samples. After a drain, Lua walks the batch
 * through the accessors of ffi.h (bl_events_count, bl_events_records): no
 * FFI callback, no Lua C API call per record. A batch stays valid until the
 * next poll/consume of the same bl_events, or its free.
 *
 * Waiting is one poll() over the buffers' epoll fds and a caller-given
 * interrupt fd (the host's Ctrl-C self-pipe), so Ctrl-C ends a wait at once.
 * No Lua here: lib_events.c binds it.
 */
#ifndef BL_EVENTS_H
#define BL_EVENTS_H

#include "err.h"

struct bl_events;

/* A perf buffer on a BPF_MAP_TYPE_PERF_EVENT_ARRAY: page_cnt pages per CPU
 * (a power of 2), a wakeup every wakeup_events samples (>= 1). NULL with e
 * filled on failure. */
struct bl_events *bl_events_open_perf(int map_fd, const char *name, int page_cnt,
				      int wakeup_events, struct bl_err *e);
/* A ring buffer on a BPF_MAP_TYPE_RINGBUF. NULL with e filled. */
struct bl_events *bl_events_open_ring(int map_fd, const char *name, struct bl_err *e);
/* Frees the buffer (unmaps, closes its perf events); NULL is fine. */
void bl_events_free(struct bl_events *ev);

/* Waits up to timeout_ms (-1: forever) until one of evs[0..n) has records
 * or intr_fd (-1: none) is readable, then drains every one of evs into its
 * batch (the previous batches are dropped first). Returns the number of
 * records drained (0 on timeout), -EINTR when intr_fd became readable
 * (nothing drained), or -errno with e filled. Other signals resume the wait. */
int bl_events_poll(struct bl_events **evs, int n, int timeout_ms, int intr_fd,
		   struct bl_err *e);
/* Drains ev without waiting: the number of records, or -errno with e. */
int bl_events_consume(struct bl_events *ev, struct bl_err *e);

#endif
