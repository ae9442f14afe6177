/* compiler.c - see compiler.h. LLVM is big (tens of MB, tens of ms to map
 * and relocate): only programs that really compile pay for it, and only
 * once per process - compile workers (compile_worker.h) are forked with it
 * loaded and initialised. */
#include "compiler.h"

#include <dlfcn.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MODULE_NAME "bpflua-compiler.so"

static const struct bl_compiler_api *api;

static const struct bl_compiler_api *try_open(const char *path, char *why, size_t len)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	bl_compiler_api_fn get;
	const struct bl_compiler_api *a;

	if (!h) {
		snprintf(why, len, "%s", dlerror());
		return NULL;
	}
	get = (bl_compiler_api_fn)dlsym(h, "bl_compiler_api");
	a = get ? get() : NULL;
	if (!a || a->abi != BL_COMPILER_ABI) {
		snprintf(why, len, "%s: not a bpflua %d compiler module", path, BL_COMPILER_ABI);
		dlclose(h);
		return NULL;
	}
	return a;
}

/* Candidate paths, in search order; returns how many were written. */
static int candidates(char paths[][PATH_MAX])
{
	char exe[PATH_MAX];
	ssize_t n;
	int k = 0;
	const char *env = getenv("BPFLUA_COMPILER");

	if (env && *env) {      /* an explicit choice: nothing else is tried */
		snprintf(paths[k++], PATH_MAX, "%s", env);
		return k;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		dirname(exe);
		snprintf(paths[k++], PATH_MAX, "%s/%s", exe, MODULE_NAME);
		snprintf(paths[k++], PATH_MAX, "%s/../lib/bpflua/%s", exe, MODULE_NAME);
	}
	return k;
}

const struct bl_compiler_api *bl_compiler_get(struct bl_err *e)
{
	char paths[3][PATH_MAX], why[3][512];
	int i, n;

	if (api)
		return api;
	n = candidates(paths);
	for (i = 0; i < n && !api; i++)
		api = try_open(paths[i], why[i], sizeof(why[i]));
	if (api) {
		api->prepare();
		return api;
	}
	bl_errf(e, ENOENT, "cannot load the BPF C compiler module (%s)", MODULE_NAME);
	for (i = 0; i < n; i++)
		bl_err_append(e, "  tried %s", why[i]);
	bl_err_append(e, "hint: reinstall bpflua ('make install'), or set BPFLUA_COMPILER to the module's path");
	return NULL;
}
