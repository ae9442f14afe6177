/* kconfig.h - the running kernel's configuration and version as the C
 * macros kernel headers would give a program: CONFIG_* (as the kernel's
 * generated autoconf.h writes them), LINUX_VERSION_CODE and KERNEL_VERSION().
 * (Macros that are a struct's layout, DNAME_INLINE_LEN, come with the
 * types: runtime/btf/vmlinux_h.c.)
 *
 * The configuration is read from $BPFLUA_KCONFIG (a .config, gzip'd or
 * not), else /proc/config.gz, else /boot/config-$(uname -r); a kernel that
 * exposes none gets the version
 * macros only (a program's `#ifdef CONFIG_X` then takes the "off" side, as
 * BCC's does without headers). The object cache's key covers the
 * configuration's identity (bl_kconfig_identity): a changed configuration
 * compiles again, while a cache hit never reads the file. A process reads
 * it once while its identity stays the same.
 */
#ifndef BL_KCONFIG_H
#define BL_KCONFIG_H

#include "err.h"

/* A malloc'd C header text in *text. Returns 0 or -errno (out of memory, or
 * a configuration file that exists but cannot be read). */
int bl_kconfig_header(char **text, struct bl_err *e);

/* Names the configuration in use, for the object cache's key: its path,
 * size, modification time and inode ("none" without one). Never fails. */
void bl_kconfig_identity(char *buf, size_t len);

/* The same from given inputs (tests): config text (may be NULL) and a
 * kernel release string such as "6.1.0-13-amd64". */
int bl_kconfig_header_from(const char *config, const char *release, char **text,
			   struct bl_err *e);

#endif
