/* fdio.h - whole-buffer I/O on files and file descriptors (shared by the
 * host and the compiler module): write everything, read everything, and
 * replace a file atomically through a private temporary. */
#ifndef BL_FDIO_H
#define BL_FDIO_H

#include <stddef.h>

/* Writes all n bytes, retrying after EINTR and short writes; 0, or -1 with errno. */
int bl_write_all(int fd, const void *data, size_t n);

/* Reads fd to its end into a malloc'd buffer, NUL-terminated (not counted
 * in *len). `hint` is the expected size (0: unknown). 0, or -errno with
 * nothing allocated: a failed read or allocation never gives a truncated file. */
int bl_read_fd(int fd, size_t hint, char **out, size_t *len);
/* The same for a file by path. */
int bl_read_file(const char *path, char **out, size_t *len);

/* Creates "<path>.tmp.XXXXXX" (mode 0600) and writes its name into tmp;
 * returns its fd, or -errno. */
int bl_tmp_create(const char *path, char *tmp, size_t tmp_len);
/* Ends a write begun with bl_tmp_create: when err is 0, renames tmp over
 * path (readers see the old file or the new one, never half of one), else
 * removes tmp. Returns err, or -errno when the rename fails. */
int bl_tmp_commit(const char *tmp, const char *path, int err);

/* Reads the regular file at path into *out (malloc'd, NUL-terminated), as
 * bl_read_file. Something else (a device, FIFO, socket), which might never
 * end or never start, is -ENXIO before any read. */
int bl_read_regular(const char *path, char **out, size_t *len);

#endif
