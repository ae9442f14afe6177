/* compile_worker.h - compiles run in a worker process.
 *
 * The compiler module (compile/compile.h) is loaded into bpflua once, and
 * its LLVM initialised once (compiler.c); the first compile forks a worker
 * from bpflua, and the worker compiles that program and every later one
 * (compile_serve.c; requests and results: compile_wire.h), its code and
 * memory already touched: a later compile takes about two thirds of the
 * first one's time. The worker makes way for a new one, forked at the
 * next compile, after a failed compile, after a program with CO-RE
 * relocations (LLVM 14's BPF back end keeps those from one program to the
 * next: compile/codegen.cpp) and once it has grown by 256 MiB. It closes
 * the fds and unmaps the BPF maps and buffers it inherits, so it never
 * keeps alive what bpflua has let go. Whatever happens in the worker is an
 * error here, never the end of bpflua:
 *
 *   a crash or stack overflow      "the compiler crashed (...)"
 *   BPFLUA_COMPILE_TIMEOUT seconds "... compile time limit", worker killed
 *     (default 120)
 *   BPFLUA_COMPILE_MEMORY MiB      "... compile memory limit" (the worker's
 *     (default 2048)                address space may grow by that much
 *                                   during one compile)
 *   cancel_fd readable (Ctrl-C)    -EINTR "interrupted", worker killed
 *
 * The worker dies with bpflua (PR_SET_PDEATHSIG), and clang opens only
 * regular files in it (compile/fsguard.h).
 */
#ifndef BL_COMPILE_WORKER_H
#define BL_COMPILE_WORKER_H

#include "compile/compile.h"
#include "err.h"

/* cc->compile(o, r, e) in a worker; cancel_fd (or -1) ends it when readable.
 * r's buffers are malloc'd here. */
int bl_compile_in_worker(const struct bl_compiler_api *cc, const struct bl_compile_opts *o,
			 int cancel_fd, struct bl_compile_result *r, struct bl_err *e);

#endif
