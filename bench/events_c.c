/* events_c.c - event stream benchmark, C with libbpf's side (bench/run).
 *
 *   events_c OBJ drain ring|perf UID CMD     fill, then time a drain; twice
 *   events_c OBJ steady ring|perf UID EMIT RATE SECONDS   consumer CPU
 *
 * The callback reads one field of each record, as the other tools' do.
 * Prints "records N first S", "records N seconds S" / "records N cpu_seconds S". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <bpf/libbpf.h>

struct rec { __u64 ts; __u32 pid; __u32 seq; char comm[16]; };

static long n;
static unsigned long long sum;

static int on_ring(void *ctx, void *data, size_t size)
{
	n++;
	sum += ((struct rec *)data)->seq;
	return 0;
}

static void on_perf(void *ctx, int cpu, void *data, __u32 size)
{
	n++;
	sum += ((struct rec *)data)->seq;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void die(const char *what)
{
	fprintf(stderr, "events_c: %s failed\n", what);
	exit(1);
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_map *m;
	struct ring_buffer *rb = NULL;
	struct perf_buffer *pb = NULL;
	int ring, steady;
	__u32 uid;
	size_t sz;

	if (argc < 6)
		die("usage: events_c OBJ drain|steady ring|perf UID CMD [RATE SECONDS]");
	steady = !strcmp(argv[2], "steady");
	ring = !strcmp(argv[3], "ring");
	uid = atoi(argv[4]);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj)
		die("open");
	bpf_object__for_each_map(m, obj)
		if (strstr(bpf_map__name(m), ".rodata"))
			*(__u32 *)bpf_map__initial_value(m, &sz) = uid;
	if (bpf_object__load(obj))
		die("load");
	if (!bpf_program__attach(bpf_object__find_program_by_name(obj, ring ? "to_ring" : "to_perf")))
		die("attach");
	if (ring)
		rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "ring")), on_ring, NULL, NULL);
	else
		pb = perf_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "perf")), 4096, on_perf, NULL, NULL, NULL);
	if (!rb && !pb)
		die("opening the buffer");
	/* Two drains, as the other tools do (their first pays for warming up). */
	for (int k = 0; !steady && k < 2; k++) {
		double t0, t1;

		n = 0;
		if (system(argv[5]) != 0)
			die(argv[5]);
		t0 = now();
		if (ring)
			ring_buffer__consume(rb);
		else
			perf_buffer__consume(pb);
		t1 = now();
		printf("records %ld %s %.6f\n", n, k ? "seconds" : "first", t1 - t0);
	}
	if (steady) {
		long total = atol(argv[6]) * atol(argv[7]);
		char cmd[4096];
		double c0, deadline = now() + atol(argv[7]) + 5;
		FILE *p;

		snprintf(cmd, sizeof(cmd), "%s %u %s %s", argv[5], uid, argv[6], argv[7]);
		p = popen(cmd, "r");
		c0 = cpu();
		while (n < total && now() < deadline) {
			if (ring)
				ring_buffer__poll(rb, 100);
			else
				perf_buffer__poll(pb, 100);
		}
		printf("records %ld cpu_seconds %.6f\n", n, cpu() - c0);
		pclose(p);
	}
	return sum == 0xdeadbeef;
}
