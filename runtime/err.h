/* err.h - error values passed up from internal C code.
 *
 * Internal code never prints. A failing function fills a struct bl_err with a
 * message a person can act on (what failed, on which object, why, a hint) and
 * returns -errno. Long logs (clang diagnostics, the verifier log) travel in
 * `log`; only the top level decides what to show.
 */
#ifndef BL_ERR_H
#define BL_ERR_H

#include <stddef.h>

#define BL_ERR_MSG_MAX 1024

struct bl_err {
	int code;                   /* positive errno, 0 when no error */
	char msg[BL_ERR_MSG_MAX];   /* one paragraph, no trailing newline */
	char *log;                  /* malloc'd long log or NULL */
};

/* Sets code and message (printf-style); returns -code (code is made positive). */
int bl_errf(struct bl_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Appends "\n"-separated text to e->msg (e.g. a hint). */
void bl_err_append(struct bl_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Takes ownership of a malloc'd log; frees any previous one. */
void bl_err_set_log(struct bl_err *e, char *log);

/* Frees the log and zeroes the error. Safe on a zeroed struct. */
void bl_err_clear(struct bl_err *e);

#endif
