/* metrics.h - exported maps rendered as Prometheus text exposition (0.0.4).
 *
 * bl_metrics_export() records how to read one map (a dup of its fd, and
 * the layout of its key and value from BTF: metrics_layout.h); the map is
 * read whole at every bl_metrics_render(), on whatever thread serves the
 * scrape (metrics_http.c). The registry is behind one mutex, so exports,
 * bl_metrics_forget() and renders may come from different threads; a map
 * forgotten (its object cleaned up) is never read again.
 *
 * Counters and gauges: one sample per key, the key's members as labels.
 * Histograms: a log2 (BCC's bpf_log2l slots: slot s holds 2^(s-1)..2^s-1)
 * or linear (slot s holds s) map becomes cumulative `le` buckets; a key
 * member named "slot" is the slot, the other members label sections. BCC's
 * slots keep no sum, so histograms have _bucket and _count, no _sum.
 */
#ifndef BL_METRICS_H
#define BL_METRICS_H

#include <stdint.h>
#include <stddef.h>

#include "err.h"
#include "metrics_layout.h"

struct btf;

enum bl_metric_type { BL_METRIC_COUNTER, BL_METRIC_GAUGE, BL_METRIC_HISTOGRAM };

struct bl_metric_spec {
	const char *name, *help;
	enum bl_metric_type type;
	const char *labels[BL_MFIELDS_MAX];   /* label names for the key's members, in order */
	int nlabels;                          /* 0: the members' own names ("key" for an integer) */
	double scale;                         /* values (counter/gauge) or bounds (histogram); 0 = 1 */
	int linear;                           /* histogram slots are linear, else log2 */
};

struct bl_metric_map {
	int fd, percpu;
	unsigned int key_size, value_size;
	const struct btf *btf;
	unsigned int key_type_id, value_type_id;
};

/* Registers a map under `owner` (its object). -errno with e filled for a
 * bad name, a duplicate name, a key or value with no metric form. */
int bl_metrics_export(const void *owner, const struct bl_metric_map *m,
		      const struct bl_metric_spec *s, struct bl_err *e);
/* Drops every map of `owner`. */
void bl_metrics_forget(const void *owner);
/* The exposition text of every exported map and bpflua's own metrics, as a
 * malloc'd string (length in *len), or NULL when out of memory. */
char *bl_metrics_render(size_t *len);
/* Perf/ring buffer records the kernel dropped, for bpflua_events_lost_total. */
void bl_metrics_note_lost(uint64_t n);

#endif
