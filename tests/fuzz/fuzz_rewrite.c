/* fuzz_rewrite.c - libFuzzer target for the compiler's front end: each
 * input is a program text in BCC's dialect, parsed with the real prelude
 * (this kernel's vmlinux.h through the PCH) and rewritten (rewrite.h).
 * Errors in the program are expected; a crash, a hang or a sanitizer
 * report is a finding. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/vmlinux_h.h"
#include "compile/env.h"
#include "compile/pch.h"
#include "compile/rewrite.h"

static char vmlinux[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct bl_err e = { 0 };

	/* A private cache, so the fuzzer never touches the user's. */
	setenv("BPFLUA_CACHE_DIR", "build-fuzz/cache", 0);
	if (bl_vmlinux_h(vmlinux, sizeof(vmlinux), &e)) {
		fprintf(stderr, "fuzz_rewrite: %s\n", e.msg);
		exit(2);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bl_compile_opts o = { .filename = "<text>", .vmlinux_h = vmlinux };
	struct bl_cc_env env;
	struct bl_err e = { 0 };
	char pch[4096], *text, *out = NULL, *warnings = NULL;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	o.text = text;
	if (bl_cc_env_init(&env, &o, &e) == 0) {
		bl_pch_use(&env, &o, pch, sizeof(pch));
		bl_rewrite(&env, &o, &out, &warnings, NULL, &e);
		bl_cc_env_free(&env);
	}
	free(out);
	free(warnings);
	bl_err_clear(&e);
	free(text);
	return 0;
}
