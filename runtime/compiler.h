/* compiler.h - finds and dlopen()s the compiler module on first use.
 *
 * $BPFLUA_COMPILER (a path to the .so) when set, and then only that; else
 * the directory of /proc/self/exe, then <exe dir>/../lib/bpflua/. Loaded at
 * most once per process.
 */
#ifndef BL_COMPILER_H
#define BL_COMPILER_H

#include "compile/compile.h"
#include "err.h"

/* Returns the module's API, or NULL with e filled (which paths were tried, dlerror). */
const struct bl_compiler_api *bl_compiler_get(struct bl_err *e);

#endif
