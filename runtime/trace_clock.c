/* trace_clock.c - bl_trace_clock_offset (printk.h): how far the trace
 * pipe's clock is from bpf_ktime_get_ns().
 *
 * The pipe stamps lines with its trace_clock ("local", sched_clock, by
 * default), which BPF cannot read; private records carry CLOCK_MONOTONIC.
 * To print the pipe's time, one marker is written into a private tracefs
 * instance set to the top-level clock, between two CLOCK_MONOTONIC
 * readings; the instance is removed at once, so no other reader is touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "features.h"
#include "printk.h"
#include "trace_pipe.h"

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Copies the top-level clock ("... [local] ...") into the instance. */
static void copy_clock(const char *fs, const char *inst)
{
	char path[PATH_MAX], buf[256], *a, *b;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/trace_clock", fs);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	a = strchr(buf, '[');
	b = a ? strchr(a, ']') : NULL;
	if (!b)
		return;
	snprintf(path, sizeof(path), "%s/trace_clock", inst);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && write(fd, a + 1, b - a - 1) < 0)
		(void)0;   /* the default clock then */
	if (fd >= 0)
		close(fd);
}

/* Writes a marker, reads its line back: 0 with *off, or -errno. */
static int measure(const char *inst, int64_t *off)
{
	char path[PATH_MAX], line[512];
	struct bl_trace_fields f;
	struct pollfd p;
	int64_t t0, t1;
	int wfd, rfd, err = -EIO;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/trace_marker", inst);
	wfd = open(path, O_WRONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/trace_pipe", inst);
	rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (wfd >= 0 && rfd >= 0) {
		t0 = mono_ns();
		n = write(wfd, "bpflua", 6);
		t1 = mono_ns();
		p = (struct pollfd){ .fd = rfd, .events = POLLIN };
		if (n == 6 && poll(&p, 1, 500) == 1 && (n = read(rfd, line, sizeof(line) - 1)) > 0) {
			line[n] = '\0';
			if (bl_trace_parse(line, &f) == 0) {
				*off = (int64_t)(f.ts * 1e9) - (t0 + (t1 - t0) / 2);
				err = 0;
			}
		}
	}
	if (wfd >= 0)
		close(wfd);
	if (rfd >= 0)
		close(rfd);
	return err;
}

int bl_trace_clock_offset(int64_t *off)
{
	static int done, result;
	static int64_t cached;
	struct bl_err e = { 0 };
	char inst[PATH_MAX];
	const char *fs;

	if (done) {
		*off = cached;
		return result;
	}
	done = 1;
	fs = bl_tracefs(&e);
	bl_err_clear(&e);
	if (!fs)
		return result = -ENOENT;
	snprintf(inst, sizeof(inst), "%s/instances/bpflua-clock-%d", fs, (int)getpid());
	if (mkdir(inst, 0700) < 0)
		return result = -errno;
	copy_clock(fs, inst);
	result = measure(inst, &cached);
	rmdir(inst);
	*off = cached;
	return result;
}
