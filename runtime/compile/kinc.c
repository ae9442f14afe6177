/* kinc.c - see kinc.h */
#include "kinc.h"

#include <string.h>

#include "prepass.h"

/* header (a prefix when it ends in '/') -> shim. In the kernel,
 * net/sock.h comes with every net/ header and with the protocol headers
 * of linux/ that embed a socket; linux/kernel.h with nearly every linux/
 * and net/ header; linux/skbuff.h with the networking ones. */
static const struct { const char *header, *shim; } table[] = {
	{ "net/tcp.h", "bpflua/kinc/tcp.h" },
	{ "net/", "bpflua/kinc/sock.h" },
	{ "net/", "bpflua/kinc/skbuff.h" },
	{ "linux/skbuff.h", "bpflua/kinc/skbuff.h" },
	{ "linux/netdevice.h", "bpflua/kinc/skbuff.h" },
	{ "linux/", "bpflua/kinc/kernel.h" },
	{ "net/", "bpflua/kinc/kernel.h" },
	{ "linux/in6.h", "bpflua/kinc/in6.h" },
	{ "uapi/linux/in6.h", "bpflua/kinc/in6.h" },
	{ "linux/scatterlist.h", "bpflua/kinc/scatterlist.h" },
	{ "linux/virtio.h", "bpflua/kinc/scatterlist.h" },
	{ "linux/mm.h", "bpflua/kinc/mm.h" },
	{ "linux/page-flags.h", "bpflua/kinc/mm.h" },
	{ "linux/pagemap.h", "bpflua/kinc/mm.h" },
	{ "linux/tcp.h", "bpflua/kinc/sock.h" },
	{ "linux/udp.h", "bpflua/kinc/sock.h" },
	{ "linux/ipv6.h", "bpflua/kinc/sock.h" },
	{ "linux/net.h", "bpflua/kinc/sock.h" },
	{ "linux/skbuff.h", "bpflua/kinc/sock.h" },
};

static int matches(const char *name, size_t n, const char *header)
{
	size_t h = strlen(header);

	return header[h - 1] == '/' ? n > h && !strncmp(name, header, h)
				    : n == h && !strncmp(name, header, h);
}

static int add(const char *shims[BL_KINC_MAX], int n, const char *shim)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(shims[i], shim))
			return n;
	if (n < BL_KINC_MAX)
		shims[n++] = shim;
	return n;
}

/* p at a line start: the <name> or "name" of an #include line, or NULL. */
static const char *include_name(const char *p, size_t *n)
{
	p += strspn(p, " \t");
	if (*p != '#')
		return NULL;
	p += 1 + strspn(p + 1, " \t");
	if (strncmp(p, "include", 7))
		return NULL;
	p += 7 + strspn(p + 7, " \t");
	if (*p != '<' && *p != '"')
		return NULL;
	*n = strcspn(p + 1, ">\"\n");
	return p + 1;
}

int bl_kinc_shims(const char *text, const char *shims[BL_KINC_MAX])
{
	const char *p = text, *name;
	int count = 0, bol = 1;
	size_t n;

	while (*p) {
		const char *next = bl_skip_literal(p);

		if (bol && (name = include_name(p, &n)))
			for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
				if (matches(name, n, table[i].header))
					count = add(shims, count, table[i].shim);
		bol = 0;
		if (next != p) {
			p = next;
			continue;
		}
		bol = *p == '\n';
		p++;
	}
	return count;
}
