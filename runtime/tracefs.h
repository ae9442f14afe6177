/* tracefs.h - where the kernel's tracing filesystem is, mounting it when
 * needed. Shared by the host and the compiler module (tracepoint formats). */
#ifndef BL_TRACEFS_H
#define BL_TRACEFS_H

#include "err.h"

/* The tracefs mount point ("/sys/kernel/tracing"), mounting it there when
 * the kernel provides the directory, else debugfs's tracing/; cached for
 * the process. NULL with e filled when neither can be had. */
const char *bl_tracefs(struct bl_err *e);

#endif
