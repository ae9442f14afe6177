/* printk.c - see printk.h
 *
 * One parser (next_spec) serves both the check and the formatting, so what
 * is formatted is exactly what is accepted. Differences from the kernel's
 * output, which user space cannot reproduce: %p and %pK print the address
 * (the kernel hashes %p), %pS is "name+0xoff" without "/size".
 */
#include "printk.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ffi.h"

enum kind { K_INT, K_STR, K_CHAR, K_PTR, K_SYM, K_IP4, K_IP6 };

struct spec {
	enum kind kind;
	char pre[16];       /* "%", flags and width, as written */
	char conv;          /* d u x X for integers */
	int len;            /* 0 int, 1 long, 2 long long */
	char sub;           /* %p: the letter after p ('S', 'I', 'i', ...) */
};

static int is_end(char c)
{
	return c == 0 || isspace((unsigned char)c) || ispunct((unsigned char)c);
}

static int pointer_spec(const char *f, int *i, struct spec *s, const char **why)
{
	char c = f[*i + 1];

	s->sub = c;
	if ((c == 'k' || c == 'u') && f[*i + 2] == 's') {
		*i += 2;
		s->kind = K_STR;
		return is_end(f[*i + 1]) ? 0 : (*why = "%pks/%pus must end the word", -EINVAL);
	}
	if (is_end(c) || c == 'K' || c == 'x') {
		s->kind = K_PTR;
		*i += is_end(c) ? 0 : 1;
		return 0;
	}
	if (c == 's' || c == 'S' || c == 'B') {
		s->kind = K_SYM;
		*i += 1;
		return 0;
	}
	if ((c == 'i' || c == 'I') && (f[*i + 2] == '4' || f[*i + 2] == '6')) {
		s->kind = f[*i + 2] == '4' ? K_IP4 : K_IP6;
		*i += 2;
		return 0;
	}
	*why = "unsupported %p extension (the kernel takes %p %pK %px %ps %pS %pB %pks %pus %pI4 %pi4 %pI6 %pi6)";
	return -EINVAL;
}

/* Parses the conversion whose '%' is at f[*i]; leaves *i on its last byte. */
static int next_spec(const char *f, int *i, struct spec *s, const char **why)
{
	int start = *i, n;

	memset(s, 0, sizeof(*s));
	(*i)++;
	while (f[*i] == '0' || f[*i] == '+' || f[*i] == '-' || f[*i] == ' ')
		(*i)++;
	while (isdigit((unsigned char)f[*i]))
		(*i)++;
	n = *i - start;
	if (n > 12)
		n = 12;
	memcpy(s->pre, f + start, n);
	if (f[*i] == 'p')
		return pointer_spec(f, i, s, why);
	if (f[*i] == 's' || f[*i] == 'c') {
		s->kind = f[*i] == 's' ? K_STR : K_CHAR;
		if (s->kind == K_STR && !is_end(f[*i + 1]))
			return *why = "%s must be followed by a space, punctuation or the end", -EINVAL;
		return 0;
	}
	for (; f[*i] == 'l' && s->len < 2; (*i)++)
		s->len++;
	if (!strchr("idux X", f[*i]) || f[*i] == ' ' || !f[*i])
		return *why = "unsupported conversion (the kernel takes %d %i %u %x %X with l/ll, %s %c %p...)", -EINVAL;
	s->conv = f[*i] == 'i' ? 'd' : f[*i];
	s->kind = K_INT;
	return 0;
}

int bl_printk_check(const char *fmt, int nargs, int *at, const char **why)
{
	struct spec s;
	int i, n = 0;

	for (i = 0; fmt[i]; i++) {
		*at = i;
		if ((!isprint((unsigned char)fmt[i]) && !isspace((unsigned char)fmt[i])) ||
		    !isascii((unsigned char)fmt[i]))
			return *why = "format holds a byte that is not printable ASCII", -EINVAL;
		if (fmt[i] != '%')
			continue;
		if (fmt[i + 1] == '%') {
			i++;
			continue;
		}
		if (n++ >= nargs)
			return *why = "more conversions than arguments", -EINVAL;
		if (next_spec(fmt, &i, &s, why))
			return -EINVAL;
	}
	return 0;
}

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

static long long int_arg(uint64_t v, const struct spec *s)
{
	int sig = s->conv == 'd';

	if (s->len)
		return (long long)v;
	return sig ? (long long)(int32_t)v : (long long)(uint32_t)v;
}

static void put_ip(struct out *o, const struct spec *s, const unsigned char *b)
{
	int k;

	if (s->kind == K_IP4) {
		put(o, s->sub == 'i' ? "%03u.%03u.%03u.%03u" : "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
		return;
	}
	for (k = 0; k < 16; k += 2)
		put(o, "%s%02x%02x", s->sub == 'I' && k ? ":" : "", b[k], b[k + 1]);
}

static void put_arg(struct out *o, const struct spec *s, uint64_t v, const char *mem)
{
	char sym[256], cf[24];

	switch (s->kind) {
	case K_INT:
		snprintf(cf, sizeof(cf), "%sll%c", s->pre, s->conv);
		put(o, cf, int_arg(v, s));
		break;
	case K_STR:
		snprintf(cf, sizeof(cf), "%s.*s", s->pre);
		put(o, cf, (int)strnlen(mem, BL_PRINTK_STR), mem);
		break;
	case K_CHAR:
		snprintf(cf, sizeof(cf), "%sc", s->pre);
		put(o, cf, (int)(char)v);
		break;
	case K_PTR:
		put(o, "%016llx", (unsigned long long)v);
		break;
	case K_SYM:
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
	struct spec s;
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
		next_spec(fmt, &i, &s, &why);
		k = r->nargs - 1 - n++;
		put_arg(o, &s, r->args[k], r->mem[k]);
	}
	return 0;
}

/* The pipe's header: comm right-aligned in 16, tid, cpu, flags, time. */
static void put_head(struct out *o, const struct bl_printk_rec *r)
{
	put(o, "%16.16s-%-7u [%03u] ..... %5llu.%06llu: bpf_trace_printk: ",
	    r->comm, r->tid, r->cpu, (unsigned long long)(r->ts / 1000000000ULL),
	    (unsigned long long)(r->ts % 1000000000ULL / 1000));
}

int bl_printk_line(const void *rec, uint32_t size, char *buf, size_t len)
{
	const struct bl_printk_rec *r = rec;
	char fmt[BL_PRINTK_FMT + 1];
	struct out o = { buf, len, 0 };

	if (size < sizeof(*r) || r->fmt_len >= BL_PRINTK_FMT || r->nargs > BL_PRINTK_ARGS || !len)
		return -EINVAL;
	memcpy(fmt, r->fmt, r->fmt_len);
	fmt[r->fmt_len] = '\0';
	buf[0] = '\0';
	put_head(&o, r);
	if (put_msg(&o, r, fmt))
		return -EINVAL;
	return (int)o.n;
}
