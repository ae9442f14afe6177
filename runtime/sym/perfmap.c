/* perfmap.c - JIT symbols from /tmp/perf-PID.map (see sym.h).
 *
 * JIT compilers (V8, the JVM with perf-map-agent, LuaJIT's profiler...)
 * write "START SIZE NAME" lines, hex without 0x, for code they place in
 * anonymous memory. The file is read through /proc/PID/root (the process's
 * /tmp) and named by the pid the process knows itself by (NSpid); it grows
 * while the process runs, so a miss re-reads it when its size changed,
 * looking at most once a second (a stat() per unknown address would cost
 * more than the whole lookup).
 */
#include "sym.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct bl_perfmap {
	char path[128];
	int exists;  /* the file could be read */
	off_t size;  /* of the file when read */
	time_t checked;  /* CLOCK_MONOTONIC_COARSE seconds of the last stat() */
	struct bl_fsym *syms;
	size_t n;
	char module[64];  /* "perf-PID.map", as BCC shows it */
};

/* The innermost pid namespace's pid: the number the process wrote in its
 * map's name. */
static int ns_pid(int pid)
{
	char path[64], line[256];
	FILE *f;
	int ns = pid;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return pid;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "NSpid:", 6) != 0)
			continue;
		for (char *p = line + 6, *end; ; p = end) {
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			ns = (int)v;
		}
		break;
	}
	fclose(f);
	return ns;
}

static void drop_syms(struct bl_perfmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free((char *)m->syms[i].name);
	free(m->syms);
	m->syms = NULL;
	m->n = 0;
}

static int add_line(struct bl_perfmap *m, const char *line, size_t *cap)
{
	uint64_t start, size;
	int pos = 0;
	struct bl_fsym *tmp;

	if (sscanf(line, "%" SCNx64 " %" SCNx64 " %n", &start, &size, &pos) != 2 || !pos)
		return 0;
	if (m->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		tmp = realloc(m->syms, *cap * sizeof(*tmp));
		if (!tmp)
			return -ENOMEM;
		m->syms = tmp;
	}
	m->syms[m->n].name = strndup(line + pos, strcspn(line + pos, "\n"));
	if (!m->syms[m->n].name)
		return -ENOMEM;
	m->syms[m->n].start = start;
	m->syms[m->n].rank = 0;
	m->syms[m->n++].size = size;
	return 0;
}

/* (Re)reads the file; -errno when it cannot be read. */
static int load(struct bl_perfmap *m)
{
	FILE *f = fopen(m->path, "re");
	char *line = NULL;
	size_t len = 0, cap = 0;
	struct stat st;
	int err = 0;

	if (!f)
		return -errno;
	m->exists = 1;
	drop_syms(m);
	m->size = fstat(fileno(f), &st) == 0 ? st.st_size : 0;
	while (!err && getline(&line, &len, f) > 0)
		err = add_line(m, line, &cap);
	free(line);
	fclose(f);
	bl_fsym_sort(m->syms, m->n);
	return err;
}

/* NULL when the process has no JIT map (yet: a later miss looks again). */
struct bl_perfmap *bl_perfmap_open(int pid)
{
	struct bl_perfmap *m = calloc(1, sizeof(*m));
	int ns = ns_pid(pid);

	if (!m)
		return NULL;
	snprintf(m->path, sizeof(m->path), "/proc/%d/root/tmp/perf-%d.map", pid, ns);
	snprintf(m->module, sizeof(m->module), "perf-%d.map", ns);
	load(m);
	return m;
}

void bl_perfmap_close(struct bl_perfmap *m)
{
	if (!m)
		return;
	drop_syms(m);
	free(m);
}

static int changed(struct bl_perfmap *m)
{
	struct timespec now;
	struct stat st;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	if (now.tv_sec == m->checked)
		return 0;
	m->checked = now.tv_sec;
	return stat(m->path, &st) == 0 && st.st_size != m->size;
}

int bl_perfmap_lookup(struct bl_perfmap *m, uint64_t addr, struct bl_sym *out)
{
	const struct bl_fsym *s = bl_fsym_find(m->syms, m->n, addr);

	if (!s && changed(m) && load(m) == 0)
		s = bl_fsym_find(m->syms, m->n, addr);
	/* BCC then names the map as the module of an unknown address. */
	if (!s && m->exists)
		out->module = m->module;
	if (!s)
		return -ENOENT;
	out->name = s->name;
	out->offset = addr - s->start;
	out->module = m->module;
	return 0;
}
