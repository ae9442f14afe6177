/* isolate.c - see isolate.h */
#include "isolate.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../fdio.h"
#include "codegen.h"

/* What the child writes: this header, then msg, log and the object. */
struct result_hdr {
	int32_t rc;
	uint32_t msg_len, log_len;
	uint64_t elf_size;
};

static void child(int fd, const struct bl_cc_env *env, const struct bl_compile_opts *o,
		  const char *text)
{
	struct bl_err e = { 0 };
	struct result_hdr h = { 0 };
	void *elf = NULL;
	size_t size = 0;

	h.rc = bl_codegen(env, o, text, &elf, &size, &e);
	h.msg_len = strlen(e.msg);
	h.log_len = e.log ? strlen(e.log) : 0;
	h.elf_size = h.rc ? 0 : size;
	if (bl_write_all(fd, &h, sizeof(h)) || bl_write_all(fd, e.msg, h.msg_len) ||
	    bl_write_all(fd, e.log, h.log_len) || bl_write_all(fd, elf, h.elf_size))
		_exit(1);
	_exit(0);
}

static int unpack(const char *buf, size_t len, void **elf, size_t *size, struct bl_err *e)
{
	struct result_hdr h;
	const char *p = buf + sizeof(h);

	memcpy(&h, buf, sizeof(h));
	if (len != sizeof(h) + h.msg_len + h.log_len + h.elf_size || h.rc > 0)
		return bl_errf(e, EIO, "compile failed: code generation returned a garbled result");
	if (h.rc) {
		bl_errf(e, -h.rc, "%.*s", (int)h.msg_len, p);
		if (h.log_len)
			bl_err_set_log(e, strndup(p + h.msg_len, h.log_len));
		return h.rc;
	}
	*elf = malloc(h.elf_size);
	if (!*elf)
		return bl_errf(e, ENOMEM, "out of memory");
	memcpy(*elf, p + h.msg_len + h.log_len, h.elf_size);
	*size = h.elf_size;
	return 0;
}

/* The child's status when it sent no result: how it ended. */
static int died(int status, struct bl_err *e)
{
	if (WIFSIGNALED(status))
		return bl_errf(e, EINVAL, "compile failed: code generation crashed (%s)",
			       strsignal(WTERMSIG(status)));
	return bl_errf(e, EINVAL, "compile failed: code generation exited with status %d",
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int bl_codegen_isolated(const struct bl_cc_env *env, const struct bl_compile_opts *o,
			const char *text, void **elf, size_t *size, struct bl_err *e)
{
	int fds[2], status = 0, err;
	size_t len = 0;
	char *buf = NULL;
	pid_t pid;

	bl_codegen_init();
	if (pipe2(fds, O_CLOEXEC))
		return bl_errf(e, errno, "compile: pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(fds[0]);
		close(fds[1]);
		return bl_errf(e, err, "compile: fork: %s", strerror(err));
	}
	if (pid == 0) {
		close(fds[0]);
		child(fds[1], env, o, text);
	}
	close(fds[1]);
	err = bl_read_fd(fds[0], 0, &buf, &len);     /* until the child exits */
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (err)
		err = bl_errf(e, -err, "compile: reading the code generator's result: %s",
			      strerror(-err));
	else if (len < sizeof(struct result_hdr))
		err = died(status, e);
	else
		err = unpack(buf, len, elf, size, e);
	free(buf);
	return err;
}
