/* kernel_btf.h - the running kernel's BTF and identity, one copy per process.
 *
 * /sys/kernel/btf/vmlinux is mapped (or, where the kernel cannot map it,
 * read in one pass) on first use and parsed once; every user in the process
 * (the fentry probe, kfunc argument counts, vmlinux.h generation, and
 * libbpf's CO-RE relocation of each program instance) works from that copy.
 * sysfs hands the file out 4 KiB per read(), so each separate parse used to
 * cost over a thousand reads, some of them while probes were already live.
 */
#ifndef BL_KERNEL_BTF_H
#define BL_KERNEL_BTF_H

#include <stddef.h>

#include "../err.h"

struct btf;

#define BL_KERNEL_BTF_PATH "/sys/kernel/btf/vmlinux"

/* The raw BTF blob (valid for the process), or -errno with e filled. */
int bl_kernel_btf_raw(const void **data, size_t *size, struct bl_err *e);
/* The parsed BTF (owned here, kept for the process), or NULL with e filled. */
const struct btf *bl_kernel_btf(struct bl_err *e);
/* A path whose contents are the kernel's BTF, readable in one read, for
 * libbpf's btf_custom_path; NULL when none could be made (libbpf then
 * reads the kernel's file itself). */
const char *bl_kernel_btf_copy_path(void);
/* "This kernel": 16 hex digits from its release, version, machine and BTF
 * size - what cached artefacts built for one kernel (vmlinux.h, compiled
 * objects) are keyed by. Needs no read of the BTF itself. */
const char *bl_kernel_id(void);

#endif
