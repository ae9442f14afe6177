/* tracefs_format.h - the fields of a tracepoint's record, as its tracefs
 * `format` file lists them ("field:TYPE NAME;\toffset:N;\tsize:N;\tsigned:N;").
 * Shared by the host (syscall argument counts) and the compiler module
 * (TRACEPOINT_PROBE's args structs).
 */
#ifndef BL_TRACEFS_FORMAT_H
#define BL_TRACEFS_FORMAT_H

#include <stdio.h>

struct bl_tp_field {
	char type[256];         /* as written, trimmed */
	char name[128];
	long dim;               /* array length, 0 for a scalar, -1 for [] */
	int offset, size, is_signed;
	int data_loc;           /* `__data_loc T[] name`: offset/length word */
};

/* events/<category>/<event>/format under tracefs, or NULL (errno set). */
FILE *bl_tp_format_open(const char *category, const char *event);
/* Reads up to the next field line that parses: 1 with *f filled, 0 at the end. */
int bl_tp_format_next(FILE *fmt, struct bl_tp_field *f);

#endif
