/* kheaders.c - see kheaders.h */
#include "kheaders.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "fdio.h"

static int has_file(const char *dir, const char *file)
{
	char path[PATH_MAX];
	struct stat st;

	return snprintf(path, sizeof(path), "%s/%s", dir, file) < (int)sizeof(path) &&
	       !stat(path, &st) && S_ISREG(st.st_mode);
}

/* The first line "include DIR/Makefile" of Debian's build/Makefile -> DIR. */
static int makefile_source(const char *build, char *out, size_t len)
{
	char path[PATH_MAX], *text = NULL, *p, *end;
	size_t size;
	int ok = 0;

	if (snprintf(path, sizeof(path), "%s/Makefile", build) >= (int)sizeof(path) ||
	    bl_read_regular(path, &text, &size) < 0)
		return 0;
	p = strstr(text, "include ");
	if (p && (p == text || p[-1] == '\n') && (end = strstr(p, "/Makefile")) &&
	    !memchr(p, '\n', end - p) && (size_t)(end - p - 8) < len) {
		snprintf(out, len, "%.*s", (int)(end - p - 8), p + 8);
		ok = 1;
	}
	free(text);
	return ok;
}

/* srctree for the build directory `given` (as the user wrote it) resolved
 * to kh->build: the first of <given>/../source (when given ends in
 * /build), <build>/source, the Makefile's include, <build> itself that
 * has include/linux/kconfig.h. */
static int find_source(const char *given, struct bl_kheaders *kh)
{
	char cand[4][PATH_MAX] = { "", "", "", "" };
	size_t n = strlen(given);
	int i;

	while (n > 1 && given[n - 1] == '/')
		n--;
	if (n >= 6 && !strncmp(given + n - 6, "/build", 6))
		snprintf(cand[0], PATH_MAX, "%.*s/source", (int)(n - 6), given);
	snprintf(cand[1], PATH_MAX, "%s/source", kh->build);
	makefile_source(kh->build, cand[2], PATH_MAX);
	snprintf(cand[3], PATH_MAX, "%s", kh->build);
	for (i = 0; i < 4; i++)
		if (*cand[i] && has_file(cand[i], "include/linux/kconfig.h") &&
		    realpath(cand[i], kh->src))
			return 0;
	return -ENOENT;
}

/* UTS_RELEASE from include/generated/utsrelease.h. */
static void read_release(struct bl_kheaders *kh)
{
	char path[PATH_MAX], *text = NULL, *p;
	size_t size;

	kh->release[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/include/generated/utsrelease.h", kh->build) >=
	    (int)sizeof(path) || bl_read_regular(path, &text, &size) < 0)
		return;
	p = strstr(text, "UTS_RELEASE");
	if (p && (p = strchr(p, '"')))
		sscanf(p + 1, "%127[^\"]", kh->release);
	free(text);
}

static int not_found(struct bl_err *e, const struct bl_kheaders *kh, const char *path,
		     const char *what)
{
	if (path && *path) {
		bl_errf(e, ENOENT, "kernel_headers: %s is not a kernel header tree (%s)", path, what);
		bl_err_append(e, "hint: give the build directory, such as /lib/modules/%s/build",
			      kh->running);
		return -ENOENT;
	}
	bl_errf(e, ENOENT, "kernel_headers: no headers for the running kernel %s (%s)",
		kh->running, what);
	bl_err_append(e, "hint: install them (Debian, Ubuntu: apt install linux-headers-%s),",
		      kh->running);
	bl_err_append(e, "hint: or leave kernel_headers out to compile against the kernel's BTF");
	return -ENOENT;
}

int bl_kheaders_find(const char *path, struct bl_kheaders *kh, struct bl_err *e)
{
	char given[PATH_MAX], why[PATH_MAX + 64];
	struct utsname u;

	memset(kh, 0, sizeof(*kh));
	if (!uname(&u))
		snprintf(kh->running, sizeof(kh->running), "%s", u.release);
	if (snprintf(given, sizeof(given), path && *path ? "%s" : "/lib/modules/%s/build",
		     path && *path ? path : kh->running) >= (int)sizeof(given))
		return bl_errf(e, ENAMETOOLONG, "kernel_headers: path too long");
	snprintf(why, sizeof(why), "%s does not exist", given);
	if (!realpath(given, kh->build))
		return not_found(e, kh, path, why);
	if (!has_file(kh->build, "include/generated/autoconf.h")) {
		snprintf(why, sizeof(why), "no include/generated/autoconf.h in %s", given);
		return not_found(e, kh, path, why);
	}
	if (find_source(given, kh)) {
		snprintf(why, sizeof(why), "no include/linux/kconfig.h for %s", given);
		return not_found(e, kh, path, why);
	}
	read_release(kh);
	return 0;
}

static void stat_text(const char *build, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];
	struct stat st = { 0 };

	snprintf(path, sizeof(path), "%s/include/generated/%s", build, file);
	stat(path, &st);
	snprintf(buf, len, "%lld %lld %llu", (long long)st.st_size, (long long)st.st_mtime,
		 (unsigned long long)st.st_ino);
}

void bl_kheaders_identity(const char *src, const char *build, char *buf, size_t len)
{
	char conf[64], rel[64];

	stat_text(build, "autoconf.h", conf, sizeof(conf));
	stat_text(build, "utsrelease.h", rel, sizeof(rel));
	snprintf(buf, len, "kheaders %s %s %s %s", src, build, conf, rel);
}

const char *bl_kheaders_notice(const struct bl_kheaders *kh)
{
	static char msg[PATH_MAX + 512];
	static int told;

	if (told || !strcmp(kh->release, kh->running))
		return NULL;
	told = 1;
	snprintf(msg, sizeof(msg),
		 "bpflua: warning: kernel_headers: %s has the headers of kernel %s, this is %s: "
		 "the struct offsets compiled in from them may be wrong here",
		 kh->build, *kh->release ? kh->release : "(unknown)", kh->running);
	return msg;
}
