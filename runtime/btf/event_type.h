/* event_type.h - the record type of a perf or ring buffer map, from the
 * program's BTF.
 *
 * bpf-headers/bpflua/maps.h makes every perf_submit / ringbuf_output /
 * ringbuf_submit declare a function-local static `typeof(data) *
 * __bl_event_<map>` in section .bl_events (never loaded: libbpf skips the
 * section). Clang names its BTF VAR "<function>.__bl_event_<map>". The
 * record type is what `data` points at: for `&data` the struct of the
 * variable, for a reserved pointer its pointee; an array `data` is the
 * record itself.
 */
#ifndef BL_BTF_EVENT_TYPE_H
#define BL_BTF_EVENT_TYPE_H

#include "../err.h"

struct btf;

/* The BTF id of map's record type; 0 when no submission names a type
 * (no submit in the program, a void * pointer, a submit inside a macro the
 * rewriter cannot see); -EINVAL with e filled when two submissions pass
 * different types. */
int bl_btf_event_type(const struct btf *btf, const char *map, struct bl_err *e);

#endif
