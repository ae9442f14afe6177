/* verifier_log.h - the reason in a BPF verifier log. */
#ifndef BL_VERIFIER_LOG_H
#define BL_VERIFIER_LOG_H

#include <stddef.h>

/* Writes the verifier's reason for a rejection - its last meaningful line,
 * with the instruction it was looking at when the log shows one - into out.
 * Returns 1, or 0 when the log holds no reason (e.g. empty). */
int bl_verifier_reason(const char *log, char *out, size_t len);

#endif
