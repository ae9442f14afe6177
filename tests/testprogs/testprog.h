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
#include <sys/stat.h>
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

/* "-w FILE" before the other arguments: removes them from argc/argv and
 * returns FILE (NULL without them), for wait_for_file(). */
static inline const char *take_wait_flag(int *argc, char ***argv)
{
	const char *go;

	if (*argc < 3 || strcmp((*argv)[1], "-w"))
		return NULL;
	go = (*argv)[2];
	*argv += 2;
	*argc -= 2;
	return go;
}

/* Prints the pid and waits until go exists, so a tracer can attach to this
 * process alone first; nothing when go is NULL. */
static inline void wait_for_file(const char *go)
{
	struct stat st;

	if (!go)
		return;
	printf("%d\n", (int)getpid());
	fflush(stdout);
	while (stat(go, &st) != 0)
		sleep_ms(10);
}

#endif
