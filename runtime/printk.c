/* printk.c - bl_printk_line (printk.h): a record as its trace pipe line.
 *
 * The conversions come from the parser the check uses (printk_check.c), so
 * what is formatted is exactly what is accepted. Differences from the kernel's
 * output, which user space cannot reproduce: %p and %pK print the address
 * (the kernel hashes %p), %pS is "name+0xoff" without "/size".
 */
#include "printk.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ffi.h"

struct out {
	char *p;
	size_t len, n;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (o->n + 1 >= o->len)
		return;
	va_start(ap, fmt);
	r = vsnprintf(o->p + o->n, o->len - o->n, fmt, ap);
	va_end(ap);
	if (r > 0)
		o->n += (size_t)r < o->len - o->n ? (size_t)r : o->len - o->n - 1;
}

static long long int_arg(uint64_t v, const struct bl_printk_spec *s)
{
	int sig = s->conv == 'd';

	if (s->len)
		return (long long)v;
	return sig ? (long long)(int32_t)v : (long long)(uint32_t)v;
}

static void put_ip(struct out *o, const struct bl_printk_spec *s, const unsigned char *b)
{
	int k;

	if (s->kind == BL_PK_IP4) {
		put(o, s->sub == 'i' ? "%03u.%03u.%03u.%03u" : "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
		return;
	}
	for (k = 0; k < 16; k += 2)
		put(o, "%s%02x%02x", s->sub == 'I' && k ? ":" : "", b[k], b[k + 1]);
}

static void put_arg(struct out *o, const struct bl_printk_spec *s, uint64_t v, const char *mem)
{
	char sym[256], cf[24];

	switch (s->kind) {
	case BL_PK_INT:
		snprintf(cf, sizeof(cf), "%sll%c", s->pre, s->conv);
		put(o, cf, int_arg(v, s));
		break;
	case BL_PK_STR:
		snprintf(cf, sizeof(cf), "%s.*s", s->pre);
		put(o, cf, (int)strnlen(mem, BL_PRINTK_STR), mem);
		break;
	case BL_PK_CHAR:
		snprintf(cf, sizeof(cf), "%sc", s->pre);
		put(o, cf, (int)(char)v);
		break;
	case BL_PK_PTR:
		put(o, "%016llx", (unsigned long long)v);
		break;
	case BL_PK_SYM:
		if (bl_sym_format(-1, v, s->sub == 's' ? 0 : BL_SYM_OFFSET, sym, sizeof(sym)) < 0)
			snprintf(sym, sizeof(sym), "0x%llx", (unsigned long long)v);
		put(o, "%s", sym);
		break;
	default:
		put_ip(o, s, (const unsigned char *)mem);
	}
}

/* The message: the format with its arguments (stored last first). */
static int put_msg(struct out *o, const struct bl_printk_rec *r, const char *fmt)
{
	const char *why;
	struct bl_printk_spec s;
	int i, at, n = 0, k;

	if (bl_printk_check(fmt, r->nargs, &at, &why))
		return -EINVAL;
	for (i = 0; fmt[i]; i++) {
		if (fmt[i] != '%') {
			put(o, "%c", fmt[i]);
			continue;
		}
		if (fmt[i + 1] == '%') {
			put(o, "%%");
			i++;
			continue;
		}
		bl_printk_spec(fmt, &i, &s, &why);
		k = r->nargs - 1 - n++;
		put_arg(o, &s, r->args[k], r->mem[k]);
	}
	return 0;
}

/* The pipe's header: comm right-aligned in 16, tid, cpu, flags, time. */
static void put_head(struct out *o, const struct bl_printk_rec *r)
{
	int64_t off = 0;
	uint64_t ts;

	bl_trace_clock_offset(&off);
	ts = r->ts + off;
	put(o, "%16.16s-%-7u [%03u] ..... %5llu.%06llu: bpf_trace_printk: ",
	    r->comm, r->tid, r->cpu, (unsigned long long)(ts / 1000000000ULL),
	    (unsigned long long)(ts % 1000000000ULL / 1000));
}

int bl_printk_line(const void *rec, uint32_t size, char *buf, size_t len)
{
	const struct bl_printk_rec *r = rec;
	struct bl_printk_rec aligned;
	char fmt[BL_PRINTK_FMT + 1];
	struct out o = { buf, len, 0 };

	if (size < sizeof(*r))
		return -EINVAL;
	/* A perf buffer's raw sample starts 4 bytes into an 8-aligned record. */
	if ((uintptr_t)rec % _Alignof(struct bl_printk_rec)) {
		memcpy(&aligned, rec, sizeof(aligned));
		r = &aligned;
	}
	if (r->fmt_len >= BL_PRINTK_FMT || r->nargs > BL_PRINTK_ARGS || !len)
		return -EINVAL;
	memcpy(fmt, r->fmt, r->fmt_len);
	fmt[r->fmt_len] = '\0';
	buf[0] = '\0';
	put_head(&o, r);
	if (put_msg(&o, r, fmt))
		return -EINVAL;
	return (int)o.n;
}
