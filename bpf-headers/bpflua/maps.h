/* maps.h - BCC's map declarations as libbpf BTF-defined maps, and their
 * methods.
 *
 * The rewriter turns `m.method(args)` into `__bl_method(m, args)`. In the
 * rewriter's parse (no __BL_CODEGEN), each map struct also has one typed
 * function-pointer member per method of its kind, so the original call
 * type-checks and an unknown method is a clang error naming it; the member
 * __bl_map marks the struct as a map for the rewriter, and __bl_complete
 * makes a key or value type not yet defined an error there, as in BCC. In code generation
 * those members are absent and libbpf sees a plain map definition.
 */
#ifndef BPFLUA_MAPS_H
#define BPFLUA_MAPS_H

#define __BL_PAGE_SIZE 4096

/* The stage is decided where a map is declared, not where this header is
 * read: the prelude is precompiled once for both stages (env.c), and code
 * generation defines __BL_CODEGEN (as 1) on its own command line. Pasted,
 * an undefined __BL_CODEGEN selects the parse's variant. */
#define __BL_CAT(a, b) __BL_CAT_(a, b)
#define __BL_CAT_(a, b) a##b
#define __BL_PARSE_ONLY(...) __BL_CAT(__BL_PARSE_ONLY_, __BL_CODEGEN)(__VA_ARGS__)
#define __BL_PARSE_ONLY___BL_CODEGEN(...) __VA_ARGS__
#define __BL_PARSE_ONLY_1(...)

#define __BL_METHODS_KV(K, V) __BL_PARSE_ONLY(					\
	typeof(V) *(*lookup)(typeof(K) *);					\
	long (*update)(typeof(K) *, typeof(V) *);				\
	long (*insert)(typeof(K) *, typeof(V) *);				\
	long (*delete)(typeof(K) *);						\
	typeof(V) *(*lookup_or_try_init)(typeof(K) *, typeof(V) *);		\
	typeof(V) *(*lookup_or_init)(typeof(K) *, typeof(V) *);		\
	void (*increment)(typeof(K), ...);					\
	void (*atomic_increment)(typeof(K), ...);				\
	char (*__bl_complete)[sizeof(K) + sizeof(V)];				\
	int __bl_map;)
#define __BL_METHODS_PERF __BL_PARSE_ONLY(					\
	long (*perf_submit)(void *, void *, __u64);				\
	long (*perf_submit_skb)(void *, __u64, void *, __u64);			\
	int __bl_map;)
#define __BL_METHODS_PERF_ARRAY __BL_PARSE_ONLY(				\
	__u64 (*perf_read)(__u64);						\
	long (*perf_counter_value)(__u64, void *, __u64);			\
	int __bl_map;)
#define __BL_METHODS_RINGBUF __BL_PARSE_ONLY(					\
	long (*ringbuf_output)(void *, __u64, __u64);				\
	void *(*ringbuf_reserve)(__u64);					\
	void (*ringbuf_submit)(void *, __u64);					\
	void (*ringbuf_discard)(void *, __u64);					\
	__u64 (*ringbuf_query)(__u64);						\
	int __bl_map;)
#define __BL_METHODS_STACK_TRACE __BL_PARSE_ONLY(				\
	long (*get_stackid)(void *, __u64);					\
	int __bl_map;)
#define __BL_METHODS_QUEUE(V) __BL_PARSE_ONLY(					\
	long (*push)(typeof(V) *, __u64);					\
	long (*pop)(typeof(V) *);						\
	long (*peek)(typeof(V) *);						\
	int __bl_map;)
#define __BL_METHODS_PROG __BL_PARSE_ONLY(					\
	void (*call)(void *, int);						\
	int __bl_map;)

/* Key/value maps: hash, array and their variants. */
#define __BL_KV_MAP(_type, _key, _leaf, _name, _size, _flags)			\
	struct {								\
		__uint(type, _type);						\
		__type(key, _key);						\
		__type(value, _leaf);						\
		__uint(max_entries, _size);					\
		__uint(map_flags, _flags);					\
		__BL_METHODS_KV(_key, _leaf)					\
	} _name SEC(".maps")

/* BPF_F_TABLE(kind, key, leaf, name, size, flags): kind is BCC's type name,
 * e.g. hash or "hash" (the rewriter blanks the quotes out). BCC's maps of
 * maps name their inner table in the kind, "array_of_maps$inner": the
 * prepass makes that `array_of_maps,inner`, one argument more. */
#define BPF_F_TABLE(...) __BL_PICK_FTABLE(__VA_ARGS__, __BL_FTABLE_OFM,		\
	__BL_FTABLE)(__VA_ARGS__)
#define __BL_PICK_FTABLE(_1, _2, _3, _4, _5, _6, _7, NAME, ...) NAME
#define __BL_FTABLE(_kind, _key, _leaf, _name, _size, _flags)			\
	__BL_TABLE_##_kind(_key, _leaf, _name, _size, _flags)
#define __BL_FTABLE_OFM(_kind, _inner, _key, _leaf, _name, _size, _flags)	\
	__BL_OFM_##_kind(_key, _inner, _name, _size)
#define BPF_TABLE(...) BPF_F_TABLE(__VA_ARGS__, 0)

#define __BL_TABLE_hash(k, l, n, s, f)	__BL_KV_MAP(BPF_MAP_TYPE_HASH, k, l, n, s, f)
#define __BL_TABLE_array(k, l, n, s, f)	__BL_KV_MAP(BPF_MAP_TYPE_ARRAY, k, l, n, s, f)
#define __BL_TABLE_percpu_hash(k, l, n, s, f) \
	__BL_KV_MAP(BPF_MAP_TYPE_PERCPU_HASH, k, l, n, s, f)
#define __BL_TABLE_percpu_array(k, l, n, s, f) \
	__BL_KV_MAP(BPF_MAP_TYPE_PERCPU_ARRAY, k, l, n, s, f)
#define __BL_TABLE_lru_hash(k, l, n, s, f) \
	__BL_KV_MAP(BPF_MAP_TYPE_LRU_HASH, k, l, n, s, f)
#define __BL_TABLE_lru_percpu_hash(k, l, n, s, f) \
	__BL_KV_MAP(BPF_MAP_TYPE_LRU_PERCPU_HASH, k, l, n, s, f)
#define __BL_TABLE_lpm_trie(k, l, n, s, f) \
	__BL_KV_MAP(BPF_MAP_TYPE_LPM_TRIE, k, l, n, s, (f) | BPF_F_NO_PREALLOC)
/* As BCC: an int-keyed histogram is an array, any other key a hash. */
#define __BL_TABLE_histogram(k, l, n, s, f)					\
	__BL_KV_MAP(__builtin_types_compatible_p(k, int) ?			\
		    BPF_MAP_TYPE_ARRAY : BPF_MAP_TYPE_HASH, k, l, n, s, f)
#define __BL_TABLE_perf_output(k, l, n, s, f) BPF_PERF_OUTPUT(n)
#define __BL_TABLE_perf_array(k, l, n, s, f) BPF_PERF_ARRAY(n, s)
#define __BL_TABLE_stacktrace(k, l, n, s, f) __BL_STACK_MAP(n, s, sizeof(l), f)
#define __BL_TABLE_prog(k, l, n, s, f) BPF_PROG_ARRAY(n, s)
#define __BL_TABLE_queue(k, l, n, s, f) __BL_QUEUE_MAP(BPF_MAP_TYPE_QUEUE, l, n, s, f)
#define __BL_TABLE_stack(k, l, n, s, f) __BL_QUEUE_MAP(BPF_MAP_TYPE_STACK, l, n, s, f)

/* Tables shared by the BPF objects of one process (runtime/shared_maps.h):
 * BPF_TABLE_PUBLIC and BPF_TABLE_SHARED export one under its name (BCC
 * tells them apart by namespace, which its Python API leaves empty: one
 * process, one namespace), BPF_TABLE("extern", key, leaf, name, size)
 * uses the exported one: its type and size come from the exporter. The
 * marker is a BTF variable in a section libbpf skips. */
#define __bl_table_mark(_kind, _name)							static __attribute__((section(".bl_shared"), used))				const char __bl_##_kind##__##_name
#define BPF_TABLE_PUBLIC(_kind, _key, _leaf, _name, _size)				BPF_TABLE(_kind, _key, _leaf, _name, _size); __bl_table_mark(export, _name)
#define BPF_TABLE_SHARED(...) __BL_PICK_SHARED(__VA_ARGS__, __BL_SHARED6,		__BL_SHARED5)(__VA_ARGS__)
#define __BL_PICK_SHARED(_1, _2, _3, _4, _5, _6, NAME, ...) NAME
#define __BL_SHARED5(k, key, leaf, n, s) __BL_SHARED6(k, key, leaf, n, s, 0)
#define __BL_SHARED6(k, key, leaf, n, s, f)						BPF_F_TABLE(k, key, leaf, n, s, f); __bl_table_mark(export, n)
#define __BL_TABLE_extern(k, l, n, s, f)						__BL_KV_MAP(BPF_MAP_TYPE_HASH, k, l, n, s, f); __bl_table_mark(extern, n)

/* BPF_TABLE_PINNED(kind, key, leaf, name, size, "/sys/fs/bpf/path"[, flags]):
 * the table pinned at path, created and pinned there when absent. The
 * path travels as a string in section .bl_pinned (runtime/shared_maps.h). */
#define BPF_TABLE_PINNED(...) __BL_PICK_PINNED(__VA_ARGS__, __BL_PINNED7,	\
	__BL_PINNED6)(__VA_ARGS__)
#define __BL_PICK_PINNED(_1, _2, _3, _4, _5, _6, _7, NAME, ...) NAME
#define __BL_PINNED6(k, key, leaf, n, s, path) __BL_PINNED7(k, key, leaf, n, s, path, 0)
#define __BL_PINNED7(k, key, leaf, n, s, path, f)				\
	BPF_F_TABLE(k, key, leaf, n, s, f); __bl_table_pin(n, path)
#define __bl_table_pin(n, path)							\
	static __attribute__((section(".bl_pinned"), used))			\
	const char __bl_pinned__##n[] = path

/* Optional arguments, by argument count. */
#define __BL_PICK4(_1, _2, _3, _4, NAME, ...) NAME
#define __BL_PICK3(_1, _2, _3, NAME, ...) NAME

#define BPF_HASH(...) __BL_PICK4(__VA_ARGS__, __BL_HASH4, __BL_HASH3,		\
				 __BL_HASH2, __BL_HASH1)(hash, __VA_ARGS__)
#define BPF_PERCPU_HASH(...) __BL_PICK4(__VA_ARGS__, __BL_HASH4, __BL_HASH3,	\
					__BL_HASH2, __BL_HASH1)(percpu_hash, __VA_ARGS__)
#define BPF_LRU_HASH(...) __BL_PICK4(__VA_ARGS__, __BL_HASH4, __BL_HASH3,	\
				     __BL_HASH2, __BL_HASH1)(lru_hash, __VA_ARGS__)
#define BPF_LPM_TRIE(...) __BL_PICK4(__VA_ARGS__, __BL_HASH4, __BL_HASH3,	\
				     __BL_HASH2, __BL_HASH1)(lpm_trie, __VA_ARGS__)
#define __BL_HASH1(kind, n)		__BL_HASH4(kind, n, __u64, __u64, 10240)
#define __BL_HASH2(kind, n, k)		__BL_HASH4(kind, n, k, __u64, 10240)
#define __BL_HASH3(kind, n, k, l)	__BL_HASH4(kind, n, k, l, 10240)
#define __BL_HASH4(kind, n, k, l, s)	BPF_F_TABLE(kind, k, l, n, s, 0)

#define BPF_ARRAY(...) __BL_PICK3(__VA_ARGS__, __BL_ARRAY3, __BL_ARRAY2,	\
				  __BL_ARRAY1)(array, __VA_ARGS__)
#define BPF_PERCPU_ARRAY(...) __BL_PICK3(__VA_ARGS__, __BL_ARRAY3, __BL_ARRAY2,	\
					 __BL_ARRAY1)(percpu_array, __VA_ARGS__)
#define __BL_ARRAY1(kind, n)		__BL_ARRAY3(kind, n, __u64, 10240)
#define __BL_ARRAY2(kind, n, l)		__BL_ARRAY3(kind, n, l, 10240)
#define __BL_ARRAY3(kind, n, l, s)	BPF_F_TABLE(kind, int, l, n, s, 0)

#define BPF_HISTOGRAM(...) __BL_PICK3(__VA_ARGS__, __BL_HIST3, __BL_HIST2,	\
				      __BL_HIST1)(__VA_ARGS__)
#define __BL_HIST1(n)			__BL_HIST3(n, int, 64)
#define __BL_HIST2(n, k)		__BL_HIST3(n, k, 64)
#define __BL_HIST3(n, k, s)		BPF_F_TABLE(histogram, k, __u64, n, s, 0)

#define BPF_PERF_OUTPUT(_name)							\
	struct {								\
		__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);			\
		__uint(key_size, sizeof(int));					\
		__uint(value_size, sizeof(__u32));				\
		__BL_METHODS_PERF						\
	} _name SEC(".maps")

/* Counters (t:open_perf_event in Lua) read with perf_read(cpu) or
 * perf_counter_value(cpu, &struct bpf_perf_event_value, size); BCC's
 * CUR_CPU_IDENTIFIER is this CPU's. */
#define CUR_CPU_IDENTIFIER BPF_F_CURRENT_CPU
#define BPF_PERF_ARRAY(_name, _max_entries)					\
	struct {								\
		__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);			\
		__uint(key_size, sizeof(int));					\
		__uint(value_size, sizeof(__u32));				\
		__uint(max_entries, _max_entries);				\
		__BL_METHODS_PERF_ARRAY						\
	} _name SEC(".maps")

#define BPF_RINGBUF_OUTPUT(_name, _pages)					\
	struct {								\
		__uint(type, BPF_MAP_TYPE_RINGBUF);				\
		__uint(max_entries, (_pages) * __BL_PAGE_SIZE);			\
		__BL_METHODS_RINGBUF						\
	} _name SEC(".maps")

/* BCC's value types of stack trace maps (for BPF_TABLE("stacktrace", ...)). */
#define BPF_MAX_STACK_DEPTH 127
struct bpf_stacktrace {
	__u64 ip[BPF_MAX_STACK_DEPTH];
};
struct bpf_stacktrace_buildid {
	struct bpf_stack_build_id trace[BPF_MAX_STACK_DEPTH];
};

/* Stack trace maps take no BTF: Lua types them (lua/bpflua/stacks.lua). */
#define __BL_STACK_MAP(_name, _size, _vsize, _flags)				\
	struct {								\
		__uint(type, BPF_MAP_TYPE_STACK_TRACE);				\
		__uint(key_size, sizeof(__u32));				\
		__uint(value_size, _vsize);					\
		__uint(max_entries, _size);					\
		__uint(map_flags, _flags);					\
		__BL_METHODS_STACK_TRACE					\
	} _name SEC(".maps")
#define BPF_STACK_TRACE(_name, _size) __BL_STACK_MAP(_name, _size, sizeof(struct bpf_stacktrace), 0)
/* Frames as (build-id, file offset) records (struct bpf_stack_build_id). */
#define BPF_STACK_TRACE_BUILDID(_name, _size)					\
	__BL_STACK_MAP(_name, _size, sizeof(struct bpf_stacktrace_buildid), BPF_F_STACK_BUILD_ID)

#define __BL_QUEUE_MAP(_type, _leaf, _name, _size, _flags)			\
	struct {								\
		__uint(type, _type);						\
		__type(value, _leaf);						\
		__uint(max_entries, _size);					\
		__uint(map_flags, _flags);					\
		__BL_METHODS_QUEUE(_leaf)					\
	} _name SEC(".maps")
/* BPF_QUEUE(name, leaf, size[, flags]), BPF_STACK(...) and BCC's general
 * form BPF_QUEUESTACK("queue" or "stack", name, leaf, size, flags), also
 * _PINNED (path last), _PUBLIC and _SHARED as the BPF_TABLE forms. */
#define BPF_QUEUE(...) __BL_PICK4(__VA_ARGS__, __BL_QS4, __BL_QS3, ~, ~)(queue, __VA_ARGS__)
#define BPF_STACK(...) __BL_PICK4(__VA_ARGS__, __BL_QS4, __BL_QS3, ~, ~)(stack, __VA_ARGS__)
#define __BL_QS3(k, n, l, s)	__BL_QS4(k, n, l, s, 0)
#define __BL_QS4(k, n, l, s, f)	__BL_TABLE_##k(~, l, n, s, f)
#define BPF_QUEUESTACK(_kind, _name, _leaf, _size, _flags)			\
	__BL_TABLE_##_kind(~, _leaf, _name, _size, _flags)
#define BPF_QUEUESTACK_PINNED(_kind, _name, _leaf, _size, _flags, _path)	\
	BPF_QUEUESTACK(_kind, _name, _leaf, _size, _flags); __bl_table_pin(_name, _path)
#define BPF_QUEUESTACK_PUBLIC(_kind, _name, _leaf, _size, _flags)		\
	BPF_QUEUESTACK(_kind, _name, _leaf, _size, _flags); __bl_table_mark(export, _name)
#define BPF_QUEUESTACK_SHARED BPF_QUEUESTACK_PUBLIC

#define BPF_PROG_ARRAY(_name, _size)						\
	struct {								\
		__uint(type, BPF_MAP_TYPE_PROG_ARRAY);				\
		__uint(key_size, sizeof(__u32));				\
		__uint(value_size, sizeof(__u32));				\
		__uint(max_entries, _size);					\
		__BL_METHODS_PROG						\
	} _name SEC(".maps")

/* Methods, as the rewriter emits them: __bl_<method>(map, args...). */
#define __bl_lookup(m, k) ((typeof(*(m).value) *)bpf_map_lookup_elem(&(m), (k)))
#define __bl_update(m, k, v) bpf_map_update_elem(&(m), (k), (v), BPF_ANY)
#define __bl_insert(m, k, v) bpf_map_update_elem(&(m), (k), (v), BPF_NOEXIST)
#define __bl_delete(m, k) bpf_map_delete_elem(&(m), (k))
#define __bl_lookup_or_try_init(m, k, init) ({					\
	typeof(*(m).value) *__bl_v = bpf_map_lookup_elem(&(m), (k));		\
	if (!__bl_v) {								\
		bpf_map_update_elem(&(m), (k), (init), BPF_NOEXIST);		\
		__bl_v = bpf_map_lookup_elem(&(m), (k));			\
	}									\
	__bl_v; })
/* BCC's older lookup_or_try_init: where the value can't be made, the
 * program returns 0 there and then, so the result is never NULL. */
#define __bl_lookup_or_init(m, k, init) ({					\
	typeof(*(m).value) *__bl_vi = __bl_lookup_or_try_init(m, k, init);	\
	if (!__bl_vi)								\
		return 0;							\
	__bl_vi; })

/* increment(key[, n]): the key by value; a missing hash key is inserted. */
#define __bl_increment(m, ...) __bl_incr(m, 0, __VA_ARGS__, 1, ~)
#define __bl_atomic_increment(m, ...) __bl_incr(m, 1, __VA_ARGS__, 1, ~)
#define __bl_incr(m, atomic, k, n, ...) ({					\
	typeof(*(m).key) __bl_k = (k);						\
	typeof(*(m).value) *__bl_p = bpf_map_lookup_elem(&(m), &__bl_k);	\
	if (__bl_p) {								\
		if (atomic)							\
			__sync_fetch_and_add(__bl_p, (n));			\
		else								\
			*__bl_p += (n);						\
	} else {								\
		typeof(*(m).value) __bl_z;					\
		__builtin_memset(&__bl_z, 0, sizeof(__bl_z));			\
		__bl_z += (n);							\
		bpf_map_update_elem(&(m), &__bl_k, &__bl_z, BPF_NOEXIST);	\
	} })

/* The record type of an output map, for Lua's t:event(data): where a
 * record is submitted, a function-local static pointer named
 * __bl_event_<map>, of type typeof(data) *, in section .bl_events. Clang
 * describes it in the object's BTF (a VAR in DATASEC .bl_events); libbpf
 * skips the section (no map, nothing loaded), and the runtime looks the
 * name up (runtime/btf/event_type.c): the type behind typeof(data) is the
 * record - struct data_t for &data, the pointee of a reserved pointer. A
 * pointer, whatever data is, so a void * or a large array costs 8 bytes. */
#define __bl_event_type(m, data)						\
	static __attribute__((section(".bl_events"), used))			\
	__typeof__(data) *__bl_event_##m
#define __bl_perf_submit(m, ctx, data, size) ({				\
	__bl_event_type(m, data);						\
	bpf_perf_event_output(ctx, &(m), BPF_F_CURRENT_CPU, data, size); })
#define __bl_perf_submit_skb(m, ctx, skb_len, data, size)			\
	bpf_perf_event_output(ctx, &(m),					\
			      ((__u64)(skb_len) << 32) | BPF_F_CURRENT_CPU, data, size)
#define __bl_ringbuf_output(m, data, size, flags) ({				\
	__bl_event_type(m, data);						\
	bpf_ringbuf_output(&(m), data, size, flags); })
#define __bl_ringbuf_reserve(m, size) bpf_ringbuf_reserve(&(m), size, 0)
#define __bl_ringbuf_submit(m, data, flags) ({					\
	__bl_event_type(m, data);						\
	bpf_ringbuf_submit(data, flags); })
#define __bl_ringbuf_discard(m, data, flags) bpf_ringbuf_discard(data, flags)
#define __bl_ringbuf_query(m, flags) bpf_ringbuf_query(&(m), flags)
#define __bl_perf_read(m, idx) bpf_perf_event_read(&(m), idx)
#define __bl_perf_counter_value(m, idx, buf, size)				\
	bpf_perf_event_read_value(&(m), idx, buf, size)
#define __bl_get_stackid(m, ctx, flags) bpf_get_stackid(ctx, &(m), flags)
#define __bl_push(m, v, flags) bpf_map_push_elem(&(m), v, flags)
#define __bl_pop(m, v) bpf_map_pop_elem(&(m), v)
#define __bl_peek(m, v) bpf_map_peek_elem(&(m), v)
#define __bl_call(m, ctx, idx) bpf_tail_call(ctx, &(m), idx)

#endif
