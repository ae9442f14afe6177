/* test_verifier_log.c - the reason bl_verifier_reason() picks from real logs
 * (kernel 6.18 wording). */
#include <stdio.h>
#include <string.h>

#include "verifier_log.h"

static int passed, failed;

static void check(const char *name, const char *log, const char *want)
{
	char out[512] = "";

	bl_verifier_reason(log, out, sizeof(out));
	if (strncmp(out, want, strlen(want)) == 0) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: got \"%s\", want it to start with \"%s\"\n", name, out, want);
}

int main(void)
{
	/* The state dumps after the reason are context, not the reason. */
	check("infinite loop",
	      "0: (85) call bpf_ktime_get_ns#5       ; R0=scalar()\n"
	      "1: (15) if r0 == 0x0 goto pc+1        ; R0=scalar(umin=1)\n"
	      "2: (05) goto pc-1\n"
	      "2: (05) goto pc-1\n"
	      "infinite loop detected at insn 2\n"
	      "cur state: R0=scalar(umin=1) R10=fp0\n"
	      "old state: R0=scalar(umin=1) R10=fp0\n"
	      "processed 9 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0\n",
	      "infinite loop detected at insn 2 (at insn 2: (05) goto pc-1)");
	check("null deref",
	      "; return *v; @ prog.c:5\n"
	      "4: (79) r0 = *(u64 *)(r0 +0)\n"
	      "R0 invalid mem access 'map_value_or_null'\n"
	      "processed 5 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n",
	      "R0 invalid mem access 'map_value_or_null' (at insn 4: (79) r0 = *(u64 *)(r0 +0); source: return *v; @ prog.c:5)");
	check("back-edge",
	      "back-edge from insn 3 to 1\n"
	      "processed 4 insns\n",
	      "back-edge from insn 3 to 1");
	printf("verifier_log: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
