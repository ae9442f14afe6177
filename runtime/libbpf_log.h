/* libbpf_log.h - libbpf's own diagnostics, captured instead of printed.
 *
 * libbpf reports details (why a map could not be created, which BTF type is
 * missing) through its print callback, to stderr by default. Internal code
 * never prints, so bpflua installs a callback that keeps libbpf's recent
 * warnings; a failing call takes them into its struct bl_err.
 */
#ifndef BL_LIBBPF_LOG_H
#define BL_LIBBPF_LOG_H

/* Installs the capturing callback (once) and forgets earlier messages. */
void bl_libbpf_log_begin(void);
/* The warnings captured since bl_libbpf_log_begin(), malloc'd, or NULL. */
char *bl_libbpf_log_take(void);
/* The last captured warning line (for one-line messages), or "". */
const char *bl_libbpf_log_last(void);

/* strerror() that also knows libbpf's own codes (-4000 and up); the text
 * lives until the next call. */
const char *bl_libbpf_strerror(int err);
/* libbpf's own codes as the nearest errno, for callers that only know errno. */
int bl_libbpf_errno(int err);

#endif
