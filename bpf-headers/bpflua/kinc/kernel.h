/* kinc/kernel.h - macros of linux/kernel.h, which the kernel's linux/
 * headers bring with them (runtime/compile/kinc.c: for programs that
 * include one); short names a program without kernel headers may use for
 * its own. */
#ifndef BPFLUA_KINC_KERNEL_H
#define BPFLUA_KINC_KERNEL_H

/* The direction of an I/O (an iov_iter's data_source). */
#define READ			0
#define WRITE			1

#endif
