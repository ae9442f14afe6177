/* sym.c - bl_sym_resolve(): kernel or user, with one cache per process.
 *
 * A process's cache is made on its first lookup and kept (up to
 * BL_SYM_MAX_PROCS, least recently used dropped), so that stacks sampled
 * from short-lived processes still resolve after they exit, as long as
 * they were looked up once while alive. The last process found is
 * remembered: a stack's addresses all come from one pid.
 */
#include "sym.h"

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

struct proc {
	int pid;
	unsigned long used;  /* LRU clock */
	struct bl_usyms *u;  /* NULL: could not be read; stays unknown */
};

static struct proc procs[BL_SYM_MAX_PROCS];
static int nprocs;
static unsigned long clock_;
static struct proc *last;

static int kernel_resolve(uint64_t addr, struct bl_sym *out)
{
	struct bl_err e = { 0 };
	const struct bl_ksym *s;
	int err = bl_ksyms_load(&e);

	if (err)
		return err;
	s = bl_ksym_lookup(addr);
	if (!s)
		return -ENOENT;
	out->name = s->name;
	out->offset = addr - s->addr;
	out->module = s->module ? s->module : "kernel";
	return 0;
}

static struct proc *victim(void)
{
	struct proc *v = &procs[0];

	if (nprocs < BL_SYM_MAX_PROCS)
		return &procs[nprocs++];
	for (int i = 1; i < nprocs; i++)
		if (procs[i].used < v->used)
			v = &procs[i];
	bl_usyms_close(v->u);
	return v;
}

static struct proc *proc_get(int pid)
{
	struct proc *p = NULL;

	if (last && last->pid == pid)
		return last;
	for (int i = 0; i < nprocs && !p; i++)
		if (procs[i].pid == pid)
			p = &procs[i];
	if (!p) {
		p = victim();
		p->pid = pid;
		p->u = bl_usyms_open(pid);
	}
	p->used = ++clock_;
	return last = p;
}

int bl_sym_resolve(int pid, uint64_t addr, int demangle, struct bl_sym *out)
{
	struct proc *p;
	const char *d;
	int err;

	memset(out, 0, sizeof(*out));
	if (pid < 0)
		return kernel_resolve(addr, out);
	p = proc_get(pid);
	if (!p->u)
		return -ENOENT;
	err = bl_usyms_lookup(p->u, addr, out);
	if (!err && demangle && (d = bl_demangle(out->name)))
		out->name = d;
	return err;
}

/* BCC names a module by its file's base name; the vDSO, which libdwfl
 * calls "[vdso: PID]", by the name the maps file gives it, "[vdso]". */
static const char *module_tag(const char *module)
{
	const char *slash = strrchr(module, '/');

	if (strncmp(module, "[vdso", 5) == 0)
		return "[vdso]";
	return slash ? slash + 1 : module;
}

int bl_sym_format(int pid, uint64_t addr, int flags, char *buf, size_t len)
{
	struct bl_sym s;
	int err = bl_sym_resolve(pid, addr, flags & BL_SYM_DEMANGLE, &s);
	int n;

	if (err && err != -ENOENT)
		return err;
	if (!s.name)
		n = snprintf(buf, len, "[unknown]");
	else if (flags & BL_SYM_OFFSET)
		n = snprintf(buf, len, "%s+0x%" PRIx64, s.name, s.offset);
	else
		n = snprintf(buf, len, "%s", s.name);
	if ((flags & BL_SYM_MODULE) && s.module && n >= 0 && (size_t)n < len) {
		n += snprintf(buf + n, len - n, " [%s]", module_tag(s.module));
	}
	return n < 0 ? -EINVAL : (size_t)n >= len ? (int)len - 1 : n;
}

static int cmp_fsym(const void *a, const void *b)
{
	const struct bl_fsym *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->rank - y->rank;
}

void bl_fsym_sort(struct bl_fsym *syms, size_t n)
{
	qsort(syms, n, sizeof(*syms), cmp_fsym);
}

/* The symbol containing addr: among those starting at or before it, the
 * nearest sized one that covers it, else the nearest sizeless one (a label
 * inside a function never hides the function). */
const struct bl_fsym *bl_fsym_find(const struct bl_fsym *syms, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;
	const struct bl_fsym *sizeless = NULL;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (syms[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Back to the first entry of the nearest address (the best rank). */
	while (lo > 1 && syms[lo - 2].start == syms[lo - 1].start)
		lo--;
	for (size_t i = lo, seen = 0; i > 0 && seen < 64; i--, seen++) {
		const struct bl_fsym *s = &syms[i - 1];

		if (s->size && addr - s->start < s->size)
			return s;
		if (!s->size && !sizeless)
			sizeless = s;
	}
	return sizeless;
}

typedef char *(*cxa_demangle_fn)(const char *, char *, size_t *, int *);

/* libstdc++ is loaded only for the first mangled name. */
static cxa_demangle_fn demangler(void)
{
	static cxa_demangle_fn fn;
	static int tried;
	void *h;

	if (tried)
		return fn;
	tried = 1;
	h = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
	if (h)
		fn = (cxa_demangle_fn)dlsym(h, "__cxa_demangle");
	return fn;
}

const char *bl_demangle(const char *name)
{
	static char *buf;
	static size_t len;
	cxa_demangle_fn fn;
	char *r;
	int status;

	if (strncmp(name, "_Z", 2) != 0 || !(fn = demangler()))
		return NULL;
	r = fn(name, buf, &len, &status);
	if (status != 0 || !r)
		return NULL;
	buf = r;
	return buf;
}
