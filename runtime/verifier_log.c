/* verifier_log.c - see verifier_log.h
 *
 * A rejected program's log ends with statistics ("processed N insns ...",
 * "verification time", "stack depth") after the line that says what went
 * wrong; the line before that is usually the instruction being checked.
 * Some reasons are followed by register state dumps ("infinite loop
 * detected" by the two states it compared): context, not the reason.
 */
#include "verifier_log.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *const noise[] = {
	"processed ", "verification time", "stack depth", "max_states_per_insn",
	"peak_states", "mark_precise", "last_idx", "regs=", "parent ",
	"cur state:", "old state:",
};

static int is_noise(const char *line, size_t n)
{
	for (size_t i = 0; i < sizeof(noise) / sizeof(noise[0]); i++)
		if (n >= strlen(noise[i]) && !strncmp(line, noise[i], strlen(noise[i])))
			return 1;
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)line[i]))
			return 0;
	return 1;
}

/* "12: (61) r0 = ..." - the instruction dump the verifier prints. */
static int is_insn(const char *line, size_t n)
{
	size_t i = 0;

	while (i < n && isdigit((unsigned char)line[i]))
		i++;
	return i > 0 && i + 3 < n && line[i] == ':' && line[i + 1] == ' ' && line[i + 2] == '(';
}

/* Finds the line ending just before `end`; returns its start. */
static const char *prev_line(const char *log, const char *end, size_t *n)
{
	const char *start = end;

	while (start > log && start[-1] != '\n')
		start--;
	*n = end - start;
	return start;
}

static const char *last_meaningful(const char *log, const char *end, size_t *n)
{
	while (end > log) {
		const char *line = prev_line(log, end, n);

		if (!is_noise(line, *n))
			return line;
		end = line > log ? line - 1 : log;
	}
	return NULL;
}

/* "; return *p; @ prog.c:12" - the source line, with BTF line info. */
static const char *source_before(const char *log, const char *insn, size_t *n)
{
	const char *src = insn > log ? last_meaningful(log, insn - 1, n) : NULL;

	return src && *n > 2 && src[0] == ';' && src[1] == ' ' ? src : NULL;
}

int bl_verifier_reason(const char *log, char *out, size_t len)
{
	const char *end = log + strlen(log), *line, *insn, *src = NULL;
	size_t n, in, sn = 0;

	line = last_meaningful(log, end, &n);
	if (!line)
		return 0;
	insn = line > log ? last_meaningful(log, line - 1, &in) : NULL;
	if (!insn || !is_insn(insn, in) || is_insn(line, n)) {
		snprintf(out, len, "%.*s", (int)n, line);
		return 1;
	}
	src = source_before(log, insn, &sn);
	if (src)
		snprintf(out, len, "%.*s (at insn %.*s; source:%.*s)", (int)n, line,
			 (int)in, insn, (int)sn - 1, src + 1);
	else
		snprintf(out, len, "%.*s (at insn %.*s)", (int)n, line, (int)in, insn);
	return 1;
}
