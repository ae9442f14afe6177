/* ffi.h - the C functions Lua calls through LuaJIT's FFI (ffi.C.bl_*).
 *
 * Plain declarations only - no #include, no macros, no typedefs of our own -
 * because this exact text is both a C header (ffi.c includes it, so the
 * compiler checks that definitions match) and the text lua/bpflua/table.lua
 * hands to ffi.cdef (embedded as bl_embedded_ffi, entry "ffi.h"). One source
 * of truth: the prototypes Lua calls cannot drift from the C library.
 * Includers provide <stdint.h> and <stddef.h>; LuaJIT knows those types.
 *
 * Map functions are thin wrappers over libbpf's bpf_map_*: they return 0
 * (or a count) on success and -errno on failure; bl_strerror() gives the text.
 */

/* Copies the value of `key` into `value`; -ENOENT when the key is absent. */
int bl_map_lookup(int fd, const void *key, void *value);
/* flags: 0 any, 1 only when absent, 2 only when present (BPF_ANY, ...). */
int bl_map_update(int fd, const void *key, const void *value, uint64_t flags);
int bl_map_delete(int fd, const void *key);
/* key NULL gives the first key; -ENOENT after the last one. */
int bl_map_next_key(int fd, const void *key, void *next_key);
/* Queue/stack maps pass key NULL: pop (t:pop()); -ENOENT when empty. */
int bl_map_lookup_and_delete(int fd, const void *key, void *value);
/* Snapshot of up to `max` keys, stored back to back in `keys` (each
 * key_size bytes); returns how many, or -errno. */
int bl_map_keys(int fd, void *keys, unsigned int max, unsigned int key_size);

/* Batch operations (BPF_MAP_*_BATCH): -EOPNOTSUPP when the kernel or the
 * map type has none (the caller falls back to one call per key).
 * lookup: every entry (at most max) into keys/values, back to back;
 * value_size is a per-CPU map's whole row (one 8-aligned value per possible
 * CPU); del != 0 deletes what it read (LOOKUP_AND_DELETE). The count, or
 * -errno (-ENOSPC: a hash bucket outgrew what was left of max). */
int bl_map_lookup_batch(int fd, void *keys, void *values, unsigned int max,
			unsigned int key_size, unsigned int value_size, int del);
/* n entries at once (flags as bl_map_update); how many were written. */
int bl_map_update_batch(int fd, const void *keys, const void *values, unsigned int n,
			uint64_t flags);
/* n keys at once; how many were deleted, -ENOENT when one was absent. */
int bl_map_delete_batch(int fd, const void *keys, unsigned int n);

/* strerror() for a positive or negative errno value. */
const char *bl_strerror(int err);
/* CLOCK_MONOTONIC in nanoseconds (what bpf_ktime_get_ns() returns). */
uint64_t bl_monotonic_ns(void);
/* Length of the NUL-terminated text in s, at most max (char[] fields that
 * fill their array have no NUL). */
size_t bl_strnlen(const char *s, size_t max);
/* Possible CPUs: per-CPU maps hold one value for each. -errno on failure. */
int bl_num_possible_cpus(void);

/* Kernel symbols by name (runtime/sym/ksyms.h), for BPF.ksymname (BPF.ksym
 * is bl_sym_format's): the address stays uint64_t end to end. 1 with the
 * address of the symbol called name, 0 when there is none, -errno when
 * /proc/kallsyms cannot be read. */
int bl_ksym_find_name(const char *name, uint64_t *addr);

/* Event streams (runtime/events.h), read in chunks: bl_events_next gives
 * back the previous chunk's space to the kernel and fills the record array
 * (bl_events_records, fixed for the buffer's life) with up to 256 records;
 * it returns how many (0: none waits) or -errno. data points into the
 * kernel's ring, valid until the next bl_events_next/release of that
 * buffer; cpu is -1 for ring buffers. */
struct bl_events;
struct bl_event_rec { const void *data; uint32_t size; int32_t cpu; };
int bl_events_next(struct bl_events *ev);
const struct bl_event_rec *bl_events_records(const struct bl_events *ev);
/* Gives the last chunk's space back to the kernel. */
void bl_events_release(struct bl_events *ev);
/* Samples the kernel dropped (perf buffer full) since the last call. */
uint64_t bl_events_take_lost(struct bl_events *ev);

/* Symbols (runtime/sym/sym.h): addr in process pid, or in the kernel when
 * pid < 0, written into buf as BCC prints it: "name", with BL_SYM_OFFSET
 * "name+0x1a", with BL_SYM_MODULE "name+0x1a [libc.so.6]" ("[kernel]" for
 * the core kernel); "[unknown]" when no symbol covers addr (still followed
 * by the module when one does). BL_SYM_DEMANGLE: C++ names as the source
 * reads them. Returns the length written (cut to len - 1), or -errno when
 * the symbols could not be read at all (kallsyms). User processes are cached
 * by pid: one that has exited since its first lookup still resolves; one
 * never seen alive gives "[unknown]". */
enum { BL_SYM_MODULE = 1, BL_SYM_OFFSET = 2, BL_SYM_DEMANGLE = 4 };
int bl_sym_format(int pid, uint64_t addr, int flags, char *buf, size_t len);

/* bpf_trace_printk's private stream (runtime/printk.h): one record of the
 * __bl_printk ring buffer as the trace pipe line it stands for, message
 * lines after the first without a header as the pipe shows them. Returns
 * the length written (cut to len - 1), or -EINVAL for a record that is not
 * one (its format is what the kernel would reject). */
int bl_printk_line(const void *rec, uint32_t size, char *buf, size_t len);
