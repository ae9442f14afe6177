/* events.h - perf and ring buffers drained pull-style, without copying.
 *
 * libbpf's buffers call a C function per record; here Lua pulls instead:
 * bl_events_next() (ffi.h) fills a fixed array of up to BL_EVENTS_CHUNK
 * record pointers straight into the kernel's mmap'ed ring (a perf record
 * that wraps around the end of its ring is copied once), and Lua walks the
 * array calling its callbacks: no FFI callback, no Lua C API call and no
 * copy per record, and the array stays in cache however many records wait.
 * The ring's space is given back to the kernel when the next chunk is
 * fetched (or bl_events_release / free), so a chunk stays valid until then.
 *
 * Ring buffers are read as the kernel lays them out (consumer page, then
 * producer page and the data mapped twice, so no record wraps); perf
 * buffers are set up by libbpf (one perf event per online CPU) and read
 * through perf_buffer__buffer().
 *
 * Waiting is one poll() over the buffers and a caller-given interrupt fd
 * (the host's Ctrl-C self-pipe), so Ctrl-C ends a wait at once.
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
/* Gives back what was read and frees the buffer; NULL is fine. */
void bl_events_free(struct bl_events *ev);

/* Waits up to timeout_ms (-1: forever) until one of evs[0..n) has records
 * or intr_fd (-1: none) is readable; returns at once when records already
 * wait. Returns 1 when records wait, 0 on timeout, -EINTR when intr_fd
 * became readable, or -errno with e filled. Other signals resume the wait.
 * Reading is bl_events_next() (ffi.h). */
int bl_events_poll(struct bl_events **evs, int n, int timeout_ms, int intr_fd,
		   struct bl_err *e);

#endif
