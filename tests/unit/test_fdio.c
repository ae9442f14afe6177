/* test_fdio.c - fdio.c's whole-file reads and temp-then-rename writes, and
 * tracefs_format.c's field parser on a syscall tracepoint's format text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "tracefs_format.h"

static int passed, failed;

#define CHECK(cond, ...) do { \
	if (cond) { passed++; } else { failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
		printf(__VA_ARGS__); printf("\n"); } } while (0)

/* A pipe carrying more than the reader's first buffer, in small writes:
 * the read must grow and return every byte, NUL-terminated. */
static void read_pipe(void)
{
	size_t n = 300000, len = 0, bad = 0;
	int fds[2];
	char *buf = NULL;
	pid_t pid;

	if (pipe(fds))
		return;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (size_t i = 0; i < n; i += 1000) {
			char chunk[1000];

			for (size_t j = 0; j < sizeof(chunk); j++)
				chunk[j] = (char)('a' + (i + j) % 26);
			bl_write_all(fds[1], chunk, sizeof(chunk));
		}
		_exit(0);
	}
	close(fds[1]);
	CHECK(bl_read_fd(fds[0], 0, &buf, &len) == 0, "bl_read_fd failed");
	close(fds[0]);
	waitpid(pid, NULL, 0);
	CHECK(len == n, "read %zu bytes, want %zu", len, n);
	for (size_t i = 0; buf && i < len; i++)
		bad += buf[i] != (char)('a' + i % 26);
	CHECK(buf && bad == 0 && buf[len] == '\0', "content differs in %zu bytes", bad);
	free(buf);
}

static void read_missing(void)
{
	char *buf = (char *)1;
	size_t len = 1;

	CHECK(bl_read_file("/nonexistent/bpflua", &buf, &len) == -ENOENT, "missing file");
	CHECK(buf == NULL && len == 0, "nothing returned on failure");
}

static void tmp_rename(void)
{
	char dir[] = "/tmp/bl_fdio_XXXXXX", path[128], tmp[160], *buf = NULL;
	size_t len = 0;
	struct stat st;
	int fd;

	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof(path), "%s/file", dir);
	fd = bl_tmp_create(path, tmp, sizeof(tmp));
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0600, "tmp is 0600");
	bl_write_all(fd, "new", 3);
	close(fd);
	CHECK(access(path, F_OK) != 0, "nothing at path before commit");
	CHECK(bl_tmp_commit(tmp, path, 0) == 0, "commit");
	CHECK(bl_read_file(path, &buf, &len) == 0 && len == 3 && !strcmp(buf, "new"), "renamed");
	CHECK(access(tmp, F_OK) != 0, "tmp gone after commit");
	free(buf);
	fd = bl_tmp_create(path, tmp, sizeof(tmp));
	close(fd);
	CHECK(bl_tmp_commit(tmp, path, -EIO) == -EIO, "a failed write keeps its error");
	CHECK(access(tmp, F_OK) != 0, "tmp removed after a failed write");
	unlink(path);
	rmdir(dir);
}

static const char format_text[] =
	"name: sys_enter_openat\n"
	"ID: 700\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:__data_loc char[] name;\toffset:32;\tsize:4;\tsigned:0;\n"
	"\tfield:char comm[16];\toffset:36;\tsize:16;\tsigned:0;\n"
	"\n"
	"print fmt: \"dfd: 0x%08lx\", ((unsigned long)(REC->dfd))\n";

static void format_fields(void)
{
	FILE *f = fmemopen((void *)format_text, sizeof(format_text) - 1, "r");
	struct bl_tp_field v[8];
	int n = 0;

	while (f && n < 8 && bl_tp_format_next(f, &v[n]))
		n++;
	if (f)
		fclose(f);
	CHECK(n == 6, "%d fields, want 6", n);
	if (n != 6)
		return;
	CHECK(!strcmp(v[1].name, "__syscall_nr") && v[1].offset == 8 && v[1].is_signed,
	      "__syscall_nr");
	CHECK(!strcmp(v[3].type, "const char *") && !strcmp(v[3].name, "filename") &&
	      v[3].size == 8, "pointer field: '%s' '%s'", v[3].type, v[3].name);
	CHECK(v[4].data_loc && !strcmp(v[4].name, "name") && !strcmp(v[4].type, "char"),
	      "__data_loc field: '%s' '%s'", v[4].type, v[4].name);
	CHECK(!strcmp(v[5].name, "comm") && v[5].dim == 16, "array field");
}

int main(void)
{
	read_pipe();
	read_missing();
	tmp_rename();
	format_fields();
	printf("test_fdio: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
