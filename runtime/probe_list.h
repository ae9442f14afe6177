/* probe_list.h - what can be probed, by name: the kernel functions kprobes
 * may attach to and the tracepoints, filtered by a Python-style regular
 * expression (pyre.h) anchored as BCC anchors it (re.fullmatch for
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

/* Function symbols of an ELF file (binary or library) whose name matches
 * `re` from the start (re.match, as BCC's get_user_functions_and_addresses):
 * name and address, in symbol-table order, repeats kept. */
struct bl_user_fn {
	char *name;
	uint64_t addr;
};
struct bl_user_fns {
	struct bl_user_fn *v;
	size_t n, cap;
};

int bl_user_functions(const char *path, const char *re, struct bl_user_fns *out,
		      struct bl_err *e);
void bl_user_fns_free(struct bl_user_fns *l);

#endif
