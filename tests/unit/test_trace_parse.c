/* test_trace_parse.c - bl_trace_parse on trace_pipe lines seen on real kernels. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trace_pipe.h"

struct tcase {
	const char *line;
	int ok;              /* expect success */
	const char *task;
	int pid, cpu;
	const char *flags;
	double ts;
	const char *msg;
};

static const struct tcase cases[] = {
	/* this kernel (6.18): 5-character flags */
	{ "            sync-12569   [001] ...21   774.439936: bpf_trace_printk: 6",
	  1, "sync", 12569, 1, "...21", 774.439936, "6" },
	/* older kernels: 4-character flags */
	{ "           <...>-1234  [000] d... 12345.678901: bpf_trace_printk: hello world",
	  1, "<...>", 1234, 0, "d...", 12345.678901, "hello world" },
	/* no flags field at all */
	{ "            bash-77    [003]   10.000001: bpf_trace_printk: x",
	  1, "bash", 77, 3, "", 10.000001, "x" },
	/* task names with dashes, digits, slashes, colons and spaces */
	{ " kworker/u4:2-events-123     [001] d..2.   55.5: bpf_trace_printk: k",
	  1, "kworker/u4:2-events", 123, 1, "d..2.", 55.5, "k" },
	{ "     Web Content-4521    [002] ....    1.25: bpf_trace_printk: tab",
	  1, "Web Content", 4521, 2, "....", 1.25, "tab" },
	{ "     my-prog-2-99  [010] .N..  7.000000: bpf_trace_printk: n",
	  1, "my-prog-2", 99, 10, ".N..", 7.0, "n" },
	{ "           <idle>-0       [000] d.h2.  100.000100: bpf_trace_printk: irq",
	  1, "<idle>", 0, 0, "d.h2.", 100.0001, "irq" },
	/* a task name that itself looks like "[n]" */
	{ "  weird [7] name-42   [001] ....  2.5: bpf_trace_printk: w",
	  1, "weird [7] name", 42, 1, "....", 2.5, "w" },
	/* record-tgid on: "(tgid)" between pid and cpu */
	{ "            bash-1977    (   1977) [000] d...  1.000000: bpf_trace_printk: t",
	  1, "bash", 1977, 0, "d...", 1.0, "t" },
	{ "            bash-1978    (-------) [001] ....  1.5: bpf_trace_printk: u",
	  1, "bash", 1978, 1, "....", 1.5, "u" },
	/* messages with colons, and other event names (old kernels print an address) */
	{ "  python3-5  [000] ....  3.000000: bpf_trace_printk: a: b: c",
	  1, "python3", 5, 0, "....", 3.0, "a: b: c" },
	{ "  python3-5  [000] ....  3.000000: 0x00000001: old style",
	  1, "python3", 5, 0, "....", 3.0, "old style" },
	{ "  python3-5  [000] ....  3.000000: bpf_trace_printk: ",
	  1, "python3", 5, 0, "....", 3.0, "" },
	{ "  python3-5  [000] ....  3.000000: bpf_trace_printk:",
	  1, "python3", 5, 0, "....", 3.0, "" },
	/* a 15-character comm and a big cpu number */
	{ "abcdefghijklmno-4194304 [127] ..... 999999.999999: bpf_trace_printk: big",
	  1, "abcdefghijklmno", 4194304, 127, ".....", 999999.999999, "big" },
	/* not trace lines */
	{ "CPU:1 [LOST 12 EVENTS]", 0 },
	{ "", 0 },
	{ "garbage without structure", 0 },
	{ "  task-12 [001] ....  notatime: x", 0 },
	{ "  task-abc [001] ....  1.0: x", 0 },
};

static int check(const struct tcase *c)
{
	struct bl_trace_fields f;
	int err = bl_trace_parse(c->line, &f);

	if (!c->ok)
		return err != 0;
	return err == 0 && !strcmp(f.task, c->task) && f.pid == c->pid && f.cpu == c->cpu &&
	       !strcmp(f.flags, c->flags) && fabs(f.ts - c->ts) < 1e-6 &&
	       !strcmp(f.msg, c->msg);
}

int main(void)
{
	int n = sizeof(cases) / sizeof(cases[0]), passed = 0;

	for (int i = 0; i < n; i++) {
		struct bl_trace_fields f;

		if (check(&cases[i])) {
			passed++;
			continue;
		}
		bl_trace_parse(cases[i].line, &f);
		printf("FAIL: \"%s\"\n  got task=\"%s\" pid=%d cpu=%d flags=\"%s\" ts=%f msg=\"%s\"\n",
		       cases[i].line, f.task, f.pid, f.cpu, f.flags, f.ts, f.msg ? f.msg : "(null)");
	}
	printf("test_trace_parse: %d passed, %d failed\n", passed, n - passed);
	return passed == n ? 0 : 1;
}
