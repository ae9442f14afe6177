/* vmlinux_h.h - this kernel's types as a C header, generated from BTF.
 *
 * Generated once per kernel from /sys/kernel/btf/vmlinux with libbpf's
 * btf_dump (no bpftool, no kernel headers), and kept in the cache directory
 * under the kernel's identity (bl_kernel_id, kernel_btf.h), so a new kernel
 * build gets a new header. Unlike bpftool's, its records carry no
 * preserve_access_index: a program compiled against it runs on this kernel
 * only (the object cache's key names the kernel too), whose offsets these
 * are, so CO-RE relocations would only repeat them, and they would cost
 * the compile worker its reuse (compile_worker.h). Written atomically (tmp file + rename).
 * When the cache directory cannot take it (read-only, full, refused), it
 * goes to a private directory under $TMPDIR, /dev/shm or /tmp instead,
 * removed at exit, and bl_vmlinux_h_notice() says why.
 */
#ifndef BL_VMLINUX_H_H
#define BL_VMLINUX_H_H

#include <stddef.h>

#include "../err.h"

/* Writes the header's path into `path`; generates it first when missing. */
int bl_vmlinux_h(char *path, size_t path_len, struct bl_err *e);
/* Why the last bl_vmlinux_h() used a private copy ("bpflua: ...: No space
 * left on device; ..."), or NULL. */
const char *bl_vmlinux_h_notice(void);

#endif
