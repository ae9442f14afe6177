/* test_compile.c - the compiler module end to end, without the kernel:
 * BCC-dialect programs compile (in workers, as bpflua compiles them:
 * runtime/compile_worker.h) to BPF ELF objects that libbpf can open, and
 * errors carry the user's line:column.
 *
 * Needs build/bpflua-compiler.so (or $BPFLUA_COMPILER) and this kernel's
 * BTF (for vmlinux.h); skips when either is missing.
 */
#include <dlfcn.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btf/vmlinux_h.h"
#include "compile/compile.h"
#include "compile_worker.h"

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

/* BPFLUA_NO_PCH, as the host passes it. */
static int no_pch;

static int compile_flags(const char *text, const char *const *cflags, int n_cflags,
			 struct bl_compile_result *r, struct bl_err *e)
{
	struct bl_compile_opts o = {
		.text = text, .filename = "prog.c", .vmlinux_h = vmlinux,
		.cflags = cflags, .n_cflags = n_cflags, .no_pch = no_pch,
	};

	bl_err_clear(e);
	return bl_compile_in_worker(api, &o, -1, r, e);
}

static int compile(const char *text, struct bl_compile_result *r, struct bl_err *e)
{
	return compile_flags(text, NULL, 0, r, e);
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
		  "#define BPF_LICENSE GPL\n"
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

/* A file next to vmlinux.h: <stem>.<key><suffix> (glob), or "". */
static void find_next_to_vmlinux(const char *suffix, char *path, size_t len)
{
	char pattern[4200];
	glob_t g;

	*path = '\0';
	snprintf(pattern, sizeof(pattern), "%.*s.*[0-9a-f]%s", (int)(strlen(vmlinux) - 2), vmlinux,
		 suffix);
	if (!glob(pattern, 0, NULL, &g) && g.gl_pathc == 1)
		snprintf(path, len, "%s", g.gl_pathv[0]);
	globfree(&g);
}

/* The precompiled prelude next to vmlinux.h: its path, or "". */
static void find_pch(char *path, size_t len)
{
	find_next_to_vmlinux(".pch", path, len);
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

static const char *const pch_prog =
	"BPF_HASH(m, u32, u64);\n"
	"int f(void *ctx) {\n"
	"    u32 k = VAL;\n"
	"    m.increment(k);\n"
	"    return 0;\n"
	"}\n";

static void expect_ok_flags(const char *name, const char *flag)
{
	const char *const flags[] = { "-DVAL=7", flag };
	struct bl_compile_result r;
	struct bl_err e = { 0 };
	int rc = compile_flags(pch_prog, flags, flag ? 2 : 1, &r, &e);

	CHECK(rc == 0, "%s: %s\n%s", name, e.msg, e.log ? e.log : "");
	if (!rc)
		api->result_free(&r);
	bl_err_clear(&e);
}

/* The earlier compiles made one PCH; a damaged one is rebuilt; flags that
 * could change the prelude bypass it. */
static void test_pch(void)
{
	char pch[4200];
	FILE *f;

	find_pch(pch, sizeof(pch));
	CHECK(*pch && file_size(pch) > (1 << 20), "no precompiled prelude next to %s", vmlinux);
	if (!*pch)
		return;
	f = fopen(pch, "w");
	if (f) {
		fputs("not a PCH", f);
		fclose(f);
	}
	expect_ok_flags("damaged PCH", NULL);
	CHECK(file_size(pch) > (1 << 20), "damaged PCH not rebuilt (%ld bytes)", file_size(pch));
	expect_ok_flags("flag the prelude tests", "-DDNAME_INLINE_LEN=32");
	expect_ok_flags("include path", "-I/nonexistent");
	expect_error("error through the PCH", "BPF_HASH(m);\nint f(void *ctx) {\n\tm.nope(1);\n}\n",
		     "prog.c:3:4: error: no member named 'nope'");
}

/* The pruned prelude (compile/skel.h): the earlier compiles' workers
 * build it once their results are sent. */
static void wait_skel(char *path, size_t len)
{
	int i;

	*path = '\0';
	for (i = 0; i < 600 && !*path; i++) {
		find_next_to_vmlinux(".skel*.pch", path, len);
		if (!*path)
			usleep(100 * 1000);
	}
}

/* Whether the object's BTF has the struct, and has it complete. */
static int btf_struct(const struct bl_compile_result *r, const char *name)
{
	struct bpf_object *obj = bpf_object__open_mem(r->elf, r->elf_size, NULL);
	struct btf *btf = obj ? bpf_object__btf(obj) : NULL;
	int id = btf ? btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT) : -1;
	int complete = id > 0 && btf_vlen(btf__type_by_id(btf, id)) > 0;

	bpf_object__close(obj);
	return complete;
}

/* The object's first program's instructions, as hex (malloc'd). */
static char *insns_text(const struct bl_compile_result *r)
{
	struct bpf_object *obj = bpf_object__open_mem(r->elf, r->elf_size, NULL);
	struct bpf_program *p = obj ? bpf_object__next_program(obj, NULL) : NULL;
	const unsigned char *b = p ? (const void *)bpf_program__insns(p) : NULL;
	size_t i, n = p ? bpf_program__insn_cnt(p) * sizeof(struct bpf_insn) : 0;
	char *out = calloc(1, 2 * n + 1);

	for (i = 0; out && b && i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	bpf_object__close(obj);
	return out;
}

/* Reads through task_struct, a member of an unnamed union (file's f_path)
 * and a kernel struct held by value; a map's key is a kernel struct the
 * code never names. */
static const char *const records_prog =
	"BPF_CGROUP_STORAGE(cgs, u64);\n"
	"int f(struct pt_regs *ctx, struct file *file) {\n"
	"    struct task_struct *t = (struct task_struct *)bpf_get_current_task();\n"
	"    struct qstr q = file->f_path.dentry->d_name;\n"
	"    return t->real_parent->tgid + q.len;\n"
	"}\n";

/* Its object's instructions (malloc'd), or NULL. */
static char *compile_records(const char *name, int want_pruned)
{
	struct bl_compile_result r;
	struct bl_err e = { 0 };
	int rc = compile(records_prog, &r, &e);
	char *insns;

	CHECK(rc == 0, "%s: %s\n%s", name, e.msg, e.log ? e.log : "");
	if (rc)
		return NULL;
	CHECK(r.pruned == want_pruned, "%s: pruned %d", name, r.pruned);
	CHECK(btf_struct(&r, "bpf_cgroup_storage_key"), "%s: the map's key not complete in BTF", name);
	insns = insns_text(&r);
	api->result_free(&r);
	bl_err_clear(&e);
	return insns;
}

/* Code generation sees complete only the kernel records a program uses,
 * and makes the same instructions as with all of them (the BTF has fewer
 * records complete); the full prelude still decides when the pruned one
 * fails. */
static void test_pruned(void)
{
	char skel[4200], *pruned, *full;

	wait_skel(skel, sizeof(skel));
	CHECK(*skel && file_size(skel) > (1 << 20), "no pruned prelude next to %s", vmlinux);
	if (!*skel)
		return;
	pruned = compile_records("pruned prelude", 1);
	no_pch = 1;
	full = compile_records("text prelude", 0);
	no_pch = 0;
	CHECK(pruned && full && *full && !strcmp(pruned, full), "instructions differ:\n%s\n%s",
	      pruned ? pruned : "", full ? full : "");
	free(pruned);
	free(full);
	CHECK(!truncate(skel, 100), "truncate %s", skel);
	free(compile_records("damaged pruned prelude", 0));
	CHECK(file_size(skel) != 100, "the damaged pruned prelude is still there");
}

static void remove_cache(const char *dir)
{
	char pattern[4200];
	glob_t g;
	size_t i;

	snprintf(pattern, sizeof(pattern), "%s/*", dir);
	if (!glob(pattern, 0, NULL, &g))
		for (i = 0; i < g.gl_pathc; i++)
			unlink(g.gl_pathv[i]);
	globfree(&g);
	rmdir(dir);
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return level == LIBBPF_WARN && getenv("V") ? vfprintf(stderr, fmt, args) : 0;
}

/* Sets the read-only global `var` (an int) before load, as the loader does
 * for __bl_flavor. */
static int set_rodata_int(struct bpf_object *obj, const char *var, int value)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct bpf_map *m;
	void *data = NULL;
	size_t size = 0;
	int i, id;

	bpf_object__for_each_map(m, obj)
		if (strstr(bpf_map__name(m), ".rodata"))
			data = (void *)bpf_map__initial_value(m, &size);
	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	if (!data || id < 0)
		return -1;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++)
		if (!strcmp(btf__name_by_offset(btf, btf__type_by_id(btf, vs->type)->name_off), var) &&
		    vs->offset + sizeof(int) <= size) {
			memcpy((char *)data + vs->offset, &value, sizeof(int));
			return 0;
		}
	return -1;
}

/* Compiles and loads every program as `type` (as the loader would for the
 * attach point it uses) with __bl_flavor = flavor; load checks need root
 * and are skipped without. */
static void expect_load_flavor(const char *name, const char *text, enum bpf_prog_type type,
			       int flavor)
{
	struct bl_compile_result r;
	struct bl_err e = { 0 };
	struct bpf_program *p;
	struct bpf_object *obj;
	int rc = compile(text, &r, &e), n = 0;

	CHECK(rc == 0, "%s: compile: %s\n%s", name, e.msg, e.log ? e.log : "");
	bl_err_clear(&e);
	if (rc)
		return;
	obj = bpf_object__open_mem(r.elf, r.elf_size, NULL);
	CHECK(obj != NULL, "%s: libbpf cannot open the object", name);
	bpf_object__for_each_program(p, obj) {
		bpf_program__set_type(p, type);
		n++;
	}
	CHECK(n > 0, "%s: no programs", name);
	CHECK(!obj || !flavor || !set_rodata_int(obj, "__bl_flavor", flavor),
	      "%s: no __bl_flavor", name);
	if (obj && geteuid() == 0)
		CHECK(bpf_object__load(obj) == 0, "%s: load failed (V=1 shows libbpf's log)", name);
	bpf_object__close(obj);
	api->result_free(&r);
}

static void expect_load(const char *name, const char *text, enum bpf_prog_type type)
{
	expect_load_flavor(name, text, type, 0);
}

static const char *const args_prog =
	"#include <linux/fs.h>\n"
	"BPF_HASH(h, u64, u64);\n"
	"int kprobe__vfs_read(struct pt_regs *ctx, struct file *file,\n"
	"                     char *buf, size_t count) {\n"
	"    u64 k = count;\n"
	"    h.increment(k);\n"
	"    return file && buf ? 0 : 1;\n"
	"}\n";

static const char *const syscall_prog =
	"int syscall__openat(struct pt_regs *ctx, int dfd,\n"
	"                    const char __user *filename, int flags) {\n"
	"    char b[32];\n"
	"    bpf_probe_read_user_str(b, sizeof(b), filename);\n"
	"    bpf_trace_printk(\"%d %s %x\\n\", dfd, b, flags);\n"
	"    return 0;\n"
	"}\n";

/* Parameters after ctx are read from the probed function's arguments
 * (syscall__X: the syscall's, whatever the attach point). */
static void test_probe_args(void)
{
	struct bl_compile_result r;
	struct bl_err e = { 0 };
	int rc;

	libbpf_set_print(silent);
	expect_load("probe arguments", args_prog, BPF_PROG_TYPE_KPROBE);
	expect_load("syscall arguments, kprobe", syscall_prog, BPF_PROG_TYPE_KPROBE);
	expect_load_flavor("syscall arguments, sys_enter tracepoint", syscall_prog,
			   BPF_PROG_TYPE_TRACEPOINT, 1 /* BL_FLAVOR_SC_ENTER_TP */);
	rc = compile(args_prog, &r, &e);
	CHECK(rc == 0 && strstr(r.rewritten, "(struct pt_regs *ctx\n) {") &&
	      strstr(r.rewritten, "size_t count = (__typeof__(count))PT_REGS_PARM3(ctx);\n"),
	      "probe arguments: rewritten as\n%s", rc ? e.msg : r.rewritten);
	if (!rc)
		api->result_free(&r);
	bl_err_clear(&e);
	expect_error("probe arguments, error after them",
		     "int kprobe__f(struct pt_regs *ctx,\n\tint a) {\n\treturn a + nope;\n}\n",
		     "prog.c:3:13: error: use of undeclared identifier 'nope'");
}

static const char *const deref_prog =
	"#include <linux/sched.h>\n"
	"struct val { u32 ppid; u64 x; };\n"
	"BPF_HASH(m, u32, struct val);\n"
	"static u32 tgid_of(struct task_struct *t) { return t->tgid; }\n"
	"int kprobe__f(struct pt_regs *ctx, struct file *file) {\n"
	"    struct task_struct *task = (struct task_struct *)bpf_get_current_task();\n"
	"    struct val v = {}, *vp;\n"
	"    u32 k = task->pid;\n"
	"    char c = task->comm[1];\n"
	"    v.ppid = task->real_parent->tgid + tgid_of(task->group_leader);\n"
	"    if (task->flags & PF_KTHREAD)\n"
	"        return 0;\n"
	"    v.x = task->mm ? task->mm->total_vm : 0;\n"
	"    v.x += task->thread.sp + sizeof(task->pid) + c + file->f_flags;\n"
	"    bpf_probe_read_kernel_str(&v, sizeof(v), task->comm);\n"
	"    bpf_probe_read_kernel(&v, 4, &task->real_parent->pid);\n"
	"    vp = m.lookup(&k);\n"
	"    if (vp) { vp->x++; vp->ppid = task->tgid; }\n"
	"    m.update(&k, &v);\n"
	"    return ctx->di == 0;\n"
	"}\n";

/* Compiles text, loads it as type and finds every string of want in the
 * rewritten text. */
static void expect_rewrites_as(const char *name, const char *text, enum bpf_prog_type type,
			       const char *const *want)
{
	struct bl_compile_result r;
	struct bl_err e = { 0 };
	int rc, i;

	libbpf_set_print(silent);
	expect_load(name, text, type);
	rc = compile(text, &r, &e);
	for (i = 0; !rc && want[i]; i++)
		CHECK(strstr(r.rewritten, want[i]), "%s: no '%s' in\n%s", name, want[i],
		      r.rewritten);
	if (!rc)
		api->result_free(&r);
	bl_err_clear(&e);
}

static void expect_rewrites(const char *name, const char *text, const char *const *want)
{
	expect_rewrites_as(name, text, BPF_PROG_TYPE_KPROBE, want);
}

/* bcc/proto.h fields through a cursor pointer become packet loads at the
 * field's byte, bit and width; writes become stores; an address, a sizeof
 * and a macro's body stay as written. */
static void test_packet(void)
{
	static const char *const want[] = {
		"if (bpf_dext_pkt(skb, (u64)(ip)+0, 0, 4) != 4 || bpf_dext_pkt(skb, (u64)((ip))+0, 4, 4) != 5)",
		"u64 v = bpf_dext_pkt(skb, (u64)(ip)+6, 3, 13) + sizeof(ip->ttl) + (u64)&ip->ttl;",
		"v += bpf_dext_pkt(skb, (u64)(e)+6, 0, 48) + bpf_dext_pkt(skb, (u64)(u)+2, 0, 16);",
		"return bpf_dext_pkt(s, (u64)(t)+13, 6, 1) + bpf_dext_pkt(s, (u64)(t)+4, 0, 32);",
		"bpf_dins_pkt(skb, (u64)(ip)+8, 0, 8, bpf_dext_pkt(skb, (u64)(ip)+8, 0, 8)<< (v));",
		NULL,
	};
	static const char *const prog =
		"#include <bcc/proto.h>\n"
		"static inline u64 tcpbits(struct __sk_buff *s, struct tcp_t *t) {\n"
		"    return t->flag_syn + t->seq_num;\n"
		"}\n"
		"int f(struct __sk_buff *skb) {\n"
		"    u8 *cursor = 0;\n"
		"    struct ethernet_t *e = cursor_advance(cursor, sizeof(*e));\n"
		"    struct ip_t *ip = cursor_advance(cursor, sizeof(*ip));\n"
		"    struct udp_t *u = cursor_advance(cursor, sizeof(*u));\n"
		"    if (ip->ver != 4 || (ip)->hlen != 5)\n"
		"        return 0;\n"
		"    u64 v = ip->foffset + sizeof(ip->ttl) + (u64)&ip->ttl;\n"
		"    v += e->src + u->dport;\n"
		"    if (skb->len > 100000)\n"
		"        ip->ttl <<= v;\n"
		"    return v + tcpbits(skb, (void *)cursor);\n"
		"}\n";

	expect_rewrites_as("packet fields", prog, BPF_PROG_TYPE_SCHED_CLS, want);
	expect_error("a packet field in a macro's body",
		     "#include <bcc/proto.h>\n"
		     "#define BLT_TTL(p) p->ttl\n"
		     "int f(struct __sk_buff *skb) {\n"
		     "    u8 *cursor = 0;\n"
		     "    struct ip_t *ip = cursor_advance(cursor, sizeof(*ip));\n"
		     "    return BLT_TTL(ip);\n"
		     "}\n", "prog.c:6:15: error: static_assert failed \"bcc/proto.h: a packet header "
		     "field in a macro's body is not rewritten");
}

/* Reads through kernel pointers become probe reads, so the verifier takes
 * them; ctx, writes, addresses and arrays stay as written. */
static void test_deref(void)
{
	static const char *const want[] = {
		"return __bl_kread(t->tgid);",
		"u32 k = __bl_kread(task->pid);",
		"char c = __bl_kread(task->comm[1]);",
		"__bl_kread(__bl_kread( task->real_parent )->tgid) + tgid_of(__bl_kread(task->group_leader))",
		"__bl_kread(task->thread.sp) + sizeof(task->pid)",
		"__bl_kread(file->f_flags)",
		"sizeof(v), task->comm);",
		"&__bl_kread(task->real_parent)->pid);",
		"vp->x++; vp->ppid = __bl_kread(task->tgid);",
		"return ctx->di == 0;",
		NULL,
	};

	expect_rewrites("kernel pointer reads", deref_prog, want);
}

/* BCC's rule: what came from kernel memory, a probe argument or an address
 * is a kernel pointer, through locals, map values and helper functions;
 * map values and the stack are not. */
static const char *const kptr_prog =
	"struct qstr;\n"
	"BPF_HASH(ptrs, u32, struct sock *);\n"
	"BPF_HASH(nums, u32, u64);\n"
	"static inline u64 *first(u64 *p) { return p; }\n"
	"int f(struct pt_regs *ctx, const struct qstr *name, u64 *k, u64 addr) {\n"
	"    u32 key = 0;\n"
	"    u64 n = 5, *np = nums.lookup(&key);\n"
	"    struct sock **skpp = ptrs.lookup(&key);\n"
	"    if (!skpp || !np) return 0;\n"
	"    struct sock *skp = *skpp;\n"
	"    u32 *w = (u32 *)addr;\n"
	"    n += name->name[1] + *k + k[1] + w[2] + *np + *first(k);\n"
	"    n += skp->__sk_common.skc_num;\n"
	"    return n;\n"
	"}\n";

static void test_kernel_pointers(void)
{
	static const char *const want[] = {
		"__bl_kread(__bl_kread( name->name )[1])",
		"__bl_kread(*k) + __bl_kread(k[1]) + __bl_kread(w[2]) + *np + __bl_kread(*first(k))",
		"struct sock *skp = *skpp;",
		"__bl_kread(skp->__sk_common.skc_num)",
		NULL,
	};
	static const char *const tags_want[] = { "struct_sock {", NULL };

	expect_rewrites("kernel pointers, BCC's rule", kptr_prog, want);
	expect_rewrites("a program's struct named like the kernel's",
			"struct sock { u32 *sk_daddr; };\n"
			"int f(struct pt_regs *ctx, struct sock *skp) {\n"
			"    return *(skp->sk_daddr);\n"
			"}\n", tags_want);
	expect_error("a program's struct named like the kernel's, in messages",
		     "struct sock { u32 *sk_daddr; };\n"
		     "int f(struct pt_regs *ctx, struct sock *skp) {\n"
		     "    return skp->nope;\n"
		     "}\n", "prog.c:3:17: error: no member named 'nope' in 'struct sock'");
	expect_error("an undeclared function",
		     "int f(void *ctx) {\n    return bl_no_such_fn(3);\n}\n",
		     "prog.c:2:12: error: implicit declaration of function 'bl_no_such_fn'");
}

/* bpf_num_cpus() reads a .rodata global the loader sets. */
static void test_num_cpus(void)
{
	struct bl_compile_result r;
	struct bl_err e = { 0 };
	struct bpf_object *obj = NULL;
	int rc = compile("BPF_ARRAY(a, u64, 64);\n"
			 "int f(void *ctx) {\n"
			 "    int k = bpf_num_cpus() - 1;\n"
			 "    a.increment(k);\n"
			 "    return 0;\n"
			 "}\n", &r, &e);

	CHECK(rc == 0, "bpf_num_cpus: %s\n%s", e.msg, e.log ? e.log : "");
	if (!rc)
		obj = bpf_object__open_mem(r.elf, r.elf_size, NULL);
	CHECK(obj && !set_rodata_int(obj, "__bl_num_cpus", 4), "bpf_num_cpus: no __bl_num_cpus");
	bpf_object__close(obj);
	if (!rc)
		api->result_free(&r);
	bl_err_clear(&e);
}

static void test_probe_macros(void)
{
	libbpf_set_print(silent);
	expect_load("TRACEPOINT_PROBE",
		    "TRACEPOINT_PROBE(syscalls, sys_enter_openat) {\n"
		    "    char buf[32];\n"
		    "    bpf_probe_read_user_str(buf, sizeof(buf), args->filename);\n"
		    "    bpf_trace_printk(\"%s %d %d\\n\", buf, args->dfd, args->flags);\n"
		    "    return 0;\n"
		    "}\n"
		    "TRACEPOINT_PROBE(sched, sched_process_exec) {\n"
		    "    char fn[32];\n"
		    "    TP_DATA_LOC_READ_STR(fn, filename, sizeof(fn));\n"
		    "    TP_DATA_LOC_READ_CONST(fn, filename, 16);\n"
		    "    return args->pid + args->old_pid + fn[0];\n"
		    "}\n",
		    BPF_PROG_TYPE_TRACEPOINT);
	expect_ok("TRACEPOINT_PROBE names",
		  "TRACEPOINT_PROBE(sched, sched_switch) { return args->prev_pid; }\n",
		  NULL, (const char *const[]){ "tracepoint__sched__sched_switch", NULL });
	expect_load("RAW_TRACEPOINT_PROBE",
		    "RAW_TRACEPOINT_PROBE(sched_switch) {\n"
		    "    struct task_struct *prev = (struct task_struct *)ctx->args[1];\n"
		    "    return BPF_CORE_READ(prev, pid) & 1;\n"
		    "}\n",
		    BPF_PROG_TYPE_RAW_TRACEPOINT);
	/* fentry programs don't load on the development kernel: open only. */
	expect_ok("KFUNC_PROBE, KRETFUNC_PROBE",
		  "static int twice(int x) { return 2 * x; }\n"
		  "KFUNC_PROBE(do_sys_openat2, int dfd, const char *filename) {\n"
		  "    return twice(dfd) & 1;\n"
		  "}\n"
		  "KRETFUNC_PROBE(do_sys_openat2, int dfd, const char *filename, void *how, long ret) {\n"
		  "    bpf_trace_printk(\"%ld\\n\", ret);\n"
		  "    return 0;\n"
		  "}\n",
		  NULL, (const char *const[]){ "kfunc__do_sys_openat2", "kretfunc__do_sys_openat2",
					      NULL });
}

static void test_tracepoint_errors(void)
{
	struct bl_compile_result r;
	struct bl_err e = { 0 };
	int rc = compile("\n\nTRACEPOINT_PROBE(nosuch, event) { return 0; }\n", &r, &e);

	CHECK(rc == -2 && strstr(e.msg, "prog.c:3: error: TRACEPOINT_PROBE(nosuch, event)"),
	      "unknown tracepoint: %d '%s'", rc, e.msg);
	bl_err_clear(&e);
	expect_error("unknown tracepoint field",
		     "TRACEPOINT_PROBE(sched, sched_switch) {\n\treturn args->nosuch;\n}\n",
		     "prog.c:2:15: error: no member named 'nosuch'");
}

/* A BPF backend failure (an error diagnostic such as an unsupported atomic
 * or the 512-byte stack, or a fatal "Cannot select") must come back as a
 * compile error with the user's line and column, and leave the module able
 * to compile again. */
static void test_fatal_error(void)
{
	struct bl_compile_result r;
	struct bl_err e = { 0 };
	int rc = compile("BPF_ARRAY(a, u8, 4);\n"
			 "int f(void *ctx) {\n"
			 "    int k = 0;\n"
			 "    u8 *v = a.lookup(&k);\n"
			 "    if (v) __sync_fetch_and_add(v, 1);\n"
			 "    return 0;\n"
			 "}\n", &r, &e);

	CHECK(rc == -22, "fatal error: expected -EINVAL, got %d", rc);
	CHECK(strstr(e.msg, "prog.c:5:12: error: BPF backend: Unsupported atomic operations"),
	      "fatal error: message '%s'", e.msg);
	bl_err_clear(&e);
	expect_ok("after a fatal error", "int g(void *ctx) { return 0; }\n", NULL,
		  (const char *const[]){ "g", NULL });
	rc = compile("int f(struct pt_regs *ctx) {\n"
		     "    char buf[600];\n"
		     "    bpf_probe_read_kernel(buf, sizeof(buf), (void *)PT_REGS_PARM1(ctx));\n"
		     "    return buf[3] + buf[599];\n"
		     "}\n", &r, &e);
	CHECK(rc == -22 && strstr(e.msg, "prog.c:3:5: error: BPF backend: Looks like the BPF "
					 "stack limit of 512 bytes is exceeded"),
	      "stack limit: %d '%s'", rc, e.msg);
	CHECK(e.log && strstr(e.log, "prog.c:3:5") && !strstr(e.log, "__bpflua__"),
	      "stack limit: the log names the user's file: '%s'", e.log ? e.log : "");
	bl_err_clear(&e);
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
	if (!fn || !fn())
		return NULL;
	fn()->prepare();
	return fn();
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
	    bl_vmlinux_h(vmlinux, sizeof(vmlinux), &e)) {
		fprintf(stderr, "test_compile: vmlinux.h: %s\n", e.msg);
		return 1;
	}
	CHECK(api->abi == BL_COMPILER_ABI, "abi %d", api->abi);
	test_programs();
	test_errors();
	test_pch();
	test_pruned();
	test_probe_args();
	test_num_cpus();
	test_deref();
	test_kernel_pointers();
	test_packet();
	if (access("/sys/kernel/tracing/events", R_OK) &&
	    access("/sys/kernel/debug/tracing/events", R_OK))
		printf("test_compile: tracepoint checks skipped (no tracefs)\n");
	else {
		test_probe_macros();
		test_tracepoint_errors();
	}
	test_fatal_error();
	remove_cache(cache);
	printf("test_compile: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
