/* trace_parse.c - bl_trace_parse (trace_pipe.h): one trace_pipe line into
 * its fields.
 *
 * The task name may hold anything, dashes and " [" included, so the parse
 * anchors on the first "-<pid> [<cpu>]" (with an optional "(<tgid>)" before
 * the cpu, when tracefs's record-tgid option is on) and reads the rest left
 * to right: optional flags, "<ts>:", "<event>:", message.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trace_pipe.h"

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* From just before '[' back to the '-' before the pid; NULL if no match. */
static const char *pid_dash(const char *start, const char *bracket)
{
	const char *b = bracket - 1;

	while (b >= start && *b == ' ')
		b--;
	if (b >= start && *b == ')') {
		while (b >= start && *b != '(')
			b--;
		for (b--; b >= start && *b == ' '; b--)
			;
	}
	if (b < start || !isdigit((unsigned char)*b))
		return NULL;
	while (b >= start && isdigit((unsigned char)*b))
		b--;
	return b >= start && *b == '-' ? b : NULL;
}

/* "[<digits>]" at p: returns the cpu, or -1. */
static int cpu_at(const char *p, const char **after)
{
	char *end;
	long cpu;

	if (!isdigit((unsigned char)p[1]))
		return -1;
	cpu = strtol(p + 1, &end, 10);
	if (*end != ']')
		return -1;
	*after = end + 1;
	return (int)cpu;
}

/* Finds the anchor; fills task, pid, cpu; returns the text after ']'. */
static const char *parse_head(const char *s, struct bl_trace_fields *f)
{
	const char *p, *dash, *after;
	size_t n;

	for (p = strchr(s, '['); p; p = strchr(p + 1, '[')) {
		if (p == s || p[-1] != ' ' || (f->cpu = cpu_at(p, &after)) < 0)
			continue;
		dash = pid_dash(s, p);
		if (!dash)
			continue;
		n = dash - s;
		if (n >= sizeof(f->task))
			n = sizeof(f->task) - 1;
		memcpy(f->task, s, n);
		f->task[n] = '\0';
		f->pid = atoi(dash + 1);
		return after;
	}
	return NULL;
}

/* "<seconds>:" (a number right before a colon). */
static int parse_ts(const char *p, double *ts, const char **after)
{
	char *end;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	*ts = strtod(p, &end);
	if (*end != ':')
		return -EINVAL;
	*after = end + 1;
	return 0;
}

/* After ']': "[flags] <ts>: <event>: <msg>". */
static int parse_tail(const char *p, struct bl_trace_fields *f)
{
	const char *tok = skip_spaces(p), *end, *colon;
	size_t n;

	if (parse_ts(tok, &f->ts, &end)) {
		n = strcspn(tok, " ");
		if (!n || n >= sizeof(f->flags))
			return -EINVAL;
		memcpy(f->flags, tok, n);
		f->flags[n] = '\0';
		if (parse_ts(skip_spaces(tok + n), &f->ts, &end))
			return -EINVAL;
	}
	p = skip_spaces(end);
	colon = strstr(p, ": ");
	if (colon && !memchr(p, ' ', colon - p))
		f->msg = colon + 2;
	else if (colon == NULL && p[strcspn(p, " ")] == '\0' && p[0] && p[strlen(p) - 1] == ':')
		f->msg = p + strlen(p);     /* "event:" with an empty message */
	else
		f->msg = p;
	return 0;
}

int bl_trace_parse(const char *line, struct bl_trace_fields *f)
{
	const char *s = skip_spaces(line), *after;

	memset(f, 0, sizeof(*f));
	f->msg = "";
	if (!strncmp(s, "CPU:", 4))
		return -EINVAL;     /* "CPU:1 [LOST 12 EVENTS]" */
	after = parse_head(s, f);
	if (!after)
		return -EINVAL;
	return parse_tail(after, f);
}
