/* kernel_btf.c - see kernel_btf.h */
#include "kernel_btf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "../fdio.h"
#include "../sha256.h"

static struct {
	const void *data;
	size_t size;
	int err;                /* a failed load is not retried */
	struct btf *btf;
	char copy_path[64];
	int copy_tried;
} kb;

/* Kernels since 6.16 map it read-only; older ones only read it. */
static int load_raw(struct bl_err *e)
{
	struct stat st;
	char *buf;
	size_t len;
	void *p;
	int fd = open(BL_KERNEL_BTF_PATH, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return bl_errf(e, errno, "kernel BTF '%s': %s (the kernel needs CONFIG_DEBUG_INFO_BTF)",
			       BL_KERNEL_BTF_PATH, strerror(errno));
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED) {
			close(fd);
			kb.data = p;
			kb.size = st.st_size;
			return 0;
		}
	}
	kb.err = bl_read_fd(fd, st.st_size > 0 ? (size_t)st.st_size : 0, &buf, &len);
	close(fd);
	if (kb.err)
		return bl_errf(e, -kb.err, "kernel BTF '%s': %s", BL_KERNEL_BTF_PATH,
			       strerror(-kb.err));
	kb.data = buf;
	kb.size = len;
	return 0;
}

int bl_kernel_btf_raw(const void **data, size_t *size, struct bl_err *e)
{
	int err = 0;

	if (kb.err)
		return bl_errf(e, kb.err, "kernel BTF '%s': %s", BL_KERNEL_BTF_PATH,
			       strerror(-kb.err));
	if (!kb.data && (err = load_raw(e)))
		kb.err = err;
	*data = kb.data;
	*size = kb.size;
	return err;
}

const struct btf *bl_kernel_btf(struct bl_err *e)
{
	const void *raw;
	size_t size;

	if (kb.btf)
		return kb.btf;
	if (bl_kernel_btf_raw(&raw, &size, e))
		return NULL;
	kb.btf = btf__new(raw, size);
	if (!kb.btf) {
		bl_errf(e, errno, "kernel BTF '%s': cannot parse: %s", BL_KERNEL_BTF_PATH,
			strerror(errno));
		kb.btf = NULL;
	}
	return kb.btf;
}

/* A memfd holding the blob, named through /proc/self/fd. */
const char *bl_kernel_btf_copy_path(void)
{
	struct bl_err e = { 0 };
	const void *raw;
	size_t size;
	int fd;

	if (kb.copy_tried)
		return kb.copy_path[0] ? kb.copy_path : NULL;
	kb.copy_tried = 1;
	if (bl_kernel_btf_raw(&raw, &size, &e)) {
		bl_err_clear(&e);
		return NULL;
	}
	fd = memfd_create("bpflua-kernel-btf", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (bl_write_all(fd, raw, size)) {
		close(fd);
		return NULL;
	}
	snprintf(kb.copy_path, sizeof(kb.copy_path), "/proc/self/fd/%d", fd);
	if (access(kb.copy_path, R_OK)) {
		close(fd);
		kb.copy_path[0] = '\0';
		return NULL;
	}
	return kb.copy_path;
}

const char *bl_kernel_id(void)
{
	static char id[17];
	struct utsname u;
	struct stat st;
	struct bl_sha256 s;
	unsigned char d[32];
	char size[32] = "", hex[65];

	if (id[0])
		return id;
	bl_sha256_init(&s);
	if (uname(&u) == 0) {
		bl_sha256_str(&s, u.release);
		bl_sha256_str(&s, u.version);
		bl_sha256_str(&s, u.machine);
	}
	if (stat(BL_KERNEL_BTF_PATH, &st) == 0)
		snprintf(size, sizeof(size), "%lld", (long long)st.st_size);
	bl_sha256_str(&s, size);
	bl_sha256_final(&s, d);
	bl_sha256_hex(d, hex);
	snprintf(id, sizeof(id), "%.16s", hex);
	return id;
}
