/* testprog.h - helpers shared by the tiny event generators in this directory.
 * Each generator is one .c file built by `make testprogs` into build/testprogs/. */
#ifndef BL_TESTPROG_H
#define BL_TESTPROG_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Exits with status 2 and a message on stderr: a generator that cannot do its
 * job must fail the test that ran it, never produce fewer events quietly. */
static inline void die(const char *what)
{
	fprintf(stderr, "%s: %s\n", what, strerror(errno));
	exit(2);
}

/* Parses a non-negative decimal argument or dies. */
static inline long num_arg(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < 0) {
		fprintf(stderr, "bad %s: '%s'\n", what, s);
		exit(2);
	}
	return v;
}

/* Drops root for good: tests tell their own events from everyone else's by a
 * uid no other process uses. */
static inline void drop_to_uid(long uid)
{
	if (setresgid(uid, uid, uid) != 0)
		die("setresgid");
	if (setresuid(uid, uid, uid) != 0)
		die("setresuid");
}

static inline void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		if (errno != EINTR)
			die("nanosleep");
}

#endif
