/* probes.h - BCC's probe-declaring macros.
 *
 * Each declares a program named as the Lua layer auto-attaches it
 * (tracepoint__cat__ev, raw_tracepoint__ev, kfunc__fn, kretfunc__fn,
 * lsm__hook, bpf_iter__target). A
 * function a macro declares is not marked by the rewriter (its name is not
 * in the user's text), so the macro gives it its section itself; the
 * loader sets each program's type from the attach point used.
 */
#ifndef BPFLUA_PROBES_H
#define BPFLUA_PROBES_H

#define __BL_PROG_SECTION(name) __attribute__((section("kprobe/" name), used))

/* struct tracepoint__cat__ev is generated from the tracepoint's format by
 * the compiler (runtime/compile/tp_format.c). */
#define TRACEPOINT_PROBE(category, event)					\
	__BL_PROG_SECTION("tracepoint__" #category "__" #event)		\
	int tracepoint__##category##__##event(					\
		struct tracepoint__##category##__##event *args)

#define RAW_TRACEPOINT_PROBE(event)						\
	__BL_PROG_SECTION("raw_tracepoint__" #event)				\
	int raw_tracepoint__##event(struct bpf_raw_tracepoint_args *ctx)

/* fentry/fexit: ctx is the u64 array of the traced function's arguments
 * (then its return value, for fexit), unpacked into the named parameters
 * by libbpf's BPF_PROG; the body sees ctx too. */
#define KFUNC_PROBE(fn, ...)							\
	__BL_PROG_SECTION("kfunc__" #fn) int BPF_PROG(kfunc__##fn, ##__VA_ARGS__)
#define KRETFUNC_PROBE(fn, ...)							\
	__BL_PROG_SECTION("kretfunc__" #fn) int BPF_PROG(kretfunc__##fn, ##__VA_ARGS__)

/* A BPF LSM program on the security hook security_<hook>(args): its
 * return value is the hook's verdict (0 allows, -errno denies). */
#define LSM_PROBE(hook, ...)							\
	__BL_PROG_SECTION("lsm__" #hook) int BPF_PROG(lsm__##hook, ##__VA_ARGS__)

/* A BPF iterator over the kernel objects of target (task, bpf_map, ...):
 * ctx->meta->seq is its output (BPF_SEQ_PRINTF, bpf_seq_write);
 * b:iter_read("bpf_iter__<target>") runs it (README, Iterators). */
#define BPF_ITER(target)							\
	__BL_PROG_SECTION("bpf_iter__" #target)					\
	int bpf_iter__##target(struct bpf_iter__##target *ctx)

/* __data_loc fields (int data_loc_<field> in the args struct): the low 16
 * bits are the data's offset in the record, the high 16 its length. */
#define __BL_DATA_LOC_OFF(field) (args->data_loc_##field & 0xFFFF)
#define __BL_DATA_LOC_LEN(field) ((unsigned int)args->data_loc_##field >> 16)

/* Copies `length` bytes (a constant) of the field into dst. */
#define TP_DATA_LOC_READ_CONST(dst, field, length)				\
	bpf_probe_read_kernel((void *)(dst), (length),				\
			      (char *)args + __BL_DATA_LOC_OFF(field))

/* Copies the whole field into dst (sized for it: the length is the
 * record's, bounded by the verifier only if dst's size bounds it). */
#define TP_DATA_LOC_READ(dst, field)						\
	bpf_probe_read_kernel((void *)(dst), __BL_DATA_LOC_LEN(field),		\
			      (char *)args + __BL_DATA_LOC_OFF(field))

/* A string field into dst, at most `length` bytes with its NUL. */
#define TP_DATA_LOC_READ_STR(dst, field, length)				\
	bpf_probe_read_kernel_str((void *)(dst), (length),			\
				  (char *)args + __BL_DATA_LOC_OFF(field))

#endif
