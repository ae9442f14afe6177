/* probe_list.h - what can be probed, by name: the kernel functions kprobes
 * may attach to and the tracepoints, filtered by a POSIX extended regular
 * expression anchored as BCC anchors its Python ones (re.fullmatch for
 * get_kprobe_functions, re.match for tracepoints).
 */
#ifndef BL_PROBE_LIST_H
#define BL_PROBE_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* A list of malloc'd names; free with bl_names_free. */
struct bl_names {
	char **v;
	size_t n, cap;
};

void bl_names_free(struct bl_names *l);

/* Traceable kernel functions whose whole name matches `ere`, sorted, each
 * once: tracefs's available_filter_functions, or the text symbols of
 * kallsyms when lockdown hides it; without the kprobe blacklist and the
 * names kprobes can never take. -EINVAL for a bad expression. */
int bl_kprobe_functions(const char *ere, struct bl_names *out, struct bl_err *e);
/* "category:event" of each tracepoint whose name starts with a match of
 * `ere`, sorted. */
int bl_tracepoints(const char *ere, struct bl_names *out, struct bl_err *e);

/* Function symbols of the ELF file at path whose name starts with a match
 * of `ere` (BCC's get_user_functions_and_addresses), in symbol table
 * order; addrs[i] (malloc'd) is names' i-th address. */
int bl_user_functions(const char *path, const char *ere, struct bl_names *out,
		      uint64_t **addrs, struct bl_err *e);

#endif
