/* maps_more.h - BCC's other map kinds (reference guide, "Maps"): XDP
 * redirect maps, socket maps, cgroup arrays and local storages, declared
 * and given their methods the way maps.h does (a typed member per method
 * in the rewriter's parse; __bl_<method> macros for code generation).
 */
#ifndef BPFLUA_MAPS_MORE_H
#define BPFLUA_MAPS_MORE_H

/* XDP redirect maps: m.redirect_map(index, flags) is bpf_redirect_map. */
#define __BL_METHODS_REDIRECT __BL_PARSE_ONLY(					\
	long (*redirect_map)(__u32, __u64);					\
	int __bl_map;)
#define __BL_REDIRECT_MAP(_type, _name, _size)					\
	struct {								\
		__uint(type, _type);						\
		__uint(key_size, sizeof(__u32));				\
		__uint(value_size, sizeof(__u32));				\
		__uint(max_entries, _size);					\
		__BL_METHODS_REDIRECT						\
	} _name SEC(".maps")
#define BPF_DEVMAP(_name, _size)	__BL_REDIRECT_MAP(BPF_MAP_TYPE_DEVMAP, _name, _size)
#define BPF_CPUMAP(_name, _size)	__BL_REDIRECT_MAP(BPF_MAP_TYPE_CPUMAP, _name, _size)
/* BPF_XSKMAP(name, size[, "/sys/fs/bpf/path"]): pinned as BPF_TABLE_PINNED. */
#define BPF_XSKMAP(...) __BL_PICK3(__VA_ARGS__, __BL_XSK3, __BL_XSK2, ~)(__VA_ARGS__)
#define __BL_XSK2(_name, _size)	__BL_REDIRECT_MAP(BPF_MAP_TYPE_XSKMAP, _name, _size)
#define __BL_XSK3(_name, _size, _path) __BL_XSK2(_name, _size); __bl_table_pin(_name, _path)
#define __bl_redirect_map(m, index, flags) bpf_redirect_map(&(m), index, flags)

/* Socket maps: BPF_SOCKMAP(name, size) (u32 index keys),
 * BPF_SOCKHASH(name[, key=u32[, size=10240]]). */
#define __BL_METHODS_SOCKMAP(K) __BL_PARSE_ONLY(				\
	long (*sock_map_update)(void *, typeof(K) *, __u64);			\
	long (*msg_redirect_map)(void *, typeof(K), __u64);			\
	long (*sk_redirect_map)(void *, typeof(K), __u64);			\
	int __bl_map;)
#define __BL_METHODS_SOCKHASH(K) __BL_PARSE_ONLY(				\
	long (*sock_hash_update)(void *, typeof(K) *, __u64);			\
	long (*msg_redirect_hash)(void *, typeof(K) *, __u64);			\
	long (*sk_redirect_hash)(void *, typeof(K) *, __u64);			\
	int __bl_map;)
#define BPF_SOCKMAP(_name, _size)						\
	struct {								\
		__uint(type, BPF_MAP_TYPE_SOCKMAP);				\
		__type(key, __u32);						\
		__type(value, int);						\
		__uint(max_entries, _size);					\
		__BL_METHODS_SOCKMAP(__u32)					\
	} _name SEC(".maps")
#define BPF_SOCKHASH(...) __BL_PICK3(__VA_ARGS__, __BL_SOCKHASH3,		\
	__BL_SOCKHASH2, __BL_SOCKHASH1)(__VA_ARGS__)
#define __BL_SOCKHASH1(n)		__BL_SOCKHASH3(n, __u32, 10240)
#define __BL_SOCKHASH2(n, k)		__BL_SOCKHASH3(n, k, 10240)
#define __BL_SOCKHASH3(_name, _key, _size)					\
	struct {								\
		__uint(type, BPF_MAP_TYPE_SOCKHASH);				\
		__type(key, _key);						\
		__type(value, int);						\
		__uint(max_entries, _size);					\
		__BL_METHODS_SOCKHASH(_key)					\
	} _name SEC(".maps")
#define __bl_sock_map_update(m, ctx, k, flags) bpf_sock_map_update(ctx, &(m), k, flags)
#define __bl_msg_redirect_map(m, msg, k, flags) bpf_msg_redirect_map(msg, &(m), k, flags)
#define __bl_sk_redirect_map(m, skb, k, flags) bpf_sk_redirect_map(skb, &(m), k, flags)
#define __bl_sock_hash_update(m, ctx, k, flags) bpf_sock_hash_update(ctx, &(m), k, flags)
#define __bl_msg_redirect_hash(m, msg, k, flags) bpf_msg_redirect_hash(msg, &(m), k, flags)
#define __bl_sk_redirect_hash(m, skb, k, flags) bpf_sk_redirect_hash(skb, &(m), k, flags)

/* BPF_CGROUP_ARRAY(name, size): m.check_current_task(index) is 1 when
 * the current task is in the cgroup at index (its descendants too). */
#define BPF_CGROUP_ARRAY(_name, _size)						\
	struct {								\
		__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);			\
		__uint(key_size, sizeof(__u32));				\
		__uint(value_size, sizeof(__u32));				\
		__uint(max_entries, _size);					\
		__BL_PARSE_ONLY(long (*check_current_task)(int); int __bl_map;)	\
	} _name SEC(".maps")
#define __bl_check_current_task(m, index) bpf_current_task_under_cgroup(&(m), index)

/* Local storages: a value per socket, task or inode, created on demand
 * with BPF_LOCAL_STORAGE_GET_F_CREATE (or BPF_SK_STORAGE_GET_F_CREATE). */
#define __BL_STORAGE(_type, _name, _leaf, _obj)				\
	struct {								\
		__uint(type, _type);						\
		__uint(map_flags, BPF_F_NO_PREALLOC);				\
		__type(key, int);						\
		__type(value, _leaf);						\
		__BL_PARSE_ONLY(						\
			typeof(_leaf) *(*_obj##_storage_get)(void *, typeof(_leaf) *, __u64); \
			long (*_obj##_storage_delete)(void *);			\
			int __bl_map;)						\
	} _name SEC(".maps")
#define BPF_SK_STORAGE(_name, _leaf)	__BL_STORAGE(BPF_MAP_TYPE_SK_STORAGE, _name, _leaf, sk)
#define BPF_TASK_STORAGE(_name, _leaf)	__BL_STORAGE(BPF_MAP_TYPE_TASK_STORAGE, _name, _leaf, task)
#define BPF_INODE_STORAGE(_name, _leaf)	__BL_STORAGE(BPF_MAP_TYPE_INODE_STORAGE, _name, _leaf, inode)
#define __bl_sk_storage_get(m, sk, v, flags)					\
	((typeof(*(m).value) *)bpf_sk_storage_get(&(m), (void *)(sk), v, flags))
#define __bl_sk_storage_delete(m, sk) bpf_sk_storage_delete(&(m), (void *)(sk))
#define __bl_task_storage_get(m, t, v, flags)					\
	((typeof(*(m).value) *)bpf_task_storage_get(&(m), (void *)(t), v, flags))
#define __bl_task_storage_delete(m, t) bpf_task_storage_delete(&(m), (void *)(t))
#define __bl_inode_storage_get(m, i, v, flags)					\
	((typeof(*(m).value) *)bpf_inode_storage_get(&(m), (void *)(i), v, flags))
#define __bl_inode_storage_delete(m, i) bpf_inode_storage_delete(&(m), (void *)(i))

/* Maps of maps: BPF_ARRAY_OF_MAPS(name, "inner", size) and
 * BPF_HASH_OF_MAPS(name[, key=int], "inner"[, size=10240]). The inner
 * maps are shaped as the table named "inner" (the prepass makes the string
 * that identifier, prepass.c): its definition is the template libbpf
 * creates the outer map with. In BPF, m.lookup(&k) gives the inner map for
 * bpf_map_lookup_elem and friends (as BCC, typed int *); Lua fills the
 * slots with tables (t[k] = b["inner"], README). The value type only
 * types lookup: libbpf creates maps of maps without BTF. */
#define __BL_OF_MAPS(_type, _key, _inner, _name, _size)				\
	struct {								\
		__uint(type, _type);						\
		__type(key, _key);						\
		__type(value, int);						\
		__uint(max_entries, _size);					\
		__BL_PARSE_ONLY(						\
			int *(*lookup)(typeof(_key) *);				\
			int __bl_map;)						\
		__array(values, typeof(_inner));				\
	} _name SEC(".maps")
#define __BL_OFM_array_of_maps(k, inner, n, s)					\
	__BL_OF_MAPS(BPF_MAP_TYPE_ARRAY_OF_MAPS, k, inner, n, s)
#define __BL_OFM_hash_of_maps(k, inner, n, s)					\
	__BL_OF_MAPS(BPF_MAP_TYPE_HASH_OF_MAPS, k, inner, n, s)
#define BPF_ARRAY_OF_MAPS(_name, _inner, _size)					\
	__BL_OFM_array_of_maps(int, _inner, _name, _size)
#define BPF_HASH_OF_MAPS(...) __BL_PICK4(__VA_ARGS__, __BL_HOM4, __BL_HOM3,	\
	__BL_HOM2, ~)(__VA_ARGS__)
#define __BL_HOM2(n, inner)		__BL_HOM4(n, int, inner, 10240)
#define __BL_HOM3(n, k, inner)		__BL_HOM4(n, k, inner, 10240)
#define __BL_HOM4(n, k, inner, s)	__BL_OFM_hash_of_maps(k, inner, n, s)

/* Cgroup storages: one value per (cgroup, attach type) of the programs
 * using the map, attached to cgroups; m.get_local_storage(flags) is a
 * pointer to the running program's (never NULL). Keys are struct
 * bpf_cgroup_storage_key, as BCC's. */
#define __BL_CGROUP_STORAGE(_type, _name, _leaf)				\
	struct {								\
		__uint(type, _type);						\
		__type(key, struct bpf_cgroup_storage_key);			\
		__type(value, _leaf);						\
		__BL_PARSE_ONLY(						\
			typeof(_leaf) *(*get_local_storage)(__u64);		\
			int __bl_map;)						\
	} _name SEC(".maps")
#define BPF_CGROUP_STORAGE(_name, _leaf)					\
	__BL_CGROUP_STORAGE(BPF_MAP_TYPE_CGROUP_STORAGE, _name, _leaf)
#define BPF_PERCPU_CGROUP_STORAGE(_name, _leaf)					\
	__BL_CGROUP_STORAGE(BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE, _name, _leaf)
#define __bl_get_local_storage(m, flags)					\
	((typeof(*(m).value) *)bpf_get_local_storage(&(m), flags))

#endif
