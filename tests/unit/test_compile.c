/* test_compile.c - the compiler module end to end, without the kernel:
 * BCC-dialect programs compile to BPF ELF objects that libbpf can open,
 * and errors carry the user's line:column.
 *
 * Needs build/bpflua-compiler.so (or $BPFLUA_COMPILER) and this kernel's
 * BTF (for vmlinux.h); skips when either is missing.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "btf/vmlinux_h.h"
#include "compile/compile.h"

static int passed, failed;
static const struct bl_compiler_api *api;
static char vmlinux[4096];

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

static int compile(const char *text, struct bl_compile_result *r, struct bl_err *e)
{
	struct bl_compile_opts o = {
		.text = text, .filename = "prog.c", .vmlinux_h = vmlinux,
	};

	bl_err_clear(e);
	return api->compile(&o, r, e);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Compiles, opens with libbpf (no load) and checks the named maps and programs. */
static void expect_ok(const char *name, const char *text, const char *const *maps,
		      const char *const *progs)
{
	struct bl_compile_result r;
	struct bl_err e = { 0 };
	struct bpf_object *obj;
	int rc = compile(text, &r, &e);

	CHECK(rc == 0, "%s: compile: %s\n%s", name, e.msg, e.log ? e.log : "");
	if (rc)
		return;
	CHECK(r.elf_size > 4 && !memcmp(r.elf, "\177ELF", 4), "%s: not an ELF object", name);
	/* Lines before the appended license stay where they were. */
	CHECK(count_lines(r.rewritten) >= count_lines(text), "%s: rewritten text lost lines", name);
	obj = bpf_object__open_mem(r.elf, r.elf_size, NULL);
	CHECK(obj != NULL, "%s: libbpf cannot open the object", name);
	for (; obj && maps && *maps; maps++)
		CHECK(bpf_object__find_map_by_name(obj, *maps), "%s: no map %s", name, *maps);
	for (; obj && progs && *progs; progs++)
		CHECK(bpf_object__find_program_by_name(obj, *progs), "%s: no program %s", name,
		      *progs);
	bpf_object__close(obj);
	api->result_free(&r);
	bl_err_clear(&e);
}

static void expect_error(const char *name, const char *text, const char *msg_part)
{
	struct bl_compile_result r;
	struct bl_err e = { 0 };
	int rc = compile(text, &r, &e);

	CHECK(rc == -22, "%s: expected -EINVAL, got %d", name, rc);
	CHECK(strstr(e.msg, msg_part) != NULL, "%s: message '%s' lacks '%s'", name, e.msg,
	      msg_part);
	CHECK(e.log && strstr(e.log, "^"), "%s: no caret in the log", name);
	CHECK(r.elf == NULL && r.rewritten == NULL, "%s: result not empty on error", name);
	bl_err_clear(&e);
}

static void test_programs(void)
{
	expect_ok("hello",
		  "int hello_world(void *ctx) {\n"
		  "  u64 uid;\n"
		  "  uid = bpf_get_current_uid_gid() & 0xFFFFFFFF;\n"
		  "  bpf_trace_printk(\"id %d\\n\", uid);\n"
		  "  return 0;\n"
		  "}\n",
		  NULL, (const char *const[]){ "hello_world", NULL });
	expect_ok("hash methods",
		  "#include <uapi/linux/ptrace.h>\n"
		  "BPF_HASH(last);\n"
		  "int do_trace(struct pt_regs *ctx) {\n"
		  "    u64 ts, *tsp, delta, key = 0;\n"
		  "    tsp = last.lookup(&key);\n"
		  "    if (tsp != NULL) {\n"
		  "        delta = bpf_ktime_get_ns() - *tsp;\n"
		  "        if (delta < 1000000000)\n"
		  "            bpf_trace_printk(\"%d\\n\", delta / 1000000);\n"
		  "        last.delete(&key);\n"
		  "    }\n"
		  "    ts = bpf_ktime_get_ns();\n"
		  "    last.update(&key, &ts);\n"
		  "    return 0;\n"
		  "}\n",
		  (const char *const[]){ "last", NULL }, (const char *const[]){ "do_trace", NULL });
	expect_ok("struct key, histograms, tables",
		  "#include <linux/sched.h>\n"
		  "struct key_t { u32 pid; char comm[TASK_COMM_LEN]; };\n"
		  "BPF_HASH(counts, struct key_t, u64);\n"
		  "BPF_ARRAY(arr, u64, 4);\n"
		  "BPF_HISTOGRAM(dist);\n"
		  "BPF_TABLE(\"hash\", u32, u64, th, 128);\n"
		  "static u64 twice(u64 x) { return x * 2; }\n"
		  "int count(void *ctx) {\n"
		  "    struct key_t k = {}; u64 zero = 0, *v;\n"
		  "    u32 pid = bpf_get_current_pid_tgid() >> 32;\n"
		  "    k.pid = pid;\n"
		  "    bpf_get_current_comm(&k.comm, sizeof(k.comm));\n"
		  "    counts.increment(k);\n"
		  "    arr.atomic_increment(1, 2);\n"
		  "    dist.increment(bpf_log2l(bpf_ktime_get_ns()));\n"
		  "    v = th.lookup_or_try_init(&pid, &zero);\n"
		  "    if (v) lock_xadd(v, twice(1));\n"
		  "    return 0;\n"
		  "}\n",
		  (const char *const[]){ "counts", "arr", "dist", "th", NULL },
		  (const char *const[]){ "count", NULL });
	expect_ok("registers and outputs",
		  "BPF_PERF_OUTPUT(events);\n"
		  "BPF_RINGBUF_OUTPUT(rb, 8);\n"
		  "BPF_LICENSE(GPL);\n"
		  "int kprobe__f(struct pt_regs *ctx) {\n"
		  "    u64 a = PT_REGS_PARM1(ctx), r = PT_REGS_RC(ctx);\n"
		  "    events.perf_submit(ctx, &a, sizeof(a));\n"
		  "    rb.ringbuf_output(&r, sizeof(r), 0);\n"
		  "    return 0;\n"
		  "}\n",
		  (const char *const[]){ "events", "rb", NULL },
		  (const char *const[]){ "kprobe__f", NULL });
}

static void test_errors(void)
{
	expect_error("syntax", "BPF_HASH(m);\nint f(void *ctx) {\n\tu64 k = 0\n\treturn 0;\n}\n",
		     "compile failed: prog.c:3:11: error: expected ';'");
	expect_error("unknown method",
		     "BPF_HASH(m);\n\nint f(void *ctx) {\n\tu64 k = 0;\n\tm.lookupp(&k);\n\treturn 0;\n}\n",
		     "prog.c:5:4: error: no member named 'lookupp'");
}

static const struct bl_compiler_api *load_api(void)
{
	const char *path = getenv("BPFLUA_COMPILER");
	bl_compiler_api_fn fn;
	void *h;

	h = dlopen(path ? path : "build/bpflua-compiler.so", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return NULL;
	fn = (bl_compiler_api_fn)dlsym(h, "bl_compiler_api");
	return fn ? fn() : NULL;
}

int main(void)
{
	char cache[] = "/tmp/bpflua-test-compile.XXXXXX";
	struct bl_err e = { 0 };

	api = load_api();
	if (!api || access("/sys/kernel/btf/vmlinux", R_OK)) {
		printf("test_compile: skipped (no compiler module or no kernel BTF)\n");
		printf("0 passed, 0 failed\n");
		return 0;
	}
	if (!mkdtemp(cache) || setenv("BPFLUA_CACHE_DIR", cache, 1) ||
	    bl_vmlinux_h(vmlinux, sizeof(vmlinux), NULL, 0, &e)) {
		fprintf(stderr, "test_compile: vmlinux.h: %s\n", e.msg);
		return 1;
	}
	CHECK(api->abi == BL_COMPILER_ABI, "abi %d", api->abi);
	test_programs();
	test_errors();
	unlink(vmlinux);
	rmdir(cache);
	printf("test_compile: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
