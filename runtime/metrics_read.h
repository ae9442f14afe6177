/* metrics_read.h - one exported map, read whole at scrape time: batch
 * lookups where the kernel has them (one syscall per 4096 entries), else
 * get_next_key + lookup; per-CPU values summed (wrapping, as BCC's sum). */
#ifndef BL_METRICS_READ_H
#define BL_METRICS_READ_H

#include <stdint.h>

#include "err.h"
#include "metrics_layout.h"

struct bl_metric_map;

struct bl_mread {
	int fd, percpu, no_batch;
	unsigned int key_size, value_size;
	struct bl_mlayout key, value;
};

struct bl_mrows {
	unsigned int n, cap, key_size;
	unsigned char *keys;
	int64_t *vals;
	int sgn;                    /* the value member is signed */
};

/* Takes a dup of m->fd and the layouts; -errno with e filled. */
int bl_mread_open(struct bl_mread *r, const struct bl_metric_map *m, struct bl_err *e);
void bl_mread_close(struct bl_mread *r);
/* Fills rows (free with bl_mrows_free); -errno on a read failure. */
int bl_mread_all(struct bl_mread *r, struct bl_mrows *rows);
void bl_mrows_free(struct bl_mrows *rows);

static inline const void *bl_mrows_key(const struct bl_mrows *r, unsigned int i)
{
	return r->keys + (unsigned long)i * r->key_size;
}

#endif
