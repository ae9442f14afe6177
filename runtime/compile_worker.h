/* compile_worker.h - each compile runs in a worker process.
 *
 * The compiler module (compile/compile.h) is loaded into bpflua once, and
 * its LLVM initialised once (compiler.c); every compile then runs in a
 * fork() of bpflua: the whole front end (parse, rewrite, code generation)
 * sees LLVM warm, and its static state (LLVM 14's BPF backend keeps some
 * from one program to the next) dies with the worker. Whatever happens in
 * the worker is an error here, never the end of bpflua:
 *
 *   a crash or stack overflow      "the compiler crashed (...)"
 *   BPFLUA_COMPILE_TIMEOUT seconds "... compile time limit", worker killed
 *     (default 120)
 *   BPFLUA_COMPILE_MEMORY MiB      "... compile memory limit" (the worker's
 *     (default 2048)                address space may grow by that much)
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
