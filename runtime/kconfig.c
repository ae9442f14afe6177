/* kconfig.c - see kconfig.h */
#include "kconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <unistd.h>

#include <zlib.h>

/* Reads a whole file, gzip'd or not (gzread passes plain text through). */
static int read_config(const char *path, char **out, struct bl_err *e)
{
	gzFile f = gzopen(path, "rb");
	size_t len = 0, cap = 1 << 17;
	char *buf;
	int n;

	*out = NULL;
	if (!f)
		return bl_errf(e, errno ? errno : EIO, "cannot read the kernel configuration %s: %s",
			       path, strerror(errno ? errno : EIO));
	buf = malloc(cap);
	while (buf && (n = gzread(f, buf + len, (unsigned)(cap - len - 1))) > 0) {
		len += (size_t)n;
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap *= 2);

			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	gzclose(f);
	if (!buf)
		return bl_errf(e, ENOMEM, "out of memory");
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* LINUX_VERSION_CODE packs a.b.c as the kernel does, c saturated at 255
 * (the kernel's own Makefile does the same since 4.9.256). */
static unsigned version_code(const char *release)
{
	unsigned a = 0, b = 0, c = 0;

	sscanf(release, "%u.%u.%u", &a, &b, &c);
	return (a << 16) + (b << 8) + (c > 255 ? 255 : c);
}

struct buf {
	char *s;
	size_t len, cap;
};

static int put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->cap + n) * 2;
		char *ns = realloc(b->s, cap);

		if (!ns)
			return -ENOMEM;
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

static int puts_(struct buf *b, const char *s)
{
	return put(b, s, strlen(s));
}

/* One line of a .config: "CONFIG_X=y" -> "#define CONFIG_X 1", "=m" ->
 * "#define CONFIG_X_MODULE 1", other values as written; "# ... is not
 * set" and comments give nothing. */
static int config_line(struct buf *b, const char *line, size_t n)
{
	const char *eq = memchr(line, '=', n);
	size_t name = eq ? (size_t)(eq - line) : 0, vlen = eq ? n - name - 1 : 0;
	int err;

	if (n < 8 || strncmp(line, "CONFIG_", 7) || !eq || !vlen)
		return 0;
	err = puts_(b, "#define ") ?: put(b, line, name);
	if (vlen == 1 && (eq[1] == 'y' || eq[1] == 'm'))
		err = err ?: puts_(b, eq[1] == 'm' ? "_MODULE 1\n" : " 1\n");
	else
		err = err ?: puts_(b, " ") ?: put(b, eq + 1, vlen) ?: puts_(b, "\n");
	return err;
}

int bl_kconfig_header_from(const char *config, const char *release, char **text,
			   struct bl_err *e)
{
	struct buf b = { 0 };
	char head[256];
	int err;

	snprintf(head, sizeof(head),
		 "/* bpflua: the running kernel's version and configuration */\n"
		 "#define LINUX_VERSION_CODE %u\n"
		 "#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))\n",
		 version_code(release));
	err = puts_(&b, head);
	while (!err && config && *config) {
		size_t n = strcspn(config, "\n");

		err = config_line(&b, config, n);
		config += n + (config[n] == '\n');
	}
	/* what depends on the configuration (bpf-headers/bpflua) */
	err = err ?: puts_(&b, "#include <bpflua/kconfig_defs.h>\n");
	if (err) {
		free(b.s);
		return bl_errf(e, ENOMEM, "out of memory");
	}
	*text = b.s;
	return 0;
}

/* The configuration file: $BPFLUA_KCONFIG, /proc/config.gz, or
 * /boot/config-RELEASE; "" when there is none. */
static const char *config_path(const char *release, char *buf, size_t len)
{
	const char *env = getenv("BPFLUA_KCONFIG");

	if (env && *env)
		return env;
	if (access("/proc/config.gz", R_OK) == 0)
		return "/proc/config.gz";
	snprintf(buf, len, "/boot/config-%s", release);
	return access(buf, R_OK) == 0 ? buf : "";
}

void bl_kconfig_identity(char *buf, size_t len)
{
	struct utsname u;
	char path[sizeof(u.release) + 32];
	const char *p;
	struct stat st;

	if (uname(&u) || !*(p = config_path(u.release, path, sizeof(path))) || stat(p, &st)) {
		snprintf(buf, len, "none");
		return;
	}
	/* /proc/config.gz is the booted kernel's own (the kernel's identity
	 * covers it) and its time is the boot's: only the name counts. */
	if (strncmp(p, "/proc/", 6) == 0)
		snprintf(buf, len, "%s", p);
	else
		snprintf(buf, len, "%s %lld %lld.%09ld %llu", p, (long long)st.st_size,
			 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
			 (unsigned long long)st.st_ino);
}

/* The header last made, and the configuration it was made from
 * (bl_kconfig_identity and release): a process compiling again (the prompt,
 * a script making several objects) reads and converts the file once. */
static struct {
	char *text;
	char id[512];
} last;

static int make_header(const char *release, char **text, struct bl_err *e)
{
	char path[sizeof(((struct utsname *)0)->release) + 32], *config = NULL;
	const char *p = config_path(release, path, sizeof(path));
	int err = 0;

	if (*p)
		err = read_config(p, &config, e);
	err = err ?: bl_kconfig_header_from(config, release, text, e);
	free(config);
	return err;
}

int bl_kconfig_header(char **text, struct bl_err *e)
{
	struct utsname u;
	char id[sizeof(last.id)];
	size_t n;
	int err;

	if (uname(&u))
		return bl_errf(e, errno, "uname: %s", strerror(errno));
	bl_kconfig_identity(id, sizeof(id));
	n = strlen(id);
	snprintf(id + n, sizeof(id) - n, " %s", u.release);
	if (!last.text || strcmp(id, last.id)) {
		char *t;

		err = make_header(u.release, &t, e);
		if (err)
			return err;
		free(last.text);
		last.text = t;
		snprintf(last.id, sizeof(last.id), "%s", id);
	}
	*text = strdup(last.text);
	return *text ? 0 : bl_errf(e, ENOMEM, "out of memory");
}
