/* tables_c.c - table benchmark, C with libbpf's side (bench/run runs it):
 * what bench/tables.lua does on a BPF_MAP_TYPE_HASH(u64, u64), with one
 * bpf() call per key for update and lookup, BPF_MAP_LOOKUP_BATCH for items
 * and BPF_MAP_LOOKUP_AND_DELETE_BATCH for clear (the fastest libbpf has).
 * Prints "OP keys N seconds S". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <bpf/bpf.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void report(const char *op, long n, double t0)
{
	printf("%s keys %ld seconds %.6f\n", op, n, now() - t0);
}

/* Every entry by batches: how many, or -1. */
static long batch(int fd, __u64 *keys, __u64 *vals, __u32 max, int del)
{
	__u32 in, out, n = 0, count;
	void *pin = NULL;
	int r;

	do {
		count = max - n;
		r = del ? bpf_map_lookup_and_delete_batch(fd, pin, &out, keys + n, vals + n, &count, NULL)
			: bpf_map_lookup_batch(fd, pin, &out, keys + n, vals + n, &count, NULL);
		if (r < 0 && r != -2)
			return -1;
		n += count;
		in = out;
		pin = &in;
	} while (r == 0 && n < max);
	return n;
}

int main(int argc, char **argv)
{
	__u32 n = argc > 1 ? atoi(argv[1]) : 100000;
	__u64 *keys = calloc(n, 8), *vals = calloc(n, 8), sum = 0, v;
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "bench_tab", 8, 8, n, NULL);
	long got;
	double t0;

	if (fd < 0 || !keys || !vals) {
		fprintf(stderr, "tables_c: cannot create the map\n");
		return 1;
	}
	t0 = now();
	for (__u64 k = 1; k <= n; k++)
		bpf_map_update_elem(fd, &k, &k, 0);
	report("update", n, t0);
	t0 = now();
	for (__u64 k = 1; k <= n; k++)
		if (!bpf_map_lookup_elem(fd, &k, &v))
			sum += v;
	report("lookup", n, t0);
	t0 = now();
	got = batch(fd, keys, vals, n, 0);
	for (long i = 0; i < got; i++)
		sum += vals[i];
	report("items", got, t0);
	t0 = now();
	got = batch(fd, keys, vals, n, 1);
	report("clear", got, t0);
	return sum == 0;
}
