/* err.c - see err.h */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bl_errf(struct bl_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (code < 0)
		code = -code;
	e->code = code ? code : 1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -e->code;
}

void bl_err_append(struct bl_err *e, const char *fmt, ...)
{
	size_t len = strlen(e->msg);
	va_list ap;

	if (len + 2 >= sizeof(e->msg))
		return;
	if (len)
		e->msg[len++] = '\n';
	va_start(ap, fmt);
	vsnprintf(e->msg + len, sizeof(e->msg) - len, fmt, ap);
	va_end(ap);
}

void bl_err_set_log(struct bl_err *e, char *log)
{
	free(e->log);
	e->log = log;
}

void bl_err_clear(struct bl_err *e)
{
	free(e->log);
	memset(e, 0, sizeof(*e));
}
