/* fsguard.h - clang reads only regular files.
 *
 * clang reads a file that is not regular (a device, FIFO, socket) as a
 * stream until its end: `#include "/dev/zero"` never ends and fills memory,
 * a FIFO blocks forever. Every file clang and LLVM open goes through one
 * import of open() in LLVM's support library (llvm::sys::fs), so that
 * import is pointed at a wrapper that opens without blocking and refuses
 * what is neither a regular file nor a directory. It changes the process's
 * LLVM for good: bpflua installs it once after loading the module, whose
 * LLVM only its compile workers use.
 */
#ifndef BL_COMPILE_FSGUARD_H
#define BL_COMPILE_FSGUARD_H

/* Best effort: a library it cannot patch keeps the plain open() (a
 * compile's time and memory limits still bound what a device can do). */
void bl_fsguard_install(void);

#endif
