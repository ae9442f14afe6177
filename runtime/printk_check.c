/* printk_check.c - the kernel's bpf_trace_printk format rules (printk.h):
 * kernel/bpf/helpers.c's bpf_bprintf_prepare, accepted and rejected alike.
 * Used by the formatter and by the compiler's check (rw_printk.c).
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "printk.h"

static int is_end(char c)
{
	return c == 0 || isspace((unsigned char)c) || ispunct((unsigned char)c);
}

static int pointer_spec(const char *f, int *i, struct bl_printk_spec *s, const char **why)
{
	char c = f[*i + 1];

	s->sub = c;
	if ((c == 'k' || c == 'u') && f[*i + 2] == 's') {
		*i += 2;
		s->kind = BL_PK_STR;
		return is_end(f[*i + 1]) ? 0 : (*why = "%pks/%pus must end the word", -EINVAL);
	}
	if (is_end(c) || c == 'K' || c == 'x') {
		s->kind = BL_PK_PTR;
		*i += is_end(c) ? 0 : 1;
		return 0;
	}
	if (c == 's' || c == 'S' || c == 'B') {
		s->kind = BL_PK_SYM;
		*i += 1;
		return 0;
	}
	if ((c == 'i' || c == 'I') && (f[*i + 2] == '4' || f[*i + 2] == '6')) {
		s->kind = f[*i + 2] == '4' ? BL_PK_IP4 : BL_PK_IP6;
		*i += 2;
		return 0;
	}
	*why = "unsupported %p extension (the kernel takes %p %pK %px %ps %pS %pB %pks %pus %pI4 %pi4 %pI6 %pi6)";
	return -EINVAL;
}

/* Parses the conversion whose '%' is at f[*i]; leaves *i on its last byte. */
int bl_printk_spec(const char *f, int *i, struct bl_printk_spec *s, const char **why)
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
		s->kind = f[*i] == 's' ? BL_PK_STR : BL_PK_CHAR;
		if (s->kind == BL_PK_STR && !is_end(f[*i + 1]))
			return *why = "%s must be followed by a space, punctuation or the end", -EINVAL;
		return 0;
	}
	for (; f[*i] == 'l' && s->len < 2; (*i)++)
		s->len++;
	if (!strchr("idux X", f[*i]) || f[*i] == ' ' || !f[*i])
		return *why = "unsupported conversion (the kernel takes %d %i %u %x %X with l/ll, %s %c %p...)", -EINVAL;
	s->conv = f[*i] == 'i' ? 'd' : f[*i];
	s->kind = BL_PK_INT;
	return 0;
}

int bl_printk_check(const char *fmt, int nargs, int *at, const char **why)
{
	struct bl_printk_spec s;
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
		if (bl_printk_spec(fmt, &i, &s, why))
			return -EINVAL;
	}
	return 0;
}

