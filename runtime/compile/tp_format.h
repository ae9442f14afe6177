/* tp_format.h - the `args` structs of TRACEPOINT_PROBE, from tracefs.
 *
 * BCC's TRACEPOINT_PROBE(cat, ev) gives its body `args`, a
 * struct tracepoint__cat__ev laid out as the tracepoint's record
 * (tracefs: events/cat/ev/format). The structs a program needs are
 * generated into one in-memory header that both stages include after the
 * prelude, so the user's lines stay where they are. Field types are kept
 * where they are plain C (char, int, pointers to structs...); kernel
 * typedefs become integers of the record's size, so the header never
 * depends on what vmlinux.h names. `__data_loc T[] x` becomes
 * `int data_loc_x` (offset in the low 16 bits, length in the high), as in
 * BCC; TP_DATA_LOC_READ*() (bpflua/probes.h) read through it.
 */
#ifndef BL_COMPILE_TP_FORMAT_H
#define BL_COMPILE_TP_FORMAT_H

#include "../err.h"

/* Scans text for TRACEPOINT_PROBE(cat, ev) and tracepoint__cat__ev names
 * and writes the structs into *out (malloc'd; NULL when there are none).
 * Errors: -ENOENT for a TRACEPOINT_PROBE whose tracepoint does not exist,
 * e->msg naming name:line; -ENOMEM. */
int bl_tp_header(const char *text, const char *name, char **out, struct bl_err *e);

#endif
