/* test_kheaders.c - finding a tree of kernel headers (runtime/kheaders.h):
 * a full tree, Debian's split build/source pair found through the
 * `source` link next to `build` or through build/Makefile, its release,
 * the once-only warning, and the errors. Trees are made in a temporary
 * directory: no kernel or installed headers needed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kheaders.h"

static int passed, failed;
static char root[] = "/tmp/bltest-kheaders-XXXXXX";

static void check(int ok, const char *what, const char *detail)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL kheaders: %s (%s)\n", what, detail);
}

/* Writes root/rel (making its directories) with text. */
static void put(const char *rel, const char *text)
{
	char path[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void make_build(const char *dir, const char *release)
{
	char rel[256], text[128];

	snprintf(rel, sizeof(rel), "%s/include/generated/autoconf.h", dir);
	put(rel, "#define CONFIG_HZ 250\n");
	snprintf(rel, sizeof(rel), "%s/include/generated/utsrelease.h", dir);
	snprintf(text, sizeof(text), "#define UTS_RELEASE \"%s\"\n", release);
	put(rel, text);
}

static const char *at(const char *rel)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return path;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcmp(s + n - t, tail);
}

static void test_full_tree(void)
{
	struct bl_kheaders kh;
	struct bl_err e = { 0 };

	make_build("full", "9.1.0-full");
	put("full/include/linux/kconfig.h", "\n");
	check(!bl_kheaders_find(at("full"), &kh, &e), "full tree found", e.msg);
	check(ends_with(kh.src, "/full") && ends_with(kh.build, "/full"), "full: src is build", kh.src);
	check(!strcmp(kh.release, "9.1.0-full"), "full: release", kh.release);
	/* not the running kernel: warned once */
	check(bl_kheaders_notice(&kh) != NULL, "notice for another release", "none");
	check(bl_kheaders_notice(&kh) == NULL, "notice only once", "twice");
	bl_err_clear(&e);
}

static void test_split(void)
{
	struct bl_kheaders kh;
	struct bl_err e = { 0 };
	char text[600], common[512];

	/* /lib/modules/R/{build,source} */
	make_build("mods/build", "9.2.0-split");
	put("common/include/linux/kconfig.h", "\n");
	snprintf(common, sizeof(common), "%s", at("common"));
	check(!symlink(common, at("mods/source")), "symlink", "failed");
	check(!bl_kheaders_find(at("mods/build"), &kh, &e), "split via source link", e.msg);
	check(ends_with(kh.src, "/common"), "split: the source link's tree", kh.src);
	bl_err_clear(&e);
	/* Debian's build directory alone: its Makefile names the sources */
	make_build("deb-amd64", "9.3.0-deb");
	snprintf(text, sizeof(text), "include %s/Makefile\n", common);
	put("deb-amd64/Makefile", text);
	check(!bl_kheaders_find(at("deb-amd64"), &kh, &e), "split via Makefile", e.msg);
	check(ends_with(kh.src, "/common") && ends_with(kh.build, "/deb-amd64"),
	      "split: the Makefile's tree", kh.src);
	bl_err_clear(&e);
}

static void test_errors(void)
{
	struct bl_kheaders kh;
	struct bl_err e = { 0 };

	check(bl_kheaders_find(at("nothing"), &kh, &e) == -ENOENT &&
	      strstr(e.msg, "does not exist") && strstr(e.msg, "hint: give the build directory"),
	      "missing path", e.msg);
	bl_err_clear(&e);
	/* sources alone: no generated headers */
	check(bl_kheaders_find(at("common"), &kh, &e) == -ENOENT &&
	      strstr(e.msg, "no include/generated/autoconf.h"), "source tree alone", e.msg);
	bl_err_clear(&e);
	/* a build directory whose sources cannot be found */
	make_build("orphan", "9.4.0");
	check(bl_kheaders_find(at("orphan"), &kh, &e) == -ENOENT &&
	      strstr(e.msg, "no include/linux/kconfig.h"), "no sources", e.msg);
	bl_err_clear(&e);
}

int main(void)
{
	char cmd[64];

	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	test_full_tree();
	test_split();
	test_errors();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd))
		printf("warning: could not remove %s\n", root);
	printf("kheaders: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
