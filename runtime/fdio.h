/* fdio.h - whole-buffer writes on file descriptors (shared by the host and
 * the compiler module). */
#ifndef BL_FDIO_H
#define BL_FDIO_H

#include <stddef.h>

/* Writes all n bytes, retrying after EINTR and short writes; 0, or -1 with errno. */
int bl_write_all(int fd, const void *data, size_t n);

#endif
