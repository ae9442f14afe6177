/* compile_wire.h - what bpflua and its compile worker (compile_worker.h)
 * say over their socket: a request per compile, a result per request.
 *
 *   request: struct bl_wire_request, then n_strs strings, each a u32
 *            length (BL_WIRE_NULL for NULL) and its bytes: the options'
 *            strings in the order BL_WIRE_FIXED_STRS lists, then cflags
 *   result:  struct bl_wire_result, then msg, log, the object, the
 *            rewritten text and the warnings
 */
#ifndef BL_COMPILE_WIRE_H
#define BL_COMPILE_WIRE_H

#include <stdint.h>
#include <sys/types.h>

#include "compile/compile.h"

#define BL_WIRE_NULL UINT32_MAX
/* text, filename, vmlinux_h, include_dir, kernel_header, kheaders_src,
 * kheaders_build */
#define BL_WIRE_FIXED_STRS 7

struct bl_wire_request {
	uint32_t n_strs;
	int32_t debug, no_pch;
	int64_t mem_mib;    /* the compile's memory limit (compile_worker.h) */
};

struct bl_wire_result {
	int32_t rc, pruned;
	int32_t last;       /* the worker exits after this result */
	uint32_t msg_len, log_len, rewritten_len, warnings_len;
	uint64_t elf_size;
};

/* A request as the worker reads it: o's strings point into strs. */
struct bl_wire_opts {
	struct bl_compile_opts o;
	long mem_mib;
	char **strs;
	uint32_t n_strs;
};

/* bpflua's side: 0, or -errno (-EPIPE: the worker is gone); never raises
 * SIGPIPE. */
int bl_wire_send_request(int fd, const struct bl_compile_opts *o, long mem_mib);

/* The worker's side: 0, or -errno; -EPIPE at the end of the stream
 * (bpflua closed the socket). */
int bl_wire_read_request(int fd, struct bl_wire_opts *w);
void bl_wire_opts_free(struct bl_wire_opts *w);

/* The worker (compile_serve.c): compiles what each request asks until the
 * socket closes or the compiler may not compile again; never returns. */
void bl_compile_serve(int fd, pid_t parent, const struct bl_compiler_api *cc)
	__attribute__((noreturn));

#endif
