/* trace_pipe.h - reading and parsing tracefs trace_pipe (bpf_trace_printk). */
#ifndef BL_TRACE_PIPE_H
#define BL_TRACE_PIPE_H

#include <stddef.h>

#include "err.h"

struct bl_trace_pipe;

int bl_trace_pipe_open(struct bl_trace_pipe **out, struct bl_err *e);
void bl_trace_pipe_close(struct bl_trace_pipe *tp);
/* While fd is readable, waits end at once with -EINTR (the host's
 * interrupt self-pipe); -1 (the default) for none. */
void bl_trace_pipe_set_cancel_fd(struct bl_trace_pipe *tp, int fd);

/* Next non-blank line without its newline, in a buffer owned by tp (valid
 * until the next call). Returns its length; 0 when `nonblocking` and no line
 * is ready; -EINTR when a signal interrupted the wait; other -errno. */
int bl_trace_pipe_readline(struct bl_trace_pipe *tp, int nonblocking,
			   const char **line, struct bl_err *e);

struct bl_trace_fields {
	char task[64];
	int pid;
	int cpu;
	char flags[16];
	double ts;          /* seconds */
	const char *msg;    /* points into the line: text after "bpf_trace_printk: " (or after the event name) */
};

/* Parses "<task>-<pid> [<cpu>] <flags> <ts>: <event>: <msg>"; task may hold
 * dashes, digits and spaces (pid is after the last dash before " ["); the
 * flags field may be 4 or 5 characters, or absent. Returns 0 or -EINVAL. */
int bl_trace_parse(const char *line, struct bl_trace_fields *f);

#endif
