/* test_kconfig.c - a kernel .config and release turned into the macros a
 * program sees (runtime/kconfig.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kconfig.h"

static int passed, failed;

static void expect(const char *text, const char *line, int present)
{
	if ((strstr(text, line) != NULL) == present) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL kconfig: '%s' should %sbe in:\n%s\n", line, present ? "" : "not ", text);
}

static void write_config(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void expect_header(const char *line, int present)
{
	struct bl_err e = { 0 };
	char *t = NULL;

	if (bl_kconfig_header(&t, &e)) {
		failed++;
		printf("FAIL kconfig: %s\n", e.msg);
		bl_err_clear(&e);
		return;
	}
	expect(t, line, present);
	free(t);
}

/* A process keeps the header it made while the configuration's identity
 * is the same, and makes it again from a changed file. */
static void test_reread(void)
{
	char path[] = "/tmp/bpflua-test-kconfig.XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0) {
		failed++;
		printf("FAIL kconfig: mkstemp\n");
		return;
	}
	close(fd);
	setenv("BPFLUA_KCONFIG", path, 1);
	write_config(path, "CONFIG_BLTEST_A=y\n");
	expect_header("#define CONFIG_BLTEST_A 1\n", 1);
	expect_header("#define CONFIG_BLTEST_A 1\n", 1);
	write_config(path, "CONFIG_BLTEST_B=m\nCONFIG_BLTEST_C=3\n");
	expect_header("#define CONFIG_BLTEST_A 1\n", 0);
	expect_header("#define CONFIG_BLTEST_B_MODULE 1\n", 1);
	unsetenv("BPFLUA_KCONFIG");
	unlink(path);
}

int main(void)
{
	const char *config =
		"#\n# Automatically generated file; DO NOT EDIT.\n#\n"
		"CONFIG_ARCH_HAS_SYSCALL_WRAPPER=y\n"
		"CONFIG_EXT4_FS=m\n"
		"CONFIG_HZ=250\n"
		"CONFIG_DEFAULT_HOSTNAME=\"(none)\"\n"
		"CONFIG_PHYSICAL_START=0x1000000\n"
		"# CONFIG_KPROBES is not set\n"
		"CONFIG_LAST=y";            /* no final newline */
	struct bl_err e = { 0 };
	char *t = NULL;

	if (bl_kconfig_header_from(config, "6.1.300-13-amd64", &t, &e)) {
		printf("FAIL kconfig: %s\n", e.msg);
		return 1;
	}
	expect(t, "#define CONFIG_ARCH_HAS_SYSCALL_WRAPPER 1\n", 1);
	expect(t, "#define CONFIG_EXT4_FS_MODULE 1\n", 1);
	expect(t, "#define CONFIG_EXT4_FS ", 0);
	expect(t, "#define CONFIG_HZ 250\n", 1);
	expect(t, "#define CONFIG_DEFAULT_HOSTNAME \"(none)\"\n", 1);
	expect(t, "#define CONFIG_PHYSICAL_START 0x1000000\n", 1);
	expect(t, "CONFIG_KPROBES", 0);
	expect(t, "#define CONFIG_LAST 1\n", 1);
	/* 6.1.300: the sublevel saturates at 255, as the kernel's Makefile does */
	expect(t, "#define LINUX_VERSION_CODE 393727\n", 1);
	free(t);
	if (bl_kconfig_header_from(NULL, "5.15.0", &t, &e) == 0) {
		expect(t, "#define LINUX_VERSION_CODE 331520\n", 1);
		expect(t, "#define CONFIG_", 0);
		free(t);
	}
	test_reread();
	printf("kconfig: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
